import { DomainError } from '../errors/domain-error.js';

/**
 * A position in a list ordered by (created_at, id), newest first. `createdAt` keeps
 * PostgreSQL's microseconds as text, so the next page starts exactly after the last row.
 */
export interface KeysetPosition {
  createdAt: string;
  id: string;
}

const INVALID_CURSOR = 'cursor is not one this service issued; start again without it';

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

/** Reads a cursor from a client; anything this service did not issue is a 400 naming it. */
export function decodeCursor(cursor: string): KeysetPosition {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(decoded) &&
      decoded.length === 2 &&
      isCursorTimestamp(decoded[0]) &&
      typeof decoded[1] === 'string' &&
      /^[a-z]{3}_[a-z2-7]{16}$/.test(decoded[1])
    ) {
      return { createdAt: decoded[0], id: decoded[1] };
    }
  } catch {
    // Falls through to the same answer as any other foreign cursor.
  }
  throw DomainError.validation([
    { field: 'cursor', constraint: 'format', message: INVALID_CURSOR },
  ]);
}

/** A real instant in PostgreSQL's range, written as the cursor writes it (no Feb 30). */
function isCursorTimestamp(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(value)) {
    return false;
  }
  const parsed = new Date(`${value.slice(0, 23)}Z`);

  return (
    !Number.isNaN(parsed.getTime()) &&
    parsed.toISOString().slice(0, 19) === value.slice(0, 19) &&
    parsed.getUTCFullYear() >= 1970
  );
}

/** SQL that renders a timestamptz column as the exact text a cursor carries. */
export function cursorTimestampSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

export interface Page<T> {
  data: T[];
  pagination: { cursor: string | null; has_more: boolean; total: number };
}

/** The page for rows fetched with `limit + 1`: the extra row only says there is more. */
export function toPage<T extends { id: string }>(
  entities: T[],
  raw: { cursor_created_at: string }[],
  limit: number,
  total: number,
): Page<T> {
  const hasMore = entities.length > limit;
  const data = entities.slice(0, limit);
  const last = data.length > 0 ? data.length - 1 : -1;

  return {
    data,
    pagination: {
      cursor:
        hasMore && last >= 0
          ? encodeCursor({ createdAt: raw[last].cursor_created_at, id: data[last].id })
          : null,
      has_more: hasMore,
      total,
    },
  };
}
