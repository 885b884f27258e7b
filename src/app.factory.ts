import { ConsoleLogger, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppModule } from './app.module.js';
import { loadOrCreateDevelopmentSecret } from './auth/development-secret.js';
import { jwtSettingsFor } from './auth/jwt-options.js';
import { type AppConfig, isProduction, type JwtKeySource } from './config/app-config.js';
import { replyWithError } from './common/errors/error-reply.js';
import { registerJsonOnlyBodyParsing } from './common/http/body-parsing.js';
import { answerClientError } from './common/http/client-errors.js';
import { requestIdFrom, REQUEST_ID_HEADER } from './common/http/request-id.js';
import { RouteRegistry } from './common/http/route-registry.js';
import { MAX_PATH_PARAMETER_LENGTH } from './common/swagger/schema-docs.js';
import { describeDatabaseUrl } from './database/data-source-options.js';
import { serviceUnavailable } from './database/database-errors.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './database/embedded-postgres.js';
import { setupSwagger } from './swagger.js';

export const BODY_LIMIT_BYTES = 100 * 1024;

export interface RunningApp {
  app: NestFastifyApplication;
  /** Which database is in use, without credentials. */
  database: string;
  jwtKey: JwtKeySource;
  /** Closes the application, then the embedded database if one was started. */
  close(): Promise<void>;
}

export interface CreateAppOptions {
  /** Keep the embedded database in memory instead of under DATA_DIR (tests). */
  inMemoryDatabase?: boolean;
  logger?: false | ConsoleLogger;
  /** Adds Fastify hooks before the app is ready; tests use it to add work that fails. */
  registerHooks?: (fastify: FastifyInstance) => void;
}

/**
 * Builds the whole service from a validated configuration: database (PostgreSQL from
 * DATABASE_URL, or embedded PGlite), token verification, HTTP layer and docs. Shared by
 * `main.ts` and the end-to-end tests so both run the same application.
 */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<RunningApp> {
  const logger = new Logger('Bootstrap');
  const jwtKey = await resolveJwtKey(config);
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(options.inMemoryDatabase ? undefined : config.dataDir);
    databaseUrl = embedded.url;
  }

  try {
    const routes = new RouteRegistry();
    const adapter = createHttpAdapter(routes);
    options.registerHooks?.(adapter.getInstance());
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot({
        routes,
        database: {
          url: databaseUrl,
          poolSize: embedded ? 1 : config.dbPoolSize,
          connectTimeoutMs: config.dbConnectTimeoutMs,
          statementTimeoutMs: config.dbStatementTimeoutMs,
        },
        jwt: {
          ...jwtSettingsFor(jwtKey),
          issuer: config.jwt.issuer,
          audience: config.jwt.audience,
        },
      }),
      adapter,
      {
        bodyParser: false,
        logger:
          options.logger ?? new ConsoleLogger({ json: config.logJson, logLevels: levels(config) }),
        abortOnError: false,
      },
    );
    if (config.swaggerEnabled) {
      setupSwagger(app);
    }
    await app.init();
    await app.getHttpAdapter().getInstance().ready();

    const database = embedded
      ? `embedded PostgreSQL (PGlite, ${embedded.location})`
      : `PostgreSQL at ${describeDatabaseUrl(databaseUrl)}`;
    logger.log({ message: `database: ${database}` });

    return {
      app,
      database,
      jwtKey,
      close: async () => {
        await app.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

function createHttpAdapter(routes: RouteRegistry): FastifyAdapter {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    requestIdHeader: false,
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) =>
      requestIdFrom(request.headers[REQUEST_ID_HEADER]),
    // Draining is answered below, in the envelope, instead of with Fastify's own 503 body.
    return503OnClosing: false,
    routerOptions: { maxParamLength: MAX_PATH_PARAMETER_LENGTH },
    logger: false,
    // Malformed URLs and over-long path parameters are refused before routing; they get the
    // same envelope as every other error.
    clientErrorHandler: answerClientError,
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) =>
      replyWithError(error, request, reply, routes),
  });
  const fastify = adapter.getInstance();
  registerJsonOnlyBodyParsing(fastify);
  fastify.addHook('onRoute', (route) => routes.register(route.url, route.method));
  refuseRequestsWhileClosing(fastify, routes);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });

  return adapter;
}

/**
 * Once the server is closing (SIGTERM) it takes no new connections; a request that still
 * reaches it, on a connection already open, gets 503 with `Retry-After` in the envelope. Every
 * response sent from then on, those of requests in flight included, closes its connection, so
 * no client keeps the server from finishing.
 */
function refuseRequestsWhileClosing(fastify: FastifyInstance, routes: RouteRegistry): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (closing) {
      void reply.header('connection', 'close');
      replyWithError(serviceUnavailable(SHUTTING_DOWN_MESSAGE), request, reply, routes);

      return;
    }
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) {
      void reply.header('connection', 'close');
    }
    done(null, payload);
  });
}

const SHUTTING_DOWN_MESSAGE = 'The service is shutting down; try again shortly';

async function resolveJwtKey(config: AppConfig): Promise<JwtKeySource> {
  if (config.jwt.key) {
    return config.jwt.key;
  }
  if (isProduction(config)) {
    throw new Error(
      'No token verification key: set JWT_SECRET, JWT_PUBLIC_KEY or JWKS_URI. In production ' +
        'the service does not make its own.',
    );
  }
  const secret = await loadOrCreateDevelopmentSecret(config.dataDir);

  return { kind: 'secret', algorithm: 'HS256', secret, generated: true };
}

function levels(config: AppConfig): ('error' | 'warn' | 'log' | 'debug' | 'verbose')[] {
  const order = ['error', 'warn', 'log', 'debug', 'verbose'] as const;

  return order.slice(0, order.indexOf(config.logLevel) + 1);
}
