import { ValidationError } from 'class-validator';
import { toFieldErrors } from './field-errors.js';

function validationError(
  property: string,
  constraints?: Record<string, string>,
  children: ValidationError[] = [],
): ValidationError {
  return Object.assign(new ValidationError(), { property, constraints, children });
}

describe('toFieldErrors', () => {
  it('returns no fields for no errors', () => {
    expect(toFieldErrors([])).toEqual([]);
  });

  it.each([
    ['isDefined', 'required'],
    ['isNotEmpty', 'required'],
    ['isString', 'type'],
    ['isBoolean', 'type'],
    ['isObject', 'type'],
    ['isInt', 'type'],
    ['nestedValidation', 'type'],
    ['maxLength', 'length'],
    ['minLength', 'length'],
    ['isLength', 'length'],
    ['matches', 'format'],
    ['isEmail', 'format'],
    ['isIn', 'enum'],
    ['isEnum', 'enum'],
  ])("reports class-validator's %s as the constraint %s, with its message", (name, constraint) => {
    const errors = [validationError('name', { [name]: 'name is not right' })];

    expect(toFieldErrors(errors)).toEqual([
      { field: 'name', constraint, message: 'name is not right' },
    ]);
  });

  it("keeps the service's own constraint names (length, reserved, control_characters)", () => {
    const errors = [
      validationError('name', { length: 'name must be 1 to 100 characters' }),
      validationError('slug', { reserved: 'slug is a reserved word' }),
      validationError('email', { control_characters: 'no control characters' }),
    ];

    expect(toFieldErrors(errors).map(({ field, constraint }) => ({ field, constraint }))).toEqual([
      { field: 'name', constraint: 'length' },
      { field: 'slug', constraint: 'reserved' },
      { field: 'email', constraint: 'control_characters' },
    ]);
  });

  it('reports an unknown key as unknown_field with a message of its own, naming the field', () => {
    const errors = [
      validationError('tier', { whitelistValidation: 'property tier should not exist' }),
    ];

    expect(toFieldErrors(errors)).toEqual([
      { field: 'tier', constraint: 'unknown_field', message: 'tier is not accepted here' },
    ]);
  });

  it('names nested fields by dotted path', () => {
    const errors = [
      validationError('settings', undefined, [
        validationError('mfa_required', { isBoolean: 'settings.mfa_required must be a boolean' }),
        validationError('colour', { whitelistValidation: 'property colour should not exist' }),
      ]),
    ];

    expect(toFieldErrors(errors)).toEqual([
      {
        field: 'settings.mfa_required',
        constraint: 'type',
        message: 'settings.mfa_required must be a boolean',
      },
      {
        field: 'settings.colour',
        constraint: 'unknown_field',
        message: 'settings.colour is not accepted here',
      },
    ]);
  });

  it('follows nesting to any depth', () => {
    const errors = [
      validationError('a', {}, [validationError('b', {}, [validationError('c', { isInt: 'x' })])]),
    ];

    expect(toFieldErrors(errors)).toEqual([{ field: 'a.b.c', constraint: 'type', message: 'x' }]);
  });

  it('prefixes every field with the given parent path', () => {
    expect(toFieldErrors([validationError('name', { isString: 'm' })], 'body')).toEqual([
      { field: 'body.name', constraint: 'type', message: 'm' },
    ]);
  });

  it('lists every invalid field, in order, once each, with the first of its constraints', () => {
    const errors = [
      validationError('name', { isString: 'name must be a string', length: 'too long' }),
      validationError('slug', { isDefined: 'slug is required' }),
      validationError('billing_email', { isEmail: 'billing_email must be a valid email address' }),
    ];

    expect(toFieldErrors(errors)).toEqual([
      { field: 'name', constraint: 'type', message: 'name must be a string' },
      { field: 'slug', constraint: 'required', message: 'slug is required' },
      {
        field: 'billing_email',
        constraint: 'format',
        message: 'billing_email must be a valid email address',
      },
    ]);
  });

  it('reports a field whose own constraints failed rather than its children', () => {
    const errors = [
      validationError('settings', { isObject: 'settings must be an object' }, [
        validationError('mfa_required', { isBoolean: 'ignored' }),
      ]),
    ];

    expect(toFieldErrors(errors)).toEqual([
      { field: 'settings', constraint: 'type', message: 'settings must be an object' },
    ]);
  });
});
