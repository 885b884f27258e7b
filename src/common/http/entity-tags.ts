import { DomainError } from '../errors/domain-error.js';

/** One entity tag of a conditional header: its opaque text (quotes included) and weakness. */
export interface EntityTag {
  weak: boolean;
  /** The quoted part, `"..."`, as sent. */
  opaque: string;
}

/** `*` (any current representation) or a list of entity tags, as `If-Match` carries them. */
export type EntityTagCondition = '*' | EntityTag[];

/** The conditional request headers a handler evaluates, parsed; absent headers are undefined. */
export interface Preconditions {
  ifMatch?: EntityTagCondition;
  ifNoneMatch?: EntityTagCondition;
}

export type PreconditionOutcome = 'proceed' | 'not_modified' | 'failed';

export const IF_MATCH_HEADER = 'if-match';
export const IF_NONE_MATCH_HEADER = 'if-none-match';

/** RFC 9110 `etagc`: visible ASCII but the double quote, and obs-text. */
const ENTITY_TAG = /^(W\/)?("[\x21\x23-\x7e\x80-\xff]*")/;
const MAX_HEADER_LENGTH = 4096;

/** A strong entity tag for a version of a stored representation: `"7"`. */
export function strongEntityTag(version: number | string): string {
  return `"${version}"`;
}

/**
 * Reads an `If-Match` or `If-None-Match` value: `*` or a comma-separated list of entity tags
 * (RFC 9110 section 8.8.3). Anything else is a 400 naming the header.
 */
export function parseEntityTagCondition(header: string, value: string): EntityTagCondition {
  const text = value.trim();
  if (text === '*') {
    return '*';
  }
  const tags: EntityTag[] = [];
  let rest = text;
  while (rest.length > 0 && rest.length <= MAX_HEADER_LENGTH) {
    const match = ENTITY_TAG.exec(rest);
    if (!match) {
      break;
    }
    tags.push({ weak: match[1] !== undefined, opaque: match[2] });
    rest = rest.slice(match[0].length).replace(/^[ \t]*/, '');
    if (rest === '') {
      return tags;
    }
    if (!rest.startsWith(',')) {
      break;
    }
    rest = rest.replace(/^(,[ \t]*)+/, '');
  }
  throw DomainError.validation([
    {
      field: headerName(header),
      constraint: 'format',
      message:
        `${headerName(header)} must be * or a list of entity tags as the ETag header gives ` +
        'them, such as "7"',
    },
  ]);
}

/** The parsed conditional headers of a request; a malformed one is a 400 naming it. */
export function readPreconditions(
  headers: Record<string, string | string[] | undefined>,
): Preconditions {
  const read = (name: string): EntityTagCondition | undefined => {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw.join(', ') : raw;

    return value === undefined ? undefined : parseEntityTagCondition(name, value);
  };

  return { ifMatch: read(IF_MATCH_HEADER), ifNoneMatch: read(IF_NONE_MATCH_HEADER) };
}

/**
 * Evaluates the preconditions against the current entity tag in the order of RFC 9110 section
 * 13.2.2: `If-Match` by strong comparison (a weak tag never matches), then `If-None-Match` by
 * weak comparison, which answers 304 to a safe method and 412 to any other.
 */
export function evaluatePreconditions(
  preconditions: Preconditions,
  currentTag: string,
  safeMethod: boolean,
): PreconditionOutcome {
  const { ifMatch, ifNoneMatch } = preconditions;
  if (ifMatch !== undefined) {
    const matches =
      ifMatch === '*' || ifMatch.some((tag) => !tag.weak && tag.opaque === currentTag);
    if (!matches) {
      return 'failed';
    }
  }
  if (ifNoneMatch !== undefined) {
    const current = currentTag.replace(/^W\//, '');
    const matches = ifNoneMatch === '*' || ifNoneMatch.some((tag) => tag.opaque === current);
    if (matches) {
      return safeMethod ? 'not_modified' : 'failed';
    }
  }

  return 'proceed';
}

const CHANGED_SINCE_READ =
  'The resource changed since you read it (or the tag is not its own); read it again and ' +
  'retry with its current ETag';

/** The 412 answer: the current tag travels in `details.current_etag`. */
export function preconditionFailed(currentTag: string): DomainError {
  return DomainError.preconditionFailed(CHANGED_SINCE_READ, { current_etag: currentTag });
}

function headerName(header: string): string {
  return header === IF_MATCH_HEADER ? 'If-Match' : 'If-None-Match';
}
