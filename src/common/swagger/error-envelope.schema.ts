import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_FIELD_ERRORS } from '../errors/domain-error.js';
import { ErrorCode } from '../errors/error-code.js';
import { MAX_BODY_DEPTH } from '../validation/body-validation.pipe.js';
import { MAX_ECHOED_KEY_LENGTH } from '../validation/field-errors.js';
import { REQUEST_ID_SCHEMA } from './schema-docs.js';

/**
 * Messages are short sentences; a client's key is echoed at most `MAX_ECHOED_KEY_LENGTH`
 * characters long per level of nesting (`MAX_BODY_DEPTH`).
 */
const ECHOED_TEXT_MAX_LENGTH = (MAX_ECHOED_KEY_LENGTH + 2) * MAX_BODY_DEPTH + 200;

export class FieldErrorSchema {
  @ApiProperty({
    description:
      'The field, nested fields by dotted path; an unknown key as sent, cut at 100 characters.',
    maxLength: ECHOED_TEXT_MAX_LENGTH,
    example: 'slug',
  })
  field: string;

  @ApiProperty({
    description:
      'Which rule failed: required, type, length, format, enum, reserved, unique, ' +
      'unknown_field, duplicate_key, immutable, control_characters, requires_sso_provider, ' +
      'after_since.',
    pattern: '^[A-Za-z_]+$',
    maxLength: 64,
    example: 'length',
  })
  constraint: string;

  @ApiProperty({ maxLength: ECHOED_TEXT_MAX_LENGTH, example: 'slug must be 3 to 63 characters' })
  message: string;
}

const ROLES = ['owner', 'admin', 'developer', 'analyst', 'auditor', 'service_account'];
const STATUSES = ['active', 'pending_payment', 'provisioning', 'suspended', 'cancelled'];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Every key an error's `details` may carry; which ones depends on the error. */
export class ErrorDetailsSchema {
  @ApiPropertyOptional({
    type: () => [FieldErrorSchema],
    maxItems: MAX_FIELD_ERRORS,
    description: '400: every invalid field of the request (at most 100 listed).',
  })
  fields?: FieldErrorSchema[];

  @ApiPropertyOptional({
    enum: [
      'mfa_required',
      'sso_required',
      'idempotency_key_in_flight',
      'idempotency_key_reused',
      'retention_expired',
    ],
    description:
      "403 or 409: the organization's security setting that refused the request, or that " +
      'the change would lock you out of; 409: why the `Idempotency-Key` cannot be used; 409 ' +
      '`retention_expired`: a cancelled organization past its retention period cannot be ' +
      'restored.',
  })
  reason?: string;

  @ApiPropertyOptional({
    description: '412: the current `ETag` of the resource, to read it again or retry with.',
    pattern: '^"[0-9]+"$',
    maxLength: 12,
    example: '"8"',
  })
  current_etag?: string;

  @ApiPropertyOptional({
    enum: STATUSES,
    description: '409 (refused lifecycle transition): the status the organization is in.',
  })
  from?: string;

  @ApiPropertyOptional({
    enum: STATUSES,
    description: '409 (refused lifecycle transition): the status the request would lead to.',
  })
  to?: string;

  @ApiPropertyOptional({
    enum: STATUSES,
    description: '409 (update refused): the status that keeps the organization from changing.',
  })
  status?: string;

  @ApiPropertyOptional({
    enum: ['settings.mfa_required', 'settings.enforce_sso'],
    description: '409 (self-lockout): the setting in the request that would lock you out.',
  })
  field?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', enum: ROLES },
    maxItems: ROLES.length,
    description: '403: the roles the operation takes.',
  })
  required_roles?: string[];

  @ApiPropertyOptional({ enum: ROLES, description: '403: your role in the organization.' })
  role?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', enum: METHODS },
    maxItems: METHODS.length,
    description: '405: the methods the path takes (also in the `Allow` header).',
  })
  allowed_methods?: string[];

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: 60,
    description: '429: seconds to wait before retrying (also in the `Retry-After` header).',
  })
  retry_after_seconds?: number;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: 1_000_000,
    description: "429: requests per minute allowed by the organization's tier.",
  })
  limit_per_minute?: number;
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
