import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { REQUEST_ID_HEADER } from '../http/request-id.js';
import type { RouteRegistry } from '../http/route-registry.js';
import { toErrorResponse } from './error-response.js';

const logger = new Logger('Errors');

/** Sends the envelope for `error` and logs it when it was not foreseen. */
export function replyWithError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  routes?: RouteRegistry,
): void {
  const response = toErrorResponse(
    error,
    { id: request.id, method: request.method, url: request.url },
    routes,
  );
  if (response.unexpected) {
    logger.error(
      {
        message: 'Unexpected failure',
        request_id: request.id,
        method: request.method,
        route: request.routeOptions?.url,
        error: error instanceof Error ? error.name : typeof error,
      },
      error instanceof Error ? error.stack : undefined,
    );
  } else if (response.status >= 500) {
    logger.warn({
      message: 'Request failed',
      request_id: request.id,
      status: response.status,
      code: response.body.error.code,
    });
  }
  if (reply.sent) {
    return;
  }

  void reply
    .status(response.status)
    .headers(response.headers)
    .header(REQUEST_ID_HEADER, request.id)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify(response.body));
}
