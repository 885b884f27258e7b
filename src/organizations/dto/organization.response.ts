import { ApiProperty } from '@nestjs/swagger';
import { OrganizationRole } from '../organization-role.enum.js';
import {
  CloudRegion,
  OrganizationStatus,
  OrganizationTier,
  SsoProvider,
} from '../organization-catalog.js';

const TIMESTAMP_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$';

export class OrganizationSettingsResponse {
  @ApiProperty({ type: Boolean, example: true })
  mfa_required: boolean;

  @ApiProperty({ type: Boolean, example: true })
  enforce_sso: boolean;

  @ApiProperty({
    type: 'string',
    enum: [...Object.values(SsoProvider), null],
    nullable: true,
    example: 'okta',
  })
  sso_provider: SsoProvider | null;
}

export class OrganizationQuotasResponse {
  @ApiProperty({
    type: 'integer',
    description: 'Credits per month allowed by the tier.',
    example: 10000,
  })
  monthly_credit_limit: number;

  @ApiProperty({ type: 'integer', description: 'Credits used this month.', example: 3250 })
  used: number;

  @ApiProperty({ type: 'integer', example: 100 })
  max_concurrent_queries: number;

  @ApiProperty({ type: 'integer', example: 500 })
  storage_limit_gb: number;
}

/** An organization as every endpoint returns it: all keys, always, in this order. */
export class OrganizationResponse {
  @ApiProperty({
    description: '`org_` and 16 lowercase letters and digits.',
    pattern: '^org_[a-z2-7]{16}$',
    example: 'org_k7d2m4xq3z5w6b2h',
    readOnly: true,
  })
  org_id: string;

  @ApiProperty({ example: 'Acme Corp', minLength: 1, maxLength: 100 })
  name: string;

  @ApiProperty({ example: 'acme-corp', minLength: 3, maxLength: 63 })
  slug: string;

  @ApiProperty({ format: 'email', example: 'billing@acme.com', maxLength: 254 })
  billing_email: string;

  @ApiProperty({ enum: CloudRegion, enumName: 'CloudRegion', example: CloudRegion.UsEast1 })
  cloud_region: CloudRegion;

  @ApiProperty({
    enum: OrganizationTier,
    enumName: 'OrganizationTier',
    example: OrganizationTier.Free,
    readOnly: true,
  })
  tier: OrganizationTier;

  @ApiProperty({
    enum: OrganizationStatus,
    enumName: 'OrganizationStatus',
    example: OrganizationStatus.Active,
    readOnly: true,
  })
  status: OrganizationStatus;

  @ApiProperty({ type: String, nullable: true, example: 'cus_abc123', readOnly: true })
  stripe_customer_id: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'sub_xyz789', readOnly: true })
  stripe_subscription_id: string | null;

  @ApiProperty({ type: () => OrganizationSettingsResponse })
  settings: OrganizationSettingsResponse;

  @ApiProperty({ type: () => OrganizationQuotasResponse, readOnly: true })
  quotas: OrganizationQuotasResponse;

  @ApiProperty({
    format: 'date-time',
    pattern: TIMESTAMP_PATTERN,
    example: '2026-02-16T10:00:00Z',
    readOnly: true,
  })
  created_at: string;

  @ApiProperty({
    format: 'date-time',
    pattern: TIMESTAMP_PATTERN,
    example: '2026-02-16T10:00:00Z',
    readOnly: true,
  })
  updated_at: string;
}

/** An organization in the caller's list, with the caller's role in it. */
export class OrganizationWithRoleResponse extends OrganizationResponse {
  @ApiProperty({ enum: OrganizationRole, enumName: 'OrganizationRole', example: 'owner' })
  role: OrganizationRole;
}

export class OrganizationPageResponse {
  @ApiProperty({ type: () => [OrganizationWithRoleResponse] })
  data: OrganizationWithRoleResponse[];

  @ApiProperty({
    type: 'object',
    properties: {
      cursor: { type: 'string', nullable: true, description: 'Pass as `cursor` for the next page' },
      has_more: { type: 'boolean' },
      total: { type: 'integer', description: 'Items over all pages' },
    },
    required: ['cursor', 'has_more', 'total'],
  })
  pagination: { cursor: string | null; has_more: boolean; total: number };
}
