import 'dotenv/config';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { loadAppConfig } from './config/app-config.js';

async function bootstrap(): Promise<void> {
  const config = loadAppConfig();
  const running = await createApp(config);
  const logger = new Logger('Bootstrap');

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.log({ message: `${signal} received; closing` });
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ message: 'failed to close cleanly', stack: (error as Error)?.stack });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

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
