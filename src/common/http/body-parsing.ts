import type { FastifyInstance } from 'fastify';
import secureJsonParse from 'secure-json-parse';
import { DomainError } from '../errors/domain-error.js';
import { ErrorCode } from '../errors/error-code.js';
import { echoKey } from '../validation/field-errors.js';
import { findDuplicateKey } from './duplicate-keys.js';

/**
 * A body that could not be read as JSON. Parsing does not fail the request on the spot: the
 * problem travels as the body and is raised when a handler asks for the body, after the
 * credentials were checked, so a caller without a valid token always learns only that (401).
 */
export class UnreadableBody {
  constructor(readonly error: DomainError) {}
}

const NOT_JSON = 'The request body is not valid JSON';
const FORBIDDEN_KEYS = 'The request body must not carry __proto__ or constructor.prototype keys';
const EMPTY = 'The request body is empty; send a JSON object';
const NOT_JSON_CONTENT_TYPE = 'Content-Type must be application/json';
const ENCODED = 'Content-Encoding is not supported; send the JSON body uncompressed';

/** The route config (`@RouteConfig(KEEP_RAW_BODY)`) of a route that needs the bytes as sent. */
export const KEEP_RAW_BODY = { rawBody: true } as const;

/**
 * Accepts JSON bodies only. `__proto__` and `constructor.prototype` keys are refused (400), and
 * so is a key written twice in one object (400, `duplicate_key`); bodies over Fastify's
 * `bodyLimit` are refused while they are read (413). A route whose config is `KEEP_RAW_BODY` (a
 * signed webhook) also gets the bytes as sent, as `request.rawBody`, the name Nest gives them;
 * every other route gets only the parsed body.
 */
export function registerJsonOnlyBodyParsing(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if ((request.routeOptions.config as { rawBody?: boolean } | undefined)?.rawBody === true) {
      (request as { rawBody?: Buffer }).rawBody = bytes;
    }
    const text = bytes.toString('utf8');
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      done(null, new UnreadableBody(new DomainError(ErrorCode.UnsupportedMediaType, ENCODED)));

      return;
    }
    if (text.trim() === '') {
      done(null, new UnreadableBody(new DomainError(ErrorCode.ValidationError, EMPTY)));

      return;
    }
    let parsed: unknown;
    try {
      parsed = secureJsonParse.parse(text, undefined, {
        protoAction: 'error',
        constructorAction: 'error',
      });
    } catch (error) {
      const forbidden = error instanceof SyntaxError && /forbidden/.test(error.message);
      const message = forbidden ? FORBIDDEN_KEYS : NOT_JSON;
      done(null, new UnreadableBody(new DomainError(ErrorCode.ValidationError, message)));

      return;
    }
    const duplicate = findDuplicateKey(text);
    if (duplicate !== undefined) {
      const field = echoKey(duplicate);
      const fields = [
        { field, constraint: 'duplicate_key', message: `${field} is given more than once` },
      ];
      done(null, new UnreadableBody(DomainError.validation(fields)));

      return;
    }
    done(null, parsed);
  });
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => {
    done(
      null,
      new UnreadableBody(new DomainError(ErrorCode.UnsupportedMediaType, NOT_JSON_CONTENT_TYPE)),
    );
  });
}
