import { createHash } from 'node:crypto';
import stableStringify from 'safe-stable-stringify';
import { DomainError } from '../common/errors/domain-error.js';
import { isPrintableText } from '../common/text.js';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

const INVALID_KEY =
  `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable characters, ` +
  'such as a UUID';

/**
 * The request's `Idempotency-Key`, or undefined without one. A key must be 1 to 255 printable
 * characters (no control characters, not only spaces); any other value is a 400 naming the
 * header, and so are two different keys on one request.
 */
export function readIdempotencyKey(
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  const raw = headers[IDEMPOTENCY_KEY_HEADER];
  if (raw === undefined) {
    return undefined;
  }
  const value = Array.isArray(raw) ? (raw.length === 1 ? raw[0] : undefined) : raw;
  if (
    value === undefined ||
    value.trim() === '' ||
    value.length > MAX_IDEMPOTENCY_KEY_LENGTH ||
    !isPrintableText(value)
  ) {
    throw DomainError.validation([
      { field: 'Idempotency-Key', constraint: 'format', message: INVALID_KEY },
    ]);
  }

  return value;
}

/**
 * What makes two requests the same request: method, URL and body, the body compared as JSON
 * (key order and white space do not matter). A SHA-256, so the stored record holds no body.
 */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${url}\n${stableStringify(body ?? null) ?? ''}`)
    .digest('hex');
}
