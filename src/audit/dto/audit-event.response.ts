import { ApiProperty } from '@nestjs/swagger';
import {
  ApiPagination,
  PAGE_DATA_MAX_ITEMS,
  REQUEST_ID_SCHEMA,
  TIMESTAMP_SCHEMA,
  USER_ID_SCHEMA,
} from '../../common/swagger/schema-docs.js';
import { AuditAction, AuditTargetType } from '../audit-action.js';
import type { AuditChanges } from '../audit-changes.js';

/** The most fields one entry lists as changed. */
const MAX_CHANGED_FIELDS = 32;

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
    type: 'object',
    description:
      'Each changed field, nested ones by dotted path (`settings.mfa_required`), with its ' +
      'value before (`from`) and after (`to`); `null` where there was none. Email addresses ' +
      'are masked (`b***@acme.com`).',
    maxProperties: MAX_CHANGED_FIELDS,
    additionalProperties: {
      type: 'object',
      properties: {
        from: { description: 'The value before; null when the field did not exist.' },
        to: { description: 'The value after; null when the field no longer exists.' },
      },
      required: ['from', 'to'],
    },
    example: { name: { from: 'Acme Corp', to: 'Acme Corporation' } },
  })
  changes: AuditChanges;

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
