import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory.js';
import { loadAppConfig } from '../../src/config/app-config.js';
import { ApiClient } from './http.js';
import { createTestDatabase } from './test-database.js';
import type { TestApp } from './test-app.js';

/**
 * Like `startTestApp`, but sets no JWT_SECRET: the key comes only from `env` (JWT_PUBLIC_KEY,
 * JWKS_URI), or, with none of them and a non-production NODE_ENV, from the development secret
 * the service keeps under DATA_DIR.
 */
export async function startTestAppWithoutSecret(
  env: Record<string, string> = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  try {
    const config = loadAppConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      RATE_LIMIT_ENABLED: 'false',
      ...(database.url ? { DATABASE_URL: database.url } : {}),
      ...env,
    });
    const running = await createApp(config, { inMemoryDatabase: true, logger: false });
    await running.app.listen({ port: 0, host: '127.0.0.1' });
    const address = running.app.getHttpServer().address();
    if (!address || typeof address === 'string') {
      await running.close();
      throw new Error('the test app has no TCP address');
    }
    const baseUrl = `http://127.0.0.1:${address.port}`;

    return {
      api: new ApiClient(baseUrl),
      baseUrl,
      running,
      dataSource: running.app.get(DataSource),
      close: async () => {
        await running.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
