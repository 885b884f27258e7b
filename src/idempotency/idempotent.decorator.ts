import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency-key.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';

export const IDEMPOTENCY_KEY_DESCRIPTION =
  'Makes retries safe: the first successful response to a request with this key is stored ' +
  'for 24 hours, per caller, and every retry of the same request (same method, URL and JSON ' +
  'body) gets it again, with `Idempotent-Replayed: true`, instead of running twice. The same ' +
  'key with a different request, or while the first is still running, is 409 CONFLICT. Error ' +
  'responses are not stored: a retry after one runs again. 1 to 255 printable characters ' +
  '(a UUID, for example); anything else is 400.';

/**
 * Makes a POST that creates something safe to retry with an `Idempotency-Key` header (see
 * `IdempotencyInterceptor`), and documents the header, `Idempotent-Replayed` and the 409s in
 * Swagger. The handler must return a JSON-serializable body.
 */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: IDEMPOTENCY_KEY_DESCRIPTION,
      schema: {
        type: 'string',
        minLength: 1,
        maxLength: MAX_IDEMPOTENCY_KEY_LENGTH,
        pattern: '\\S',
        example: '8e03978e-40d5-43e8-bc93-6894a57f9324',
      },
    }),
  ) as MethodDecorator;
}
