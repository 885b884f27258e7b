import { jest } from '@jest/globals';
import type { ApiResponse } from './support/http.js';
import {
  activeOrganization,
  cancel,
  checkoutPath,
  type LifecycleApp,
  paidOrganization,
  readOrganization,
  restorePath,
  startLifecycleApp,
  suspendPath,
  unsuspendPath,
} from './support/lifecycle.js';
import { organizationPath } from './support/organizations.js';
import type { TestUser } from './support/tokens.js';

jest.setTimeout(120_000);

type AuditEvent = Record<string, any>;

/**
 * The lifecycle seen from the audit trail and the change-safety headers: every status or tier
 * change leaves one entry, in the request's transaction, naming who caused it; answers that
 * carry an organization carry its ETag; a retried checkout with the same key is answered from
 * the first one instead of opening a second session at Stripe.
 */
describe('The lifecycle in the audit trail', () => {
  let fx: LifecycleApp;

  beforeAll(async () => {
    fx = await startLifecycleApp();
  });

  afterAll(async () => {
    await fx.close();
  });

  async function entries(owner: TestUser, orgId: string): Promise<AuditEvent[]> {
    const response = await fx.app.api.get(`${organizationPath(orgId)}/audit-log?limit=200`, {
      token: owner.token,
    });
    expect(response.status).toBe(200);

    return response.body.data;
  }

  const change = (event: AuditEvent, field: string) =>
    event.changes.find((entry: AuditEvent) => entry.field === field);

  it("records the owner's cancel and restore with the owner and each request's id", async () => {
    const { owner, orgId } = await activeOrganization(fx);

    const cancelled = await fx.app.api.delete(organizationPath(orgId), {
      token: owner.token,
      headers: { 'x-request-id': 'req_audit-cancel-0001' },
    });
    const restored = await fx.app.api.post(restorePath(orgId), {
      token: owner.token,
      headers: { 'x-request-id': 'req_audit-restore-0001' },
    });

    expect(cancelled.status).toBe(200);
    expect(restored.status).toBe(200);
    const [restoreEntry, cancelEntry] = await entries(owner, orgId);
    expect(cancelEntry).toMatchObject({
      action: 'organization.status_changed',
      actor: owner.sub,
      target: { type: 'organization', id: orgId },
      request_id: 'req_audit-cancel-0001',
    });
    expect(change(cancelEntry, 'status')).toEqual({
      field: 'status',
      from: 'active',
      to: 'cancelled',
    });
    expect(restoreEntry).toMatchObject({
      action: 'organization.status_changed',
      actor: owner.sub,
      request_id: 'req_audit-restore-0001',
    });
    expect(change(restoreEntry, 'status')).toEqual({
      field: 'status',
      from: 'cancelled',
      to: 'active',
    });
  });

  it("records an operator's suspension and its lifting under the operator's id", async () => {
    const { owner, orgId } = await activeOrganization(fx);

    const suspended = await fx.app.api.post(suspendPath(orgId), {
      token: fx.operator.token,
      body: { reason: 'Terms of service: section 4.2' },
    });
    const lifted = await fx.app.api.post(unsuspendPath(orgId), { token: fx.operator.token });

    expect(suspended.status).toBe(200);
    expect(lifted.status).toBe(200);
    const [liftEntry, suspendEntry] = await entries(owner, orgId);
    expect(suspendEntry).toMatchObject({
      action: 'organization.status_changed',
      actor: fx.operator.sub,
      request_id: suspended.headers.get('x-request-id'),
    });
    expect(change(suspendEntry, 'status')).toMatchObject({ from: 'active', to: 'suspended' });
    expect(liftEntry).toMatchObject({ actor: fx.operator.sub });
    expect(change(liftEntry, 'status')).toMatchObject({ from: 'suspended', to: 'active' });
  });

  it("records Stripe's checkout as a billing event and provisioning as the system's", async () => {
    const { owner, orgId, customerId, subscriptionId } = await paidOrganization(fx, 'growth');

    const events = await entries(owner, orgId);

    expect(events.map((event) => [event.action, event.actor])).toEqual([
      ['organization.status_changed', 'system'],
      ['billing.event_applied', 'stripe'],
      ['organization.status_changed', owner.sub],
      ['organization.created', owner.sub],
    ]);
    const [provisioned, billing, checkout] = events;
    expect(change(checkout, 'status')).toMatchObject({ from: 'active', to: 'pending_payment' });
    expect(change(billing, 'status')).toMatchObject({
      from: 'pending_payment',
      to: 'provisioning',
    });
    expect(change(billing, 'tier')).toMatchObject({ from: 'free', to: 'growth' });
    expect(change(billing, 'stripe_customer_id')).toMatchObject({ from: null, to: customerId });
    expect(change(billing, 'stripe_subscription_id')).toMatchObject({
      from: null,
      to: subscriptionId,
    });
    expect(change(provisioned, 'status')).toMatchObject({ from: 'provisioning', to: 'active' });
    expect(provisioned.request_id).toBeNull();
  });

  it('writes no entry for a refused transition', async () => {
    const { owner, orgId } = await activeOrganization(fx);

    const refused = await fx.app.api.post(restorePath(orgId), { token: owner.token });

    expect(refused.status).toBe(409);
    expect((await entries(owner, orgId)).map((event) => event.action)).toEqual([
      'organization.created',
    ]);
  });

  it('answers every lifecycle change with the ETag a read then gives', async () => {
    const { owner, orgId } = await activeOrganization(fx);
    const before = await fx.app.api.get(organizationPath(orgId), { token: owner.token });

    const answers: ApiResponse[] = [await cancel(fx, owner, orgId)];
    const afterCancel = await fx.app.api.get(organizationPath(orgId), { token: owner.token });
    answers.push(await fx.app.api.post(restorePath(orgId), { token: owner.token }));
    const afterRestore = await fx.app.api.get(organizationPath(orgId), { token: owner.token });

    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(answers[0].headers.get('etag')).toBe(afterCancel.headers.get('etag'));
    expect(answers[1].headers.get('etag')).toBe(afterRestore.headers.get('etag'));
    expect(
      new Set([before, afterCancel, afterRestore].map((r) => r.headers.get('etag'))).size,
    ).toBe(3);
  });

  it('replays a retried checkout with the same key: one session at Stripe', async () => {
    const { owner, orgId } = await activeOrganization(fx);
    const retry = () =>
      fx.app.api.post(checkoutPath(orgId), {
        token: owner.token,
        body: { tier: 'cloud' },
        headers: { 'idempotency-key': `checkout-${orgId}` },
      });

    const first = await retry();
    const second = await retry();

    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(fx.stripe.checkoutSessionsOf(orgId)).toHaveLength(1);
    expect(await readOrganization(fx, owner, orgId)).toMatchObject({
      status: 'pending_payment',
    });
  });
});
