import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type ResponseObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { STRIPE_SIGNATURE_SCHEME } from './billing/stripe-webhook.controller.js';
import { ErrorCode, HTTP_STATUS_BY_CODE } from './common/errors/error-code.js';
import {
  DEFAULT_DESCRIPTIONS,
  errorResponse,
} from './common/swagger/api-error-responses.decorator.js';
import { describeChangeSafety } from './common/swagger/change-safety-docs.js';
import { MAX_PATH_PARAMETER_LENGTH, REQUEST_ID_SCHEMA } from './common/swagger/schema-docs.js';

export const SWAGGER_UI_PATH = 'docs';
export const OPENAPI_JSON_PATH = 'docs-json';

/** The OpenAPI document of the service, generated from its controllers and DTOs. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('HatiData Organizations API')
    .setDescription(
      'Organizations are the top-level resource in HatiData: every user, environment, policy ' +
        'and API key belongs to one. Every error answer has the body ' +
        '`{"error": {"code", "message", "details", "request_id"}}` and every response an ' +
        '`X-Request-Id` header.',
    )
    .setVersion('1.0.0')
    .addServer(
      '/',
      'The deployment serving this document, whichever environment it is (local, staging or ' +
        'production); paths are relative to its origin.',
      undefined,
      { 'x-internal': false },
    )
    .addTag('Organizations', 'Create, read and update organizations, and list your own.')
    .addTag(
      'Members',
      "An organization's members and invitations: invite, accept, change roles, remove, " +
        'transfer ownership.',
    )
    .addTag(
      'Audit log',
      'Who changed what in an organization, when, and in which request; entries are never ' +
        'changed or removed.',
    )
    .addTag(
      'Lifecycle',
      'Cancel and restore (owner); suspend and unsuspend (platform operators). Statuses: ' +
        '`active`, `pending_payment`, `provisioning`, `suspended`, `cancelled`; a transition ' +
        'the lifecycle does not allow is 409 with `details.from` and `details.to`.',
    )
    .addTag(
      'Billing',
      'Paid checkout through Stripe, and the webhook through which Stripe reports payments.',
    )
    .addTag(
      'Health',
      'Liveness and readiness probes for the platform; public on purpose, they need no token.',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'A signed JWT, verified as RFC8725 recommends: the algorithm is pinned by the ' +
          "service's configuration (HS256 or RS256, never `none`), and `iss`, `exp` and, when " +
          'configured, `aud` are required and checked.',
      },
      'bearer',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'Stripe-Signature',
        description:
          "Stripe's signature of the raw body with the webhook endpoint's secret " +
          '(`STRIPE_WEBHOOK_SECRET`), checked by the `stripe` package.',
      },
      STRIPE_SIGNATURE_SCHEME,
    )
    .build();

  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controller, method) => method,
  });

  return describeCrossCuttingBehaviour(document);
}

const REQUEST_ID_HEADER_DOC = {
  required: true,
  description:
    'Identifies the request in logs; on errors equal to `error.request_id`. A well-formed ' +
    'incoming `X-Request-Id` (`req_` and up to 64 letters, digits, `_` or `-`) is kept.',
  schema: { type: 'string', ...REQUEST_ID_SCHEMA },
};

const RATE_LIMIT_HEADER_DOCS = {
  'X-RateLimit-Limit': {
    description:
      "Requests per minute the organization's tier allows this caller (free 60, cloud 300, " +
      'growth 1000, enterprise 10000). Present whenever the request was counted: on every ' +
      'answer once the token is accepted, while rate limiting is on.',
    schema: { type: 'string', pattern: '^[1-9][0-9]{0,6}$', maxLength: 7, example: '60' },
  },
  'X-RateLimit-Remaining': {
    description:
      'Requests the caller may still send now: the smaller of what is left of the minute and ' +
      "of the second's burst (free 10, cloud 50, growth 100, enterprise 500).",
    schema: { type: 'string', pattern: '^[0-9]{1,7}$', maxLength: 7, example: '59' },
  },
  'X-RateLimit-Reset': {
    description: 'Seconds until `X-RateLimit-Remaining` grows again.',
    schema: { type: 'string', pattern: '^[1-9][0-9]?$', maxLength: 2, example: '60' },
  },
};

const RETRY_AFTER_HEADER_DOC = {
  required: true,
  description: 'Seconds to wait before the next request can succeed.',
  schema: { type: 'string', pattern: '^[1-9][0-9]?$', maxLength: 2, example: '1' },
};

const STATUS_BAD_REQUEST = String(HTTP_STATUS_BY_CODE[ErrorCode.ValidationError]);
const STATUS_INTERNAL_ERROR = String(HTTP_STATUS_BY_CODE[ErrorCode.InternalError]);
const STATUS_PAYLOAD_TOO_LARGE = String(HTTP_STATUS_BY_CODE[ErrorCode.PayloadTooLarge]);
const STATUS_UNSUPPORTED_MEDIA_TYPE = String(HTTP_STATUS_BY_CODE[ErrorCode.UnsupportedMediaType]);
const STATUS_RATE_LIMITED = String(HTTP_STATUS_BY_CODE[ErrorCode.RateLimited]);

/**
 * Adds what every operation shares, in one place rather than on each handler: the
 * `X-Request-Id` header on every response, the headers and answers of entity tags and
 * idempotency keys, the roles from `@OrgRoles()` in the description, the answers the framework
 * gives on any route: 400 for a URL it cannot read, 500 for an unexpected failure, and on
 * authenticated operations the rate limit: 429 and the `X-RateLimit-*` headers.
 */
