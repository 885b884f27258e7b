import { ApiProperty } from '@nestjs/swagger';
import {
  ApiPagination,
  PAGE_DATA_MAX_ITEMS,
  REQUEST_ID_SCHEMA,
  TIMESTAMP_SCHEMA,
  USER_ID_SCHEMA,
} from '../../common/swagger/schema-docs.js';
import { NO_CONTROL_CHARACTERS_PATTERN } from '../../common/validation/field-rules.js';
import { AuditAction, AuditTargetType } from '../audit-action.js';

/** The most fields one entry lists as changed. */
const MAX_CHANGED_FIELDS = 32;

/** A stored value: text, a flag or a number, or null where there was none. */
const FIELD_VALUE_SCHEMA = {
  oneOf: [
    { type: 'string', nullable: true, maxLength: 255, pattern: NO_CONTROL_CHARACTERS_PATTERN },
    { type: 'boolean' },
    { type: 'number' },
  ],
};

/** One changed field of an entry. */
export class AuditFieldChangeResponse {
  @ApiProperty({
    description: 'The field, nested ones by dotted path (`settings.mfa_required`).',
    maxLength: 300,
    pattern: '^[a-z_]+(\\..+)?$',
    example: 'settings.mfa_required',
  })
  field: string;

  @ApiProperty({
    description: 'The value before; null when there was none.',
    ...FIELD_VALUE_SCHEMA,
  })
  from: unknown;

  @ApiProperty({ description: 'The value after; null when there is none.', ...FIELD_VALUE_SCHEMA })
  to: unknown;
}

export class AuditTargetResponse {
  @ApiProperty({ enum: AuditTargetType, enumName: 'AuditTargetType', example: 'organization' })
  type: AuditTargetType;

  @ApiProperty({
    description: 'The organization id, member user id, or `inv_` id of an invitation.',
    ...USER_ID_SCHEMA,
    example: 'org_k7d2m4xq3z5w6b2h',
  })
  id: string;
}

/** One entry of the audit trail. */
export class AuditEventResponse {
  @ApiProperty({ pattern: '^evt_[a-z2-7]{16}$', maxLength: 20, example: 'evt_q3z5w6b2hk7d2m4x' })
  event_id: string;

  @ApiProperty({ enum: AuditAction, enumName: 'AuditAction', example: 'organization.updated' })
  action: AuditAction;

  @ApiProperty({
    description: 'The user id (token `sub`) that made the change, or `system` or `stripe`.',
    ...USER_ID_SCHEMA,
    example: 'usr_2x8k4m',
  })
  actor: string;

  @ApiProperty({ type: () => AuditTargetResponse })
  target: AuditTargetResponse;

  @ApiProperty({
    type: () => [AuditFieldChangeResponse],
    maxItems: MAX_CHANGED_FIELDS,
    description:
      'Each changed field with its value before (`from`) and after (`to`), settings key by ' +
      'key; email addresses are masked (`b***@acme.com`).',
    example: [{ field: 'name', from: 'Acme Corp', to: 'Acme Corporation' }],
  })
  changes: AuditFieldChangeResponse[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The `X-Request-Id` of the request that made the change; null without one.',
    ...REQUEST_ID_SCHEMA,
    example: 'req_8fQk2nV0aZ1xYw3L',
  })
  request_id: string | null;

  @ApiProperty({ ...TIMESTAMP_SCHEMA })
  created_at: string;
}

export class AuditEventPageResponse {
  @ApiProperty({ type: () => [AuditEventResponse], maxItems: PAGE_DATA_MAX_ITEMS })
  data: AuditEventResponse[];

  @ApiPagination('Entries matching the filters')
  pagination: { cursor: string | null; has_more: boolean; total: number };
}
