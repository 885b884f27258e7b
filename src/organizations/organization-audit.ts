import { maskEmail } from '../audit/audit-changes.js';
import type { Organization } from './entities/organization.entity.js';

/**
 * The fields of an organization its audit entries compare, settings key by key. The billing
 * email is masked; quotas follow the tier and timestamps every change, so neither is listed.
 */
export function auditedOrganizationFields(
  organization: Pick<
    Organization,
    | 'name'
    | 'slug'
    | 'billingEmail'
    | 'cloudRegion'
    | 'tier'
    | 'status'
    | 'stripeCustomerId'
    | 'stripeSubscriptionId'
    | 'mfaRequired'
    | 'enforceSso'
    | 'ssoProvider'
  >,
): Record<string, unknown> {
  return {
    name: organization.name,
    slug: organization.slug,
    billing_email: maskEmail(organization.billingEmail),
    cloud_region: organization.cloudRegion,
    tier: organization.tier,
    status: organization.status,
    stripe_customer_id: organization.stripeCustomerId,
    stripe_subscription_id: organization.stripeSubscriptionId,
    'settings.mfa_required': organization.mfaRequired,
    'settings.enforce_sso': organization.enforceSso,
    'settings.sso_provider': organization.ssoProvider,
  };
}
