import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum WebhookEventOutcome {
  Applied = 'applied',
  Ignored = 'ignored',
}

/**
 * A Stripe event the webhook has processed, stored in the same transaction as the change it
 * made: a second delivery of the same event id finds it and changes nothing.
 */
@Entity({ name: 'stripe_webhook_events' })
export class StripeWebhookEvent {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 255 })
  eventId: string;

  @Column({ name: 'event_type', type: 'varchar', length: 255 })
  eventType: string;

  @Column({ name: 'org_id', type: 'varchar', length: 32, nullable: true })
  orgId: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome: WebhookEventOutcome;

  /** The event's own `created` time at Stripe. */
  @Column({ name: 'event_created_at', type: 'timestamptz' })
  eventCreatedAt: Date;

  @Column({ name: 'processed_at', type: 'timestamptz', default: () => 'now()' })
  processedAt: Date;
}
