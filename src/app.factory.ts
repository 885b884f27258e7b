import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { Logger as PinoNestLogger, PinoLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import { loadOrCreateDevelopmentSecret } from './auth/development-secret.js';
import { jwtSettingsFor } from './auth/jwt-options.js';
import { type AppConfig, isProduction, type JwtKeySource } from './config/app-config.js';
import { replyWithError } from './common/errors/error-reply.js';
import { registerJsonOnlyBodyParsing } from './common/http/body-parsing.js';
import { registerEntityTagHook } from './common/http/entity-tag.hook.js';
import { answerClientError } from './common/http/client-errors.js';
import { requestIdFrom, REQUEST_ID_HEADER } from './common/http/request-id.js';
import { RouteRegistry } from './common/http/route-registry.js';
import { MAX_PATH_PARAMETER_LENGTH } from './common/swagger/schema-docs.js';
import { describeDatabaseUrl } from './database/data-source-options.js';
import { serviceUnavailable } from './database/database-errors.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './database/embedded-postgres.js';
import type { OrganizationProvisioner } from './organizations/lifecycle/provisioning/index.js';
import { createRootLogger, registerRequestLogging } from './logging/request-logging.js';
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
  /** `false` logs nothing at all (tests). */
  logger?: false;
  /** Where log lines go instead of standard output (tests read them). */
  logDestination?: DestinationStream;
  /** Deploys organizations' infrastructure; default: one that deploys nothing real. */
  provisioner?: OrganizationProvisioner;
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
    const rootLogger = createRootLogger({
      level: options.logger === false ? 'silent' : config.logLevel,
      json: config.logJson,
      destination: options.logDestination,
    });
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
          maxLifetimeSeconds: config.jwt.maxLifetimeSeconds,
        },
        stripe: config.stripe,
        lifecycle: { ...config.lifecycle, provisioner: options.provisioner },
        rateLimit: config.rateLimit,
        logger: rootLogger,
      }),
      adapter,
      {
        bodyParser: false,
        bufferLogs: true,
        abortOnError: false,
      },
    );
    app.useLogger(app.get(PinoNestLogger));
    registerRequestLogging(
      app.getHttpAdapter().getInstance(),
      rootLogger,
      await app.resolve(PinoLogger),
    );
    registerBrowserSecurity(app, config);
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
    genReqId: (request: IncomingMessage) => requestIdFrom(request.headers[REQUEST_ID_HEADER]),
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
  registerEntityTagHook(fastify, routes);
  refuseRequestsWhileClosing(fastify, routes);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });

  return adapter;
}

/** Headers a browser reads for the API's responses, when CORS lets a page call it. */
const CORS_EXPOSED_HEADERS = [
  'X-Request-Id',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'Retry-After',
  'WWW-Authenticate',
];

/**
 * Security headers on every answer (helmet's defaults: a same-origin Content Security Policy
 * that Swagger UI works under, HSTS, nosniff, frame denial, no referrer), and CORS only for
 * the origins of `CORS_ORIGINS`: with none listed, no CORS header is ever sent and browsers
 * keep other origins out. Bearer tokens, not cookies, authenticate, so credentials stay off.
 */
function registerBrowserSecurity(app: NestFastifyApplication, config: AppConfig): void {
  registerSecurityHeaders(app.getHttpAdapter().getInstance());
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
      exposedHeaders: CORS_EXPOSED_HEADERS,
      credentials: false,
      maxAge: 600,
    });
  }
}

/**
 * helmet's headers on every answer. helmet decides them; with this configuration (no nonces, no
 * directive computed per request) they depend on nothing in the request, so they are worked out
 * once, at start, and each answer gets a copy. `@fastify/helmet` instead runs helmet's chain of
 * middlewares for every request, after building it anew each time: in the benchmark that was a
 * tenth of the service's CPU per request, and many of the objects its garbage collector promoted.
 */
function registerSecurityHeaders(fastify: FastifyInstance): void {
  const headers = helmetHeaders();
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
}

/**
 * What helmet's middleware does to a response, recorded on a stand-in that has only the two
 * methods helmet calls: a helmet that needed more of the request or response would fail here,
 * at start, rather than answer with headers it did not mean.
 */
function helmetHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]): void {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string): void {
      delete headers[name.toLowerCase()];
    },
  };
  helmet()({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) {
      throw error;
    }
  });

  return Object.freeze(headers);
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
