import { randomBytes } from 'node:crypto';
import { expectError } from './support/expectations.js';
import type { ApiResponse } from './support/http.js';
import {
  createOrganization,
  type Organization,
  organizationPath,
  ORGANIZATIONS_PATH,
} from './support/organizations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { mintToken, newUser, type TestUser } from './support/tokens.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Keys of this run only, in a Redis other tests and people share: nothing is ever flushed. */
const uniqueKeyPrefix = (): string => `test:ratelimit:${randomBytes(8).toString('hex')}`;

function startLimitedApp(env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp({ RATE_LIMIT_ENABLED: 'true', ...env });
}

/** Sends `count` requests at once and returns the answers in the order sent. */
function burst(count: number, send: () => Promise<ApiResponse>): Promise<ApiResponse[]> {
  return Promise.all(Array.from({ length: count }, send));
}

const statuses = (responses: ApiResponse[]): number[] =>
  responses.map((response) => response.status).sort();

const header = (response: ApiResponse, name: string): number => Number(response.headers.get(name));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function setTier(app: TestApp, organization: Organization, tier: string): Promise<void> {
  await app.dataSource.query('UPDATE organizations SET tier = $1 WHERE org_id = $2', [
    tier,
    organization.org_id,
  ]);
}

function expectRateLimited(response: ApiResponse, limitPerMinute: number): void {
  expectError(response, 429, 'RATE_LIMITED');
  const retryAfter = header(response, 'retry-after');
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(response.body.error.details).toEqual({
    retry_after_seconds: retryAfter,
    limit_per_minute: limitPerMinute,
  });
  expect(header(response, 'x-ratelimit-limit')).toBe(limitPerMinute);
  expect(header(response, 'x-ratelimit-remaining')).toBe(0);
}

describe('Rate limits per caller, by organization tier (in memory)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startLimitedApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('reports the limit, what remains and when it grows on every counted answer', async () => {
    const user = newUser();

    const first = await app.api.get(ORGANIZATIONS_PATH, { token: user.token });
    const second = await app.api.get(ORGANIZATIONS_PATH, { token: user.token });

    expect(first.status).toBe(200);
    expect(header(first, 'x-ratelimit-limit')).toBe(60);
    expect(header(first, 'x-ratelimit-remaining')).toBe(9);
    expect(header(first, 'x-ratelimit-reset')).toBeGreaterThanOrEqual(1);
    expect(header(second, 'x-ratelimit-remaining')).toBe(8);
  });

  it("refuses the 11th request within a second at the free tier's burst of 10", async () => {
    const user = newUser();

    const responses = await burst(11, () => app.api.get(ORGANIZATIONS_PATH, { token: user.token }));

    expect(statuses(responses)).toEqual([...Array(10).fill(200), 429]);
    expectRateLimited(
      responses.find((response) => response.status === 429)!,
      60,
    );
  });

  it('counts every caller on their own: one caller refused leaves another untouched', async () => {
    const noisy = newUser();
    const quiet = newUser();
    await burst(12, () => app.api.get(ORGANIZATIONS_PATH, { token: noisy.token }));

    const response = await app.api.get(ORGANIZATIONS_PATH, { token: quiet.token });

    expect(response.status).toBe(200);
    expect(header(response, 'x-ratelimit-remaining')).toBe(9);
  });

  it('lets requests through again once the burst window has passed', async () => {
    const user = newUser();
    await burst(11, () => app.api.get(ORGANIZATIONS_PATH, { token: user.token }));
    await sleep(1_100);

    const response = await app.api.get(ORGANIZATIONS_PATH, { token: user.token });

    expect(response.status).toBe(200);
  });

  it('refuses the 61st request within a minute at the free tier, for up to a minute', async () => {
    const user = newUser();
    for (let batch = 0; batch < 6; batch += 1) {
      const responses = await burst(10, () =>
        app.api.get(ORGANIZATIONS_PATH, { token: user.token }),
      );
      expect(statuses(responses)).toEqual(Array(10).fill(200));
      await sleep(1_050);
    }

    const refused = await app.api.get(ORGANIZATIONS_PATH, { token: user.token });

    expectRateLimited(refused, 60);
    expect(header(refused, 'retry-after')).toBeGreaterThan(1);
  });

  it.each([
    ['cloud', 300],
    ['growth', 1_000],
    ['enterprise', 10_000],
  ])("sizes a member's counter by the organization's tier (%s)", async (tier, perMinute) => {
    const owner = newUser();
    const organization = await createOrganization(app.api, owner);
    await setTier(app, organization, tier);

    const responses = await burst(15, () =>
      app.api.get(organizationPath(organization.org_id), { token: owner.token }),
    );

    expect(statuses(responses)).toEqual(Array(15).fill(200));
    expect(responses.map((response) => header(response, 'x-ratelimit-limit'))).toEqual(
      Array(15).fill(perMinute),
    );
  });

  it('keeps one counter per organization, apart from the account-level one', async () => {
    const owner = newUser();
    const organization = await createOrganization(app.api, owner);
    await burst(11, () => app.api.get(ORGANIZATIONS_PATH, { token: owner.token }));

    const response = await app.api.get(organizationPath(organization.org_id), {
      token: owner.token,
    });

    expect(response.status).toBe(200);
    expect(header(response, 'x-ratelimit-remaining')).toBe(9);
  });

  it("counts a non-member's requests about an organization on their own free counter", async () => {
    const owner = newUser();
    const outsider = newUser();
    const organization = await createOrganization(app.api, owner);
    await setTier(app, organization, 'enterprise');

    const responses = await burst(11, () =>
      app.api.get(organizationPath(organization.org_id), { token: outsider.token }),
    );

    expect(statuses(responses)).toEqual([...Array(10).fill(404), 429]);
    expect(header(responses[0], 'x-ratelimit-limit')).toBe(60);
    const after = await app.api.get(ORGANIZATIONS_PATH, { token: outsider.token });
    expectRateLimited(after, 60);
  });

  it('counts refused writes too: invalid bodies use up the burst like any request', async () => {
    const user = newUser();

    const responses = await burst(11, () =>
      app.api.post(ORGANIZATIONS_PATH, { token: user.token, body: { name: '' } }),
    );

    expect(statuses(responses)).toEqual([...Array(10).fill(400), 429]);
  });

  it('answers a refused token 401 before counting, even for a limited caller', async () => {
    const user = newUser();
    await burst(11, () => app.api.get(ORGANIZATIONS_PATH, { token: user.token }));
    const expired = mintToken(user.sub, user.email, { expiresInSeconds: -120 });

    const response = await app.api.get(ORGANIZATIONS_PATH, { token: expired });

    expectError(response, 401, 'UNAUTHORIZED');
    expect(response.headers.get('x-ratelimit-limit')).toBeNull();
    expect(response.headers.get('retry-after')).toBeNull();
  });

  it('never limits the public probes, which have no caller to count', async () => {
    const responses = await burst(15, () => app.api.get('/health'));

    expect(statuses(responses)).toEqual(Array(15).fill(200));
    expect(responses[0].headers.get('x-ratelimit-limit')).toBeNull();
  });
});

