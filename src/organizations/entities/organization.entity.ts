import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import {
  CloudRegion,
  OrganizationStatus,
  OrganizationTier,
  SsoProvider,
  SuspensionKind,
} from '../organization-catalog.js';

/**
 * An organization as stored. The slug's case-insensitive uniqueness is an expression index
 * (`uq_organizations_slug` on `lower(slug)`) that lives in the migrations only.
 */
@Entity({ name: 'organizations' })
export class Organization {
  @PrimaryColumn({ name: 'org_id', type: 'varchar', length: 32 })
  orgId: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 63 })
  slug: string;

  @Column({ name: 'billing_email', type: 'varchar', length: 254 })
  billingEmail: string;

  @Column({ name: 'cloud_region', type: 'varchar', length: 32 })
  cloudRegion: CloudRegion;

  @Column({ type: 'varchar', length: 16 })
  tier: OrganizationTier;

  @Column({ type: 'varchar', length: 24 })
  status: OrganizationStatus;

  @Column({ name: 'stripe_customer_id', type: 'varchar', length: 255, nullable: true })
  stripeCustomerId: string | null;

  @Column({ name: 'stripe_subscription_id', type: 'varchar', length: 255, nullable: true })
  stripeSubscriptionId: string | null;

  @Column({ name: 'mfa_required', type: 'boolean', default: false })
  mfaRequired: boolean;

  @Column({ name: 'enforce_sso', type: 'boolean', default: false })
  enforceSso: boolean;

  @Column({ name: 'sso_provider', type: 'varchar', length: 32, nullable: true })
  ssoProvider: SsoProvider | null;

  @Column({ name: 'monthly_credit_limit', type: 'integer' })
  monthlyCreditLimit: number;

  @Column({ name: 'credits_used', type: 'integer', default: 0 })
  creditsUsed: number;

  @Column({ name: 'max_concurrent_queries', type: 'integer' })
  maxConcurrentQueries: number;

  @Column({ name: 'storage_limit_gb', type: 'integer' })
  storageLimitGb: number;

  /** Why a suspended organization is suspended: unpaid billing or an operator's decision. */
  @Column({ name: 'suspension_kind', type: 'varchar', length: 16, nullable: true })
  suspensionKind: SuspensionKind | null;

  /** The operator's words for a policy suspension; never shown to members. */
  @Column({ name: 'suspension_reason', type: 'varchar', length: 500, nullable: true })
  suspensionReason: string | null;

  /** When the organization was cancelled; the retention period runs from here. */
  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  /** The Stripe Checkout Session a `pending_payment` organization waits for. */
  @Column({ name: 'pending_checkout_session_id', type: 'varchar', length: 255, nullable: true })
  pendingCheckoutSessionId: string | null;

  /** The tier that checkout is for. */
  @Column({ name: 'pending_tier', type: 'varchar', length: 16, nullable: true })
  pendingTier: OrganizationTier | null;

  /** `created` of the newest Stripe event applied; older events never move the organization. */
  @Column({ name: 'last_stripe_event_at', type: 'timestamptz', nullable: true })
  lastStripeEventAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /**
   * Raised by the database (trigger `organizations_version`) on every UPDATE that changes the
   * row; the organization's entity tag is built from it.
   */
  @Column({ type: 'integer', default: 1 })
  version: number;
}
