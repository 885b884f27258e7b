import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  type OpenAPIObject,
  type ResponseObject,
  SwaggerModule,
} from '@nestjs/swagger';

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
    .addServer('/', 'This server')
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
    .build();

  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controller, method) => method,
  });

  return describeCrossCuttingBehaviour(document);
}

const REQUEST_ID_HEADER_DOC = {
  description:
    'Identifies the request in logs; on errors equal to `error.request_id`. A well-formed ' +
    'incoming `X-Request-Id` (`req_` and up to 64 letters, digits, `_` or `-`) is kept.',
  schema: { type: 'string', pattern: '^req_[A-Za-z0-9_-]{1,64}$' },
};

/**
 * Adds what every operation shares, in one place rather than on each handler: the
 * `X-Request-Id` header on every response, and the roles from `@OrgRoles()` in the description.
 */
function describeCrossCuttingBehaviour(document: OpenAPIObject): OpenAPIObject {
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem)) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) {
        continue;
      }
      const roles = (operation as { 'x-required-roles'?: string[] })['x-required-roles'];
      if (roles) {
        operation.description =
          `${operation.description ?? ''}\n\n**Roles:** ${roles.join(', ')}. The caller's ` +
          'stored membership decides; a non-member gets 404 as if the organization did not exist.';
      }
      for (const response of Object.values(operation.responses ?? {}) as ResponseObject[]) {
        response.headers = { ...response.headers, 'X-Request-Id': REQUEST_ID_HEADER_DOC };
      }
    }
  }

  return document;
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
