import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { REQUEST_ID_HEADER } from '../http/request-id.js';
import type { RouteRegistry } from '../http/route-registry.js';
import { type ErrorRequest, type ErrorResponse, toErrorResponse } from './error-response.js';

const logger = new Logger('Errors');

/**
 * Renders `error` for a request and logs it: with its stack when it was not foreseen, as a
 * warning for other 5xx answers. Sending is the caller's, so any HTTP adapter can use it.
 */
export function renderError(
  error: unknown,
  request: ErrorRequest & { route?: string },
  routes?: RouteRegistry,
): ErrorResponse {
  const response = toErrorResponse(error, request, routes);
  if (response.unexpected) {
    logger.error({
      message: 'unexpected failure',
      request_id: request.id,
      method: request.method,
      route: request.route,
      error: error instanceof Error ? error.name : typeof error,
      stack: error instanceof Error ? error.stack : undefined,
    });
  } else if (response.status >= 500) {
    logger.warn({
      message: 'request failed',
      request_id: request.id,
      status: response.status,
      code: response.body.error.code,
    });
  }

  return response;
}

/** `renderError` for a request Fastify holds. */
export function renderFastifyError(
  error: unknown,
  request: FastifyRequest,
  routes?: RouteRegistry,
): ErrorResponse {
  return renderError(
    error,
    { id: request.id, method: request.method, url: request.url, route: request.routeOptions?.url },
    routes,
  );
}

/** Gives a Fastify reply the status and headers of a rendered error; its body is the caller's. */
export function setErrorStatusAndHeaders(
  response: ErrorResponse,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  void reply
    .status(response.status)
    .headers(response.headers)
    .header(REQUEST_ID_HEADER, request.id)
    .header('content-type', 'application/json; charset=utf-8');
}

/** Sends the envelope straight through Fastify, for errors raised before Nest sees a request. */
export function replyWithError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  routes?: RouteRegistry,
): void {
  const response = renderFastifyError(error, request, routes);
  if (reply.sent) {
    return;
  }

  setErrorStatusAndHeaders(response, request, reply);
  void reply.send(JSON.stringify(response.body));
}
