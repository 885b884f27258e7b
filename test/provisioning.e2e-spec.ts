import { jest } from '@jest/globals';
import {
  cancel,
  checkoutCompleted,
  type LifecycleApp,
  newPaidIds,
  pendingOrganization,
  PROVISIONING_MAX_ATTEMPTS,
  provisioningAttempts,
  readOrganization,
  startLifecycleApp,
  waitForAttempts,
  waitForStatus,
} from './support/lifecycle.js';
import { deliver } from './support/stripe-stand-in.js';

jest.setTimeout(120_000);

describe('Provisioning after a completed checkout', () => {
  let fx: LifecycleApp;

  beforeAll(async () => {
    fx = await startLifecycleApp();
  });

  afterAll(async () => {
    await fx.close();
  });

  async function paidCheckout(failures: number, tier = 'cloud') {
    const pending = await pendingOrganization(fx, tier);
    fx.provisioner?.failFor(pending.orgId, failures);
    const response = await deliver(
      fx.app.api,
      checkoutCompleted(pending.orgId, pending.sessionId, newPaidIds()),
    );
    expect(response.body).toEqual({ received: true, outcome: 'applied' });

    return pending;
  }

  it('retries failed attempts and becomes active when one succeeds', async () => {
    const { owner, orgId } = await paidCheckout(2, 'growth');

    expect(await waitForStatus(fx, owner, orgId, 'active')).toMatchObject({ tier: 'growth' });
    expect(await provisioningAttempts(fx, orgId)).toEqual([
      {
        attempt: 1,
        outcome: 'failed',
        tier: 'growth',
        error: 'Error: simulated outage on attempt 1',
      },
      {
        attempt: 2,
        outcome: 'failed',
        tier: 'growth',
        error: 'Error: simulated outage on attempt 2',
      },
      { attempt: 3, outcome: 'succeeded', tier: 'growth', error: null },
    ]);
    const calls = fx.provisioner?.calls.filter((call) => call.orgId === orgId) ?? [];
    expect(calls.map((call) => call.attempt)).toEqual([1, 2, 3]);
    expect(calls[0]).toEqual({ orgId, tier: 'growth', cloudRegion: 'us-east-1', attempt: 1 });
  });

  it('gives up after the configured attempts; the organization stays provisioning', async () => {
    const { owner, orgId } = await paidCheckout(Infinity);

    const attempts = await waitForAttempts(fx, orgId, PROVISIONING_MAX_ATTEMPTS);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(attempts.map((row) => row.outcome)).toEqual(
      Array(PROVISIONING_MAX_ATTEMPTS).fill('failed'),
    );
    expect(await provisioningAttempts(fx, orgId)).toHaveLength(PROVISIONING_MAX_ATTEMPTS);
    expect((await readOrganization(fx, owner, orgId)).status).toBe('provisioning');
  });

  it('stops retrying once the organization is cancelled', async () => {
    const slow = await startLifecycleApp({ env: { PROVISIONING_RETRY_DELAY_MS: '300' } });
    try {
      const pending = await pendingOrganization(slow);
      slow.provisioner?.failFor(pending.orgId, Infinity);
      await deliver(
        slow.app.api,
        checkoutCompleted(pending.orgId, pending.sessionId, newPaidIds()),
      );
      await waitForAttempts(slow, pending.orgId, 1);

      expect((await cancel(slow, pending.owner, pending.orgId)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1200));

      expect(await provisioningAttempts(slow, pending.orgId)).toHaveLength(1);
      expect((await readOrganization(slow, pending.owner, pending.orgId)).status).toBe('cancelled');
    } finally {
      await slow.close();
    }
  });
});
