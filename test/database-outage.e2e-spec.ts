import { jest } from '@jest/globals';
import pg from 'pg';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { expectError } from './support/expectations.js';
import { organizationBody } from './support/factories.js';
import type { ApiResponse } from './support/http.js';
import {
  createOrganization,
  ORGANIZATIONS_PATH,
  organizationPath,
} from './support/organizations.js';
import { PrivatePostgres } from './support/private-postgres.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { newUser, type TestUser } from './support/tokens.js';

jest.setTimeout(60_000);

const CONNECT_TIMEOUT_MS = 1500;
const STATEMENT_TIMEOUT_MS = 3000;
/** The client's own read timeout: the statement timeout and a second more. */
const QUERY_TIMEOUT_MS = STATEMENT_TIMEOUT_MS + 1000;
/** Scheduling slack on a busy two-core machine. */
const SLACK_MS = 1500;

/**
 * A database the test can take away and give back. On a real server (TEST_DATABASE_URL set) it
 * is a PostgreSQL cluster of the test's own, really stopped (an immediate shutdown: every
 * session ends at once, as in a crash), started again and frozen with SIGSTOP. On PGlite,
 * which runs inside the test's process and cannot be stopped and started again, the service
 * reaches it through a TCP proxy the test cuts (connections reset, new ones refused), restores
 * and freezes.
 */
interface ControlledDatabase {
  url: string;
  /** Makes a PUT of the organization wait inside the database until `stop()` or `release()`. */
  stall(orgId: string): Promise<void>;
  release(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  close(): Promise<void>;
}

const onRealServer = process.env.TEST_DATABASE_URL !== undefined;

async function privateCluster(): Promise<ControlledDatabase> {
  const cluster = await PrivatePostgres.create();
  let locker: pg.Client | undefined;
  const release = async () => {
    const client = locker;
    locker = undefined;
    await client?.query('ROLLBACK').catch(() => undefined);
    await client?.end().catch(() => undefined);
  };

  return {
    url: cluster.url,
    // A transaction of the test's own holds the row, so the service's UPDATE waits on its lock.
    stall: async (orgId) => {
      locker = new pg.Client({ connectionString: cluster.url });
      locker.on('error', () => undefined);
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM organizations WHERE org_id = $1 FOR UPDATE', [orgId]);
    },
    release,
    stop: () => cluster.stop(),
    start: () => cluster.start(),
    freeze: () => cluster.freeze(),
    thaw: () => cluster.thaw(),
    close: async () => {
      await release();
      await cluster.destroy();
    },
  };
}

async function proxiedPglite(): Promise<ControlledDatabase> {
  const embedded: EmbeddedPostgres = await startEmbeddedPostgres();
  const proxy = await TcpProxy.start(embedded.url);

  return {
    url: proxy.urlFor(embedded.url),
    // PGlite serves one session, so nothing can hold a row; a frozen link holds the request.
    stall: async () => proxy.freeze(),
    release: async () => proxy.thaw(),
    stop: () => proxy.cut(),
    start: () => proxy.listen(),
    freeze: async () => proxy.freeze(),
    thaw: async () => proxy.thaw(),
    close: async () => {
      await proxy.close();
      await embedded.stop();
    },
  };
}

/** The request's answer and how long it took, in milliseconds. */
async function timed(request: Promise<ApiResponse>): Promise<[ApiResponse, number]> {
  const started = Date.now();
  const response = await request;

  return [response, Date.now() - started];
}

function expectUnavailable(response: ApiResponse): void {
  expectError(response, 503, 'SERVICE_UNAVAILABLE');
  expect(response.headers.get('retry-after')).toBe('5');
}

async function waitUntilReady(app: TestApp, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if ((await app.api.get('/health/ready')).status === 200) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`/health/ready did not answer 200 within ${withinMs} ms`);
}

const VARIANT = onRealServer ? 'PostgreSQL' : 'PGlite';

