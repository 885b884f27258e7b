import { Logger } from '@nestjs/common';

export interface Closable {
  /** Stops taking connections, lets requests in flight finish, then closes the database. */
  close(): Promise<void>;
}

export interface ShutdownOptions {
  /** Longest wait for requests in flight; past it the process exits with code 1. */
  timeoutMs: number;
  logger?: Logger;
  /** Ends the process; tests replace it. */
  exit?: (code: number) => void;
}

/** Starts an orderly shutdown once; `exitCode` is what a clean close exits with. */
export type Shutdown = (reason: string, exitCode?: number) => void;

/**
 * Makes one shutdown sequence for the process:
 *
 * 1. the HTTP server stops accepting connections; a request arriving on a connection that is
 *    already open gets 503 SERVICE_UNAVAILABLE with `Connection: close`;
 * 2. requests in flight finish, each response closing its connection;
 * 3. the database pool (and the embedded database) closes, and the process exits with
 *    `exitCode` (0 after SIGTERM or SIGINT).
 *
 * If that takes longer than `timeoutMs`, the process exits with code 1 at once: requests still
 * running are cut, and PostgreSQL rolls back their open transactions when their connections
 * drop, so nothing is half written. A second signal during the wait exits the same way.
 */
export function createShutdown(running: Closable, options: ShutdownOptions): Shutdown {
  const logger = options.logger ?? new Logger('Shutdown');
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let started = false;

  return (reason, exitCode = 0) => {
    if (started) {
      logger.warn({ message: `${reason} while shutting down; exiting now` });
      exit(1);

      return;
    }
    started = true;
    logger.log({ message: `${reason}; closing`, timeout_ms: options.timeoutMs });
    const deadline = setTimeout(() => {
      logger.error({
        message: 'requests still running after the shutdown timeout; exiting without them',
        timeout_ms: options.timeoutMs,
      });
      exit(1);
    }, options.timeoutMs);
    running.close().then(
      () => {
        clearTimeout(deadline);
        logger.log({ message: 'closed cleanly' });
        exit(exitCode);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        logger.error({ message: 'failed to close cleanly', stack: (error as Error)?.stack });
        exit(1);
      },
    );
  };
}

/** SIGTERM (orchestrators) and SIGINT (Ctrl-C) start the shutdown; a clean one exits 0. */
export function shutdownOnSignals(shutdown: Shutdown): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => shutdown(`${signal} received`, 0));
  }
}
