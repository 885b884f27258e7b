// The service's read of one organization for a member, and its JSON, shared by the benchmark's
// baseline server and its adapter comparison so that all of them do the same work.
export const ACCESS_QUERY = `
  SELECT o.*, m.role AS membership_role
    FROM organizations o
    JOIN organization_memberships m
      ON m.org_id = o.org_id AND m.user_id = $2 AND m.status = 'active'
   WHERE o.org_id = $1`;

function iso(date) {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function toOrganization(row) {
  return {
    org_id: row.org_id,
    name: row.name,
    slug: row.slug,
    billing_email: row.billing_email,
    cloud_region: row.cloud_region,
    tier: row.tier,
    status: row.status,
    stripe_customer_id: row.stripe_customer_id,
    stripe_subscription_id: row.stripe_subscription_id,
    settings: {
      mfa_required: row.mfa_required,
      enforce_sso: row.enforce_sso,
      sso_provider: row.sso_provider,
    },
    quotas: {
      monthly_credit_limit: row.monthly_credit_limit,
      used: row.credits_used,
      max_concurrent_queries: row.max_concurrent_queries,
      storage_limit_gb: row.storage_limit_gb,
    },
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}
