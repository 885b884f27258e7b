import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { requestIdOf } from './request-id.js';

/**
 * The id of the current request, as its `X-Request-Id` header and error bodies carry it, for
 * the audit entries and log lines a handler's work writes.
 */
export const RequestId = createParamDecorator((_data: unknown, context: ExecutionContext): string =>
  requestIdOf(context.switchToHttp().getRequest()),
);
