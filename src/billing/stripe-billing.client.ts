import { Inject, Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { DomainError } from '../common/errors/domain-error.js';
import { ErrorCode } from '../common/errors/error-code.js';
import {
  ORGANIZATIONS_MODULE_OPTIONS,
  type OrganizationsModuleOptions,
} from '../organizations/organizations-module.options.js';
import type { PaidTier, StripeSettings } from './stripe-settings.js';

const NOT_CONFIGURED =
  'Billing is not configured on this deployment (no Stripe secret key); try again once it is';
const STRIPE_UNAVAILABLE = 'Stripe could not complete the request; try again shortly';
const BAD_SIGNATURE =
  'The Stripe-Signature header is missing or does not match the payload and webhook secret';

const REQUEST_TIMEOUT_MS = 10_000;
const NETWORK_RETRIES = 2;

/** What the service keeps of a Checkout Session it created. */
export interface CreatedCheckoutSession {
  id: string;
  url: string;
}

/**
 * The service's only door to Stripe, through the `stripe` package. Every failure of Stripe is
 * a 503 for the caller, with Stripe's own words kept for the log.
 */
@Injectable()
export class StripeBillingClient {
  private readonly logger = new Logger(StripeBillingClient.name);
  private readonly stripe?: Stripe;
  private readonly settings?: StripeSettings;

  constructor(@Inject(ORGANIZATIONS_MODULE_OPTIONS) options: OrganizationsModuleOptions) {
    this.settings = options.stripe;
    if (this.settings) {
      this.stripe = new Stripe(this.settings.secretKey, {
        ...apiOrigin(this.settings.apiUrl),
        maxNetworkRetries: NETWORK_RETRIES,
        timeout: REQUEST_TIMEOUT_MS,
        appInfo: { name: 'hatidata-organizations' },
      });
    }
  }

  get configured(): boolean {
    return this.stripe !== undefined;
  }

  /** 503 when billing is not configured. */
  assertConfigured(): void {
    this.configuredStripe();
  }

  /**
   * A subscription Checkout Session for `tier`. The organization id travels in the session's
   * metadata, in `client_reference_id` and in the subscription's metadata; an organization that
   * is a Stripe customer already buys as that customer.
   */
  async createCheckoutSession(
    orgId: string,
    tier: PaidTier,
    customerId: string | null,
  ): Promise<CreatedCheckoutSession> {
    const stripe = this.configuredStripe();
    const settings = this.settings as StripeSettings;
    const metadata = { org_id: orgId, tier };
    const session = await this.call('create a checkout session', () =>
      stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: settings.prices[tier], quantity: 1 }],
        client_reference_id: orgId,
        ...(customerId ? { customer: customerId } : {}),
        metadata,
        subscription_data: { metadata },
        success_url: settings.successUrl,
        cancel_url: settings.cancelUrl,
      }),
    );
    if (!session?.url) {
      this.logger.warn({ message: 'checkout session without a url', session_id: session?.id });
      throw unavailable();
    }

    return { id: session.id, url: session.url };
  }

  /** Cancels a subscription at once; one Stripe no longer knows counts as cancelled. */
  async cancelSubscription(subscriptionId: string): Promise<void> {
    const stripe = this.configuredStripe();
    await this.call('cancel a subscription', () => stripe.subscriptions.cancel(subscriptionId), {
      missingIsDone: true,
    });
  }

  /** Expires an open Checkout Session so it can no longer be paid; failures are only logged. */
  async expireCheckoutSession(sessionId: string): Promise<void> {
    const stripe = this.configuredStripe();
    try {
      await this.call('expire a checkout session', () =>
        stripe.checkout.sessions.expire(sessionId),
      );
    } catch {
      // Logged by `call`. A session left open expires at Stripe on its own, and a payment for
      // an organization that moved on is not applied.
    }
  }

  /** The event of a webhook delivery, verified against the webhook secret; else 400. */
  constructEvent(rawBody: Buffer, signature: string | undefined): Stripe.Event {
    const stripe = this.configuredStripe();
    if (!signature) {
      throw DomainError.validation([], BAD_SIGNATURE);
    }
    try {
      return stripe.webhooks.constructEvent(
        rawBody,
        signature,
        (this.settings as StripeSettings).webhookSecret,
      );
    } catch {
      throw DomainError.validation([], BAD_SIGNATURE);
    }
  }

  private configuredStripe(): Stripe {
    if (!this.stripe) {
      throw new DomainError(ErrorCode.ServiceUnavailable, NOT_CONFIGURED);
    }

    return this.stripe;
  }

  private async call<T>(
    what: string,
    request: () => Promise<T>,
    options: { missingIsDone?: boolean } = {},
  ): Promise<T | undefined> {
    try {
      return await request();
    } catch (error) {
      const stripeError = error as { type?: string; code?: string; statusCode?: number };
      if (options.missingIsDone && stripeError.code === 'resource_missing') {
        this.logger.log({ message: `Stripe no longer knows it; nothing to ${what}` });

        return undefined;
      }
      this.logger.warn({
        message: `Stripe failed to ${what}`,
        stripe_error: stripeError.type ?? (error instanceof Error ? error.name : typeof error),
        stripe_code: stripeError.code,
        stripe_status: stripeError.statusCode,
      });
      throw unavailable();
    }
  }
}

function unavailable(): DomainError {
  return new DomainError(ErrorCode.ServiceUnavailable, STRIPE_UNAVAILABLE);
}

function apiOrigin(apiUrl: string | undefined): Partial<Stripe.StripeConfig> {
  if (!apiUrl) {
    return {};
  }
  const url = new URL(apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';

  return {
    host: url.hostname,
    port: url.port || (protocol === 'http' ? 80 : 443),
    protocol,
  };
}
