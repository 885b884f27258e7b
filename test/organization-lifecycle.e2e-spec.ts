import { jest } from '@jest/globals';
import { expectError } from './support/expectations.js';
import { organizationBody } from './support/factories.js';
import { inviteAndAccept } from './support/member-flows.js';
import {
  activeOrganization,
  billingSuspendedOrganization,
  cancel,
  cancelledOrganization,
  checkoutCompleted,
  checkoutExpired,
  expectRefusedTransition,
  invoicePaid,
  type LifecycleApp,
  newPaidIds,
  paidOrganization,
  pendingOrganization,
  policySuspendedOrganization,
  provisioningOrganization,
  readOrganization,
  restore,
  sessionIdOf,
  startCheckout,
  startLifecycleApp,
  subscriptionDeleted,
  subscriptionUpdated,
  suspend,
  unsuspend,
  waitForStatus,
} from './support/lifecycle.js';
import { ORGANIZATIONS_PATH, organizationPath } from './support/organizations.js';
import {
  CHECKOUT_CANCEL_URL,
  CHECKOUT_SUCCESS_URL,
  deliver,
  STRIPE_TEST_PRICES,
  STRIPE_TEST_SECRET_KEY,
} from './support/stripe-stand-in.js';
import { startTestApp } from './support/test-app.js';
import { newUser } from './support/tokens.js';

jest.setTimeout(120_000);

const FREE_QUOTAS = {
  monthly_credit_limit: 1000,
  max_concurrent_queries: 10,
  storage_limit_gb: 10,
};
const QUOTAS = {
  cloud: { monthly_credit_limit: 10000, max_concurrent_queries: 100, storage_limit_gb: 500 },
  growth: { monthly_credit_limit: 100000, max_concurrent_queries: 500, storage_limit_gb: 5000 },
  enterprise: {
    monthly_credit_limit: 1000000,
    max_concurrent_queries: 5000,
    storage_limit_gb: 50000,
  },
} as const;

