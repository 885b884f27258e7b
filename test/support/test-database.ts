import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** The connection string of a fresh, empty database; undefined means embedded PGlite. */
  url?: string;
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file: on the PostgreSQL server of TEST_DATABASE_URL when it is
 * set (a new database created beside it, dropped afterwards), otherwise an in-memory PGlite
 * that the app starts itself.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    return { url: undefined, drop: async () => undefined };
  }
  const name = `org_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;

  return {
    url: url.toString(),
    drop: () =>
      withAdminClient(serverUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      ),
  };
}

async function withAdminClient(
  serverUrl: string,
  action: (client: pg.Client) => Promise<unknown>,
): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await action(client);
  } finally {
    await client.end();
  }
}
