import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, ValidateBy, type ValidationOptions } from 'class-validator';
import { ListQueryDto } from '../../common/pagination/list-query.dto.js';
import { USER_ID_SCHEMA } from '../../common/swagger/schema-docs.js';
import { isPrintableText } from '../../common/text.js';
import { IsOptionalNotNull } from '../../common/validation/field-rules.js';
import { ALL_AUDIT_ACTIONS, AuditAction } from '../audit-action.js';

/** `2026-02-16T10:00:00Z`, with optional fractions of a second and any UTC offset. */
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
export const AUDIT_TIMESTAMP_PATTERN = TIMESTAMP.source;

/** A real instant written in ISO 8601 with a zone, from 1970 to 9999 (no February 30th). */
export function isIsoTimestamp(value: unknown): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  const match = TIMESTAMP.exec(value);
  if (!match) {
    return false;
  }
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const calendar = new Date(Date.UTC(year, month - 1, day, hour, minute, second));

  return (
    year >= 1970 &&
    calendar.getUTCMonth() === month - 1 &&
    calendar.getUTCDate() === day &&
    calendar.getUTCHours() === hour &&
    calendar.getUTCMinutes() === minute &&
    calendar.getUTCSeconds() === second &&
    !Number.isNaN(Date.parse(value))
  );
}

function IsIsoTimestamp(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'format', validator: { validate: (value) => isIsoTimestamp(value) } },
    validationOptions,
  );
}

function IsPrintable(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'format',
      validator: {
        validate: (value) =>
          typeof value === 'string' && value.trim() !== '' && isPrintableText(value),
      },
    },
    validationOptions,
  );
}

const TIMESTAMP_MESSAGE = (name: string) =>
  `${name} must be an ISO 8601 date and time with a zone, such as 2026-02-16T10:00:00Z`;

export class AuditLogQueryDto extends ListQueryDto {
  @ApiPropertyOptional({
    enum: AuditAction,
    enumName: 'AuditAction',
    description: 'Only entries of this action.',
  })
  @IsIn(ALL_AUDIT_ACTIONS, { message: `action must be one of ${ALL_AUDIT_ACTIONS.join(', ')}` })
  @IsOptionalNotNull()
  action?: AuditAction;

  @ApiPropertyOptional({
    description: 'Only entries by this actor: a user id, `system` or `stripe`.',
    ...USER_ID_SCHEMA,
    example: 'usr_2x8k4m',
  })
  @IsPrintable({ message: 'actor must be a user id, system or stripe' })
  @MaxLength(255, { message: 'actor must be at most 255 characters' })
  @IsString({ message: 'actor must be a string' })
  @IsOptionalNotNull()
  actor?: string;

  @ApiPropertyOptional({
    description: 'Only entries written at or after this instant.',
    format: 'date-time',
    pattern: AUDIT_TIMESTAMP_PATTERN,
    maxLength: 32,
    example: '2026-02-16T10:00:00Z',
  })
  @IsIsoTimestamp({ message: TIMESTAMP_MESSAGE('since') })
  @IsOptionalNotNull()
  since?: string;

  @ApiPropertyOptional({
    description: 'Only entries written before this instant; must be after `since`.',
    format: 'date-time',
    pattern: AUDIT_TIMESTAMP_PATTERN,
    maxLength: 32,
    example: '2026-02-17T10:00:00Z',
  })
  @IsIsoTimestamp({ message: TIMESTAMP_MESSAGE('until') })
  @IsOptionalNotNull()
  until?: string;
}
