/** The fixed vocabularies of an organization, shared by validation, storage and docs. */

export enum OrganizationTier {
  Free = 'free',
  Cloud = 'cloud',
  Growth = 'growth',
  Enterprise = 'enterprise',
}

export enum OrganizationStatus {
  Active = 'active',
  PendingPayment = 'pending_payment',
  Provisioning = 'provisioning',
  Suspended = 'suspended',
  Cancelled = 'cancelled',
}

/** Why an organization is suspended; only a billing suspension ends when an invoice is paid. */
export enum SuspensionKind {
  Billing = 'billing',
  Policy = 'policy',
}

/** The tiers a checkout can buy. */
export const PAID_TIERS: readonly OrganizationTier[] = [
  OrganizationTier.Cloud,
  OrganizationTier.Growth,
  OrganizationTier.Enterprise,
];

export enum CloudRegion {
  UsEast1 = 'us-east-1',
  EuWest1 = 'eu-west-1',
  ApSoutheast1 = 'ap-southeast-1',
}

export const DEFAULT_CLOUD_REGION = CloudRegion.UsEast1;

export enum SsoProvider {
  Okta = 'okta',
  AzureAd = 'azure_ad',
  GoogleWorkspace = 'google_workspace',
  OneLogin = 'onelogin',
  JumpCloud = 'jumpcloud',
}

export interface TierQuotas {
  monthlyCreditLimit: number;
  maxConcurrentQueries: number;
  storageLimitGb: number;
}

/** The limits each tier grants; `used` is tracked separately and never reset by a tier change. */
export const TIER_QUOTAS: Readonly<Record<OrganizationTier, TierQuotas>> = {
  [OrganizationTier.Free]: {
    monthlyCreditLimit: 1_000,
    maxConcurrentQueries: 10,
    storageLimitGb: 10,
  },
  [OrganizationTier.Cloud]: {
    monthlyCreditLimit: 10_000,
    maxConcurrentQueries: 100,
    storageLimitGb: 500,
  },
  [OrganizationTier.Growth]: {
    monthlyCreditLimit: 100_000,
    maxConcurrentQueries: 500,
    storageLimitGb: 5_000,
  },
  [OrganizationTier.Enterprise]: {
    monthlyCreditLimit: 1_000_000,
    maxConcurrentQueries: 5_000,
    storageLimitGb: 50_000,
  },
};

/** Slugs that would collide with product paths or invite impersonation. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  'api',
  'app',
  'www',
  'admin',
  'docs',
  'proxy',
  'staging',
  'status',
  'help',
  'support',
  'billing',
  'dashboard',
  'login',
  'signup',
  'settings',
  'static',
  'assets',
  'hatidata',
  'root',
  'system',
]);
