import { toIsoSeconds } from '../common/http/timestamps.js';
import { OrganizationResponse } from './dto/organization.response.js';
import { Organization } from './entities/organization.entity.js';

/** The wire form of an organization. Key order is part of the contract. */
export function toOrganizationResponse(organization: Organization): OrganizationResponse {
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
