import { ErrorCode, statusForErrorCode } from './error-code.js';
import { type ErrorDetails, type FieldError } from './error-envelope.js';

/** At most this many invalid fields are listed; the message still counts them all. */
export const MAX_FIELD_ERRORS = 100;

/**
 * A failure the service reports on purpose: it carries the contract code and a message that is
 * safe to show a client. Anything else that escapes a handler is treated as unexpected.
 */
export class DomainError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'DomainError';
    this.status = statusForErrorCode(code);
  }

  static validation(fields: FieldError[], message?: string): DomainError {
    const listed = fields.slice(0, MAX_FIELD_ERRORS);

    return new DomainError(
      ErrorCode.ValidationError,
      message ?? summarizeFields(fields),
      listed.length > 0 ? { fields: listed } : undefined,
    );
  }

  static notFound(message: string): DomainError {
    return new DomainError(ErrorCode.NotFound, message);
  }

  static forbidden(message: string, details?: ErrorDetails): DomainError {
    return new DomainError(ErrorCode.Forbidden, message, details);
  }

  static conflict(message: string, details?: ErrorDetails): DomainError {
    return new DomainError(ErrorCode.Conflict, message, details);
  }

  static preconditionFailed(message: string, details?: ErrorDetails): DomainError {
    return new DomainError(ErrorCode.PreconditionFailed, message, details);
  }

  /** 429 with `Retry-After`, which `details.retry_after_seconds` repeats for the envelope. */
  static rateLimited(retryAfterSeconds: number, limitPerMinute: number): DomainError {
    return new DomainError(
      ErrorCode.RateLimited,
      `Too many requests: at most ${limitPerMinute} per minute; retry in ${retryAfterSeconds} s`,
      { retry_after_seconds: retryAfterSeconds, limit_per_minute: limitPerMinute },
      { 'retry-after': String(retryAfterSeconds) },
    );
  }

  /** 401 with the `WWW-Authenticate` challenge RFC 6750 asks of a bearer-token API. */
  static unauthorized(message = 'Missing or invalid authentication'): DomainError {
    return new DomainError(ErrorCode.Unauthorized, message, undefined, {
      'www-authenticate': 'Bearer realm="hatidata"',
    });
  }
}

function summarizeFields(fields: FieldError[]): string {
  if (fields.length === 0) {
    return 'The request is invalid';
  }
  const [first] = fields;
  const more = fields.length > 1 ? ` (and ${fields.length - 1} more)` : '';

  return `${first.message}${more}`;
}
