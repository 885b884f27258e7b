import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from '../errors/error-code.js';

export class FieldErrorSchema {
  @ApiProperty({ description: 'The field, nested fields by dotted path.', example: 'slug' })
  field: string;

  @ApiProperty({
    description:
      'Which rule failed: required, type, length, format, enum, reserved, unique, ' +
      'unknown_field, immutable, control_characters, requires_sso_provider.',
    example: 'length',
  })
  constraint: string;

  @ApiProperty({ example: 'slug must be 3 to 63 characters' })
  message: string;
}

export class ErrorDetailsSchema {
  @ApiPropertyOptional({ type: () => [FieldErrorSchema] })
  fields?: FieldErrorSchema[];
}

export class ErrorBodySchema {
  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode', example: ErrorCode.ValidationError })
  code: ErrorCode;

  @ApiProperty({ example: 'slug must be 3 to 63 characters' })
  message: string;

  @ApiPropertyOptional({
    type: () => ErrorDetailsSchema,
    description: 'Structured detail; `fields` lists every invalid field of the request.',
  })
  details?: ErrorDetailsSchema;

  @ApiProperty({
    description: 'Equal to the `X-Request-Id` response header.',
    pattern: '^req_[A-Za-z0-9_-]+$',
    example: 'req_8fQk2nV0aZ1xYw3L',
  })
  request_id: string;
}

/** The body of every error response. */
export class ErrorEnvelopeSchema {
  @ApiProperty({ type: () => ErrorBodySchema })
  error: ErrorBodySchema;
}
