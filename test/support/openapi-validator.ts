import { appendFileSync, readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';

type Json = Record<string, any>;

/** A response as the client received it, with the request that produced it. */
export interface ObservedResponse {
  method: string;
  /** The path the response answers (after any redirect), without query string. */
  path: string;
  status: number;
  headers: Headers;
  text: string;
}

/** A response that disagrees with the OpenAPI document (or with the contract's error rule). */
export class OpenApiMismatchError extends Error {
  override name = 'OpenApiMismatchError';
}

/** Where the committed document lives; the same file `npm run openapi` writes. */
export const OPENAPI_DOCUMENT_URL = new URL('../../openapi.json', import.meta.url);

/**
 * Routes the service serves on purpose without describing them in its document: Swagger UI,
 * its assets and the document itself. A 2xx there is expected; any error there must still be
 * in the contract's envelope.
 */
const DOCUMENTATION_ROUTES: readonly RegExp[] = [/^\/docs(\/.*)?$/, /^\/docs-(json|yaml)$/];

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const COMPONENT_REF_PREFIX = '#/components/schemas/';
const COMPONENTS_SCHEMA_ID = 'openapi-components';
const ERROR_ENVELOPE_REF = `${COMPONENT_REF_PREFIX}ErrorEnvelopeSchema`;
const BODY_PREVIEW_CHARS = 600;

interface DocumentedOperation {
  method: string;
  pathTemplate: string;
  operation: Json;
  /** `createOrganization (POST /v1/organizations)`, for messages. */
  label: string;
}

interface HeaderRule {
  name: string;
  /** OpenAPI's `required`: a header documented without it may be absent, never malformed. */
  required: boolean;
  schema?: Json;
}

/**
 * Checks every response against the committed OpenAPI 3.0 document: the operation must exist
 * (method and path template), the status must be documented for it, every required response
 * header must be present, every documented one present must match its schema, and the body
 * must match the documented media type and JSON schema. Objects may carry only the properties
 * the document names. Answers to requests the document does not describe (unknown routes,
 * wrong methods) must be errors in the envelope the document defines, since the contract gives
 * every error that body.
 */
export class OpenApiResponseValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly operations: DocumentedOperation[] = [];
  private readonly commonHeaders: HeaderRule[];

  constructor(private readonly document: Json) {
    this.ajv = new Ajv({ allErrors: true, strict: true });
    // ajv-formats is CommonJS; its default export is on `.default` when imported from ESM.
    ajvFormats.default(this.ajv);
    // OpenAPI 3.0's `example` is an annotation; JSON Schema has no such keyword.
    this.ajv.addKeyword({ keyword: 'example' });
    this.ajv.addSchema(
      {
        $id: COMPONENTS_SCHEMA_ID,
        $defs: pointAtComponents(closeObjects(document.components?.schemas ?? {})),
      },
      COMPONENTS_SCHEMA_ID,
    );

    for (const [pathTemplate, pathItem] of Object.entries<Json>(document.paths ?? {})) {
      for (const method of HTTP_METHODS) {
        const operation = pathItem[method];
        if (operation) {
          const signature = `${method.toUpperCase()} ${pathTemplate}`;
          const label = operation.operationId
            ? `${operation.operationId} (${signature})`
            : signature;
          this.operations.push({ method, pathTemplate, operation, label });
        }
      }
    }
    this.commonHeaders = headersOnEveryResponse(this.operations);
  }

  static fromCommittedDocument(): OpenApiResponseValidator {
    return new OpenApiResponseValidator(JSON.parse(readFileSync(OPENAPI_DOCUMENT_URL, 'utf8')));
  }

  /** Throws an OpenApiMismatchError naming the operation, the status and what disagrees. */
  validate(response: ObservedResponse): void {
    const method = response.method.toLowerCase();
    const candidates = this.operations
      .filter((entry) => matchesTemplate(entry.pathTemplate, response.path))
      .sort((a, b) => literalSegments(b.pathTemplate) - literalSegments(a.pathTemplate));
    const exact = candidates.find((entry) => entry.method === method);
    // HEAD is GET without a body (RFC 9110); the document describes GET only.
    const headOfGet =
      method === 'head' ? candidates.find((entry) => entry.method === 'get') : undefined;

    const documented = exact ?? headOfGet;

    if (documented) {
      this.validateDocumented(documented, response, method === 'head');
    } else if (DOCUMENTATION_ROUTES.some((route) => route.test(response.path))) {
      this.validateDocumentationRoute(response);
    } else {
      const why =
        candidates.length > 0
          ? `the document has no ${method.toUpperCase()} on ${candidates[0].pathTemplate}`
          : 'the document has no such path';
      this.validateUndocumented(response, why);
    }
  }

  private validateDocumented(
    entry: DocumentedOperation,
    response: ObservedResponse,
    headRequest: boolean,
  ): void {
    const context = `${entry.label} answered ${response.status}`;
    const responses: Json = entry.operation.responses ?? {};
    const documented =
      responses[String(response.status)] ??
      responses[`${String(response.status)[0]}XX`] ??
      responses.default;
    if (!documented) {
      this.fail(
        `${context}, a status the document does not list for this operation ` +
          `(documented: ${Object.keys(responses).join(', ')})`,
        response,
      );
    }

    this.checkHeaders(context, documentedHeaders(documented), response);
    if (headRequest) {
      return;
    }

    const content: Json | undefined = documented.content;
    if (!content || Object.keys(content).length === 0) {
      if (response.text !== '') {
        this.fail(`${context}: the document describes no body for it, but one was sent`, response);
      }

      return;
    }
    const mediaType = mediaTypeOf(response.headers);
    const documentedType = Object.keys(content).find(
      (type) => type.toLowerCase() === mediaType || type === '*/*',
    );
    if (!documentedType) {
      this.fail(
        `${context} with Content-Type "${response.headers.get('content-type') ?? '(none)'}"; ` +
          `documented: ${Object.keys(content).join(', ')}`,
        response,
      );
    }
    const schema: Json | undefined = content[documentedType].schema;
    if (schema) {
      const key = `${entry.method} ${entry.pathTemplate} ${response.status} ${documentedType}`;
      this.checkBody(context, key, schema, response);
    }
  }

  private validateDocumentationRoute(response: ObservedResponse): void {
    const why = 'documentation, not in the document';
    const context = `GET ${response.path} (${why}) answered ${response.status}`;
    this.checkHeaders(context, this.commonHeaders, response);
    if (response.status >= 400) {
      this.checkErrorEnvelope(context, response);
    }
  }

  private validateUndocumented(response: ObservedResponse, why: string): void {
    const method = response.method.toUpperCase();
    const context = `${method} ${response.path} (${why}) answered ${response.status}`;
    if (response.status < 400) {
      this.fail(
        `${context}: a request the document does not describe must be refused with an error`,
        response,
      );
    }
    this.checkHeaders(context, this.commonHeaders, response);
    this.checkErrorEnvelope(context, response);
  }

  private checkErrorEnvelope(context: string, response: ObservedResponse): void {
    if (response.method.toUpperCase() === 'HEAD') {
      return;
    }
    if (mediaTypeOf(response.headers) !== 'application/json') {
      this.fail(
        `${context}: an error must be application/json in the error envelope, got ` +
          `Content-Type "${response.headers.get('content-type') ?? '(none)'}"`,
        response,
      );
    }
    this.checkBody(context, 'error envelope', { $ref: ERROR_ENVELOPE_REF }, response);
  }

  private checkHeaders(context: string, rules: HeaderRule[], response: ObservedResponse): void {
    for (const rule of rules) {
      const value = response.headers.get(rule.name);
      if (value === null) {
        if (!rule.required) {
          continue;
        }
        this.fail(`${context} without the documented ${rule.name} header`, response);
      }
      if (rule.schema) {
        const validate = this.compile(
          `header ${rule.name} ${JSON.stringify(rule.schema)}`,
          rule.schema,
        );
        if (!validate(value)) {
          const errors = describeErrors(validate.errors, 'header');
          this.fail(`${context} with header ${rule.name}: "${value}" ${errors}`, response);
        }
      }
    }
  }

  private checkBody(context: string, key: string, schema: Json, response: ObservedResponse): void {
    let body: unknown;
    try {
      body = JSON.parse(response.text);
    } catch {
      this.fail(`${context}: the body is not JSON`, response);
    }
    const validate = this.compile(key, schema);
    if (!validate(body)) {
      const errors = describeErrors(validate.errors, 'body');
      this.fail(`${context}: the body does not match ${schemaName(schema)}: ${errors}`, response);
    }
  }

  private compile(key: string, schema: Json): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(pointAtComponents(closeObjects(schema)) as SchemaObject);
      this.compiled.set(key, validate);
    }

    return validate;
  }

  private fail(message: string, response: ObservedResponse): never {
    const preview =
      response.text.length > BODY_PREVIEW_CHARS
        ? `${response.text.slice(0, BODY_PREVIEW_CHARS)}...`
        : response.text;

    throw new OpenApiMismatchError(
      `OpenAPI mismatch: ${message}\n  response body: ${preview || '(empty)'}`,
    );
  }
}

