import { randomBytes } from 'node:crypto';
import type {
  OrganizationProvisioner,
  ProvisioningRequest,
} from '../../src/organizations/lifecycle/provisioning/organization-provisioner.js';
import type { ApiResponse } from './http.js';
import { createOrganization, organizationPath, type Organization } from './organizations.js';
import { deliver, StripeStandIn, stripeEvent } from './stripe-stand-in.js';
import { startTestApp, type TestApp } from './test-app.js';
import { newUser, type TestUser } from './tokens.js';

/**
 * A provisioner whose failures a test decides, organization by organization: it fails the
 * number of attempts it was told to (all of them with `Infinity`), then succeeds at once.
 */
export class ScriptedProvisioner implements OrganizationProvisioner {
  readonly calls: ProvisioningRequest[] = [];
  private readonly failures = new Map<string, number>();

  failFor(orgId: string, attempts: number): void {
    this.failures.set(orgId, attempts);
  }

  async provision(request: ProvisioningRequest): Promise<void> {
    this.calls.push(request);
    const left = this.failures.get(request.orgId) ?? 0;
    if (left > 0) {
      this.failures.set(request.orgId, left - 1);
      throw new Error(`simulated outage on attempt ${request.attempt}`);
    }
  }
}

export const PROVISIONING_MAX_ATTEMPTS = 3;

export interface LifecycleApp {
  app: TestApp;
  stripe: StripeStandIn;
  provisioner?: ScriptedProvisioner;
  /** A platform operator (listed in PLATFORM_ADMIN_USER_IDS). */
  operator: TestUser;
  close(): Promise<void>;
}

/**
 * The service with billing pointed at a local Stripe stand-in, one platform operator, and
 * quick provisioning retries. `scripted: false` keeps the default provisioner.
 */
export async function startLifecycleApp(
  options: { scripted?: boolean; env?: Record<string, string> } = {},
): Promise<LifecycleApp> {
  const stripe = await StripeStandIn.start();
  const operator = newUser();
  const provisioner = options.scripted === false ? undefined : new ScriptedProvisioner();
  const app = await startTestApp(
    {
      ...stripe.env(),
      PLATFORM_ADMIN_USER_IDS: `usr_other_operator,${operator.sub}`,
      PROVISIONING_MAX_ATTEMPTS: String(PROVISIONING_MAX_ATTEMPTS),
      PROVISIONING_RETRY_DELAY_MS: '5',
      ...options.env,
    },
    { provisioner },
  );

  return {
    app,
    stripe,
    provisioner,
    operator,
    close: async () => {
      await app.close();
      await stripe.close();
    },
  };
}

export const checkoutPath = (orgId: string) => `${organizationPath(orgId)}/billing/checkout`;

export function startCheckout(
  { app }: LifecycleApp,
  owner: TestUser,
  orgId: string,
  tier: string = 'cloud',
): Promise<ApiResponse> {
  return app.api.post(checkoutPath(orgId), { token: owner.token, body: { tier } });
}

/** The Checkout Session id inside a `checkout_url` the stand-in made. */
export function sessionIdOf(response: ApiResponse): string {
  const url = String(response.body.checkout_url);

  return url.slice(url.lastIndexOf('/') + 1);
}

export interface PaidIds {
  customerId: string;
  subscriptionId: string;
}

export function newPaidIds(): PaidIds {
  const id = randomBytes(6).toString('hex');

  return { customerId: `cus_${id}`, subscriptionId: `sub_${id}` };
}

/** The `checkout.session.completed` Stripe sends once the buyer paid. */
export function checkoutCompleted(
  orgId: string,
  sessionId: string,
  ids: PaidIds,
  created?: number,
) {
  return stripeEvent(
    'checkout.session.completed',
    {
      id: sessionId,
      object: 'checkout.session',
      mode: 'subscription',
      status: 'complete',
      payment_status: 'paid',
      client_reference_id: orgId,
      metadata: { org_id: orgId },
      customer: ids.customerId,
      subscription: ids.subscriptionId,
    },
    { created },
  );
}

export function checkoutExpired(orgId: string, sessionId: string, created?: number) {
  return stripeEvent(
    'checkout.session.expired',
    {
      id: sessionId,
      object: 'checkout.session',
      status: 'expired',
      client_reference_id: orgId,
      metadata: { org_id: orgId },
    },
    { created },
  );
}

export function subscriptionUpdated(subscriptionId: string, status: string, created?: number) {
  return stripeEvent(
    'customer.subscription.updated',
    { id: subscriptionId, object: 'subscription', status },
    { created },
  );
}

export function subscriptionDeleted(subscriptionId: string, created?: number) {
  return stripeEvent(
    'customer.subscription.deleted',
    { id: subscriptionId, object: 'subscription', status: 'canceled' },
    { created },
  );
}

export function invoicePaid(subscriptionId: string, created?: number) {
  return stripeEvent(
    'invoice.paid',
    {
      id: `in_${randomBytes(6).toString('hex')}`,
      object: 'invoice',
      status: 'paid',
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: subscriptionId },
      },
    },
    { created },
  );
}

export async function readOrganization(
  { app }: LifecycleApp,
  user: TestUser,
  orgId: string,
): Promise<Organization> {
  const response = await app.api.get(organizationPath(orgId), { token: user.token });
  expect(response.status).toBe(200);

  return response.body;
}