describe('Rate limits switched off', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ RATE_LIMIT_ENABLED: 'false' });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('lets any number of requests through and sends no rate-limit headers', async () => {
    const user = newUser();

    const responses = await burst(25, () => app.api.get(ORGANIZATIONS_PATH, { token: user.token }));

    expect(statuses(responses)).toEqual(Array(25).fill(200));
    expect(responses[0].headers.get('x-ratelimit-limit')).toBeNull();
  });
});

describe('Rate limits shared by two instances through Redis', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    const env = { REDIS_URL, RATE_LIMIT_KEY_PREFIX: uniqueKeyPrefix() };
    first = await startLimitedApp(env);
    second = await startLimitedApp(env);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('holds the burst across both instances: 11 requests over them, one refused', async () => {
    const user: TestUser = newUser();
    let turn = 0;

    const responses = await burst(11, () => {
      turn += 1;
      const app = turn % 2 === 0 ? first : second;

      return app.api.get(ORGANIZATIONS_PATH, { token: user.token });
    });

    expect(statuses(responses)).toEqual([...Array(10).fill(200), 429]);
  });

  it('continues the count on the other instance', async () => {
    const user = newUser();
    await burst(4, () => first.api.get(ORGANIZATIONS_PATH, { token: user.token }));

    const response = await second.api.get(ORGANIZATIONS_PATH, { token: user.token });

    expect(header(response, 'x-ratelimit-remaining')).toBe(5);
  });
});

describe('Rate limits while Redis cannot be reached', () => {
  let app: TestApp;

  beforeAll(async () => {
    // Nothing listens on port 1: every Redis command fails at once.
    app = await startLimitedApp({
      REDIS_URL: 'redis://127.0.0.1:1',
      RATE_LIMIT_KEY_PREFIX: uniqueKeyPrefix(),
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('keeps serving and keeps limiting, with counters in memory', async () => {
    const user = newUser();

    const responses = await burst(11, () => app.api.get(ORGANIZATIONS_PATH, { token: user.token }));

    expect(statuses(responses)).toEqual([...Array(10).fill(200), 429]);
  });
});
