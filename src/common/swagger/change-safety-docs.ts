import type {
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ResponseObject,
} from '@nestjs/swagger';
import { ErrorCode, HTTP_STATUS_BY_CODE } from '../errors/error-code.js';
import {
  ENTITY_TAG_LIST_SCHEMA,
  IF_MATCH_DESCRIPTION,
  IF_NONE_MATCH_DESCRIPTION,
} from '../http/preconditions.decorator.js';
import { errorResponse } from './api-error-responses.decorator.js';

const ORGANIZATION_SCHEMA_REF = '#/components/schemas/OrganizationResponse';
const IDEMPOTENCY_KEY_PARAMETER = 'Idempotency-Key';
const STATUS_CONFLICT = String(HTTP_STATUS_BY_CODE[ErrorCode.Conflict]);
const STATUS_PRECONDITION_FAILED = String(HTTP_STATUS_BY_CODE[ErrorCode.PreconditionFailed]);

const ETAG_HEADER_DOC = {
  required: true,
  description:
    "A strong validator of the organization's stored state: it changes with every stored " +
    'change. Send it back in `If-Match` (PUT) or `If-None-Match` (GET).',
  schema: { type: 'string', pattern: '^"[0-9]+"$', maxLength: 12, example: '"7"' },
};

const IDEMPOTENT_REPLAYED_HEADER_DOC = {
  required: false,
  description:
    'Present, and `true`, when this is the stored response of an earlier request with the ' +
    'same `Idempotency-Key`, replayed instead of running the request again.',
  schema: { type: 'string', enum: ['true'] },
};

const NOT_MODIFIED: ResponseObject = {
  description: 'Not Modified: the organization still has the ETag given in `If-None-Match`',
  headers: { ETag: ETAG_HEADER_DOC },
};

const IDEMPOTENCY_CONFLICTS =
  '; or the `Idempotency-Key` is held by a request still running ' +
  '(`details.reason: "idempotency_key_in_flight"`), or was used with a different request ' +
  '(`details.reason: "idempotency_key_reused"`)';

/**
 * Documents what the entity tag and idempotency mechanisms add to operations, wherever they
 * apply, so an endpoint that adopts them is described without more decorators:
 *
 * - every 2xx answer with an organization body carries `ETag`;
 * - every GET answering an organization takes `If-None-Match` (304) and `If-Match` (412);
 * - every operation taking `Idempotency-Key` may answer `Idempotent-Replayed` and its 409s.
 */
export function describeChangeSafety(document: OpenAPIObject): void {
  for (const pathItem of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(pathItem) as [string, OperationObject][]) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) {
        continue;
      }
      const answersOrganization = describeEntityTags(operation);
      if (answersOrganization && method === 'get') {
        describeConditionalRead(operation);
      }
      describeIdempotency(operation);
    }
  }
}

function describeEntityTags(operation: OperationObject): boolean {
  let answersOrganization = false;
  for (const [status, response] of Object.entries(operation.responses) as [
    string,
    ResponseObject,
  ][]) {
    const schema = response.content?.['application/json']?.schema as { $ref?: string };
    if (status.startsWith('2') && schema?.$ref === ORGANIZATION_SCHEMA_REF) {
      response.headers = { ...response.headers, ETag: ETAG_HEADER_DOC };
      answersOrganization = true;
    }
  }

  return answersOrganization;
}

function describeConditionalRead(operation: OperationObject): void {
  operation.parameters = [
    ...(operation.parameters ?? []),
    {
      name: 'If-None-Match',
      in: 'header',
      required: false,
      description: IF_NONE_MATCH_DESCRIPTION,
      schema: ENTITY_TAG_LIST_SCHEMA,
    },
    {
      name: 'If-Match',
      in: 'header',
      required: false,
      description: IF_MATCH_DESCRIPTION,
      schema: ENTITY_TAG_LIST_SCHEMA,
    },
  ];
  operation.responses['304'] = NOT_MODIFIED;
  operation.responses[STATUS_PRECONDITION_FAILED] = errorResponse(
    ErrorCode.PreconditionFailed,
    'If-Match did not match the current ETag; `details.current_etag` is the current tag',
  );
}

function describeIdempotency(operation: OperationObject): void {
  const idempotent = (operation.parameters ?? []).some(
    (parameter) => (parameter as ParameterObject).name === IDEMPOTENCY_KEY_PARAMETER,
  );
  if (!idempotent) {
    return;
  }
  for (const [status, response] of Object.entries(operation.responses) as [
    string,
    ResponseObject,
  ][]) {
    if (status.startsWith('2')) {
      response.headers = {
        ...response.headers,
        'Idempotent-Replayed': IDEMPOTENT_REPLAYED_HEADER_DOC,
      };
    }
  }
  const conflict = operation.responses[STATUS_CONFLICT] as ResponseObject | undefined;
  operation.responses[STATUS_CONFLICT] = conflict
    ? { ...conflict, description: `${conflict.description}${IDEMPOTENCY_CONFLICTS}` }
    : errorResponse(ErrorCode.Conflict, IDEMPOTENCY_CONFLICTS.slice(5));
}
