// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** C0 and C1 control characters (NUL, newlines, escapes...) and the Unicode line separators. */
export function hasControlCharacters(value: string): boolean {
  return CONTROL_CHARACTERS.test(value);
}

/** Text that may be stored, compared and echoed: well-formed, without control characters. */
export function isPrintableText(value: string): boolean {
  return value.isWellFormed() && !hasControlCharacters(value);
}

/** The control characters as a character class, for patterns in the OpenAPI document. */
export const CONTROL_CHARACTER_CLASS = CONTROL_CHARACTERS.source.slice(1, -1);
