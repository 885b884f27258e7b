import { DomainError } from '../../common/errors/domain-error.js';
import { OrganizationStatus } from '../organization-catalog.js';
import {
  LIFECYCLE_TRANSITIONS,
  LifecycleEvent,
  resolveTransition,
  targetOf,
} from './lifecycle-transitions.js';

const S = OrganizationStatus;
const E = LifecycleEvent;

/** The lifecycle as the contract states it: (from, event) -> to. */
const EXPECTED: [OrganizationStatus, LifecycleEvent, OrganizationStatus][] = [
  [S.Active, E.CheckoutStarted, S.PendingPayment],
  [S.PendingPayment, E.CheckoutCompleted, S.Provisioning],
  [S.PendingPayment, E.CheckoutExpired, S.Active],
  [S.Provisioning, E.ProvisioningSucceeded, S.Active],
  [S.Active, E.PaymentFailed, S.Suspended],
  [S.Active, E.SuspendedByOperator, S.Suspended],
  [S.Suspended, E.InvoicePaid, S.Active],
  [S.Suspended, E.UnsuspendedByOperator, S.Active],
  [S.Active, E.SubscriptionDeleted, S.Cancelled],
  [S.PendingPayment, E.SubscriptionDeleted, S.Cancelled],
  [S.Provisioning, E.SubscriptionDeleted, S.Cancelled],
  [S.Suspended, E.SubscriptionDeleted, S.Cancelled],
  [S.Active, E.CancelledByOwner, S.Cancelled],
  [S.PendingPayment, E.CancelledByOwner, S.Cancelled],
  [S.Provisioning, E.CancelledByOwner, S.Cancelled],
  [S.Suspended, E.CancelledByOwner, S.Cancelled],
  [S.Cancelled, E.RestoredByOwner, S.Active],
];

const ALL_PAIRS = Object.values(S).flatMap((from) =>
  Object.values(E).map((event) => [from, event] as const),
);
const REFUSED = ALL_PAIRS.filter(
  ([from, event]) => !EXPECTED.some(([f, e]) => f === from && e === event),
);

function refusal(action: () => unknown): DomainError {
  try {
    action();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a refusal');
}

describe('the lifecycle transition table', () => {
  it('holds exactly the transitions of the contract', () => {
    const rows = LIFECYCLE_TRANSITIONS.map(({ from, event, to }) => [from, event, to]);

    expect(rows).toHaveLength(EXPECTED.length);
    expect(rows).toEqual(expect.arrayContaining(EXPECTED));
  });

  it('leads each event to one status, wherever it starts', () => {
    for (const event of Object.values(E)) {
      const targets = new Set(
        LIFECYCLE_TRANSITIONS.filter((row) => row.event === event).map((row) => row.to),
      );

      expect({ event, targets: [...targets] }).toEqual({ event, targets: [targetOf(event)] });
    }
  });

  it.each(EXPECTED)('moves %s on %s to %s', (from, event, to) => {
    expect(resolveTransition(from, event)).toBe(to);
  });

  it.each(REFUSED)('refuses %s on %s with 409 naming from and to', (from, event) => {
    const error = refusal(() => resolveTransition(from, event));

    expect(error).toBeInstanceOf(DomainError);
    expect(error.status).toBe(409);
    expect(error.code).toBe('CONFLICT');
    expect(error.details).toEqual({ from, to: targetOf(event) });
  });

  it('never leaves cancelled except by a restore', () => {
    const fromCancelled = LIFECYCLE_TRANSITIONS.filter((row) => row.from === S.Cancelled);

    expect(fromCancelled.map((row) => row.event)).toEqual([E.RestoredByOwner]);
  });
});
