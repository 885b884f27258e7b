import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAfterResponse } from '../src/process/after-response.js';
import { ApiClient } from './support/http.js';
import { createOrganization, organizationPath } from './support/organizations.js';
import {
  buildService,
  killService,
  logMessages,
  type ServiceProcess,
  startService,
} from './support/processes.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { newUser, TEST_JWT_SECRET } from './support/tokens.js';

jest.setTimeout(90_000);

const FIXTURE = fileURLToPath(
  new URL('./fixtures/service-with-failing-after-response-work.mjs', import.meta.url),
);

/** A request of each kind the service answers, repeated. */
async function serveSome(api: ApiClient, rounds: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const owner = newUser();
    const organization = await createOrganization(api, owner);
    statuses.push(
      (await api.get(organizationPath(organization.org_id), { token: owner.token })).status,
      (await api.get('/v1/organizations/org_missing', { token: owner.token })).status,
      (await api.get('/health')).status,
    );
  }

  return statuses;
}

describe('Failures in work done after the response', () => {
  describe('inside the app: after-response hooks that throw or reject', () => {
    let app: TestApp;
    let completed = 0;

    beforeAll(async () => {
      app = await startTestApp(
        {},
        {
          registerHooks: (fastify) => {
            runAfterResponse(fastify, 'event that throws', () => {
              throw new Error('event bus is down');
            });
            runAfterResponse(fastify, 'audit that rejects', async () => {
              throw new Error('audit store is down');
            });
            runAfterResponse(fastify, 'counter', () => {
              completed += 1;
            });
            // Hooks registered straight on Fastify, outside runAfterResponse.
            fastify.addHook('onResponse', (_request, _reply, done) => {
              if (completed >= 0) {
                throw new Error('a raw hook that throws');
              }
              done();
            });
            fastify.addHook('onResponse', async () => {
              throw new Error('a raw hook that rejects');
            });
          },
        },
      );
    });

    afterAll(async () => {
      await app?.close();
    });

    it('answers every request as usual and keeps serving', async () => {
      const statuses = await serveSome(app.api, 5);

      expect(statuses).toEqual(Array(5).fill([200, 404, 200]).flat());
      expect((await app.api.get('/health/ready')).status).toBe(200);
    });

    it('still runs the after-response work registered after the failing work', async () => {
      const before = completed;
      await app.api.get('/health');
      await new Promise((resolve) => setTimeout(resolve, 100));

      expect(completed).toBe(before + 1);
    });
  });

  describe('outside any hook: the process guards of the built service', () => {
    const onRealServer = process.env.TEST_DATABASE_URL !== undefined;
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
        dataDir = await mkdtemp(join(tmpdir(), 'after-response-'));
      }
      service = await startService(
        {
          JWT_SECRET: TEST_JWT_SECRET,
          SHUTDOWN_TIMEOUT_MS: '5000',
          ...(database?.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir as string }),
        },
        FIXTURE,
      );
    });

    afterEach(async () => {
      await killService(service);
      await database?.drop();
      if (dataDir) {
        await rm(dataDir, { recursive: true, force: true });
      }
    });

    it('logs a rejection nobody handled, with its stack, and keeps serving', async () => {
      const api = new ApiClient(service!.baseUrl);
      for (let request = 0; request < 3; request += 1) {
        const response = await api.get('/health', { headers: { 'x-test-fault': 'rejection' } });
        expect(response.status).toBe(200);
      }
      const statuses = await serveSome(api, 2);

      expect(statuses).toEqual(Array(2).fill([200, 404, 200]).flat());
      expect(service!.child.exitCode).toBeNull();
      const rejections = logMessages(service!).filter(
        (message) => message === 'unhandled promise rejection; still serving',
      );
      expect(rejections).toHaveLength(3);
      expect(service!.output()).toContain('event delivery failed after the response');
    });

    it('logs an uncaught exception and exits 1 in order, for a fresh process', async () => {
      const api = new ApiClient(service!.baseUrl);
      const response = await api.get('/health', { headers: { 'x-test-fault': 'exception' } });
      const exit = await service!.exited;

      expect(response.status).toBe(200);
      expect(exit).toEqual({ code: 1, signal: null });
      expect(logMessages(service!)).toEqual(
        expect.arrayContaining(['uncaught exception; shutting down', 'closed cleanly']),
      );
      expect(service!.output()).toContain('audit writer crashed after the response');
    });
  });
});
