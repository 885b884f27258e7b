import { ApiProperty } from '@nestjs/swagger';
import {
  ApiPagination,
  INT32_MAX,
  PAGE_DATA_MAX_ITEMS,
  TIMESTAMP_SCHEMA,
} from '../../common/swagger/schema-docs.js';
import { NO_CONTROL_CHARACTERS_PATTERN } from '../../common/validation/field-rules.js';
import { OrganizationRole } from '../organization-role.enum.js';
import {
  CloudRegion,
  OrganizationStatus,
  OrganizationTier,
  SsoProvider,
  TIER_QUOTAS,
} from '../organization-catalog.js';
import { SLUG_PATTERN_SOURCE } from './organization-field-rules.js';

/** A count kept in a PostgreSQL `integer` column: never negative. */
const COUNT = { type: 'integer', format: 'int32', minimum: 0, maximum: INT32_MAX } as const;

/** The largest monthly credit limit a tier grants (enterprise). */
const MAX_MONTHLY_CREDIT_LIMIT = Math.max(
  ...Object.values(TIER_QUOTAS).map((quotas) => quotas.monthlyCreditLimit),
);

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
    ...COUNT,
    maximum: MAX_MONTHLY_CREDIT_LIMIT,
    description: 'Credits per month allowed by the tier.',
    example: 10000,
  })
  monthly_credit_limit: number;

  @ApiProperty({ ...COUNT, description: 'Credits used this month.', example: 3250 })
  used: number;

  @ApiProperty({ ...COUNT, example: 100 })
  max_concurrent_queries: number;

  @ApiProperty({ ...COUNT, example: 500 })
  storage_limit_gb: number;
}

/** An organization as every endpoint returns it: all keys, always, in this order. */
export class OrganizationResponse {
  @ApiProperty({
    description: '`org_` and 16 lowercase letters and digits.',
    pattern: '^org_[a-z2-7]{16}$',
    maxLength: 20,
    example: 'org_k7d2m4xq3z5w6b2h',
    readOnly: true,
  })
  org_id: string;

  @ApiProperty({
    example: 'Acme Corp',
    minLength: 1,
    maxLength: 100,
    pattern: NO_CONTROL_CHARACTERS_PATTERN,
  })
  name: string;

  @ApiProperty({ example: 'acme-corp', minLength: 3, maxLength: 63, pattern: SLUG_PATTERN_SOURCE })
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

  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 255,
    example: 'cus_abc123',
    readOnly: true,
  })
  stripe_customer_id: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 255,
    example: 'sub_xyz789',
    readOnly: true,
  })
  stripe_subscription_id: string | null;

  @ApiProperty({ type: () => OrganizationSettingsResponse })
  settings: OrganizationSettingsResponse;

  @ApiProperty({ type: () => OrganizationQuotasResponse, readOnly: true })
  quotas: OrganizationQuotasResponse;

  @ApiProperty({ ...TIMESTAMP_SCHEMA, example: '2026-02-16T10:00:00Z', readOnly: true })
  created_at: string;

  @ApiProperty({ ...TIMESTAMP_SCHEMA, example: '2026-02-16T10:00:00Z', readOnly: true })
  updated_at: string;
}

/** An organization in the caller's list, with the caller's role in it. */
export class OrganizationWithRoleResponse extends OrganizationResponse {
  @ApiProperty({ enum: OrganizationRole, enumName: 'OrganizationRole', example: 'owner' })
  role: OrganizationRole;
}

export class OrganizationPageResponse {
  @ApiProperty({ type: () => [OrganizationWithRoleResponse], maxItems: PAGE_DATA_MAX_ITEMS })
  data: OrganizationWithRoleResponse[];

  @ApiPagination('Items over all pages')
  pagination: { cursor: string | null; has_more: boolean; total: number };
}
