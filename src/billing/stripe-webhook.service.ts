import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Stripe from 'stripe';
import { DataSource, type EntityManager } from 'typeorm';
import { Organization } from '../organizations/entities/organization.entity.js';
import {
  isTransitionAllowed,
  LifecycleEvent,
} from '../organizations/lifecycle/lifecycle-transitions.js';
import {
  type LifecycleActor,
  type LifecycleChange,
  OrganizationLifecycleService,
} from '../organizations/lifecycle/organization-lifecycle.service.js';
import { ProvisioningService } from '../organizations/lifecycle/provisioning/index.js';
import {
  OrganizationStatus,
  PAID_TIERS,
  SuspensionKind,
} from '../organizations/organization-catalog.js';
import { WebhookOutcome } from './dto/checkout.dto.js';
import { WebhookEventOutcome } from './entities/stripe-webhook-event.entity.js';
import { StripeBillingClient } from './stripe-billing.client.js';

type StripeObject = Record<string, unknown>;

/** How an event type finds its organization and what it asks of the lifecycle. */
interface EventHandler {
  locate(manager: EntityManager, object: StripeObject): Promise<Organization | null>;
  /** The change the event asks for, or null when it asks for none from this organization. */
  change(organization: Organization, object: StripeObject): LifecycleChange | null;
}

const FAILED_PAYMENT_STATUSES = new Set(['past_due', 'unpaid']);
const MAX_STRIPE_ID_LENGTH = 255;

/**
 * Applies verified Stripe events to organizations. Each event id is stored in the transaction
 * that applies it, so a redelivery changes nothing; an event older than the newest one applied
 * to the organization, or one the lifecycle does not allow from its current status, is
 * acknowledged and ignored, so late deliveries never move an organization backwards.
 */
