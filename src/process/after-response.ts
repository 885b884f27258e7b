import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const logger = new Logger('AfterResponse');

/** Work to do once a response has been sent: events, audit records, metrics. */
export type AfterResponseWork = (request: FastifyRequest, reply: FastifyReply) => unknown;

/**
 * Runs `work` after every response, detached from it: the client already has its answer, so a
 * failure (a throw or a rejected promise) is logged with the request id and its stack and goes
 * no further. It neither reaches the process, nor stops the other after-response hooks.
 */
export function runAfterResponse(
  fastify: FastifyInstance,
  name: string,
  work: AfterResponseWork,
): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    done();
    try {
      Promise.resolve(work(request, reply)).catch((error: unknown) =>
        logFailure(name, request, error),
      );
    } catch (error) {
      logFailure(name, request, error);
    }
  });
}

function logFailure(name: string, request: FastifyRequest, error: unknown): void {
  logger.error({
    message: 'after-response work failed',
    work: name,
    request_id: request.id,
    error: error instanceof Error ? error.name : typeof error,
    stack: error instanceof Error ? error.stack : undefined,
  });
}
