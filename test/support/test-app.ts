import 'reflect-metadata';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import { createApp, type CreateAppOptions, type RunningApp } from '../../src/app.factory.js';
import { loadAppConfig } from '../../src/config/app-config.js';
import { ApiClient } from './http.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { TEST_JWT_SECRET } from './tokens.js';

export interface TestApp {
  api: ApiClient;
  baseUrl: string;
  /** The database in use; undefined for the embedded one. */
  databaseUrl?: string;
  running: RunningApp;
  dataSource: DataSource;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Keep the embedded database on disk here instead, as `npm start` keeps it. */
  dataDir?: string;
  /** Use this database, which the caller created and drops, instead of a fresh one. */
  databaseUrl?: string;
  registerHooks?: CreateAppOptions['registerHooks'];
  provisioner?: CreateAppOptions['provisioner'];
  logs?: DestinationStream;
}

/**
 * Rate limiting is off unless a spec turns it on (`RATE_LIMIT_ENABLED: 'true'`): most specs send
 * many requests for one user in a few seconds, which the free tier would refuse.
 *
 * Starts the whole service on a fresh database (embedded PGlite, or a new database on the
 * server of TEST_DATABASE_URL) and a loopback port, exactly as `npm start` builds it. With
 * `provisioner`, organizations are provisioned by it instead of the default one. Logs are off
 * unless `logs` is given, which then receives every line the service writes.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const database: TestDatabase =
    options.dataDir || options.databaseUrl
      ? { url: options.databaseUrl, drop: async () => undefined }
      : await createTestDatabase();
  const config = loadAppConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'error',
    RATE_LIMIT_ENABLED: 'false',
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...(options.dataDir ? { DATA_DIR: options.dataDir } : {}),
    ...env,
  });
  const running = await createApp(config, {
    inMemoryDatabase: !options.dataDir,
    ...(options.logs ? { logDestination: options.logs } : { logger: false }),
    provisioner: options.provisioner,
    registerHooks: options.registerHooks,
  });
  await running.app.listen({ port: 0, host: '127.0.0.1' });
  const address = running.app.getHttpServer().address();
  if (!address || typeof address === 'string') {
    throw new Error('the test app has no TCP address');
  }
  const baseUrl = `http://127.0.0.1:${address.port}`;

  return {
    api: new ApiClient(baseUrl),
    baseUrl,
    databaseUrl: database.url,
    running,
    dataSource: running.app.get(DataSource),
    close: async () => {
      await running.close();
      await database.drop();
    },
  };
}
