import type { OrganizationTier } from '../organizations/organization-catalog.js';

/** The tiers a checkout sells, each with its Stripe price. */
export type PaidTier = Exclude<OrganizationTier, OrganizationTier.Free>;

/** How the service talks to Stripe. Without them, checkout answers 503 and so does the webhook. */
export interface StripeSettings {
  /** `sk_...`: the secret API key. */
  secretKey: string;
  /** `whsec_...`: the signing secret of the webhook endpoint. */
  webhookSecret: string;
  /** The Stripe price id of each paid tier. */
  prices: Readonly<Record<PaidTier, string>>;
  /** Where Stripe sends the buyer after paying, and after giving up. */
  successUrl: string;
  cancelUrl: string;
  /** Another origin for Stripe's API (`http://127.0.0.1:12111`), such as a local stand-in. */
  apiUrl?: string;
}
