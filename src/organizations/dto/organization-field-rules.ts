import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsDefined, IsEmail, IsIn, IsString, Length, Matches, MaxLength } from 'class-validator';
import {
  HasCharacterCount,
  HasNoControlCharacters,
  IsReadableText,
  IsNotReserved,
  IsOptionalNotNull,
  NO_CONTROL_CHARACTERS_PATTERN,
  Trim,
} from '../../common/validation/field-rules.js';
import { CloudRegion, RESERVED_SLUGS } from '../organization-catalog.js';

/** Letters and digits, single hyphens between them. Length is checked on its own. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SLUG_PATTERN_SOURCE = '^[a-z0-9]+(-[a-z0-9]+)*$';

interface FieldRuleOptions {
  required: boolean;
  doc?: ApiPropertyOptions;
}

/*
 * One decorator per organization field, shared by the create and update bodies so both
 * enforce and document the same rules. class-validator runs a property's rules in the order
 * they are registered and stops at the first failure, so each list goes from presence and
 * type to the finer rules.
 */

export const NAME_NOT_READABLE =
  'name must be well-formed text with at least one visible character';

function documented(required: boolean, options: ApiPropertyOptions): PropertyDecorator {
  return required ? ApiProperty(options) : ApiPropertyOptional(options);
}

function presence(field: string, required: boolean): PropertyDecorator {
  return required ? IsDefined({ message: `${field} is required` }) : IsOptionalNotNull();
}

export function NameField({ required, doc }: FieldRuleOptions): PropertyDecorator {
  return applyDecorators(
    documented(required, {
      description: 'Display name; surrounding white space is trimmed. Any script or emoji.',
      minLength: 1,
      maxLength: 100,
      pattern: NO_CONTROL_CHARACTERS_PATTERN,
      example: 'Acme Corp',
      ...doc,
    }),
    Trim(),
    presence('name', required),
    IsString({ message: 'name must be a string' }),
    HasCharacterCount(1, 100, { message: 'name must be 1 to 100 characters' }),
    HasNoControlCharacters({ message: 'name must not contain control characters' }),
    IsReadableText({ message: NAME_NOT_READABLE }),
  );
}

export function SlugField({ required, doc }: FieldRuleOptions): PropertyDecorator {
  return applyDecorators(
    documented(required, {
      description:
        'URL-safe identifier, unique across all organizations: lowercase letters, digits and ' +
        'single hyphens, starting and ending with a letter or digit. Reserved words are ' +
        'refused. Cannot be changed after creation.',
      minLength: 3,
      maxLength: 63,
      pattern: SLUG_PATTERN_SOURCE,
      example: 'acme-corp',
      ...doc,
    }),
    presence('slug', required),
    IsString({ message: 'slug must be a string' }),
    Length(3, 63, { message: 'slug must be 3 to 63 characters' }),
    Matches(SLUG_PATTERN, {
      message:
        'slug may contain only lowercase letters, digits and single hyphens, and must start ' +
        'and end with a letter or digit',
    }),
    IsNotReserved(RESERVED_SLUGS, { message: 'slug is a reserved word' }),
  );
}

export function BillingEmailField({ required, doc }: FieldRuleOptions): PropertyDecorator {
  return applyDecorators(
    documented(required, {
      description: 'Where billing notifications go.',
      format: 'email',
      maxLength: 254,
      example: 'billing@acme.com',
      ...doc,
    }),
    Trim(),
    presence('billing_email', required),
    IsString({ message: 'billing_email must be a string' }),
    MaxLength(254, { message: 'billing_email must be at most 254 characters' }),
    IsEmail({}, { message: 'billing_email must be a valid email address' }),
  );
}

export function CloudRegionField({ doc }: { doc?: ApiPropertyOptions }): PropertyDecorator {
  const regions = Object.values(CloudRegion);

  return applyDecorators(
    documented(false, {
      description: 'Deployment region. Cannot be changed after creation.',
      enum: CloudRegion,
      enumName: 'CloudRegion',
      default: CloudRegion.UsEast1,
      example: CloudRegion.UsEast1,
      ...doc,
    }),
    IsOptionalNotNull(),
    IsIn(regions, { message: `cloud_region must be one of ${regions.join(', ')}` }),
  );
}
