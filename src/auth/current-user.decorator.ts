import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type AuthenticatedUser } from './authenticated-user.js';

/**
 * The verified caller. Fails loudly when no authentication ran, which means the route was
 * marked `@Public()` by mistake; it never hands a handler an undefined user.
 */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser => {
    const user = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
    if (!user) {
      throw new Error('@CurrentUser() used on a route that no authentication guard protects');
    }

    return user;
  },
);
