import { type DynamicModule } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { type DestinationStream, type Level, type Logger, pino } from 'pino';
import pinoPretty from 'pino-pretty';

/** The levels of `LOG_LEVEL`, in Nest's words, and pino's level for each. */
export type LogLevelName = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

const PINO_LEVELS: Readonly<Record<LogLevelName, Level>> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Anything shaped like an email address is replaced as a line is written, whatever field it
 * came in (a claim echoed in an error, a driver message quoting a row).
 */
const EMAIL_ADDRESS = /[^\s"'<>()[\]{}:;,\\]+@[^\s"'<>()[\]{}:;,\\]+\.[A-Za-z]{2,}/g;

export interface LoggingOptions {
  level: LogLevelName | 'silent';
  /** One JSON object per line (true), or lines for people to read (false). */
  json: boolean;
  /** Where lines go; standard output when absent. */
  destination?: DestinationStream;
}

/**
 * The service's pino logger: one JSON object per line, `message` as the text, ISO timestamps.
 * Nothing logs request headers or bodies, so tokens and cookies never reach a line; email
 * addresses are masked in every line as it is written.
 */
export function createRootLogger(options: LoggingOptions): Logger {
  return pino(
    {
      level: options.level === 'silent' ? 'silent' : PINO_LEVELS[options.level],
      messageKey: 'message',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        streamWrite: (line) => (line.includes('@') ? line.replace(EMAIL_ADDRESS, '[email]') : line),
      },
    },
    options.json
      ? options.destination
      : pinoPretty({
          destination: options.destination ?? 1,
          messageKey: 'message',
          colorize: false,
          sync: true,
        }),
  );
}

/**
 * nestjs-pino wired to `logger`: every `Logger` of Nest writes through it, and, inside a
 * request, with that request's id (see `registerRequestLogging`).
 */
export function loggingModule(logger: Logger): DynamicModule {
  return LoggerModule.forRoot({
    // No routes for its HTTP middleware: the request context comes from a Fastify hook, and an
    // idle middleware would still cost every request a pass through @fastify/middie.
    forRoutes: [],
    pinoHttp: {
      logger,
      autoLogging: false,
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'request_id' },
    },
  });
}

/**
 * One line per request once its response is sent: method, route pattern (never the URL, whose
 * ids and query could identify someone), status, duration and request id; and the request id on
 * every line logged while the request is handled. Both are Fastify hooks rather than Nest
 * middleware: the context is entered once the body is read, so it holds through guards, pipes
 * and handler, and the closing line costs no extra listener per request.
 */
export function registerRequestLogging(
  fastify: FastifyInstance,
  logger: Logger,
  context: PinoLogger,
): void {
  fastify.addHook('preHandler', (request, _reply, done) => {
    context.runInContext(done, { bindings: { request_id: request.id } });
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    try {
      const line = {
        request_id: request.id,
        method: request.method,
        route: request.routeOptions.url ?? null,
        status: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime * 10) / 10,
      };
      if (reply.statusCode >= 500) {
        logger.warn(line, 'request failed');
      } else {
        logger.info(line, 'request completed');
      }
    } catch {
      // A log line that cannot be written must not fail a request already answered.
    }
    done();
  });
}
