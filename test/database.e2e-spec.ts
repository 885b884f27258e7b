import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import {
  buildDataSourceOptions,
  ORGANIZATION_MIGRATIONS,
} from '../src/database/data-source-options.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { runMigrations } from '../src/database/run-migrations.js';
import { organizationBody } from './support/factories.js';
import { startTestApp } from './support/test-app.js';
import { createTestDatabase } from './support/test-database.js';
import { newUser } from './support/tokens.js';

const realPostgres = process.env.TEST_DATABASE_URL !== undefined;

async function tableNames(dataSource: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await dataSource.query(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' ORDER BY table_name`,
  );

  return rows.map((row) => row.table_name);
}

describe('the database', () => {
  it('keeps the embedded database across a restart of the service', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'organizations-data-'));
    const owner = newUser();
    const body = organizationBody();
    try {
      const first = await startTestApp({}, { dataDir });
      const created = await first.api.post('/v1/organizations', { token: owner.token, body });
      await first.close();

      const second = await startTestApp({}, { dataDir });
      const read = await second.api.get(`/v1/organizations/${created.body.org_id}`, {
        token: owner.token,
      });
      await second.close();

      expect(created.status).toBe(201);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to share an embedded data directory with a running instance', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'organizations-data-'));
    const first = await startTestApp({}, { dataDir });
    try {
      // Same process id, so pretend the lock belongs to another live process: PID 1.
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(dataDir, 'embedded-postgres.pid'), '1\n');

      await expect(startTestApp({}, { dataDir })).rejects.toThrow(/in use by process 1/);
    } finally {
      await first.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  describe('migrations', () => {
    let url: string;
    let release: () => Promise<void>;
    const dataSources: DataSource[] = [];

    async function connect(): Promise<DataSource> {
      const dataSource = new DataSource(
        buildDataSourceOptions({
          url,
          poolSize: 1,
          connectTimeoutMs: 5000,
          statementTimeoutMs: 10000,
        }),
      );
      await dataSource.initialize();
      dataSources.push(dataSource);

      return dataSource;
    }

    beforeAll(async () => {
      const database = await createTestDatabase();
      if (database.url) {
        url = database.url;
        release = database.drop;
      } else {
        const embedded = await startEmbeddedPostgres();
        url = embedded.url;
        release = embedded.stop;
      }
    });

    afterAll(async () => {
      await Promise.all(dataSources.map((dataSource) => dataSource.destroy()));
      await release();
    });

    it('reverts every migration and applies them all again', async () => {
      const dataSource = await connect();
      await runMigrations(dataSource);

      for (let step = 0; step < ORGANIZATION_MIGRATIONS.length; step += 1) {
        await dataSource.undoLastMigration({ transaction: 'all' });
      }
      expect(await tableNames(dataSource)).toEqual(['schema_migrations']);

      const reapplied = await runMigrations(dataSource);
      expect(reapplied).toEqual(ORGANIZATION_MIGRATIONS.map((migration) => migration.name));
      expect(await tableNames(dataSource)).toEqual([
        'audit_log',
        'idempotency_keys',
        'organization_memberships',
        'organizations',
        'provisioning_attempts',
        'schema_migrations',
        'stripe_webhook_events',
      ]);
      await dataSource.destroy();
      dataSources.pop();
    });

    // Instances starting together only share a server on real PostgreSQL: PGlite serves one.
    if (realPostgres) {
      it('applies each migration once when two instances start together', async () => {
        // An empty database again: tables, triggers and their functions all go with the schema.
        await (await connect()).query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
        const [first, second] = await Promise.all([connect(), connect()]);
        const [appliedByFirst, appliedBySecond] = await Promise.all([
          runMigrations(first),
          runMigrations(second),
        ]);

        expect([...appliedByFirst, ...appliedBySecond]).toEqual(
          ORGANIZATION_MIGRATIONS.map((migration) => migration.name),
        );
        expect(await tableNames(second)).toEqual([
          'audit_log',
          'idempotency_keys',
          'organization_memberships',
          'organizations',
          'provisioning_attempts',
          'schema_migrations',
          'stripe_webhook_events',
        ]);
      });
    }
  });
});
