import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import type { ApiClient, ApiResponse } from './http.js';

/** One request the service made to Stripe's API, as the stand-in received it. */
export interface RecordedStripeRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  /** The form fields as sent (`line_items[0][price]` and so on). */
  form: Record<string, string>;
}

export const STRIPE_TEST_SECRET_KEY = 'sk_test_standin_0123456789';
export const STRIPE_TEST_WEBHOOK_SECRET = 'whsec_standin_0123456789abcdef';
export const STRIPE_TEST_PRICES = {
  cloud: 'price_cloud_test',
  growth: 'price_growth_test',
  enterprise: 'price_enterprise_test',
};
export const CHECKOUT_SUCCESS_URL = 'https://app.hatidata.test/billing/success';
export const CHECKOUT_CANCEL_URL = 'https://app.hatidata.test/billing/cancelled';

export const WEBHOOK_PATH = '/v1/billing/stripe/webhook';

/**
 * A local HTTP server that answers the few Stripe API calls the service makes (create and
 * expire a Checkout Session, cancel a subscription) and records each request, so tests can
 * check what the real `stripe` client asked for without the internet.
 */
export class StripeStandIn {
  readonly requests: RecordedStripeRequest[] = [];
  private failures = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<StripeStandIn> {
    const started: { standIn?: StripeStandIn } = {};
    const server = createServer((request, response) => {
      void started.standIn?.answer(request).then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') {
      throw new Error('the Stripe stand-in has no TCP address');
    }
    started.standIn = new StripeStandIn(server, `http://127.0.0.1:${address.port}`);

    return started.standIn;
  }

  /** The next `count` requests are answered with Stripe's 500 api_error. */
  failNext(count: number): void {
    this.failures = count;
  }

  /** The environment that points the service's Stripe client here. */
  env(): Record<string, string> {
    return {
      STRIPE_SECRET_KEY: STRIPE_TEST_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: STRIPE_TEST_WEBHOOK_SECRET,
      STRIPE_PRICE_CLOUD: STRIPE_TEST_PRICES.cloud,
      STRIPE_PRICE_GROWTH: STRIPE_TEST_PRICES.growth,
      STRIPE_PRICE_ENTERPRISE: STRIPE_TEST_PRICES.enterprise,
      STRIPE_CHECKOUT_SUCCESS_URL: CHECKOUT_SUCCESS_URL,
      STRIPE_CHECKOUT_CANCEL_URL: CHECKOUT_CANCEL_URL,
      STRIPE_API_URL: this.url,
    };
  }

  requestsTo(method: string, pathPrefix: string): RecordedStripeRequest[] {
    return this.requests.filter(
      (request) => request.method === method && request.path.startsWith(pathPrefix),
    );
  }

  /** The Checkout Session the service created for an organization, last one first. */
  checkoutSessionsOf(orgId: string): RecordedStripeRequest[] {
    return this.requestsTo('POST', '/v1/checkout/sessions')
      .filter((request) => request.form['metadata[org_id]'] === orgId)
      .reverse();
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async answer(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
    const path = (request.url ?? '/').split('?')[0];
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const method = request.method ?? 'GET';
    const recorded = { method, path, authorization: request.headers.authorization, form };
    this.requests.push(recorded);
    if (this.failures > 0) {
      this.failures -= 1;

      return stripeError(500, 'api_error', 'The stand-in was told to fail');
    }

    const expire = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path);
    const subscription = /^\/v1\/subscriptions\/([^/]+)$/.exec(path);
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      const id = `cs_test_${randomBytes(8).toString('hex')}`;

      return {
        status: 200,
        body: {
          id,
          object: 'checkout.session',
          mode: form.mode,
          status: 'open',
          metadata: { org_id: form['metadata[org_id]'], tier: form['metadata[tier]'] },
          url: `https://checkout.stripe.test/c/pay/${id}`,
        },
      };
    }
    if (method === 'POST' && expire) {
      return {
        status: 200,
        body: { id: expire[1], object: 'checkout.session', status: 'expired' },
      };
    }
    if (method === 'DELETE' && subscription) {
      if (subscription[1].startsWith('sub_gone')) {
        return stripeError(
          404,
          'invalid_request_error',
          'No such subscription',
          'resource_missing',
        );
      }

      return {
        status: 200,
        body: { id: subscription[1], object: 'subscription', status: 'canceled' },
      };
    }

    return stripeError(404, 'invalid_request_error', 'Unrecognized request URL');
  }
}

function stripeError(
  status: number,
  type: string,
  message: string,
  code?: string,
): { status: number; body: unknown } {
  return { status, body: { error: { type, message, ...(code ? { code } : {}) } } };
}

const signer = new Stripe(STRIPE_TEST_SECRET_KEY);

export interface StripeTestEvent {
  id: string;
  type: string;
  created: number;
  object: Record<string, unknown>;
}

let eventSequence = 0;

/** A Stripe event of `type` about `object`; `created` defaults to now, in seconds. */
export function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  overrides: { id?: string; created?: number } = {},
): StripeTestEvent {
  eventSequence += 1;

  return {
    id: overrides.id ?? `evt_test_${randomBytes(6).toString('hex')}_${eventSequence}`,
    type,
    created: overrides.created ?? Math.floor(Date.now() / 1000),
    object,
  };
}

/** The body Stripe would send for `event`. */
export function eventPayload(event: StripeTestEvent): string {
  return JSON.stringify({
    id: event.id,
    object: 'event',
    api_version: '2026-11-18.endive',
    created: event.created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: event.type,
    data: { object: event.object },
  });
}

/** The `Stripe-Signature` header Stripe would send with `payload` (at `timestamp`, seconds). */
export function signatureFor(
  payload: string,
  secret = STRIPE_TEST_WEBHOOK_SECRET,
  timestamp?: number,
): string {
  return signer.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

/** Delivers `event` to the webhook, signed exactly as Stripe signs it. */
export function deliver(api: ApiClient, event: StripeTestEvent): Promise<ApiResponse> {
  const payload = eventPayload(event);

  return api.post(WEBHOOK_PATH, {
    rawBody: payload,
    contentType: 'application/json; charset=utf-8',
    headers: { 'stripe-signature': signatureFor(payload) },
  });
}
