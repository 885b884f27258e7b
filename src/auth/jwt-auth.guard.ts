import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { DomainError } from '../common/errors/domain-error.js';
import { type AuthenticatedUser } from './authenticated-user.js';
import { bearerToken, IncompleteTokenError } from './jwt.strategy.js';
import { IS_PUBLIC_KEY } from './public.decorator.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

interface RequestWithUser {
  headers?: Record<string, unknown>;
  user?: AuthenticatedUser;
}

/**
 * Requires a verified bearer token on every route not marked `@Public()`. Registered globally,
 * so a route is protected unless it says otherwise. A token that passport-jwt verified earlier
 * and that has not expired is taken from `VerifiedTokenCache` without verifying it again;
 * every other token, and every refusal, goes through passport.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifiedTokens: VerifiedTokenCache,
  ) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) {
      return true;
    }
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    const token = bearerToken(request);
    const verified = token === null ? undefined : this.verifiedTokens.find(token);
    if (verified !== undefined) {
      request.user = verified;

      return true;
    }

    return super.canActivate(context);
  }

  override handleRequest<TUser = AuthenticatedUser>(
    error: unknown,
    user: TUser | false,
    info: unknown,
  ): TUser {
    if (user && !error) {
      return user;
    }

    throw DomainError.unauthorized(describeFailure(error ?? info));
  }
}

function describeFailure(reason: unknown): string {
  if (reason instanceof IncompleteTokenError) {
    return reason.message;
  }
  const name = reason instanceof Error ? reason.name : '';
  const message = reason instanceof Error ? reason.message : '';
  if (name === 'TokenExpiredError') {
    return 'The token has expired';
  }
  if (name === 'NotBeforeError') {
    return 'The token is not valid yet';
  }
  if (message === 'No auth token') {
    return 'A bearer token is required (Authorization: Bearer <jwt>)';
  }

  return 'The token is invalid';
}
