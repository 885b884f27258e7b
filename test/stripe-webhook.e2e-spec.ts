import { jest } from '@jest/globals';
import { expectError } from './support/expectations.js';
import {
  billingSuspendedOrganization,
  checkoutCompleted,
  checkoutExpired,
  invoicePaid,
  type LifecycleApp,
  newPaidIds,
  paidOrganization,
  pendingOrganization,
  readOrganization,
  startLifecycleApp,
  subscriptionDeleted,
  subscriptionUpdated,
  unsuspend,
  waitForAttempts,
  waitForStatus,
} from './support/lifecycle.js';
import {
  deliver,
  eventPayload,
  signatureFor,
  stripeEvent,
  WEBHOOK_PATH,
} from './support/stripe-stand-in.js';
import { startTestApp } from './support/test-app.js';

jest.setTimeout(120_000);

describe('POST /v1/billing/stripe/webhook', () => {
  let fx: LifecycleApp;

  beforeAll(async () => {
    // The default provisioner: it deploys nothing real and succeeds after a moment.
    fx = await startLifecycleApp({ scripted: false });
  });

  afterAll(async () => {
    await fx.close();
  });

  const post = (payload: string, headers: Record<string, string>, contentType?: string) =>
    fx.app.api.post(WEBHOOK_PATH, {
      rawBody: payload,
      contentType: contentType ?? 'application/json',
      headers,
    });

  const storedEvents = async (eventId: string) =>
    fx.app.dataSource.query(
      'SELECT event_id, org_id, outcome FROM stripe_webhook_events WHERE event_id = $1',
      [eventId],
    );

  describe('signature', () => {
    it('refuses a missing, bad, foreign or stale signature with 400; nothing changes', async () => {
      const { owner, orgId, subscriptionId, organization } = await paidOrganization(fx);
      const event = subscriptionDeleted(subscriptionId);
      const payload = eventPayload(event);
      const stale = signatureFor(payload, undefined, Math.floor(Date.now() / 1000) - 3600);

      const answers = [
        await post(payload, {}),
        await post(payload, { 'stripe-signature': 'garbage' }),
        await post(payload, { 'stripe-signature': signatureFor(payload, 'whsec_someone_else') }),
        await post(payload, { 'stripe-signature': stale }),
        await post(payload.replace('"canceled"', '"active"'), {
          'stripe-signature': signatureFor(payload),
        }),
      ];

      for (const response of answers) {
        expectError(response, 400, 'VALIDATION_ERROR');
        expect(response.body.error.message).toMatch(/Stripe-Signature/);
      }
      expect(await readOrganization(fx, owner, orgId)).toEqual(organization);
      expect(await storedEvents(event.id)).toEqual([]);
      // The genuine delivery of the same event still applies.
      expect((await deliver(fx.app.api, event)).body).toEqual({
        received: true,
        outcome: 'applied',
      });
    });

    it('needs no bearer token, and ignores one', async () => {
      const event = stripeEvent('customer.created', { id: 'cus_x', object: 'customer' });
      const payload = eventPayload(event);

      const response = await post(payload, {
        'stripe-signature': signatureFor(payload),
        authorization: 'Bearer not-a-token',
      });

      expect(response.status).toBe(200);
    });

    it('refuses a body that is not JSON with 415, and one over 100 KB with 413', async () => {
      const event = stripeEvent('customer.created', { id: 'cus_y', object: 'customer' });
      const payload = eventPayload(event);
      const big = eventPayload({ ...event, object: { pad: 'x'.repeat(110 * 1024) } });

      expectError(
        await post(payload, { 'stripe-signature': signatureFor(payload) }, 'text/plain'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expectError(
        await post(big, { 'stripe-signature': signatureFor(big) }),
        413,
        'PAYLOAD_TOO_LARGE',
      );
    });
  });

  it('acknowledges an event type it does not act on, and stores nothing for it', async () => {
    const event = stripeEvent('invoice.finalized', { id: 'in_1', object: 'invoice' });

    const response = await deliver(fx.app.api, event);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true, outcome: 'ignored' });
    expect(await storedEvents(event.id)).toEqual([]);
  });

  it('acknowledges an event about an organization or subscription it does not know', async () => {
    const unknownOrg = checkoutCompleted('org_aaaaaaaaaaaaaaaa', 'cs_test_none', newPaidIds());
    const unknownSubscription = subscriptionDeleted('sub_nobody');
    const notAnId = checkoutExpired('../../etc', 'cs_test_none');

    for (const event of [unknownOrg, unknownSubscription, notAnId]) {
      expect((await deliver(fx.app.api, event)).body).toEqual({
        received: true,
        outcome: 'ignored',
      });
    }
  });

  it('ignores a completed checkout other than the one the organization waits for', async () => {
    const { owner, orgId } = await pendingOrganization(fx);
    const organization = await readOrganization(fx, owner, orgId);

    const response = await deliver(
      fx.app.api,
      checkoutCompleted(orgId, 'cs_test_someone_elses', newPaidIds()),
    );

    expect(response.body).toEqual({ received: true, outcome: 'ignored' });
    expect(await readOrganization(fx, owner, orgId)).toEqual(organization);
  });

  it('provisions with the default provisioner and records its attempt', async () => {
    const { owner, orgId, sessionId } = await pendingOrganization(fx, 'growth');

    await deliver(fx.app.api, checkoutCompleted(orgId, sessionId, newPaidIds()));

    expect(await waitForStatus(fx, owner, orgId, 'active')).toMatchObject({ tier: 'growth' });
    expect(await waitForAttempts(fx, orgId, 1)).toEqual([
      { attempt: 1, outcome: 'succeeded', tier: 'growth', error: null },
    ]);
  });

  describe('each event at most once', () => {
    it('applies a redelivered event only the first time', async () => {
      const { owner, orgId, subscriptionId } = await paidOrganization(fx);
      const pastDue = subscriptionUpdated(subscriptionId, 'past_due');

      expect((await deliver(fx.app.api, pastDue)).body.outcome).toBe('applied');
      await unsuspend(fx, fx.operator, orgId);
      const again = await deliver(fx.app.api, pastDue);

      expect(again.status).toBe(200);
      expect(again.body).toEqual({ received: true, outcome: 'duplicate' });
      expect((await readOrganization(fx, owner, orgId)).status).toBe('active');
      expect(await storedEvents(pastDue.id)).toEqual([
        { event_id: pastDue.id, org_id: orgId, outcome: 'applied' },
      ]);
    });

    it('applies one of ten parallel deliveries of one event', async () => {
      const { owner, orgId, subscriptionId } = await billingSuspendedOrganization(fx);
      const paid = invoicePaid(subscriptionId);

      const answers = await Promise.all(
        Array.from({ length: 10 }, () => deliver(fx.app.api, paid)),
      );

      const outcomes = answers.map((response) => response.body.outcome).sort();
      expect(answers.every((response) => response.status === 200)).toBe(true);
      expect(outcomes).toEqual(['applied', ...Array(9).fill('duplicate')]);
      expect((await readOrganization(fx, owner, orgId)).status).toBe('active');
    });
  });

  describe('out of order', () => {
    it('never lets an older event undo a newer one', async () => {
      const { owner, orgId, subscriptionId } = await paidOrganization(fx);
      const now = Math.floor(Date.now() / 1000);
      const pastDue = subscriptionUpdated(subscriptionId, 'past_due', now + 10);
      const paid = invoicePaid(subscriptionId, now + 30);
      const latePastDue = subscriptionUpdated(subscriptionId, 'unpaid', now + 20);

      expect((await deliver(fx.app.api, pastDue)).body.outcome).toBe('applied');
      expect((await deliver(fx.app.api, paid)).body.outcome).toBe('applied');
      const late = await deliver(fx.app.api, latePastDue);

      expect(late.body).toEqual({ received: true, outcome: 'ignored' });
      expect((await readOrganization(fx, owner, orgId)).status).toBe('active');
    });

    it('ignores an expiry that arrives after the completion of the same checkout', async () => {
      const { owner, orgId, sessionId } = await pendingOrganization(fx);
      const now = Math.floor(Date.now() / 1000);

      await deliver(fx.app.api, checkoutCompleted(orgId, sessionId, newPaidIds(), now));
      const late = await deliver(fx.app.api, checkoutExpired(orgId, sessionId, now - 60));

      expect(late.body).toEqual({ received: true, outcome: 'ignored' });
      expect(await waitForStatus(fx, owner, orgId, 'active')).toMatchObject({ tier: 'cloud' });
    });

    it('ignores a completion that arrives after the organization was cancelled', async () => {
      const { owner, orgId, sessionId } = await pendingOrganization(fx);
      await fx.app.api.delete(`/v1/organizations/${orgId}`, { token: owner.token });

      const late = await deliver(fx.app.api, checkoutCompleted(orgId, sessionId, newPaidIds()));

      expect(late.body).toEqual({ received: true, outcome: 'ignored' });
      expect(await readOrganization(fx, owner, orgId)).toMatchObject({
        status: 'cancelled',
        tier: 'free',
        stripe_subscription_id: null,
      });
    });
  });
});

describe('The webhook without Stripe configured', () => {
  it('refuses every delivery with 503', async () => {
    const app = await startTestApp();
    try {
      const payload = eventPayload(stripeEvent('invoice.paid', { id: 'in_1' }));

      const response = await app.api.post(WEBHOOK_PATH, {
        rawBody: payload,
        headers: { 'stripe-signature': signatureFor(payload) },
      });

      expectError(response, 503, 'SERVICE_UNAVAILABLE');
    } finally {
      await app.close();
    }
  });
});
