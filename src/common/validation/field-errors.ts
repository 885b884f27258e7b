import type { ValidationError } from 'class-validator';
import { type FieldError } from '../errors/error-envelope.js';

/**
 * class-validator's constraint names, mapped to the short vocabulary clients see in
 * `details.fields[].constraint`. Custom validators of this service already use that vocabulary.
 */
const CONSTRAINT_NAMES: Readonly<Record<string, string>> = {
  isDefined: 'required',
  isNotEmpty: 'required',
  isString: 'type',
  isBoolean: 'type',
  isObject: 'type',
  isInt: 'type',
  min: 'range',
  max: 'range',
  nestedValidation: 'type',
  maxLength: 'length',
  minLength: 'length',
  isLength: 'length',
  matches: 'format',
  isEmail: 'format',
  isIn: 'enum',
  isEnum: 'enum',
  whitelistValidation: 'unknown_field',
};

/** A client's key is echoed back at most this long, so an error never grows with the input. */
export const MAX_ECHOED_KEY_LENGTH = 100;

export function echoKey(key: string): string {
  return key.length > MAX_ECHOED_KEY_LENGTH ? `${key.slice(0, MAX_ECHOED_KEY_LENGTH)}…` : key;
}

/** Flattens class-validator's tree into one entry per invalid field, by dotted path. */
export function toFieldErrors(errors: ValidationError[], parentPath = ''): FieldError[] {
  return errors.flatMap((error) => {
    const property = echoKey(error.property);
    const field = parentPath ? `${parentPath}.${property}` : property;
    const constraints = Object.entries(error.constraints ?? {});
    if (constraints.length > 0) {
      const [name, message] = constraints[0];
      const constraint = CONSTRAINT_NAMES[name] ?? name;
      const text = constraint === 'unknown_field' ? `${field} is not accepted here` : message;

      return [{ field, constraint, message: text }];
    }

    return toFieldErrors(error.children ?? [], field);
  });
}
