import { jest } from '@jest/globals';
import {
  billingSuspendedOrganization,
  cancel,
  invoicePaid,
  type LifecycleApp,
  paidOrganization,
  readOrganization,
  startLifecycleApp,
  subscriptionDeleted,
  subscriptionUpdated,
} from './support/lifecycle.js';
import { deliver } from './support/stripe-stand-in.js';

jest.setTimeout(180_000);

/** Each race runs this many times on a fresh organization: one lucky ordering proves little. */
const ROUNDS = 5;

describe('A webhook racing the owner cancelling', () => {
  let fx: LifecycleApp;

  beforeAll(async () => {
    fx = await startLifecycleApp();
  });

  afterAll(async () => {
    await fx.close();
  });

  const cancelledAtOf = async (orgId: string): Promise<Date | null> => {
    const [row] = await fx.app.dataSource.query(
      'SELECT cancelled_at FROM organizations WHERE org_id = $1',
      [orgId],
    );

    return row.cancelled_at;
  };

  it('subscription deleted vs cancel: cancelled once, by exactly one of them', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { owner, orgId, subscriptionId } = await paidOrganization(fx);

      const [byOwner, byStripe] = await Promise.all([
        cancel(fx, owner, orgId),
        deliver(fx.app.api, subscriptionDeleted(subscriptionId)),
      ]);

      expect([200, 409]).toContain(byOwner.status);
      expect(byStripe.status).toBe(200);
      const applied = [byOwner.status === 200, byStripe.body.outcome === 'applied'];
      expect(applied.filter(Boolean)).toHaveLength(1);
      if (byOwner.status === 409) {
        expect(byOwner.body.error.details).toEqual({ from: 'cancelled', to: 'cancelled' });
      }
      expect(await readOrganization(fx, owner, orgId)).toMatchObject({ status: 'cancelled' });
      expect(await cancelledAtOf(orgId)).not.toBeNull();
    }
  });

  it('invoice paid vs cancel of a billing-suspended organization: always cancelled', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { owner, orgId, subscriptionId } = await billingSuspendedOrganization(fx);

      const [byOwner, byStripe] = await Promise.all([
        cancel(fx, owner, orgId),
        deliver(fx.app.api, invoicePaid(subscriptionId)),
      ]);

      expect(byOwner.status).toBe(200);
      expect(byOwner.body.status).toBe('cancelled');
      expect(byStripe.status).toBe(200);
      expect(['applied', 'ignored']).toContain(byStripe.body.outcome);
      expect(await readOrganization(fx, owner, orgId)).toEqual(byOwner.body);
    }
  });

  it('payment failure vs cancel of an active organization: always cancelled', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { owner, orgId, subscriptionId } = await paidOrganization(fx);

      const [byStripe, byOwner] = await Promise.all([
        deliver(fx.app.api, subscriptionUpdated(subscriptionId, 'past_due')),
        cancel(fx, owner, orgId),
      ]);

      expect(byOwner.status).toBe(200);
      expect(byStripe.status).toBe(200);
      const [row] = await fx.app.dataSource.query(
        'SELECT status, suspension_kind FROM organizations WHERE org_id = $1',
        [orgId],
      );
      expect(row).toEqual({ status: 'cancelled', suspension_kind: null });
    }
  });
});
