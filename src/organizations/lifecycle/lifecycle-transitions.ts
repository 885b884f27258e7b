import { DomainError } from '../../common/errors/domain-error.js';
import { OrganizationStatus } from '../organization-catalog.js';

/** What can move an organization from one status to another. */
export enum LifecycleEvent {
  /** The owner started a paid checkout. */
  CheckoutStarted = 'checkout_started',
  /** Stripe `checkout.session.completed`. */
  CheckoutCompleted = 'checkout_completed',
  /** Stripe `checkout.session.expired`. */
  CheckoutExpired = 'checkout_expired',
  /** The provisioner reported success. */
  ProvisioningSucceeded = 'provisioning_succeeded',
  /** The subscription became `past_due` or `unpaid`. */
  PaymentFailed = 'payment_failed',
  /** A platform operator suspended the organization for a policy violation. */
  SuspendedByOperator = 'suspended_by_operator',
  /** Stripe `invoice.paid` (lifts a billing suspension only). */
  InvoicePaid = 'invoice_paid',
  /** A platform operator lifted the suspension. */
  UnsuspendedByOperator = 'unsuspended_by_operator',
  /** Stripe `customer.subscription.deleted`. */
  SubscriptionDeleted = 'subscription_deleted',
  /** The owner cancelled the organization. */
  CancelledByOwner = 'cancelled_by_owner',
  /** The owner restored a cancelled organization within the retention period. */
  RestoredByOwner = 'restored_by_owner',
}

export interface LifecycleTransition {
  from: OrganizationStatus;
  event: LifecycleEvent;
  to: OrganizationStatus;
}

const { Active, PendingPayment, Provisioning, Suspended, Cancelled } = OrganizationStatus;

const NOT_CANCELLED = [Active, PendingPayment, Provisioning, Suspended];

/**
 * Every transition the lifecycle allows, and no other: a status change that is not a row here
 * is refused with 409 CONFLICT. Creation (`active`, tier `free`) is not a transition.
 */
export const LIFECYCLE_TRANSITIONS: readonly LifecycleTransition[] = [
  { from: Active, event: LifecycleEvent.CheckoutStarted, to: PendingPayment },
  { from: PendingPayment, event: LifecycleEvent.CheckoutCompleted, to: Provisioning },
  { from: PendingPayment, event: LifecycleEvent.CheckoutExpired, to: Active },
  { from: Provisioning, event: LifecycleEvent.ProvisioningSucceeded, to: Active },
  { from: Active, event: LifecycleEvent.PaymentFailed, to: Suspended },
  { from: Active, event: LifecycleEvent.SuspendedByOperator, to: Suspended },
  { from: Suspended, event: LifecycleEvent.InvoicePaid, to: Active },
  { from: Suspended, event: LifecycleEvent.UnsuspendedByOperator, to: Active },
  ...NOT_CANCELLED.map((from) => ({
    from,
    event: LifecycleEvent.SubscriptionDeleted,
    to: Cancelled,
  })),
  ...NOT_CANCELLED.map((from) => ({ from, event: LifecycleEvent.CancelledByOwner, to: Cancelled })),
  { from: Cancelled, event: LifecycleEvent.RestoredByOwner, to: Active },
];

/** The status an event leads to, wherever it is allowed from. */
export function targetOf(event: LifecycleEvent): OrganizationStatus {
  const row = LIFECYCLE_TRANSITIONS.find((transition) => transition.event === event);
  if (!row) {
    throw new Error(`no transition is defined for ${event}`);
  }

  return row.to;
}

export function isTransitionAllowed(from: OrganizationStatus, event: LifecycleEvent): boolean {
  return LIFECYCLE_TRANSITIONS.some(
    (transition) => transition.from === from && transition.event === event,
  );
}

/** The refusal of a transition the table does not allow: 409 with `details.from` and `.to`. */
export function transitionRefused(
  from: OrganizationStatus,
  to: OrganizationStatus,
  message = `An organization that is ${from} cannot become ${to}`,
): DomainError {
  return DomainError.conflict(message, { from, to });
}

/** The status `event` moves an organization in status `from` to; 409 when not allowed. */
export function resolveTransition(
  from: OrganizationStatus,
  event: LifecycleEvent,
): OrganizationStatus {
  const to = targetOf(event);
  if (!isTransitionAllowed(from, event)) {
    throw transitionRefused(from, to);
  }

  return to;
}
