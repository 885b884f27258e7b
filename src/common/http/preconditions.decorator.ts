import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ErrorCode } from '../errors/error-code.js';
import { ApiErrorResponses } from '../swagger/api-error-responses.decorator.js';
import { readPreconditions } from './entity-tags.js';

/** An entity tag list as `If-Match` / `If-None-Match` take it, for the OpenAPI document. */
export const ENTITY_TAG_LIST_SCHEMA = {
  type: 'string',
  maxLength: 4096,
  pattern: '^(\\*|(W/)?"[^"]*"([ \\t]*,[ \\t]*(W/)?"[^"]*")*)$',
  example: '"7"',
} as const;

export const IF_MATCH_DESCRIPTION =
  'Apply the change only if the current `ETag` is one of these (strong comparison: a `W/` ' +
  'tag never matches); otherwise 412 PRECONDITION_FAILED with the current tag in ' +
  '`details.current_etag`. `*` matches any current organization. A malformed value is 400.';

export const IF_NONE_MATCH_DESCRIPTION =
  'On GET, 304 Not Modified (no body) when the current `ETag` is one of these (weak ' +
  'comparison) or the value is `*`; on a change, 412 instead. A malformed value is 400.';

/**
 * The request's `If-Match` and `If-None-Match`, parsed, for a handler that evaluates them where
 * it makes its change (see `evaluatePreconditions`); a malformed header is 400 naming it.
 */
export const RequestPreconditions = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    readPreconditions(
      context
        .switchToHttp()
        .getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers,
    ),
);

/** Documents `If-Match`, `If-None-Match` and the 412 of a conditional change. */
export function ApiConditionalChange(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: IF_MATCH_DESCRIPTION,
      schema: ENTITY_TAG_LIST_SCHEMA,
    }),
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: IF_NONE_MATCH_DESCRIPTION,
      schema: ENTITY_TAG_LIST_SCHEMA,
    }),
    ApiErrorResponses({
      code: ErrorCode.PreconditionFailed,
      description:
        'If-Match did not match the current ETag, or If-None-Match did; ' +
        '`details.current_etag` is the current tag',
    }),
  ) as MethodDecorator;
}
