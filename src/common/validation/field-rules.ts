import { Transform } from 'class-transformer';
import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';
import { CONTROL_CHARACTER_CLASS, hasControlCharacters } from '../text.js';

/**
 * Validates the property only when it is present; an explicit `null` is still checked (and
 * refused by the rules that follow), unlike class-validator's `@IsOptional()`.
 */
export function IsOptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}

/** Trims surrounding white space from strings before validation; other values pass unchanged. */
export function Trim(): PropertyDecorator {
  return Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
}

/** Length in characters as people count them (code points), the way PostgreSQL counts. */
export function characterCount(value: string): number {
  let count = 0;
  for (const _character of value) {
    count += 1;
  }

  return count;
}

/** Between `min` and `max` characters, counted as code points. Constraint name: `length`. */
export function HasCharacterCount(
  min: number,
  max: number,
  validationOptions?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'length',
      constraints: [min, max],
      validator: {
        validate: (value) =>
          typeof value === 'string' && characterCount(value) >= min && characterCount(value) <= max,
      },
    },
    validationOptions,
  );
}

/** Text that `HasNoControlCharacters` accepts, as a pattern for the OpenAPI document. */
export const NO_CONTROL_CHARACTERS_PATTERN = `^[^${CONTROL_CHARACTER_CLASS}]*$`;

/** No control characters (NUL, newlines, escapes...). Constraint name: `control_characters`. */
export function HasNoControlCharacters(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'control_characters',
      validator: {
        validate: (value) => typeof value === 'string' && !hasControlCharacters(value),
      },
    },
    validationOptions,
  );
}

const VISIBLE_CHARACTER = /[\p{L}\p{N}\p{P}\p{S}]/u;

/**
 * Well-formed Unicode (no lone surrogates, which storage would silently replace) with at least
 * one visible character (not only spaces or zero-width marks). Constraint name: `format`.
 */
export function IsReadableText(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'format',
      validator: {
        validate: (value) =>
          typeof value === 'string' && value.isWellFormed() && VISIBLE_CHARACTER.test(value),
      },
    },
    validationOptions,
  );
}

/** Not one of `words`. Constraint name: `reserved`. */
export function IsNotReserved(
  words: ReadonlySet<string>,
  validationOptions?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'reserved',
      validator: { validate: (value) => typeof value === 'string' && !words.has(value) },
    },
    validationOptions,
  );
}
