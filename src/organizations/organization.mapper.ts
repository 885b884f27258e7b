import { withEntityTag } from '../common/http/entity-tag.interceptor.js';
import { strongEntityTag } from '../common/http/entity-tags.js';
import { toIsoSeconds } from '../common/http/timestamps.js';
import { OrganizationResponse } from './dto/organization.response.js';
import { Organization } from './entities/organization.entity.js';

/**
 * The organization's entity tag: its stored version, which the database raises with every
 * change of the row, so the tag changes with every stored change and costs no query.
 */
export function organizationEntityTag(organization: Pick<Organization, 'version'>): string {
  if (!Number.isInteger(organization.version)) {
    throw new Error('an organization without its version has no entity tag; load the column');
  }

  return strongEntityTag(organization.version);
}

/**
 * The wire form of an organization. Key order is part of the contract. The body carries the
 * organization's entity tag, which `EntityTagInterceptor` sends as `ETag`: every endpoint that
 * answers with this body gets the header.
 */
export function toOrganizationResponse(organization: Organization): OrganizationResponse {
  return withEntityTag(toOrganizationBody(organization), organizationEntityTag(organization));
}

function toOrganizationBody(organization: Organization): OrganizationResponse {
  return {
    org_id: organization.orgId,
    name: organization.name,
    slug: organization.slug,
    billing_email: organization.billingEmail,
    cloud_region: organization.cloudRegion,
    tier: organization.tier,
    status: organization.status,
    stripe_customer_id: organization.stripeCustomerId,
    stripe_subscription_id: organization.stripeSubscriptionId,
    settings: {
      mfa_required: organization.mfaRequired,
      enforce_sso: organization.enforceSso,
      sso_provider: organization.ssoProvider,
    },
    quotas: {
      monthly_credit_limit: organization.monthlyCreditLimit,
      used: organization.creditsUsed,
      max_concurrent_queries: organization.maxConcurrentQueries,
      storage_limit_gb: organization.storageLimitGb,
    },
    created_at: toIsoSeconds(organization.createdAt),
    updated_at: toIsoSeconds(organization.updatedAt),
  };
}
