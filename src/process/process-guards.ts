import { Logger } from '@nestjs/common';
import type { Shutdown } from './graceful-shutdown.js';

/**
 * The process-wide policy for failures nothing else caught:
 *
 * - an unhandled promise rejection (typically work started after a response, such as an event
 *   or a log write, that nobody awaited) is logged with its stack and the process keeps
 *   serving: the rejected promise holds no resource the service depends on;
 * - an uncaught exception is logged with its stack, then the process shuts down in order
 *   (requests in flight finish within SHUTDOWN_TIMEOUT_MS) and exits with code 1, for its
 *   supervisor to start a fresh one. After a throw that unwound an unknown part of the stack,
 *   Node.js documents the process state as unreliable, so it does not go on taking requests.
 *
 * Work the service itself runs after a response goes through `runAfterResponse`, which catches
 * both kinds, so neither reaches these handlers.
 */
export function installProcessGuards(shutdown: Shutdown, logger = new Logger('Process')): void {
  process.on('unhandledRejection', (reason: unknown) => {
    logger.error({
      message: 'unhandled promise rejection; still serving',
      error: errorName(reason),
      stack: stackOf(reason),
    });
  });
  process.on('uncaughtException', (error: Error) => {
    logger.error({
      message: 'uncaught exception; shutting down',
      error: errorName(error),
      stack: stackOf(error),
    });
    shutdown('uncaught exception', 1);
  });
}

function errorName(value: unknown): string {
  return value instanceof Error ? value.name : typeof value;
}

function stackOf(value: unknown): string | undefined {
  return value instanceof Error ? value.stack : undefined;
}