function describeCrossCuttingBehaviour(document: OpenAPIObject): OpenAPIObject {
  describeChangeSafety(document);
  for (const pathItem of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(pathItem)) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) {
        continue;
      }
      const roles = (operation as { 'x-required-roles'?: string[] })['x-required-roles'];
      if (roles) {
        operation.description =
          `${operation.description ?? ''}\n\n**Roles:** ${roles.join(', ')}. The caller's ` +
          'stored membership decides; a non-member gets 404 as if the organization did not exist.';
      }
      const authenticated = ((operation as OperationObject).security ?? []).length > 0;
      if (authenticated) {
        addRateLimitedResponse(operation as OperationObject);
      }
      addFrameworkErrors(operation as OperationObject, method);
      for (const response of Object.values(operation.responses ?? {}) as ResponseObject[]) {
        response.headers = { ...response.headers, 'X-Request-Id': REQUEST_ID_HEADER_DOC };
        // Optional headers: absent while the limit is off, and on answers given before the
        // caller is known (401, an unreadable URL or body).
        if (authenticated) {
          response.headers = { ...response.headers, ...RATE_LIMIT_HEADER_DOCS };
        }
      }
    }
  }

  return document;
}

/**
 * Every route answers 400 to a URL that is malformed or has a path parameter over the router's
 * limit, and 500 to a failure nobody foresaw; every route but GET also 413 and 415 to a body
 * too large or not JSON, whether it reads one or not. Operations that list none get them here.
 * Responses are then listed by status.
 */
function addFrameworkErrors(operation: OperationObject, method: string): void {
  const responses = { ...operation.responses };
  if (method !== 'get' && method !== 'head') {
    // Whatever the operation reads, a body it is sent is parsed first: too large, or not JSON.
    responses[STATUS_PAYLOAD_TOO_LARGE] ??= errorResponse(
      ErrorCode.PayloadTooLarge,
      DEFAULT_DESCRIPTIONS[ErrorCode.PayloadTooLarge],
    );
    responses[STATUS_UNSUPPORTED_MEDIA_TYPE] ??= errorResponse(
      ErrorCode.UnsupportedMediaType,
      'A body was sent, and its Content-Type is not application/json',
    );
  }
  if (!responses[STATUS_BAD_REQUEST]) {
    const hasPathParameters = (operation.parameters ?? []).some(
      (parameter) => (parameter as ParameterObject).in === 'path',
    );
    const tooLong = `a path parameter is longer than ${MAX_PATH_PARAMETER_LENGTH} characters`;
    responses[STATUS_BAD_REQUEST] = errorResponse(
      ErrorCode.ValidationError,
      hasPathParameters ? `The URL is malformed, or ${tooLong}` : 'The URL is malformed',
    );
  }
  responses[STATUS_INTERNAL_ERROR] ??= errorResponse(
    ErrorCode.InternalError,
    DEFAULT_DESCRIPTIONS[ErrorCode.InternalError],
  );
  operation.responses = Object.fromEntries(
    Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** 429 once the caller's requests exceed their tier's rate or burst. */
function addRateLimitedResponse(operation: OperationObject): void {
  const response = errorResponse(
    ErrorCode.RateLimited,
    "Too many requests for the organization's tier; wait `Retry-After` seconds",
  );
  response.headers = { 'Retry-After': RETRY_AFTER_HEADER_DOC };
  operation.responses = { ...operation.responses, [STATUS_RATE_LIMITED]: response };
}

/** Serves Swagger UI at `/docs` and the document at `/docs-json`, both without a token. */
export function setupSwagger(app: INestApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(SWAGGER_UI_PATH, app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    yamlDocumentUrl: 'docs-yaml',
    customSiteTitle: 'HatiData Organizations API',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });

  return document;
}
