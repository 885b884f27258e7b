import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { jest } from '@jest/globals';
import pg from 'pg';
import { requestFingerprint } from '../src/idempotency/idempotency-key.js';
import { IdempotencyService } from '../src/idempotency/idempotency.service.js';
import { expectError, expectFieldError } from './support/expectations.js';
import { organizationBody } from './support/factories.js';
import type { ApiResponse } from './support/http.js';
import { membersOf, membersPath, newOrganization, uniqueEmail } from './support/member-flows.js';
import { ORGANIZATIONS_PATH } from './support/organizations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { newUser, type TestUser } from './support/tokens.js';

jest.setTimeout(120_000);

const ROUNDS = 5;

/**
 * On a PostgreSQL server (TEST_DATABASE_URL) the retries go to a second instance of the service
 * on the same database, proving the records are shared; the embedded database serves one
 * process only, so there both requests go to the one instance.
 */
const TWO_INSTANCES = Boolean(process.env.TEST_DATABASE_URL);
const VARIANT = TWO_INSTANCES ? 'on another instance' : 'on the same instance';

describe('Idempotency-Key', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    first = await startTestApp();
    second = TWO_INSTANCES ? await startTestApp({}, { databaseUrl: first.databaseUrl }) : first;
  });

  afterAll(async () => {
    if (second !== first) {
      await second.close();
    }
    await first.close();
  });

  const create = (
    app: TestApp,
    user: TestUser,
    body: unknown,
    key?: string,
  ): Promise<ApiResponse> =>
    app.api.post(ORGANIZATIONS_PATH, {
      token: user.token,
      body,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });

  async function organizationCount(user: TestUser): Promise<number> {
    const list = await first.api.get(ORGANIZATIONS_PATH, { token: user.token });
    expect(list.status).toBe(200);

    return list.body.pagination.total;
  }

  const replayed = (response: ApiResponse): boolean =>
    response.headers.get('idempotent-replayed') === 'true';

  describe('on POST /v1/organizations', () => {
    it(`replays the first response to a retry ${VARIANT}, and creates once`, async () => {
      const user = newUser();
      const key = randomUUID();
      const body = organizationBody();

      const original = await create(first, user, body, key);
      const retry = await create(second, user, body, key);

      expect(original.status).toBe(201);
      expect(replayed(original)).toBe(false);
      expect(retry.status).toBe(201);
      expect(replayed(retry)).toBe(true);
      expect(retry.text).toBe(original.text);
      expect(retry.headers.get('etag')).toBe(original.headers.get('etag'));
      expect(retry.headers.get('content-type')).toMatch(/^application\/json/);
      expect(retry.headers.get('x-request-id')).not.toBe(original.headers.get('x-request-id'));
      expect(await organizationCount(user)).toBe(1);
    });

    it('treats the same body with its keys in another order as the same request', async () => {
      const user = newUser();
      const key = randomUUID();
      const body = organizationBody({ settings: { mfa_required: false, enforce_sso: false } });
      const reordered = Object.fromEntries(Object.entries(body).reverse());

      const original = await create(first, user, body, key);
      const retry = await create(second, user, reordered, key);

      expect(original.status).toBe(201);
      expect([retry.status, replayed(retry)]).toEqual([201, true]);
    });

    it('refuses the same key with a different body with 409 and creates nothing', async () => {
      const user = newUser();
      const key = randomUUID();
      const original = await create(first, user, organizationBody(), key);
      expect(original.status).toBe(201);

      const reused = await create(second, user, organizationBody(), key);

      expectError(reused, 409, 'CONFLICT');
      expect(reused.body.error.details).toEqual({ reason: 'idempotency_key_reused' });
      expect(await organizationCount(user)).toBe(1);
    });

    it('refuses a key held by a request still running with 409', async () => {
      const user = newUser();
      const key = randomUUID();
      const body = organizationBody();
      // A request that has claimed the key and not yet answered, as an instance leaves it.
      await holdKey(first, user, key, body);

      const response = await create(second, user, body, key);

      expectError(response, 409, 'CONFLICT');
      expect(response.body.error.details).toEqual({ reason: 'idempotency_key_in_flight' });
      expect(await organizationCount(user)).toBe(0);
    });

    it('keeps the keys of one caller invisible to another', async () => {
      const [alice, bob] = [newUser(), newUser()];
      const key = randomUUID();

      const mine = await create(first, alice, organizationBody(), key);
      const theirs = await create(second, bob, organizationBody(), key);

      expect(mine.status).toBe(201);
      expect([theirs.status, replayed(theirs)]).toEqual([201, false]);
      expect(theirs.body.org_id).not.toBe(mine.body.org_id);
    });

    it('stores no error: a refused request frees its key and its retry runs again', async () => {
      const user = newUser();
      const key = randomUUID();
      const invalid = organizationBody({ slug: 'NO' });

      const refused = await create(first, user, invalid, key);
      const refusedAgain = await create(second, user, invalid, key);
      const fixed = await create(second, user, organizationBody(), key);

      expectFieldError(refused, 'slug');
      expectFieldError(refusedAgain, 'slug');
      expect(replayed(refusedAgain)).toBe(false);
      expect([fixed.status, replayed(fixed)]).toEqual([201, false]);
    });

    it('runs a request again once its key lapsed after 24 hours', async () => {
      const user = newUser();
      const key = randomUUID();
      expect((await create(first, user, organizationBody(), key)).status).toBe(201);
      await first.dataSource.query(
        `UPDATE idempotency_keys SET expires_at = now() - interval '1 second'
          WHERE user_id = $1 AND idempotency_key = $2`,
        [user.sub, key],
      );

      const later = await create(second, user, organizationBody(), key);

      expect([later.status, replayed(later)]).toEqual([201, false]);
      expect(await organizationCount(user)).toBe(2);
    });

    it('removes lapsed records when it sweeps, and keeps the others', async () => {
      const user = newUser();
      const [lapsed, kept] = [randomUUID(), randomUUID()];
      expect((await create(first, user, organizationBody(), lapsed)).status).toBe(201);
      expect((await create(first, user, organizationBody(), kept)).status).toBe(201);
      await first.dataSource.query(
        `UPDATE idempotency_keys SET expires_at = now() - interval '1 second'
          WHERE user_id = $1 AND idempotency_key = $2`,
        [user.sub, lapsed],
      );

      await second.running.app.get(IdempotencyService).sweepExpired();

      const rows = await first.dataSource.query(
        'SELECT idempotency_key FROM idempotency_keys WHERE user_id = $1',
        [user.sub],
      );
      expect(rows).toEqual([{ idempotency_key: kept }]);
    });

    it('takes over the key of a request whose instance died before it answered', async () => {
      const user = newUser();
      const key = randomUUID();
      const body = organizationBody();
      await holdKey(first, user, key, body, "now() - interval '2 minutes'");

      const response = await create(second, user, body, key);

      expect([response.status, replayed(response)]).toEqual([201, false]);
    });

    it('keeps a SHA-256 fingerprint of the request, not the request itself', async () => {
      const user = newUser();
      const key = randomUUID();
      const body = organizationBody({ name: 'Secretive Name' });
      expect((await create(first, user, body, key)).status).toBe(201);

      const [record] = await first.dataSource.query(
        `SELECT fingerprint, response_status FROM idempotency_keys
          WHERE user_id = $1 AND idempotency_key = $2`,
        [user.sub, key],
      );

      expect(record.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(record.fingerprint).toBe(requestFingerprint('POST', ORGANIZATIONS_PATH, body));
      expect(record.response_status).toBe(201);
    });

    it.each([
      ['empty', ''],
      ['only spaces', '   '],
      ['longer than 255 characters', 'k'.repeat(256)],
      ['made with a control character', 'key\twith-tab'],
    ])('refuses a key that is %s with 400 naming the header', async (_description, key) => {
      const user = newUser();

      const response = await create(first, user, organizationBody(), key);

      expectFieldError(response, 'Idempotency-Key', 'format');
      expect(await organizationCount(user)).toBe(0);
    });

    it('accepts a key of 255 printable characters', async () => {
      const response = await create(first, newUser(), organizationBody(), `k${'-'.repeat(254)}`);

      expect(response.status).toBe(201);
    });

    it('creates once however many retries race with one key, in several rounds', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const user = newUser();
        const key = randomUUID();
        const body = organizationBody();

        const responses = await Promise.all(
          Array.from({ length: 8 }, (_, index) =>
            create(index % 2 === 0 ? first : second, user, body, key),
          ),
        );

        const created = responses.filter((response) => response.status === 201);
        const originals = created.filter((response) => !replayed(response));
        expect(originals).toHaveLength(1);
        for (const response of created) {
          expect(response.text).toBe(originals[0].text);
        }
        for (const response of responses.filter((answer) => answer.status !== 201)) {
          expectError(response, 409, 'CONFLICT');
          expect(response.body.error.details).toEqual({ reason: 'idempotency_key_in_flight' });
        }
        expect(await organizationCount(user)).toBe(1);
      }
    });

    it('without a key, runs every request', async () => {
      const user = newUser();

      const responses = await Promise.all([
        create(first, user, organizationBody()),
        create(second, user, organizationBody()),
      ]);

      expect(responses.map((response) => response.status)).toEqual([201, 201]);
      expect(await organizationCount(user)).toBe(2);
    });
  });

  describe('on POST /v1/organizations/{org_id}/users (invitations)', () => {
    const invite = (app: TestApp, user: TestUser, orgId: string, body: unknown, key: string) =>
      app.api.post(membersPath(orgId), {
        token: user.token,
        body,
        headers: { 'idempotency-key': key },
      });

    it(`replays an invitation to its retry ${VARIANT} and invites once`, async () => {
      const { owner, orgId } = await newOrganization(first);
      const key = randomUUID();
      const body = { email: uniqueEmail(), role: 'analyst' };

      const original = await invite(first, owner, orgId, body, key);
      const retry = await invite(second, owner, orgId, body, key);

      expect(original.status).toBe(201);
      expect([retry.status, replayed(retry), retry.text]).toEqual([201, true, original.text]);
      expect(await membersOf(first, owner, orgId)).toHaveLength(2);
    });

    it('refuses the key with another invitation with 409', async () => {
      const { owner, orgId } = await newOrganization(first);
      const key = randomUUID();
      await invite(first, owner, orgId, { email: uniqueEmail(), role: 'analyst' }, key);

      const reused = await invite(
        second,
        owner,
        orgId,
        { email: uniqueEmail(), role: 'analyst' },
        key,
      );

      expectError(reused, 409, 'CONFLICT');
      expect(reused.body.error.details.reason).toBe('idempotency_key_reused');
    });

    it('treats one key on two endpoints as two different requests (409)', async () => {
      const { owner, orgId } = await newOrganization(first);
      const key = randomUUID();
      expect((await create(first, owner, organizationBody(), key)).status).toBe(201);

      const response = await invite(
        second,
        owner,
        orgId,
        { email: uniqueEmail(), role: 'analyst' },
        key,
      );

      expectError(response, 409, 'CONFLICT');
    });

    it('invites once when retries race with one key', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(first);
        const key = randomUUID();
        const body = { email: uniqueEmail(), role: 'developer' };

        const responses = await Promise.all(
          Array.from({ length: 6 }, (_, index) =>
            invite(index % 2 === 0 ? first : second, owner, orgId, body, key),
          ),
        );

        expect(responses.filter((r) => r.status === 201 && !replayed(r))).toHaveLength(1);
        expect(responses.every((r) => r.status === 201 || r.status === 409)).toBe(true);
        expect(await membersOf(first, owner, orgId)).toHaveLength(2);
      }
    });
  });

  describe('a request still running on one instance', () => {
    if (TWO_INSTANCES) {
      it('is answered 409 on the other instance, then replayed once it completes', async () => {
        const user = newUser();
        const key = randomUUID();
        const body = organizationBody();
        const blocker = new pg.Client({ connectionString: first.databaseUrl });
        await blocker.connect();
        try {
          // Creates wait on this lock: the first request holds its key while it waits.
          await blocker.query('BEGIN');
          await blocker.query('LOCK TABLE organizations IN EXCLUSIVE MODE');
          const running = create(first, user, body, key);
          await waitForKey(first, user, key);

          const meanwhile = await create(second, user, body, key);
          await blocker.query('COMMIT');
          const original = await running;
          const afterwards = await create(second, user, body, key);

          expectError(meanwhile, 409, 'CONFLICT');
          expect(meanwhile.body.error.details).toEqual({ reason: 'idempotency_key_in_flight' });
          expect([original.status, replayed(original)]).toEqual([201, false]);
          expect([afterwards.status, replayed(afterwards)]).toEqual([201, true]);
        } finally {
          await blocker.end();
        }
      });
    } else {
      it('is answered 409 on the same instance while it holds the key', async () => {
        const user = newUser();
        const key = randomUUID();
        const body = organizationBody();
        await holdKey(first, user, key, body);

        const meanwhile = await create(first, user, body, key);

        expectError(meanwhile, 409, 'CONFLICT');
        expect(meanwhile.body.error.details).toEqual({ reason: 'idempotency_key_in_flight' });
      });
    }
  });
});

/**
 * Leaves the key claimed for a create of `body` and unanswered, as a request still running (or
 * one whose process died) leaves it.
 */
async function holdKey(
  app: TestApp,
  user: TestUser,
  key: string,
  body: unknown,
  claimedAt = 'now()',
): Promise<void> {
  await app.dataSource.query(
    `INSERT INTO idempotency_keys
       (user_id, idempotency_key, fingerprint, claim_id, created_at, expires_at)
     VALUES ($1, $2, $3, 'idk_heldbyanothercall', ${claimedAt}, now() + interval '24 hours')`,
    [user.sub, key, requestFingerprint('POST', ORGANIZATIONS_PATH, body)],
  );
}

async function waitForKey(app: TestApp, user: TestUser, key: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const rows = await app.dataSource.query(
      'SELECT 1 FROM idempotency_keys WHERE user_id = $1 AND idempotency_key = $2',
      [user.sub, key],
    );
    if (rows.length > 0) {
      return;
    }
    await sleep(10);
  }
  throw new Error('the request never claimed its key');
}