@Injectable()
export class StripeWebhookService {
  private readonly logger = new Logger(StripeWebhookService.name);
  private readonly handlers: Readonly<Record<string, EventHandler>>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stripe: StripeBillingClient,
    private readonly lifecycle: OrganizationLifecycleService,
    private readonly provisioning: ProvisioningService,
  ) {
    this.handlers = this.buildHandlers();
  }

  /** Verifies the delivery (400 when the signature does not match) and applies its event. */
  async receive(
    rawBody: Buffer,
    signature: string | undefined,
    requestId: string | null = null,
  ): Promise<WebhookOutcome> {
    const event = this.stripe.constructEvent(rawBody, signature);
    const handler = this.handlers[event.type];
    if (!handler) {
      this.logger.log({ message: 'stripe event ignored', event_id: event.id, type: event.type });

      return WebhookOutcome.Ignored;
    }

    const result = await this.dataSource.transaction((manager) =>
      this.apply(manager, event, handler, requestId),
    );
    this.logger.log({
      message: `stripe event ${result.outcome}`,
      event_id: event.id,
      type: event.type,
      org_id: result.organization?.orgId,
    });
    if (result.outcome === WebhookOutcome.Applied && result.organization) {
      if (result.organization.status === OrganizationStatus.Provisioning) {
        this.provisioning.start(result.organization);
      }
    }

    return result.outcome;
  }

  private async apply(
    manager: EntityManager,
    event: Stripe.Event,
    handler: EventHandler,
    requestId: string | null,
  ): Promise<{ outcome: WebhookOutcome; organization?: Organization }> {
    const createdAt = new Date(event.created * 1000);
    const inserted: unknown[] = await manager.query(
      `INSERT INTO stripe_webhook_events (event_id, event_type, outcome, event_created_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (event_id) DO NOTHING
       RETURNING event_id`,
      [event.id, event.type, WebhookEventOutcome.Ignored, createdAt],
    );
    if (inserted.length === 0) {
      return { outcome: WebhookOutcome.Duplicate };
    }

    const object = event.data.object as unknown as StripeObject;
    const organization = await handler.locate(manager, object);
    if (!organization) {
      return { outcome: WebhookOutcome.Ignored };
    }
    const stale =
      organization.lastStripeEventAt !== null &&
      createdAt.getTime() < organization.lastStripeEventAt.getTime();
    const change = stale ? null : handler.change(organization, object);
    if (!change || !isTransitionAllowed(organization.status, change.event)) {
      await this.markEvent(manager, event.id, organization.orgId, WebhookEventOutcome.Ignored);

      return { outcome: WebhookOutcome.Ignored, organization };
    }

    const actor: LifecycleActor = {
      kind: 'stripe',
      eventId: event.id,
      eventType: event.type,
      requestId,
    };
    const updated = await this.lifecycle.applyTransition(
      manager,
      organization,
      { ...change, stripeEventAt: createdAt },
      actor,
    );
    await this.markEvent(manager, event.id, organization.orgId, WebhookEventOutcome.Applied);

    return { outcome: WebhookOutcome.Applied, organization: updated };
  }

  private async markEvent(
    manager: EntityManager,
    eventId: string,
    orgId: string,
    outcome: WebhookEventOutcome,
  ): Promise<void> {
    await manager.query(
      'UPDATE stripe_webhook_events SET org_id = $2, outcome = $3 WHERE event_id = $1',
      [eventId, orgId, outcome],
    );
  }

  private buildHandlers(): Record<string, EventHandler> {
    const byCheckoutMetadata = (manager: EntityManager, session: StripeObject) => {
      const orgId =
        stringField(metadataOf(session).org_id) ?? stringField(session.client_reference_id);

      return orgId ? this.lifecycle.lockOrganization(manager, orgId) : Promise.resolve(null);
    };
    const bySubscription = (manager: EntityManager, subscriptionId: string | undefined) =>
      subscriptionId
        ? this.lifecycle.lockOrganizationBySubscription(manager, subscriptionId)
        : Promise.resolve(null);
    const isTheAwaitedCheckout = (organization: Organization, session: StripeObject) =>
      organization.pendingCheckoutSessionId !== null &&
      organization.pendingCheckoutSessionId === stringField(session.id);

    return {
      'checkout.session.completed': {
        locate: byCheckoutMetadata,
        change: (organization, session) => {
          const customerId = idOf(session.customer);
          const subscriptionId = idOf(session.subscription);
          const tier = organization.pendingTier;
          if (
            !isTheAwaitedCheckout(organization, session) ||
            !customerId ||
            !subscriptionId ||
            !tier ||
            !PAID_TIERS.includes(tier)
          ) {
            return null;
          }

          return {
            event: LifecycleEvent.CheckoutCompleted,
            tier,
            stripeCustomerId: customerId,
            stripeSubscriptionId: subscriptionId,
          };
        },
      },
      'checkout.session.expired': {
        locate: byCheckoutMetadata,
        change: (organization, session) =>
          isTheAwaitedCheckout(organization, session)
            ? { event: LifecycleEvent.CheckoutExpired }
            : null,
      },
      'customer.subscription.updated': {
        locate: (manager, subscription) => bySubscription(manager, idOf(subscription.id)),
        change: (_organization, subscription) =>
          FAILED_PAYMENT_STATUSES.has(String(subscription.status))
            ? {
                event: LifecycleEvent.PaymentFailed,
                suspension: { kind: SuspensionKind.Billing, reason: null },
              }
            : null,
      },
      'invoice.paid': {
        locate: (manager, invoice) => bySubscription(manager, subscriptionOfInvoice(invoice)),
        change: (organization) =>
          organization.suspensionKind === SuspensionKind.Billing
            ? { event: LifecycleEvent.InvoicePaid }
            : null,
      },
      'customer.subscription.deleted': {
        locate: (manager, subscription) => bySubscription(manager, idOf(subscription.id)),
        change: () => ({ event: LifecycleEvent.SubscriptionDeleted }),
      },
    };
  }
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value.length <= MAX_STRIPE_ID_LENGTH
    ? value
    : undefined;
}

/** An id Stripe sends either as a string or, when expanded, as an object with `id`. */
function idOf(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null) {
    return stringField((value as StripeObject).id);
  }

  return stringField(value);
}

function metadataOf(object: StripeObject): StripeObject {
  const metadata = object.metadata;

  return typeof metadata === 'object' && metadata !== null ? (metadata as StripeObject) : {};
}

/** The subscription an invoice bills: `parent.subscription_details` in current API versions. */
function subscriptionOfInvoice(invoice: StripeObject): string | undefined {
  const parent = invoice.parent as { subscription_details?: { subscription?: unknown } } | null;

  return idOf(parent?.subscription_details?.subscription) ?? idOf(invoice.subscription);
}