describe(`The service when its database goes away (${VARIANT})`, () => {
  let database: ControlledDatabase;
  let app: TestApp;
  let owner: TestUser;
  let orgId: string;
  let originalName: string;

  const rename = (name: string) =>
    app.api.put(organizationPath(orgId), { token: owner.token, body: { name } });
  const read = () => app.api.get(organizationPath(orgId), { token: owner.token });

  beforeAll(async () => {
    database = onRealServer ? await privateCluster() : await proxiedPglite();
    app = await startTestApp(
      {
        // The embedded database serves one connection at a time.
        DB_POOL_SIZE: onRealServer ? '4' : '1',
        DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
        DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
      },
      { databaseUrl: database.url },
    );
    owner = newUser();
    const organization = await createOrganization(app.api, owner);
    orgId = organization.org_id;
    originalName = organization.name;
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('answers requests in flight with 503 at once when the database stops', async () => {
    await database.stall(orgId);
    const inFlight = [timed(rename('Renamed While Stopping')), timed(rename('Renamed Again'))];
    await new Promise((resolve) => setTimeout(resolve, 500));

    const stoppedAt = Date.now();
    await database.stop();
    const answers = await Promise.all(inFlight);

    for (const [response] of answers) {
      expectUnavailable(response);
    }
    for (const [, took] of answers) {
      expect(took).toBeLessThan(Date.now() - stoppedAt + 500 + SLACK_MS);
    }
    expect(Date.now() - stoppedAt).toBeLessThan(CONNECT_TIMEOUT_MS + SLACK_MS);
  });

  it('answers 503 within the connect timeout while the database is away', async () => {
    const answers = await Promise.all([
      timed(read()),
      timed(rename('Renamed While Away')),
      timed(app.api.get(ORGANIZATIONS_PATH, { token: owner.token })),
      timed(app.api.post(ORGANIZATIONS_PATH, { token: owner.token, body: organizationBody() })),
      timed(app.api.get('/health/ready')),
    ]);

    for (const [response, took] of answers) {
      expectUnavailable(response);
      expect(took).toBeLessThan(CONNECT_TIMEOUT_MS + SLACK_MS);
    }
  });

  it('still answers /health with 200: it is a liveness check', async () => {
    const response = await app.api.get('/health');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('serves again without a restart once the database is back; nothing half done', async () => {
    await database.start();
    await waitUntilReady(app, 15_000);

    const current = await read();
    expect(current.status).toBe(200);
    expect(current.body.name).toBe(originalName);
    expect((await rename('Renamed After Recovery')).status).toBe(200);
    const created = await app.api.post(ORGANIZATIONS_PATH, {
      token: owner.token,
      body: organizationBody(),
    });
    expect(created.status).toBe(201);
  });

  it('answers 503 within the timeouts, without hanging, while the database is frozen', async () => {
    await database.freeze();
    try {
      const answers = await Promise.all([
        timed(read()),
        timed(rename('Renamed While Frozen')),
        timed(app.api.get('/health/ready')),
      ]);

      for (const [response, took] of answers) {
        expectUnavailable(response);
        // One statement the server never answers; the rollback does not wait on that link again.
        expect(took).toBeLessThan(QUERY_TIMEOUT_MS + CONNECT_TIMEOUT_MS + SLACK_MS);
      }
    } finally {
      await database.thaw();
    }
    await waitUntilReady(app, 15_000);
    const after = await read();
    expect(after.status).toBe(200);
    expect(after.body.name).toBe('Renamed After Recovery');
  });

  // PGlite takes no session settings at connect and cannot cancel a running statement; there
  // the client's own query timeout (above, the frozen database) is the bound.
  if (onRealServer) {
    it('sets the timeouts on the connections it opens', async () => {
      const [{ statement_timeout: statementTimeout }] =
        await app.dataSource.query('SHOW statement_timeout');
      const [{ idle_in_transaction_session_timeout: idleTimeout }] = await app.dataSource.query(
        'SHOW idle_in_transaction_session_timeout',
      );

      expect({ statementTimeout, idleTimeout }).toEqual({
        statementTimeout: '3s',
        idleTimeout: '9s',
      });
    });

    it('cancels a change waiting past DB_STATEMENT_TIMEOUT_MS: 503, nothing changed', async () => {
      await database.stall(orgId);
      try {
        const [response, took] = await timed(rename('Renamed Too Late'));

        expectUnavailable(response);
        expect(response.body.error.message).toMatch(/did not answer in time/);
        expect(took).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS - 100);
        expect(took).toBeLessThan(STATEMENT_TIMEOUT_MS + SLACK_MS);
      } finally {
        await database.release();
      }
      expect((await read()).body.name).toBe('Renamed After Recovery');
    });

    it('gives up waiting for a free connection after DB_CONNECT_TIMEOUT_MS', async () => {
      await database.stall(orgId);
      // Four changes wait on the row and hold all four connections of the pool.
      const waiting = ['One', 'Two', 'Three', 'Four'].map((name) => rename(`Queued ${name}`));
      try {
        await new Promise((resolve) => setTimeout(resolve, 500));

        const [response, took] = await timed(read());

        expectUnavailable(response);
        expect(took).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 100);
        expect(took).toBeLessThan(CONNECT_TIMEOUT_MS + SLACK_MS);
      } finally {
        await database.release();
      }
      // Released within their statement timeout, the waiting changes go through one by one.
      const statuses = (await Promise.all(waiting)).map((response) => response.status);
      expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
      expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
      expect((await read()).status).toBe(200);
    });
  }
});
