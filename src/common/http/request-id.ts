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
