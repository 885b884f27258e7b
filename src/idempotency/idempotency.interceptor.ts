import {
  type CallHandler,
  type ExecutionContext,
  HttpStatus,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { catchError, from, mergeMap, type Observable, of, throwError } from 'rxjs';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { entityTagOf, ETAG_HEADER } from '../common/http/entity-tag.interceptor.js';
import { UnreadableBody } from '../common/http/body-parsing.js';
import {
  IDEMPOTENT_REPLAYED_HEADER,
  readIdempotencyKey,
  requestFingerprint,
} from './idempotency-key.js';
import { IdempotencyService, type StoredResponse } from './idempotency.service.js';

interface IdempotentRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  user?: AuthenticatedUser;
}

/**
 * Runs a request that carries an `Idempotency-Key` at most once per caller and key: the first
 * successful (2xx) response is stored and replayed, with `Idempotent-Replayed: true`, to every
 * retry with the same request. A failed request stores nothing and frees its key: it changed
 * nothing, so its retry runs again. Applied by `@Idempotent()`.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    private readonly keys: IdempotencyService,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<IdempotentRequest>();
    const key = readIdempotencyKey(request.headers);
    // An unreadable body is refused by the validation pipe; there is nothing to remember.
    if (key === undefined || !request.user || request.body instanceof UnreadableBody) {
      return next.handle();
    }
    const userId = request.user.userId;
    const fingerprint = requestFingerprint(request.method, request.url, request.body);

    const claim = await this.keys.claim(userId, key, fingerprint);
    if (claim.kind === 'replay') {
      return of(replay(claim.response));
    }
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ??
      (request.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);

    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
        const response: StoredResponse = {
          status,
          body: body === undefined ? null : JSON.stringify(body),
          etag: entityTagOf(body) ?? null,
        };
        await this.keys.complete(userId, key, claim.claimId, response).catch((error) => {
          // The change is made; its answer still goes out. A retry within the lease gets 409,
          // after it the request runs again (and meets the unique rules of what it creates).
          this.logger.warn({ message: 'idempotent response not stored', error: nameOf(error) });
        });

        return body;
      }),
      catchError((error: unknown) =>
        from(
          this.keys.release(userId, key, claim.claimId).catch((releaseError) => {
            this.logger.warn({ message: 'idempotency key not freed', error: nameOf(releaseError) });
          }),
        ).pipe(mergeMap(() => throwError(() => error))),
      ),
    );
  }
}

/** The stored answer, byte for byte, with its status and `Idempotent-Replayed: true`. */
function replay(stored: StoredResponse): Response {
  const headers: Record<string, string> = { [IDEMPOTENT_REPLAYED_HEADER]: 'true' };
  if (stored.body !== null) {
    headers['content-type'] = 'application/json; charset=utf-8';
  }
  if (stored.etag !== null) {
    headers[ETAG_HEADER] = stored.etag;
  }

  return new Response(stored.body, { status: stored.status, headers });
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
