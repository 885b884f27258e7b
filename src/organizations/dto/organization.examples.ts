/** The reference page's examples, shown in Swagger UI as they are printed there. */

export const CREATE_ORGANIZATION_EXAMPLE = {
  name: 'Acme Corp',
  slug: 'acme-corp',
  billing_email: 'billing@acme.com',
  cloud_region: 'us-east-1',
  settings: { mfa_required: false, enforce_sso: false },
};

export const CREATED_ORGANIZATION_EXAMPLE = {
  org_id: 'org_k7d2m4xq3z5w6b2h',
  name: 'Acme Corp',
  slug: 'acme-corp',
  billing_email: 'billing@acme.com',
  cloud_region: 'us-east-1',
  tier: 'free',
  status: 'active',
  stripe_customer_id: null,
  stripe_subscription_id: null,
  settings: { mfa_required: false, enforce_sso: false, sso_provider: null },
  quotas: {
    monthly_credit_limit: 1000,
    used: 0,
    max_concurrent_queries: 10,
    storage_limit_gb: 10,
  },
  created_at: '2026-02-16T10:00:00Z',
  updated_at: '2026-02-16T10:00:00Z',
};

export const ORGANIZATION_EXAMPLE = {
  org_id: 'org_k7d2m4xq3z5w6b2h',
  name: 'Acme Corp',
  slug: 'acme-corp',
  billing_email: 'billing@acme.com',
  cloud_region: 'us-east-1',
  tier: 'cloud',
  status: 'active',
  stripe_customer_id: 'cus_abc123',
  stripe_subscription_id: 'sub_xyz789',
  settings: { mfa_required: true, enforce_sso: true, sso_provider: 'okta' },
  quotas: {
    monthly_credit_limit: 10000,
    used: 3250,
    max_concurrent_queries: 100,
    storage_limit_gb: 500,
  },
  created_at: '2026-01-15T10:00:00Z',
  updated_at: '2026-02-10T14:30:00Z',
};

export const UPDATE_ORGANIZATION_EXAMPLE = {
  name: 'Acme Corporation',
  billing_email: 'finance@acme.com',
  settings: { mfa_required: true, enforce_sso: true },
};

export const UPDATED_ORGANIZATION_EXAMPLE = {
  ...ORGANIZATION_EXAMPLE,
  name: 'Acme Corporation',
  billing_email: 'finance@acme.com',
  updated_at: '2026-02-16T11:00:00Z',
};
