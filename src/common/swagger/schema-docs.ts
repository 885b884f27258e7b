import { ApiProperty } from '@nestjs/swagger';
import { WELL_FORMED_REQUEST_ID } from '../http/request-id.js';
import { CURSOR_PATTERN, MAX_CURSOR_LENGTH, MAX_PAGE_SIZE } from '../pagination/list-query.dto.js';

/*
 * Bounds that several schemas of the OpenAPI document share. Each states what the code
 * enforces or produces; none of them changes what the service accepts.
 */

/** The largest value of a PostgreSQL `integer`, the column type of every count and quota. */
export const INT32_MAX = 2_147_483_647;

/** `YYYY-MM-DDTHH:MM:SSZ`: UTC in whole seconds, as `toIsoSeconds` writes every timestamp. */
export const TIMESTAMP_SCHEMA = {
  format: 'date-time',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$',
  maxLength: 20,
} as const;

/** `req_` and up to 64 letters, digits, `_` or `-`: an id the service makes or keeps. */
export const REQUEST_ID_SCHEMA = {
  pattern: WELL_FORMED_REQUEST_ID.source,
  maxLength: 68,
} as const;

/** A user id is a token's `sub`: not blank and at most 255 characters, as `JwtStrategy` checks. */
export const USER_ID_SCHEMA = { pattern: '\\S', maxLength: 255 } as const;

/**
 * Fastify's `maxParamLength`: a longer path parameter is refused with 400 before routing. Room
 * for a 255-character user id even when every character is percent-encoded.
 */
export const MAX_PATH_PARAMETER_LENGTH = 1024;

/** The `pagination` object of every list page. */
export function ApiPagination(totalDescription: string): PropertyDecorator {
  return ApiProperty({
    type: 'object',
    properties: {
      cursor: {
        type: 'string',
        nullable: true,
        description: 'Pass as `cursor` for the next page',
        maxLength: MAX_CURSOR_LENGTH,
        pattern: CURSOR_PATTERN,
      },
      has_more: { type: 'boolean' },
      total: {
        type: 'integer',
        format: 'int32',
        minimum: 0,
        maximum: INT32_MAX,
        description: totalDescription,
      },
    },
    required: ['cursor', 'has_more', 'total'],
  });
}

/** The `data` array of a list page: at most `limit` items, which is at most 200. */
export const PAGE_DATA_MAX_ITEMS = MAX_PAGE_SIZE;