/** `/v1/organizations/{org_id}` matches `/v1/organizations/org_abc`, segment by segment. */
function matchesTemplate(template: string, path: string): boolean {
  const expected = template.split('/');
  const actual = path.split('/');

  return (
    expected.length === actual.length &&
    expected.every((segment, index) =>
      /^\{[^}]+\}$/.test(segment) ? actual[index] !== '' : segment === actual[index],
    )
  );
}

const literalSegments = (template: string): number =>
  template.split('/').filter((segment) => segment !== '' && !segment.startsWith('{')).length;

function mediaTypeOf(headers: Headers): string {
  return (headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
}

function documentedHeaders(response: Json): HeaderRule[] {
  return Object.entries<Json>(response.headers ?? {}).map(([name, header]) => ({
    name,
    required: header.required === true,
    schema: header.schema,
  }));
}

/** The headers every documented response carries: what an undocumented answer must carry too. */
function headersOnEveryResponse(operations: DocumentedOperation[]): HeaderRule[] {
  const all = operations.flatMap((entry) => Object.values<Json>(entry.operation.responses ?? {}));
  const first = all[0] ? documentedHeaders(all[0]) : [];

  return first.filter((rule) =>
    all.every((response) =>
      Object.keys(response.headers ?? {}).some(
        (name) => name.toLowerCase() === rule.name.toLowerCase(),
      ),
    ),
  );
}

/**
 * A copy of the schema in which every object that lists its `properties` and says nothing about
 * others refuses others: a property the service sends but the document does not name is drift.
 */
function closeObjects<T>(schema: T): T {
  if (Array.isArray(schema)) {
    return schema.map((item) => closeObjects(item)) as T;
  }
  if (schema === null || typeof schema !== 'object') {
    return schema;
  }
  const copy: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    // `example` values are data, not schemas.
    copy[key] = key === 'example' ? value : closeObjects(value);
  }
  if (copy.properties && typeof copy.properties === 'object' && !('additionalProperties' in copy)) {
    copy.additionalProperties = false;
  }

  return copy as T;
}

