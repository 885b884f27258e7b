import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { map, type Observable } from 'rxjs';
import { evaluatePreconditions, preconditionFailed, readPreconditions } from './entity-tags.js';

export const ETAG_HEADER = 'etag';

const ENTITY_TAG = Symbol('entityTag');

interface TaggedBody {
  [ENTITY_TAG]?: string;
}

export interface ConditionalRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Marks a response body with the entity tag of the stored representation it shows. The mark is
 * not serialized; `EntityTagInterceptor` turns it into the `ETag` header.
 */
export function withEntityTag<T extends object>(body: T, tag: string): T {
  Object.defineProperty(body, ENTITY_TAG, { value: tag, enumerable: false });

  return body;
}

/** The entity tag a body was marked with, if any. */
export function entityTagOf(body: unknown): string | undefined {
  return typeof body === 'object' && body !== null ? (body as TaggedBody)[ENTITY_TAG] : undefined;
}

/** What an answer that carries an entity tag becomes for the request it answers. */
export type EntityTagOutcome = 'send' | 'not_modified';

/**
 * Decides an answer whose body carries entity tag `tag`. On GET and HEAD, `If-None-Match` that
 * names the tag makes it 304 and `If-Match` that does not makes it 412 (thrown, as is the 400 of
 * a malformed header), both against the tag of what the handler read: no extra query. Writes
 * evaluate their preconditions themselves, where the change is made, so that no other write
 * can slip in between; their answers are sent as they are.
 */
export function entityTagOutcome(request: ConditionalRequest, tag: string): EntityTagOutcome {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return 'send';
  }
  const outcome = evaluatePreconditions(readPreconditions(request.headers), tag, true);
  if (outcome === 'failed') {
    throw preconditionFailed(tag);
  }

  return outcome === 'not_modified' ? 'not_modified' : 'send';
}

/**
 * Gives every response whose body carries an entity tag (see `withEntityTag`) its `ETag`
 * header, whatever the endpoint, and answers conditional reads as `entityTagOutcome` decides.
 * Adapter-neutral, so it serves any host; a host on Fastify can use `registerEntityTagHook`
 * instead, which does the same without the Observable chain a Nest interceptor adds to every
 * request.
 */
@Injectable()
export class EntityTagInterceptor implements NestInterceptor {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') {
      return next.handle();
    }

    return next.handle().pipe(
      map((body: unknown) => {
        const tag = entityTagOf(body);
        if (tag === undefined) {
          return body;
        }
        const http = context.switchToHttp();
        if (entityTagOutcome(http.getRequest<ConditionalRequest>(), tag) === 'not_modified') {
          return new Response(null, { status: 304, headers: { [ETAG_HEADER]: tag } });
        }
        this.adapterHost.httpAdapter.setHeader(http.getResponse(), ETAG_HEADER, tag);

        return body;
      }),
    );
  }
}
