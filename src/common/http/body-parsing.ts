import type { FastifyInstance } from 'fastify';
import secureJsonParse from 'secure-json-parse';
import { DomainError } from '../errors/domain-error.js';
import { ErrorCode } from '../errors/error-code.js';

/**
 * A body that could not be read as JSON. Parsing does not fail the request on the spot: the
 * problem travels as the body and is raised when a handler asks for the body, after the
 * credentials were checked, so a caller without a valid token always learns only that (401).
 */
export class UnreadableBody {
  constructor(readonly error: DomainError) {}
}

const NOT_JSON = 'The request body is not valid JSON';
const EMPTY = 'The request body is empty; send a JSON object';
const NOT_JSON_CONTENT_TYPE = 'Content-Type must be application/json';
const ENCODED = 'Content-Encoding is not supported; send the JSON body uncompressed';

/** The route config (`@RouteConfig(KEEP_RAW_BODY)`) of a route that needs the bytes as sent. */
export const KEEP_RAW_BODY = { rawBody: true } as const;

/**
 * Accepts JSON bodies only. `__proto__` and `constructor.prototype` keys are refused (400);
 * bodies over Fastify's `bodyLimit` are refused while they are read (413). A route whose config
 * is `KEEP_RAW_BODY` (a signed webhook) also gets the bytes as sent, as `request.rawBody`, the
 * name Nest gives them; every other route gets only the parsed body.
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
    try {
      done(
        null,
        secureJsonParse.parse(text, undefined, {
          protoAction: 'error',
          constructorAction: 'error',
        }),
      );
    } catch {
      done(null, new UnreadableBody(new DomainError(ErrorCode.ValidationError, NOT_JSON)));
    }
  });
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => {
    done(
      null,
      new UnreadableBody(new DomainError(ErrorCode.UnsupportedMediaType, NOT_JSON_CONTENT_TYPE)),
    );
  });
}