describe('The organization lifecycle', () => {
  let fx: LifecycleApp;

  beforeAll(async () => {
    fx = await startLifecycleApp();
  });

  afterAll(async () => {
    await fx.close();
  });

  const setCreditsUsed = (orgId: string, used: number) =>
    fx.app.dataSource.query('UPDATE organizations SET credits_used = $2 WHERE org_id = $1', [
      orgId,
      used,
    ]);

  describe('each transition of the table', () => {
    it('(new) -> active on the free tier, with no Stripe ids', async () => {
      const { organization } = await activeOrganization(fx);

      expect(organization).toMatchObject({
        status: 'active',
        tier: 'free',
        stripe_customer_id: null,
        stripe_subscription_id: null,
        quotas: { ...FREE_QUOTAS, used: 0 },
      });
    });

    it('active -> pending_payment when the owner starts a checkout at Stripe', async () => {
      const { owner, orgId } = await activeOrganization(fx);

      const response = await startCheckout(fx, owner, orgId, 'growth');

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        checkout_url: expect.stringMatching(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/),
      });
      const [asked] = fx.stripe.checkoutSessionsOf(orgId);
      expect(asked.authorization).toBe(`Bearer ${STRIPE_TEST_SECRET_KEY}`);
      expect(asked.form).toEqual({
        mode: 'subscription',
        'line_items[0][price]': STRIPE_TEST_PRICES.growth,
        'line_items[0][quantity]': '1',
        client_reference_id: orgId,
        'metadata[org_id]': orgId,
        'metadata[tier]': 'growth',
        'subscription_data[metadata][org_id]': orgId,
        'subscription_data[metadata][tier]': 'growth',
        success_url: CHECKOUT_SUCCESS_URL,
        cancel_url: CHECKOUT_CANCEL_URL,
      });
      expect(await readOrganization(fx, owner, orgId)).toMatchObject({
        status: 'pending_payment',
        tier: 'free',
      });
    });

    it('pending_payment -> provisioning on checkout.session.completed, tier set', async () => {
      const { owner, orgId, sessionId } = await pendingOrganization(fx, 'enterprise');
      fx.provisioner?.failFor(orgId, Infinity);
      await setCreditsUsed(orgId, 640);
      const ids = newPaidIds();

      const response = await deliver(fx.app.api, checkoutCompleted(orgId, sessionId, ids));

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ received: true, outcome: 'applied' });
      expect(await readOrganization(fx, owner, orgId)).toMatchObject({
        status: 'provisioning',
        tier: 'enterprise',
        stripe_customer_id: ids.customerId,
        stripe_subscription_id: ids.subscriptionId,
        quotas: { ...QUOTAS.enterprise, used: 640 },
      });
    });

    it('pending_payment -> active on checkout.session.expired, tier unchanged', async () => {
      const { owner, orgId, sessionId } = await pendingOrganization(fx);

      const response = await deliver(fx.app.api, checkoutExpired(orgId, sessionId));

      expect(response.body).toEqual({ received: true, outcome: 'applied' });
      expect(await readOrganization(fx, owner, orgId)).toMatchObject({
        status: 'active',
        tier: 'free',
        stripe_subscription_id: null,
        quotas: FREE_QUOTAS,
      });
    });

    it('provisioning -> active when the provisioner reports success', async () => {
      const { owner, orgId, sessionId } = await pendingOrganization(fx);

      await deliver(fx.app.api, checkoutCompleted(orgId, sessionId, newPaidIds()));

      expect(await waitForStatus(fx, owner, orgId, 'active')).toMatchObject({
        tier: 'cloud',
        quotas: QUOTAS.cloud,
      });
      expect(fx.provisioner?.calls.filter((call) => call.orgId === orgId)).toEqual([
        { orgId, tier: 'cloud', cloudRegion: 'us-east-1', attempt: 1 },
      ]);
    });

    it.each(['past_due', 'unpaid'])(
      'active -> suspended when the subscription becomes %s',
      async (status) => {
        const { owner, orgId, subscriptionId } = await paidOrganization(fx);

        const response = await deliver(fx.app.api, subscriptionUpdated(subscriptionId, status));

        expect(response.body).toEqual({ received: true, outcome: 'applied' });
        expect(await readOrganization(fx, owner, orgId)).toMatchObject({
          status: 'suspended',
          tier: 'cloud',
        });
      },
    );

    it('active -> suspended when an operator suspends for a policy violation', async () => {
      const { owner, orgId } = await activeOrganization(fx);

      const response = await suspend(fx, fx.operator, orgId, 'Abuse report 4411');

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ org_id: orgId, status: 'suspended' });
      expect(await readOrganization(fx, owner, orgId)).toEqual(response.body);
    });

    it('suspended -> active when the invoice of a billing suspension is paid', async () => {
      const { owner, orgId, subscriptionId } = await billingSuspendedOrganization(fx);

      const response = await deliver(fx.app.api, invoicePaid(subscriptionId));

      expect(response.body).toEqual({ received: true, outcome: 'applied' });
      expect(await readOrganization(fx, owner, orgId)).toMatchObject({
        status: 'active',
        tier: 'cloud',
        quotas: QUOTAS.cloud,
      });
    });

    it('suspended -> active when an operator lifts a policy suspension', async () => {
      const { owner, orgId } = await policySuspendedOrganization(fx);

      const response = await unsuspend(fx, fx.operator, orgId);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: 'active' });
      expect(await readOrganization(fx, owner, orgId)).toEqual(response.body);
    });

    it('suspended -> active when an operator lifts a billing suspension', async () => {
      const { orgId } = await billingSuspendedOrganization(fx);

      const response = await unsuspend(fx, fx.operator, orgId);

      expect(response.body).toMatchObject({ status: 'active', tier: 'cloud' });
    });

    describe('any status but cancelled -> cancelled', () => {
      it.each([
        ['active', paidOrganization],
        ['provisioning', provisioningOrganization],
        ['suspended', billingSuspendedOrganization],
      ] as const)(
        'when Stripe deletes the subscription of an organization that is %s',
        async (status, prepare) => {
          const { owner, orgId, subscriptionId } = await prepare(fx);
          expect((await readOrganization(fx, owner, orgId)).status).toBe(status);

          const response = await deliver(fx.app.api, subscriptionDeleted(subscriptionId));

          expect(response.body).toEqual({ received: true, outcome: 'applied' });
          expect(await readOrganization(fx, owner, orgId)).toMatchObject({
            status: 'cancelled',
          });
        },
      );

      it('when Stripe deletes the subscription of a pending_payment organization', async () => {
        // A paid organization that went through a second checkout keeps its subscription.
        const { owner, orgId, subscriptionId, customerId } = await paidOrganization(fx);
        expect((await startCheckout(fx, owner, orgId, 'growth')).status).toBe(201);
        expect(fx.stripe.checkoutSessionsOf(orgId)[0].form.customer).toBe(customerId);

        const response = await deliver(fx.app.api, subscriptionDeleted(subscriptionId));

        expect(response.body).toEqual({ received: true, outcome: 'applied' });
        expect((await readOrganization(fx, owner, orgId)).status).toBe('cancelled');
      });

      it.each([
        ['active', activeOrganization],
        ['pending_payment', pendingOrganization],
        ['provisioning', provisioningOrganization],
        ['suspended', policySuspendedOrganization],
      ] as const)('when the owner cancels an organization that is %s', async (status, prepare) => {
        const { owner, orgId } = await prepare(fx);
        expect((await readOrganization(fx, owner, orgId)).status).toBe(status);

        const response = await cancel(fx, owner, orgId);

        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({ org_id: orgId, status: 'cancelled' });
        expect(await readOrganization(fx, owner, orgId)).toEqual(response.body);
      });

      it('cancels the Stripe subscription first when the owner cancels a paid one', async () => {
        const { owner, orgId, subscriptionId } = await paidOrganization(fx);

        const response = await cancel(fx, owner, orgId);

        expect(response.body).toMatchObject({ status: 'cancelled', tier: 'cloud' });
        const cancels = fx.stripe.requestsTo('DELETE', `/v1/subscriptions/${subscriptionId}`);
        expect(cancels).toHaveLength(1);
        expect(cancels[0].authorization).toBe(`Bearer ${STRIPE_TEST_SECRET_KEY}`);
      });

      it('expires the open checkout when the owner cancels while it is pending', async () => {
        const { owner, orgId, sessionId } = await pendingOrganization(fx);

        await cancel(fx, owner, orgId);

        expect(
          fx.stripe.requestsTo('POST', `/v1/checkout/sessions/${sessionId}/expire`),
        ).toHaveLength(1);
      });

      it('cancels a subscription Stripe no longer knows without complaint', async () => {
        const { owner, orgId } = await paidOrganization(fx);
        await fx.app.dataSource.query(
          'UPDATE organizations SET stripe_subscription_id = $2 WHERE org_id = $1',
          [orgId, `sub_gone_${orgId}`],
        );

        expect((await cancel(fx, owner, orgId)).body).toMatchObject({ status: 'cancelled' });
      });

      it('leaves the organization as it was when Stripe fails to cancel: 503', async () => {
        const { owner, orgId, organization } = await paidOrganization(fx);
        fx.stripe.failNext(3);

        expectError(await cancel(fx, owner, orgId), 503, 'SERVICE_UNAVAILABLE');
        expect(await readOrganization(fx, owner, orgId)).toEqual(organization);
      });
    });

    it('cancelled -> active on the free tier when the owner restores', async () => {
      const { owner, orgId, subscriptionId } = await paidOrganization(fx, 'growth');
      await setCreditsUsed(orgId, 4321);
      await cancel(fx, owner, orgId);

      const response = await restore(fx, owner, orgId);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        status: 'active',
        tier: 'free',
        stripe_subscription_id: null,
        quotas: { ...FREE_QUOTAS, used: 4321 },
      });
      // The cancelled subscription's late deletion event no longer concerns it.
      const late = await deliver(fx.app.api, subscriptionDeleted(subscriptionId));
      expect(late.body).toEqual({ received: true, outcome: 'ignored' });
      expect((await readOrganization(fx, owner, orgId)).status).toBe('active');
    });

    it('walks one organization through every status', async () => {
      const { owner, orgId } = await activeOrganization(fx);
      const seen = ['active'];
      const pending = await startCheckout(fx, owner, orgId, 'cloud');
      seen.push((await readOrganization(fx, owner, orgId)).status);
      fx.provisioner?.failFor(orgId, 1);
      const ids = newPaidIds();
      await deliver(fx.app.api, checkoutCompleted(orgId, sessionIdOf(pending), ids));
      seen.push((await readOrganization(fx, owner, orgId)).status);
      seen.push((await waitForStatus(fx, owner, orgId, 'active')).status);
      await deliver(fx.app.api, subscriptionUpdated(ids.subscriptionId, 'past_due'));
      seen.push((await readOrganization(fx, owner, orgId)).status);
      await deliver(fx.app.api, invoicePaid(ids.subscriptionId));
      seen.push((await readOrganization(fx, owner, orgId)).status);
      await suspend(fx, fx.operator, orgId);
      seen.push((await readOrganization(fx, owner, orgId)).status);
      await unsuspend(fx, fx.operator, orgId);
      seen.push((await readOrganization(fx, owner, orgId)).status);
      await cancel(fx, owner, orgId);
      seen.push((await readOrganization(fx, owner, orgId)).status);
      await restore(fx, owner, orgId);
      seen.push((await readOrganization(fx, owner, orgId)).status);

      expect(seen).toEqual([
        'active',
        'pending_payment',
        'provisioning',
        'active',
        'suspended',
        'active',
        'suspended',
        'active',
        'cancelled',
        'active',
      ]);
    });
  });

  describe('refused transitions (409 with details.from and details.to)', () => {
    it.each([
      ['pending_payment', pendingOrganization],
      ['provisioning', provisioningOrganization],
      ['suspended', policySuspendedOrganization],
      ['cancelled', cancelledOrganization],
    ] as const)('refuses a checkout of an organization that is %s', async (status, prepare) => {
      const { owner, orgId } = await prepare(fx);
      const before = await readOrganization(fx, owner, orgId);
      const sessionsBefore = fx.stripe.checkoutSessionsOf(orgId).length;

      expectRefusedTransition(await startCheckout(fx, owner, orgId), status, 'pending_payment');
      expect(fx.stripe.checkoutSessionsOf(orgId)).toHaveLength(sessionsBefore);
      expect(await readOrganization(fx, owner, orgId)).toEqual(before);
    });

    it.each([
      ['pending_payment', pendingOrganization],
      ['provisioning', provisioningOrganization],
      ['suspended', policySuspendedOrganization],
      ['cancelled', cancelledOrganization],
    ] as const)('refuses to suspend an organization that is %s', async (status, prepare) => {
      const { owner, orgId } = await prepare(fx);
      const before = await readOrganization(fx, owner, orgId);

      expectRefusedTransition(await suspend(fx, fx.operator, orgId), status, 'suspended');
      expect(await readOrganization(fx, owner, orgId)).toEqual(before);
    });

    it.each([
      ['active', activeOrganization],
      ['pending_payment', pendingOrganization],
      ['provisioning', provisioningOrganization],
      ['cancelled', cancelledOrganization],
    ] as const)('refuses to unsuspend an organization that is %s', async (status, prepare) => {
      const { owner, orgId } = await prepare(fx);
      const before = await readOrganization(fx, owner, orgId);

      expectRefusedTransition(await unsuspend(fx, fx.operator, orgId), status, 'active');
      expect(await readOrganization(fx, owner, orgId)).toEqual(before);
    });

    it('refuses to cancel a cancelled organization', async () => {
      const { owner, orgId, organization } = await cancelledOrganization(fx);

      expectRefusedTransition(await cancel(fx, owner, orgId), 'cancelled', 'cancelled');
      expect(await readOrganization(fx, owner, orgId)).toEqual(organization);
    });

    it.each([
      ['active', activeOrganization],
      ['pending_payment', pendingOrganization],
      ['provisioning', provisioningOrganization],
      ['suspended', policySuspendedOrganization],
    ] as const)('refuses to restore an organization that is %s', async (status, prepare) => {
      const { owner, orgId } = await prepare(fx);
      const before = await readOrganization(fx, owner, orgId);

      expectRefusedTransition(await restore(fx, owner, orgId), status, 'active');
      expect(await readOrganization(fx, owner, orgId)).toEqual(before);
    });

    it('refuses to restore after the retention period, with reason retention_expired', async () => {
      const { owner, orgId, organization } = await cancelledOrganization(fx);
      await fx.app.dataSource.query(
        `UPDATE organizations SET cancelled_at = now() - interval '30 days 1 minute'
          WHERE org_id = $1`,
        [orgId],
      );

      const response = await restore(fx, owner, orgId);

      expectError(response, 409, 'CONFLICT');
      expect(response.body.error.details).toEqual({
        from: 'cancelled',
        to: 'active',
        reason: 'retention_expired',
      });
      expect(await readOrganization(fx, owner, orgId)).toEqual(organization);
    });

    it('restores on the last day of the retention period', async () => {
      const { owner, orgId } = await cancelledOrganization(fx);
      await fx.app.dataSource.query(
        `UPDATE organizations SET cancelled_at = now() - interval '29 days 23 hours'
          WHERE org_id = $1`,
        [orgId],
      );

      expect((await restore(fx, owner, orgId)).body).toMatchObject({ status: 'active' });
    });

    it.each([
      ['checkout.session.completed on an active organization', activeOrganization, 'completed'],
      ['checkout.session.expired on a provisioning one', provisioningOrganization, 'expired'],
      ['past_due on a pending_payment one', pendingOrganization, 'past_due'],
      ['invoice.paid on a policy suspension', policySuspendedOrganization, 'paid'],
      ['past_due on a cancelled one', cancelledOrganization, 'past_due'],
    ] as const)('acknowledges and ignores %s', async (_title, prepare, kind) => {
      const owned = await prepare(fx);
      const { owner, orgId } = owned;
      const subscriptionId = `sub_${orgId}`;
      await fx.app.dataSource.query(
        `UPDATE organizations SET stripe_subscription_id = coalesce(stripe_subscription_id, $2)
          WHERE org_id = $1`,
        [orgId, subscriptionId],
      );
      const before = await readOrganization(fx, owner, orgId);
      const sub = before.stripe_subscription_id;
      const session = 'sessionId' in owned ? String(owned.sessionId) : 'cs_test_unknown';
      const event = {
        completed: () => checkoutCompleted(orgId, session, newPaidIds()),
        expired: () => checkoutExpired(orgId, session),
        past_due: () => subscriptionUpdated(sub, 'past_due'),
        paid: () => invoicePaid(sub),
      }[kind]();

      const response = await deliver(fx.app.api, event);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ received: true, outcome: 'ignored' });
      expect(await readOrganization(fx, owner, orgId)).toEqual(before);
    });
  });

  describe('while suspended or cancelled', () => {
    const owner = newUser();
    const activeOrganizationOf = async (user: typeof owner) => {
      const response = await fx.app.api.post(ORGANIZATIONS_PATH, {
        token: user.token,
        body: organizationBody(),
      });

      return { orgId: response.body.org_id as string };
    };

    it.each([
      ['suspended', policySuspendedOrganization],
      ['cancelled', cancelledOrganization],
    ] as const)(
      'refuses PUT of a %s organization with 409 and details.status',
      async (status, prepare) => {
        const { owner, orgId, organization } = await prepare(fx);

        const response = await fx.app.api.put(organizationPath(orgId), {
          token: owner.token,
          body: { name: 'Renamed' },
        });

        expectError(response, 409, 'CONFLICT');
        expect(response.body.error.details).toEqual({ status });
        expect(await readOrganization(fx, owner, orgId)).toEqual(organization);
      },
    );

    it.each([
      ['suspended', (orgId: string) => suspend(fx, fx.operator, orgId)],
      ['cancelled', (orgId: string) => cancel(fx, owner, orgId)],
    ] as const)('lets every member read a %s organization', async (status, freeze) => {
      const { orgId } = await activeOrganizationOf(owner);
      const analyst = await inviteAndAccept(fx.app, owner, orgId, 'analyst');
      expect((await freeze(orgId)).status).toBe(200);

      const asOwner = await readOrganization(fx, owner, orgId);

      expect(asOwner.status).toBe(status);
      expect(await readOrganization(fx, analyst, orgId)).toEqual(asOwner);
    });

    it('keeps the slug of a cancelled organization taken', async () => {
      const { organization } = await cancelledOrganization(fx);

      const response = await fx.app.api.post(ORGANIZATIONS_PATH, {
        token: newUser().token,
        body: organizationBody({ slug: organization.slug }),
      });

      expectError(response, 409, 'CONFLICT');
    });
  });

  describe('who may do what', () => {
    it('lets only the owner start a checkout, cancel or restore', async () => {
      const { owner, orgId } = await activeOrganization(fx);
      const admin = await inviteAndAccept(fx.app, owner, orgId, 'admin');

      expectError(await startCheckout(fx, admin, orgId), 403, 'FORBIDDEN');
      expectError(await cancel(fx, admin, orgId), 403, 'FORBIDDEN');
      expectError(await restore(fx, admin, orgId), 403, 'FORBIDDEN');
      expectError(await cancel(fx, newUser(), orgId), 404, 'NOT_FOUND');
      expect((await readOrganization(fx, owner, orgId)).status).toBe('active');
    });

    it('refuses suspend and unsuspend to anyone not configured as an operator: 403', async () => {
      const { owner, orgId } = await activeOrganization(fx);
      const claimsOperator = newUser({
        extraClaims: { role: 'platform_admin', roles: ['admin'], platform_admin: true },
      });

      for (const caller of [owner, claimsOperator, newUser()]) {
        const suspended = await suspend(fx, caller, orgId);
        expectError(suspended, 403, 'FORBIDDEN');
        expectError(await unsuspend(fx, caller, orgId), 403, 'FORBIDDEN');
      }
      expectError(await suspend(fx, newUser(), 'org_aaaaaaaaaaaaaaaa'), 403, 'FORBIDDEN');
      expectError(
        await fx.app.api.post(`${organizationPath(orgId)}/suspend`, { body: { reason: 'x' } }),
        401,
        'UNAUTHORIZED',
      );
      expect((await readOrganization(fx, owner, orgId)).status).toBe('active');
    });

    it('answers an operator 404 for an organization that does not exist', async () => {
      expectError(await suspend(fx, fx.operator, 'org_aaaaaaaaaaaaaaaa'), 404, 'NOT_FOUND');
      expectError(await unsuspend(fx, fx.operator, 'not-an-id'), 404, 'NOT_FOUND');
    });

    it('needs a reason to suspend', async () => {
      const { owner, orgId, organization } = await activeOrganization(fx);

      for (const body of [{}, { reason: '' }, { reason: 'x'.repeat(501) }, { reason: 7 }]) {
        const response = await fx.app.api.post(`${organizationPath(orgId)}/suspend`, {
          token: fx.operator.token,
          body,
        });
        expectError(response, 400, 'VALIDATION_ERROR');
      }
      expect(await readOrganization(fx, owner, orgId)).toEqual(organization);
    });

    it('takes only a paid tier for a checkout', async () => {
      const { owner, orgId, organization } = await activeOrganization(fx);

      for (const body of [{}, { tier: 'free' }, { tier: 'platinum' }, { tier: 'cloud', x: 1 }]) {
        const response = await fx.app.api.post(`${organizationPath(orgId)}/billing/checkout`, {
          token: owner.token,
          body,
        });
        expectError(response, 400, 'VALIDATION_ERROR');
      }
      expect(await readOrganization(fx, owner, orgId)).toEqual(organization);
    });

    it('answers 503 and changes nothing when Stripe fails to create the session', async () => {
      const { owner, orgId, organization } = await activeOrganization(fx);
      fx.stripe.failNext(3);

      expectError(await startCheckout(fx, owner, orgId), 503, 'SERVICE_UNAVAILABLE');
      expect(await readOrganization(fx, owner, orgId)).toEqual(organization);
    });
  });
});

describe('The lifecycle without Stripe configured', () => {
  it('starts, answers checkout with 503, and still cancels and restores', async () => {
    const app = await startTestApp();
    try {
      const owner = newUser();
      const created = await app.api.post(ORGANIZATIONS_PATH, {
        token: owner.token,
        body: organizationBody(),
      });
      const orgId = created.body.org_id;

      const checkout = await app.api.post(`${organizationPath(orgId)}/billing/checkout`, {
        token: owner.token,
        body: { tier: 'cloud' },
      });

      expectError(checkout, 503, 'SERVICE_UNAVAILABLE');
      expect(checkout.body.error.message).toMatch(/not configured/);
      const cancelled = await app.api.delete(organizationPath(orgId), { token: owner.token });
      expect(cancelled.body).toMatchObject({ status: 'cancelled' });
      const restored = await app.api.post(`${organizationPath(orgId)}/restore`, {
        token: owner.token,
      });
      expect(restored.body).toMatchObject({ status: 'active' });
    } finally {
      await app.close();
    }
  });
});
