import { jest } from '@jest/globals';
import { expectError } from './support/expectations.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// Starting the app on a fresh database can outlast Jest's 5 s default on a busy machine.
jest.setTimeout(60_000);

describe('Health checks when the database is gone', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    expect((await app.api.get('/health/ready')).status).toBe(200);
    // Closing the pool leaves the process up with no database behind it.
    await app.dataSource.destroy();
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers /health/ready with 503 SERVICE_UNAVAILABLE in the envelope', async () => {
    const response = await app.api.get('/health/ready');

    expectError(response, 503, 'SERVICE_UNAVAILABLE');
  });

  it('still answers /health with 200 while the process can serve', async () => {
    const response = await app.api.get('/health');

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok' });
  });
});
