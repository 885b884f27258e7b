import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath, type ResponseObject } from '@nestjs/swagger';
import { ErrorCode, HTTP_STATUS_BY_CODE } from '../errors/error-code.js';
import { ErrorEnvelopeSchema } from './error-envelope.schema.js';

/** What each error means, in the words of the contract, for the operation's responses. */
export const DEFAULT_DESCRIPTIONS: Readonly<Record<ErrorCode, string>> = {
  [ErrorCode.ValidationError]: 'Missing required fields, invalid format or malformed JSON',
  [ErrorCode.Unauthorized]: 'Missing or invalid authentication',
  [ErrorCode.Forbidden]: 'Your role in the organization does not allow this',
  [ErrorCode.NotFound]: 'Organization does not exist, or you are not a member of it',
  [ErrorCode.MethodNotAllowed]: 'Method not allowed on this path',
  [ErrorCode.Conflict]: 'Conflicts with the current state (for example, slug already in use)',
  [ErrorCode.PreconditionFailed]: 'A precondition header did not match',
  [ErrorCode.PayloadTooLarge]: 'The request body is larger than 100 KB',
  [ErrorCode.UnsupportedMediaType]: 'Content-Type is not application/json',
  [ErrorCode.RateLimited]: 'Too many requests',
  [ErrorCode.InternalError]: 'Unexpected error; carries no internal detail',
  [ErrorCode.ServiceUnavailable]:
    'The database cannot be reached or did not answer in time, or the service is shutting ' +
    'down; retry after `Retry-After` seconds',
};

const BEARER_CHALLENGE = {
  required: true,
  description: 'The bearer-token challenge of RFC 6750.',
  schema: {
    type: 'string',
    maxLength: 64,
    pattern: '^Bearer ',
    example: 'Bearer realm="hatidata"',
  },
};

const RETRY_AFTER = {
  description:
    'Seconds to wait before trying again. Every 503 carries it: the database cannot be reached ' +
    'or did not answer in time, or the service is shutting down.',
  schema: { type: 'string', pattern: '^[1-9][0-9]{0,3}$', maxLength: 4, example: '5' },
};

/** Headers that come with an error answer, beside `X-Request-Id`. */
const ERROR_HEADERS: Readonly<Partial<Record<ErrorCode, ResponseObject['headers']>>> = {
  [ErrorCode.Unauthorized]: { 'WWW-Authenticate': BEARER_CHALLENGE },
  [ErrorCode.ServiceUnavailable]: { 'Retry-After': RETRY_AFTER },
};

export type ErrorResponseSpec = ErrorCode | { code: ErrorCode; description: string };

/** One error answer: its description, the envelope schema and an example with its code. */
export function errorResponse(code: ErrorCode, description: string): ResponseObject {
  return {
    description: `${code}: ${description}`,
    ...(ERROR_HEADERS[code] ? { headers: ERROR_HEADERS[code] } : {}),
    content: {
      'application/json': {
        schema: { $ref: getSchemaPath(ErrorEnvelopeSchema) },
        example: {
          error: { code, message: description, request_id: 'req_8fQk2nV0aZ1xYw3L' },
        },
      },
    },
  };
}

/**
 * Documents error answers of an operation: each with its status, the envelope schema and an
 * example carrying its contract code.
 */
export function ApiErrorResponses(...specs: ErrorResponseSpec[]): MethodDecorator & ClassDecorator {
  const responses = specs.map((spec) => {
    const { code, description } =
      typeof spec === 'string' ? { code: spec, description: DEFAULT_DESCRIPTIONS[spec] } : spec;

    return ApiResponse({ status: HTTP_STATUS_BY_CODE[code], ...errorResponse(code, description) });
  });

  return applyDecorators(ApiExtraModels(ErrorEnvelopeSchema), ...responses);
}
