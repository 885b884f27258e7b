import { type ArgumentsHost, Catch, type ExceptionFilter, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { REQUEST_ID_HEADER, requestIdOf } from '../http/request-id.js';
import { RouteRegistry } from '../http/route-registry.js';
import { renderError } from './error-reply.js';

interface IncomingRequest {
  id?: unknown;
  headers?: Record<string, string | string[] | undefined>;
  routeOptions?: { url?: string };
  route?: { path?: string };
}

/**
 * The one filter: every error a handler, guard or pipe raises leaves as the contract envelope,
 * with `X-Request-Id`. It sends through Nest's HTTP adapter, so it serves Fastify and Express
 * hosts alike; a `RouteRegistry`, when provided, turns wrong-method 404s into 405s.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Optional() private readonly routes?: RouteRegistry,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const http = host.switchToHttp();
    const request = http.getRequest<IncomingRequest>();
    const response = http.getResponse<unknown>();
    const requestId = requestIdOf(request);

    const rendered = renderError(
      exception,
      {
        id: requestId,
        method: httpAdapter.getRequestMethod(request),
        url: httpAdapter.getRequestUrl(request),
        route: request.routeOptions?.url ?? request.route?.path,
      },
      this.routes,
    );
    for (const [name, value] of Object.entries(rendered.headers)) {
      httpAdapter.setHeader(response, name, value);
    }
    httpAdapter.setHeader(response, REQUEST_ID_HEADER, requestId);
    httpAdapter.setHeader(response, 'content-type', 'application/json; charset=utf-8');
    httpAdapter.reply(response, rendered.body, rendered.status);
  }
}
