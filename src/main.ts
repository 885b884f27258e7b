import 'dotenv/config';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { loadAppConfig } from './config/app-config.js';
import { createShutdown, shutdownOnSignals } from './process/graceful-shutdown.js';
import { installProcessGuards } from './process/process-guards.js';

async function bootstrap(): Promise<void> {
  const config = loadAppConfig();
  const running = await createApp(config);
  const logger = new Logger('Bootstrap');

  const shutdown = createShutdown(running, { timeoutMs: config.shutdownTimeoutMs, logger });
  shutdownOnSignals(shutdown);
  installProcessGuards(shutdown);

  await running.app.listen({ port: config.port, host: config.host });
  const base = `http://localhost:${config.port}`;
  logger.log({ message: `listening on ${config.host}:${config.port}; Swagger UI at ${base}/docs` });
  if (running.jwtKey.kind === 'secret' && running.jwtKey.generated) {
    logger.log({
      message:
        'development JWT secret in use (kept under DATA_DIR); mint a token with: ' +
        'npm run --silent token -- --sub usr_demo --email demo@example.com',
    });
  }
}

bootstrap().catch((error: unknown) => {
  // Configuration and start-up failures: say why in one line.
  const message = error instanceof Error ? error.message : String(error);
  console.error(JSON.stringify({ level: 'fatal', message: `cannot start: ${message}` }));
  process.exit(1);
});
