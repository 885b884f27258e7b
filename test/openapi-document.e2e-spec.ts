import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { startTestApp, type TestApp } from './support/test-app.js';

const REGENERATE = 'npm run openapi';

describe('the committed OpenAPI document (openapi.json)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it(`matches the document the code generates; regenerate it with "${REGENERATE}"`, async () => {
    const committed = JSON.parse(await readFile('openapi.json', 'utf8'));
    const served = await app.api.get('/docs-json');

    expect(served.status).toBe(200);
    if (!isDeepStrictEqual(served.body, committed)) {
      throw new Error(
        `openapi.json differs from the document the code generates. Run "${REGENERATE}" ` +
          'and commit the result.',
      );
    }
  });
});
