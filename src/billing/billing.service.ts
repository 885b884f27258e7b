import { Injectable, Logger } from '@nestjs/common';
import { type AuthenticatedUser } from '../auth/authenticated-user.js';
import { type OrganizationAccess } from '../organizations/organization-access.js';
import {
  LifecycleEvent,
  resolveTransition,
} from '../organizations/lifecycle/lifecycle-transitions.js';
import {
  OrganizationLifecycleService,
  userActor,
} from '../organizations/lifecycle/organization-lifecycle.service.js';
import { StripeBillingClient } from './stripe-billing.client.js';
import type { PaidTier } from './stripe-settings.js';

/** Paid checkouts: a Stripe Checkout Session, and the organization waiting for its payment. */
@Injectable()
export class BillingService {
  private readonly logger = new Logger(BillingService.name);

  constructor(
    private readonly stripe: StripeBillingClient,
    private readonly lifecycle: OrganizationLifecycleService,
  ) {}

  /**
   * Creates a Checkout Session for `tier` and moves the organization to `pending_payment`.
   * 503 without Stripe, 409 unless the organization is `active`. When the organization moved
   * on while Stripe answered, the new session is expired again and the request gets that 409.
   *
   * A paid organization that checks out again for another tier gets a second subscription:
   * the new one is linked and the previous one is not cancelled here. Changing the tier of a
   * running subscription (Stripe's subscription update) is not offered yet.
   */
  async startCheckout(
    access: OrganizationAccess,
    user: AuthenticatedUser,
    tier: PaidTier,
    requestId: string | null = null,
  ): Promise<string> {
    this.stripe.assertConfigured();
    const orgId = access.organization.orgId;
    resolveTransition(access.organization.status, LifecycleEvent.CheckoutStarted);

    const session = await this.stripe.createCheckoutSession(
      orgId,
      tier,
      access.organization.stripeCustomerId,
    );
    try {
      await this.lifecycle.beginCheckout(
        orgId,
        { sessionId: session.id, tier },
        userActor(user, requestId),
      );
    } catch (error) {
      await this.stripe.expireCheckoutSession(session.id);
      throw error;
    }
    this.logger.log({ message: 'checkout started', org_id: orgId, tier, session_id: session.id });

    return session.url;
  }
}
