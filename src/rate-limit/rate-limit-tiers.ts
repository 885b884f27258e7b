import { OrganizationTier } from '../organizations/organization-catalog.js';

/** What one tier allows one caller: a sustained rate and a burst, both in requests. */
export interface TierRateLimit {
  /** Requests in one 60-second window. */
  perMinute: number;
  /** Requests in one 1-second window. */
  burst: number;
}

export const MINUTE_WINDOW_SECONDS = 60;
export const BURST_WINDOW_SECONDS = 1;

/** The limits HatiData publishes for each tier: requests per minute, with burst. */
export const TIER_RATE_LIMITS: Readonly<Record<OrganizationTier, TierRateLimit>> = {
  [OrganizationTier.Free]: { perMinute: 60, burst: 10 },
  [OrganizationTier.Cloud]: { perMinute: 300, burst: 50 },
  [OrganizationTier.Growth]: { perMinute: 1_000, burst: 100 },
  [OrganizationTier.Enterprise]: { perMinute: 10_000, burst: 500 },
};
