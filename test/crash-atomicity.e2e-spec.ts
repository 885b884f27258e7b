import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { organizationBody } from './support/factories.js';
import { ORGANIZATIONS_PATH } from './support/organizations.js';
import {
  buildService,
  killService,
  type ServiceProcess,
  startService,
} from './support/processes.js';
import { startTestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { newUser, TEST_JWT_SECRET } from './support/tokens.js';

jest.setTimeout(90_000);

/**
 * The built service in a child process is killed with SIGKILL while it creates organizations
 * (each one an organization row and its owner's membership, in one transaction). On a real
 * server (TEST_DATABASE_URL) it uses a database of its own there; on PGlite it keeps its
 * embedded database on disk, which is then opened again, as after a crash.
 */
const onRealServer = process.env.TEST_DATABASE_URL !== undefined;

const WRITERS = 6;
/** Creates answered before the kill, so that the kill lands among many writes. */
const CREATED_BEFORE_KILL = 40;

describe(`kill -9 during writes (${onRealServer ? 'PostgreSQL' : 'PGlite on disk'})`, () => {
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    await buildService();
    if (onRealServer) {
      database = await createTestDatabase();
    } else {
      dataDir = await mkdtemp(join(tmpdir(), 'crash-'));
    }
  });

  afterAll(async () => {
    await killService(service);
    await database?.drop();
    if (dataDir) {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('leaves every organization with exactly its owner, and nothing half written', async () => {
    service = await startService({
      JWT_SECRET: TEST_JWT_SECRET,
      ...(database?.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir as string }),
    });
    const baseUrl = service.baseUrl;
    const created: string[] = [];
    let cut = 0;
    let killed = false;

    const writer = async () => {
      while (!killed) {
        const owner = newUser();
        try {
          const response = await fetch(`${baseUrl}${ORGANIZATIONS_PATH}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
            body: JSON.stringify(organizationBody()),
          });
          const body = (await response.json()) as { org_id: string };
          expect(response.status).toBe(201);
          created.push(body.org_id);
        } catch (error) {
          if (!killed) {
            throw error;
          }
          cut += 1;
        }
        if (created.length >= CREATED_BEFORE_KILL && !killed) {
          killed = true;
          service?.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    const exit = await service.exited;

    expect(exit.signal).toBe('SIGKILL');
    // Some creates were on their way when the process died.
    expect(cut).toBeGreaterThan(0);

    const reader = await startTestApp({}, { dataDir, databaseUrl: database?.url });
    try {
      const organizations: { org_id: string }[] = await reader.dataSource.query(
        'SELECT org_id FROM organizations',
      );
      const withoutExactlyOneOwner = await reader.dataSource.query(
        `SELECT o.org_id, count(m.id) AS owners
           FROM organizations o
           LEFT JOIN organization_memberships m
             ON m.org_id = o.org_id AND m.role = 'owner' AND m.status = 'active'
          GROUP BY o.org_id
         HAVING count(m.id) <> 1`,
      );
      const orphans = await reader.dataSource.query(
        `SELECT m.org_id FROM organization_memberships m
          WHERE NOT EXISTS (SELECT 1 FROM organizations o WHERE o.org_id = m.org_id)`,
      );
      const memberships = await reader.dataSource.query(
        'SELECT count(*)::int AS count FROM organization_memberships',
      );

      expect(withoutExactlyOneOwner).toEqual([]);
      expect(orphans).toEqual([]);
      expect(memberships[0].count).toBe(organizations.length);
      // Every create that was answered 201 is there, and at most the ones cut off besides.
      const stored = new Set(organizations.map((row) => row.org_id));
      expect(created.filter((orgId) => !stored.has(orgId))).toEqual([]);
      expect(organizations.length).toBeLessThanOrEqual(created.length + cut);
    } finally {
      await reader.close();
    }
  });
});
