import { HttpException } from '@nestjs/common';
import { domainErrorFromDatabase, serviceUnavailable } from '../../database/database-errors.js';
import { RouteRegistry } from '../http/route-registry.js';
import { DomainError } from './domain-error.js';
import { ErrorCode, errorCodeForStatus } from './error-code.js';
import { type ErrorEnvelope } from './error-envelope.js';

export interface ErrorResponse {
  status: number;
  body: ErrorEnvelope;
  headers: Record<string, string>;
  /** True when the failure was not foreseen; it is logged with its stack. */
  unexpected: boolean;
}

export interface ErrorRequest {
  id: string;
  method: string;
  url: string;
}

/** Fastify's own failures while reading a request, by the code Fastify gives them. */
const FASTIFY_ERRORS: Readonly<Record<string, [ErrorCode, string]>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    ErrorCode.UnsupportedMediaType,
    'Content-Type must be application/json',
  ],
  FST_ERR_CTP_INVALID_TYPE: [
    ErrorCode.UnsupportedMediaType,
    'Content-Type must be application/json',
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: [
    ErrorCode.PayloadTooLarge,
    'The request body is larger than the 100 KB limit',
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: [
    ErrorCode.ValidationError,
    'The request body is empty; send a JSON object',
  ],
  FST_ERR_CTP_INVALID_JSON_BODY: [ErrorCode.ValidationError, 'The request body is not valid JSON'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    ErrorCode.ValidationError,
    'Content-Length does not match the body that was sent',
  ],
  FST_ERR_MAX_PARAM_LENGTH: [ErrorCode.ValidationError, 'A path parameter is too long'],
  FST_ERR_BAD_URL: [ErrorCode.ValidationError, 'The URL is malformed'],
  FST_ERR_CTP_INVALID_CONTENT_ENCODING: [
    ErrorCode.UnsupportedMediaType,
    'Content-Encoding is not supported',
  ],
};

const MESSAGES_BY_CODE: Readonly<Partial<Record<ErrorCode, string>>> = {
  [ErrorCode.ValidationError]: 'The request is invalid',
  [ErrorCode.Unauthorized]: 'Missing or invalid authentication',
  [ErrorCode.Forbidden]: 'You do not have permission to do this',
  [ErrorCode.NotFound]: 'Resource not found',
  [ErrorCode.PayloadTooLarge]: 'The request body is larger than the 100 KB limit',
  [ErrorCode.UnsupportedMediaType]: 'Content-Type must be application/json',
  [ErrorCode.RateLimited]: 'Too many requests',
  [ErrorCode.InternalError]: 'An unexpected error occurred',
  [ErrorCode.ServiceUnavailable]: 'The service is temporarily unavailable',
};

/**
 * Renders any failure as the contract's envelope. It is the only place that decides what a
 * client sees of an error; messages of unforeseen errors never pass through.
 */
export function toErrorResponse(
  error: unknown,
  request: ErrorRequest,
  routes?: RouteRegistry,
): ErrorResponse {
  const known = classify(error, request, routes);
  const domainError = known ?? internalError();

  return {
    status: domainError.status,
    headers: domainError.headers ?? {},
    unexpected: known === undefined,
    body: {
      error: {
        code: domainError.code,
        message: domainError.message,
        ...(domainError.details ? { details: domainError.details } : {}),
        request_id: request.id,
      },
    },
  };
}

function classify(
  error: unknown,
  request: ErrorRequest,
  routes?: RouteRegistry,
): DomainError | undefined {
  if (error instanceof DomainError) {
    return error;
  }
  // Nest wraps Fastify's own request errors in an HttpException; the original is the cause.
  const fastifyError = fromFastify(error instanceof HttpException ? error.cause : error);
  if (fastifyError) {
    return fastifyError;
  }
  if (error instanceof HttpException) {
    return fromHttpException(error, request, routes);
  }

  return domainErrorFromDatabase(error);
}

function fromFastify(error: unknown): DomainError | undefined {
  if (!(error instanceof Error)) {
    return undefined;
  }
  const { code, statusCode } = error as Error & { code?: string; statusCode?: number };
  if (code && FASTIFY_ERRORS[code]) {
    const [errorCode, message] = FASTIFY_ERRORS[code];

    return new DomainError(errorCode, message);
  }
  // JSON.parse failures surface as SyntaxError with a 400 status from Fastify's parser.
  if (error instanceof SyntaxError && statusCode === 400) {
    return new DomainError(ErrorCode.ValidationError, 'The request body is not valid JSON');
  }
  if (code?.startsWith('FST_') && statusCode && statusCode >= 400 && statusCode < 500) {
    const errorCode = errorCodeForStatus(statusCode);

    return new DomainError(errorCode, MESSAGES_BY_CODE[errorCode] ?? 'The request is invalid');
  }

  return undefined;
}

function fromHttpException(
  error: HttpException,
  request: ErrorRequest,
  routes?: RouteRegistry,
): DomainError {
  const status = error.getStatus();
  if (status === 404 && routes) {
    const allowed = routes.allowedMethods(request.url);
    if (allowed.length > 0 && !allowed.includes(request.method.toUpperCase())) {
      return new DomainError(
        ErrorCode.MethodNotAllowed,
        `${request.method.toUpperCase()} is not allowed here; allowed: ${allowed.join(', ')}`,
        { allowed_methods: allowed },
        { allow: allowed.join(', ') },
      );
    }
  }
  if (status === 404) {
    return new DomainError(ErrorCode.NotFound, 'No such route');
  }
  const code = errorCodeForStatus(status);
  if (code === ErrorCode.ServiceUnavailable) {
    return serviceUnavailable(MESSAGES_BY_CODE[code]);
  }
  if (status >= 500) {
    return new DomainError(code, MESSAGES_BY_CODE[code] ?? 'An unexpected error occurred');
  }

  return new DomainError(code, MESSAGES_BY_CODE[code] ?? 'The request is invalid');
}

function internalError(): DomainError {
  return new DomainError(
    ErrorCode.InternalError,
    MESSAGES_BY_CODE[ErrorCode.InternalError] as string,
  );
}