/** Polls the organization until it has `status` (provisioning runs in the background). */
export async function waitForStatus(
  fixture: LifecycleApp,
  user: TestUser,
  orgId: string,
  status: string,
): Promise<Organization> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const organization = await readOrganization(fixture, user, orgId);
    if (organization.status === status || Date.now() > deadline) {
      expect(organization.status).toBe(status);

      return organization;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until the background provisioning of `orgId` has made `count` attempts. */
export async function waitForAttempts(
  fixture: LifecycleApp,
  orgId: string,
  count: number,
): Promise<ProvisioningAttemptRow[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const rows = await provisioningAttempts(fixture, orgId);
    if (rows.length >= count || Date.now() > deadline) {
      expect(rows).toHaveLength(count);

      return rows;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface ProvisioningAttemptRow {
  attempt: number;
  outcome: string;
  tier: string;
  error: string | null;
}

export async function provisioningAttempts(
  { app }: LifecycleApp,
  orgId: string,
): Promise<ProvisioningAttemptRow[]> {
  return app.dataSource.query(
    `SELECT attempt, outcome, tier, error FROM provisioning_attempts
      WHERE org_id = $1 ORDER BY started_at, attempt`,
    [orgId],
  );
}

export interface OwnedOrganization {
  owner: TestUser;
  orgId: string;
  organization: Organization;
}

export async function activeOrganization(fixture: LifecycleApp): Promise<OwnedOrganization> {
  const owner = newUser();
  const organization = await createOrganization(fixture.app.api, owner);

  return { owner, orgId: organization.org_id, organization };
}

export async function pendingOrganization(
  fixture: LifecycleApp,
  tier = 'cloud',
): Promise<OwnedOrganization & { sessionId: string }> {
  const owned = await activeOrganization(fixture);
  const response = await startCheckout(fixture, owned.owner, owned.orgId, tier);
  expect(response.status).toBe(201);

  return { ...owned, sessionId: sessionIdOf(response) };
}

/** Paid for, and held in `provisioning`: the scripted provisioner fails every attempt. */
export async function provisioningOrganization(
  fixture: LifecycleApp,
): Promise<OwnedOrganization & PaidIds> {
  const pending = await pendingOrganization(fixture);
  fixture.provisioner?.failFor(pending.orgId, Infinity);
  const ids = newPaidIds();
  const response = await deliver(
    fixture.app.api,
    checkoutCompleted(pending.orgId, pending.sessionId, ids),
  );
  expect(response.body).toEqual({ received: true, outcome: 'applied' });
  await waitForAttempts(fixture, pending.orgId, PROVISIONING_MAX_ATTEMPTS);

  return { ...pending, ...ids };
}

/** On a paid tier, provisioned and `active`. */
export async function paidOrganization(
  fixture: LifecycleApp,
  tier = 'cloud',
): Promise<OwnedOrganization & PaidIds> {
  const pending = await pendingOrganization(fixture, tier);
  const ids = newPaidIds();
  const response = await deliver(
    fixture.app.api,
    checkoutCompleted(pending.orgId, pending.sessionId, ids),
  );
  expect(response.body).toEqual({ received: true, outcome: 'applied' });
  const organization = await waitForStatus(fixture, pending.owner, pending.orgId, 'active');

  return { ...pending, ...ids, organization };
}

/** Paid, then suspended because the subscription went `past_due`. */
export async function billingSuspendedOrganization(
  fixture: LifecycleApp,
): Promise<OwnedOrganization & PaidIds> {
  const paid = await paidOrganization(fixture);
  const response = await deliver(
    fixture.app.api,
    subscriptionUpdated(paid.subscriptionId, 'past_due'),
  );
  expect(response.body).toEqual({ received: true, outcome: 'applied' });

  return { ...paid, organization: await readOrganization(fixture, paid.owner, paid.orgId) };
}

export const suspendPath = (orgId: string) => `${organizationPath(orgId)}/suspend`;
export const unsuspendPath = (orgId: string) => `${organizationPath(orgId)}/unsuspend`;
export const restorePath = (orgId: string) => `${organizationPath(orgId)}/restore`;

export function suspend(
  { app }: LifecycleApp,
  caller: TestUser,
  orgId: string,
  reason = 'Terms of service: section 4.2',
): Promise<ApiResponse> {
  return app.api.post(suspendPath(orgId), { token: caller.token, body: { reason } });
}

export function unsuspend({ app }: LifecycleApp, caller: TestUser, orgId: string) {
  return app.api.post(unsuspendPath(orgId), { token: caller.token });
}

export function cancel({ app }: LifecycleApp, caller: TestUser, orgId: string) {
  return app.api.delete(organizationPath(orgId), { token: caller.token });
}

export function restore({ app }: LifecycleApp, caller: TestUser, orgId: string) {
  return app.api.post(restorePath(orgId), { token: caller.token });
}

/** Suspended by an operator for a policy violation. */
export async function policySuspendedOrganization(
  fixture: LifecycleApp,
): Promise<OwnedOrganization> {
  const owned = await activeOrganization(fixture);
  const response = await suspend(fixture, fixture.operator, owned.orgId);
  expect(response.status).toBe(200);

  return { ...owned, organization: response.body };
}

export async function cancelledOrganization(fixture: LifecycleApp): Promise<OwnedOrganization> {
  const owned = await activeOrganization(fixture);
  const response = await cancel(fixture, owned.owner, owned.orgId);
  expect(response.status).toBe(200);

  return { ...owned, organization: response.body };
}

/** A refused lifecycle transition: 409 CONFLICT naming where it is and where it was asked to go. */
export function expectRefusedTransition(response: ApiResponse, from: string, to: string): void {
  expect({ status: response.status, body: response.body?.error }).toEqual({
    status: 409,
    body: expect.objectContaining({ code: 'CONFLICT', details: { from, to } }),
  });
}