/** Rewrites `#/components/schemas/X` to the shared components schema registered with Ajv. */
function pointAtComponents<T>(schema: T): T {
  if (Array.isArray(schema)) {
    return schema.map((item) => pointAtComponents(item)) as T;
  }
  if (schema === null || typeof schema !== 'object') {
    return schema;
  }
  const copy: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    copy[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith(COMPONENT_REF_PREFIX)
        ? `${COMPONENTS_SCHEMA_ID}#/$defs/${value.slice(COMPONENT_REF_PREFIX.length)}`
        : key === 'example'
          ? value
          : pointAtComponents(value);
  }

  return copy as T;
}

function schemaName(schema: Json): string {
  return typeof schema.$ref === 'string' ? schema.$ref : 'the documented schema';
}

function describeErrors(errors: ErrorObject[] | null | undefined, subject: string): string {
  return (errors ?? [])
    .map((error) => {
      const where = `${subject}${error.instancePath}`;
      const extra =
        error.keyword === 'additionalProperties'
          ? ` ("${String(error.params.additionalProperty)}")`
          : error.keyword === 'enum'
            ? ` (${JSON.stringify(error.params.allowedValues)})`
            : '';

      return `${where} ${error.message}${extra} [schema ${error.schemaPath}]`;
    })
    .join('; ');
}

let shared: OpenApiResponseValidator | undefined;

/**
 * Validates a response against the committed document, and records the outcome in the file
 * named by OPENAPI_VALIDATION_LOG (one JSON line per response) when that variable is set.
 */
export function assertResponseMatchesOpenApi(response: ObservedResponse): void {
  shared ??= OpenApiResponseValidator.fromCommittedDocument();
  const log = process.env.OPENAPI_VALIDATION_LOG;
  try {
    shared.validate(response);
    if (log) {
      record(log, response, undefined);
    }
  } catch (error) {
    if (log) {
      record(log, response, (error as Error).message);
    }
    throw error;
  }
}

function record(file: string, response: ObservedResponse, mismatch: string | undefined): void {
  const entry = {
    test: expect.getState().currentTestName,
    file: expect.getState().testPath,
    method: response.method.toUpperCase(),
    path: response.path,
    status: response.status,
    ...(mismatch ? { mismatch } : {}),
  };
  appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

/**
 * `fetch` for clients that bring their own request building (openapi-fetch): the same check as
 * ApiClient applies, on a copy of the body, before the caller reads the response.
 */
export async function fetchCheckedAgainstOpenApi(request: Request): Promise<Response> {
  const response = await fetch(request);
  assertResponseMatchesOpenApi({
    method: request.method,
    path: new URL(response.url).pathname,
    status: response.status,
    headers: response.headers,
    text: await response.clone().text(),
  });

  return response;
}
