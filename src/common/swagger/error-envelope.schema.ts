import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from '../errors/error-code.js';
import { REQUEST_ID_SCHEMA } from './schema-docs.js';

/**
 * An unknown key is named in `field` and `message` exactly as the client sent it, so those are
 * bounded only by the 100 KB body limit (`BODY_LIMIT_BYTES`: 102,400 bytes, at least one per
 * character) and the few words around the key. Every other message is a short sentence.
 */
const ECHOED_TEXT_MAX_LENGTH = 102_500;

/** One entry per invalid key of the body, and each key takes at least 5 bytes of it (`"":0,`). */
const MAX_FIELD_ERRORS = 102_400 / 5;

export class FieldErrorSchema {
  @ApiProperty({
    description: 'The field, nested fields by dotted path; an unknown key exactly as sent.',
    maxLength: ECHOED_TEXT_MAX_LENGTH,
    example: 'slug',
  })
  field: string;

  @ApiProperty({
    description:
      'Which rule failed: required, type, length, format, enum, reserved, unique, ' +
      'unknown_field, immutable, control_characters, requires_sso_provider.',
    pattern: '^[A-Za-z_]+$',
    maxLength: 64,
    example: 'length',
  })
  constraint: string;

  @ApiProperty({ maxLength: ECHOED_TEXT_MAX_LENGTH, example: 'slug must be 3 to 63 characters' })
  message: string;
}

export class ErrorDetailsSchema {
  @ApiPropertyOptional({ type: () => [FieldErrorSchema], maxItems: MAX_FIELD_ERRORS })
  fields?: FieldErrorSchema[];
}

export class ErrorBodySchema {
  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode', example: ErrorCode.ValidationError })
  code: ErrorCode;

  @ApiProperty({
    description: 'A sentence for people; `code` is what programs should read.',
    maxLength: ECHOED_TEXT_MAX_LENGTH,
    example: 'slug must be 3 to 63 characters',
  })
  message: string;

  @ApiPropertyOptional({
    type: () => ErrorDetailsSchema,
    description: 'Structured detail; `fields` lists every invalid field of the request.',
  })
  details?: ErrorDetailsSchema;

  @ApiProperty({
    description: 'Equal to the `X-Request-Id` response header.',
    ...REQUEST_ID_SCHEMA,
    example: 'req_8fQk2nV0aZ1xYw3L',
  })
  request_id: string;
}

/** The body of every error response. */
export class ErrorEnvelopeSchema {
  @ApiProperty({ type: () => ErrorBodySchema })
  error: ErrorBodySchema;
}
