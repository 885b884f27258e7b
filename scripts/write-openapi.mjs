// Writes the OpenAPI document of the built service to openapi.json (run: npm run openapi).
// The document is generated from the code; the committed copy is checked against it by
// test/openapi-document.e2e-spec.ts.
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { createApp } from '../dist/src/app.factory.js';
import { loadAppConfig } from '../dist/src/config/app-config.js';
import { buildOpenApiDocument } from '../dist/src/swagger.js';

const config = loadAppConfig({
  NODE_ENV: 'development',
  JWT_SECRET: 'document-generation-only-secret',
  LOG_LEVEL: 'error',
  SWAGGER_ENABLED: 'false',
});
const running = await createApp(config, { inMemoryDatabase: true, logger: false });
try {
  const document = buildOpenApiDocument(running.app);
  await writeFile('openapi.json', `${JSON.stringify(document, null, 2)}\n`);
  console.log('openapi.json written');
} finally {
  await running.close();
}
