import { jest } from '@jest/globals';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectError } from './support/expectations.js';
import { ApiClient } from './support/http.js';
import { createOrganization, organizationPath } from './support/organizations.js';
import {
  buildService,
  killService,
  logMessages,
  type ServiceProcess,
  startService,
} from './support/processes.js';
import { startTestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { newUser, TEST_JWT_SECRET, type TestUser } from './support/tokens.js';

jest.setTimeout(90_000);

/**
 * The built service in a child process, stopped with SIGTERM as a platform stops it. On a real
 * server (TEST_DATABASE_URL) it uses a database of its own there; on PGlite it keeps its
 * embedded database on disk, which the test opens afterwards to see what was stored.
 */
const onRealServer = process.env.TEST_DATABASE_URL !== undefined;

interface SlowRequest {
  /** Sends the rest of the body; the answer follows. */
  finish(): void;
  response: Promise<{ status: number; headers: IncomingMessage['headers']; body: any }>;
}

/**
 * A PUT whose body arrives in two parts: the service has the request but cannot answer until
 * the rest comes, as with a slow client. It is in flight for as long as the test likes.
 */
function slowRename(baseUrl: string, owner: TestUser, orgId: string, name: string): SlowRequest {
  const body = JSON.stringify({ name });
  const split = Math.floor(body.length / 2);
  const request = httpRequest(`${baseUrl}${organizationPath(orgId)}`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${owner.token}`,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    },
  });
  const response = new Promise<{ status: number; headers: IncomingMessage['headers']; body: any }>(
    (resolve, reject) => {
      request.on('error', reject);
      request.on('response', (answer) => {
        let text = '';
        answer.on('data', (chunk: Buffer) => (text += chunk.toString()));
        answer.on('error', reject);
        answer.on('end', () =>
          resolve({
            status: answer.statusCode ?? 0,
            headers: answer.headers,
            body: JSON.parse(text),
          }),
        );
      });
    },
  );
  request.write(body.slice(0, split));

  return { finish: () => request.end(body.slice(split)), response };
}

/** What happens to a new connection: `refused`, or the status it got. */
async function tryConnecting(baseUrl: string): Promise<string | number> {
  try {
    return (await fetch(`${baseUrl}/health`)).status;
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;

    return code === 'ECONNREFUSED' ? 'refused' : `failed: ${code}`;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('A request that reaches the service while it closes', () => {
  it('gets 503 SERVICE_UNAVAILABLE, Retry-After and Connection: close', async () => {
    let holdClosing = () => undefined as void;
    const closingHeld = new Promise<void>((resolve) => (holdClosing = resolve));
    const app = await startTestApp(
      {},
      {
        // Another plugin still closing keeps the server listening while it is already closing.
        registerHooks: (fastify) => fastify.addHook('preClose', () => closingHeld),
      },
    );
    const owner = newUser();
    const { org_id: orgId } = await createOrganization(app.api, owner);

    const closed = app.close();
    await pause(200);
    const answers = [
      await app.api.get(organizationPath(orgId), { token: owner.token }),
      await app.api.get('/health'),
    ];
    holdClosing();
    await closed;

    for (const response of answers) {
      expectError(response, 503, 'SERVICE_UNAVAILABLE');
      expect(response.body.error.message).toBe('The service is shutting down; try again shortly');
      expect(response.headers.get('retry-after')).toBe('5');
      expect(response.headers.get('connection')).toBe('close');
    }
  });
});

describe(`SIGTERM (${onRealServer ? 'PostgreSQL' : 'PGlite on disk'})`, () => {
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    await buildService();
  });

  beforeEach(async () => {
    if (onRealServer) {
      database = await createTestDatabase();
    } else {
      dataDir = await mkdtemp(join(tmpdir(), 'shutdown-'));
    }
  });

  afterEach(async () => {
    await killService(service);
    service = undefined;
    await database?.drop();
    if (dataDir) {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  const start = (shutdownTimeoutMs: number) =>
    startService({
      JWT_SECRET: TEST_JWT_SECRET,
      SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
      LOG_LEVEL: 'log',
      ...(database?.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir as string }),
    });

  /** The organization's name as stored, read after the service is gone. */
  async function storedName(orgId: string): Promise<string> {
    const reader = await startTestApp({}, { dataDir, databaseUrl: database?.url });
    try {
      const [row] = await reader.dataSource.query(
        'SELECT name FROM organizations WHERE org_id = $1',
        [orgId],
      );

      return row.name;
    } finally {
      await reader.close();
    }
  }

  it('finishes the request in flight, refuses new connections, closes and exits 0', async () => {
    service = await start(10_000);
    const owner = newUser();
    const { org_id: orgId } = await createOrganization(new ApiClient(service.baseUrl), owner);
    const inFlight = slowRename(service.baseUrl, owner, orgId, 'Renamed During Shutdown');
    await pause(300);

    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    await pause(500);
    expect(await tryConnecting(service.baseUrl)).toBe('refused');
    inFlight.finish();
    const answer = await inFlight.response;
    const exit = await service.exited;

    expect(answer.status).toBe(200);
    expect(answer.body.name).toBe('Renamed During Shutdown');
    expect(answer.headers.connection).toBe('close');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    const messages = logMessages(service);
    expect(messages).toEqual(
      expect.arrayContaining(['SIGTERM received; closing', 'closed cleanly']),
    );
    expect(await storedName(orgId)).toBe('Renamed During Shutdown');
  });

  it('cuts a request running past SHUTDOWN_TIMEOUT_MS and exits 1; it stored nothing', async () => {
    const timeoutMs = 1500;
    service = await start(timeoutMs);
    const owner = newUser();
    const organization = await createOrganization(new ApiClient(service.baseUrl), owner);
    const neverFinished = slowRename(service.baseUrl, owner, organization.org_id, 'Never Stored');
    const outcome = neverFinished.response.then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    await pause(300);

    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    const exit = await service.exited;
    const tookMs = Date.now() - signalledAt;

    expect(exit).toEqual({ code: 1, signal: null });
    expect(tookMs).toBeGreaterThanOrEqual(timeoutMs - 100);
    expect(tookMs).toBeLessThan(timeoutMs + 2000);
    expect(['ECONNRESET', 'EPIPE']).toContain(await outcome);
    const messages = logMessages(service);
    expect(messages).toContain(
      'requests still running after the shutdown timeout; exiting without them',
    );
    expect(await storedName(organization.org_id)).toBe(organization.name);
  });
});
