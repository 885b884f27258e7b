import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { DomainError } from '../errors/domain-error.js';
import { echoKey } from './field-errors.js';

/**
 * Refuses query parameters on a route that reads none (400, `unknown_field`), as the lists
 * refuse parameters they do not know: a misspelt or invented parameter is reported rather than
 * silently ignored. Routes with a `@Query()` argument are left to its DTO. A global guard after
 * the token check, so a caller without a valid token learns only that; a guard rather than an
 * interceptor, which would add an observable chain to every request.
 */
@Injectable()
export class QueryParametersGuard implements CanActivate {
  private readonly readsQuery = new WeakMap<object, boolean>();

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() === 'http') {
      this.assertNoUnreadQuery(context);
    }

    return true;
  }

  private assertNoUnreadQuery(context: ExecutionContext): void {
    const query = context.switchToHttp().getRequest<{ query?: unknown }>().query;
    if (!query || typeof query !== 'object' || Object.keys(query).length === 0) {
      return;
    }
    if (this.handlerReadsQuery(context)) {
      return;
    }
    const fields = Object.keys(query).map((key) => {
      const field = echoKey(key);

      return { field, constraint: 'unknown_field', message: `${field} is not accepted here` };
    });

    throw DomainError.validation(fields);
  }

  private handlerReadsQuery(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let reads = this.readsQuery.get(handler);
    if (reads === undefined) {
      const args: Record<string, unknown> =
        Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {};
      reads = Object.keys(args).some((key) => key.startsWith(`${RouteParamtypes.QUERY}:`));
      this.readsQuery.set(handler, reads);
    }

    return reads;
  }
}
