import { randomBytes } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

/** An incoming id is kept only when it looks like one of ours, so logs stay uniform and safe. */
export const WELL_FORMED_REQUEST_ID = /^req_[A-Za-z0-9_-]{1,64}$/;

export function newRequestId(): string {
  return `req_${randomBytes(12).toString('base64url')}`;
}

export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;

  return value !== undefined && WELL_FORMED_REQUEST_ID.test(value) ? value : newRequestId();
}

interface RequestWithId {
  id?: unknown;
  headers?: Record<string, string | string[] | undefined>;
}

/**
 * The id the HTTP layer gave the request (Fastify's `genReqId`, see app.factory.ts); on a host
 * without one, the well-formed incoming `X-Request-Id` header.
 */
export function requestIdOf(request: RequestWithId): string {
  return typeof request.id === 'string' && request.id.startsWith('req_')
    ? request.id
    : requestIdFrom(request.headers?.[REQUEST_ID_HEADER]);
}
