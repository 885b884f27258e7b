import 'reflect-metadata';
import { type ExecutionContext } from '@nestjs/common';
import { type HttpAdapterHost, Reflector } from '@nestjs/core';
import { Public } from '../auth/public.decorator.js';
import { DomainError } from '../common/errors/domain-error.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { type OrganizationsService } from '../organizations/organizations.service.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { type RateLimitOptions } from './rate-limit.options.js';
import { SkipRateLimit } from './skip-rate-limit.decorator.js';
import { TierRateLimiter } from './tier-rate-limiter.js';

class Routes {
  limited(): void {}

  @SkipRateLimit()
  exempt(): void {}

  @Public()
  open(): void {}
}

@SkipRateLimit()
class ExemptRoutes {
  anything(): void {}
}

interface Sent {
  headers: Record<string, string>;
}

function contextFor(
  handler: () => void,
  controller: new () => unknown,
  user: unknown,
): { context: ExecutionContext; sent: Sent } {
  const sent: Sent = { headers: {} };
  const request = { user, params: {} };
  const context = {
    getType: () => 'http',
    getHandler: () => handler,
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => sent }),
  } as unknown as ExecutionContext;

  return { context, sent };
}

function guardWith(options: Partial<RateLimitOptions> = {}) {
  const settings = { enabled: true, keyPrefix: 'spec', ...options };
  const adapterHost = {
    httpAdapter: {
      setHeader: (response: Sent, name: string, value: string) => {
        response.headers[name] = value;
      },
    },
  } as unknown as HttpAdapterHost;
  const organizations = {
    findAccess: () => Promise.reject(new Error('no organization route here')),
  } as unknown as OrganizationsService;

  return new RateLimitGuard(
    new Reflector(),
    adapterHost,
    new TierRateLimiter(settings),
    organizations,
    settings,
  );
}

const user = (userId: string) => ({ userId });

describe('RateLimitGuard', () => {
  it('counts an authenticated caller at the free tier on a route without org_id', async () => {
    const guard = guardWith();
    const { context, sent } = contextFor(Routes.prototype.limited, Routes, user('usr_a'));

    await expect(guard.canActivate(context)).resolves.toBe(true);

    expect(sent.headers).toEqual({
      'x-ratelimit-limit': '60',
      'x-ratelimit-remaining': '9',
      'x-ratelimit-reset': '1',
    });
  });

  it('refuses the 11th request within the burst with RATE_LIMITED and Retry-After', async () => {
    const guard = guardWith();
    for (let request = 0; request < 10; request += 1) {
      const { context } = contextFor(Routes.prototype.limited, Routes, user('usr_b'));
      await expect(guard.canActivate(context)).resolves.toBe(true);
    }
    const { context, sent } = contextFor(Routes.prototype.limited, Routes, user('usr_b'));

    const refusal = await guard.canActivate(context).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).code).toBe(ErrorCode.RateLimited);
    expect((refusal as DomainError).headers).toEqual({ 'retry-after': '1' });
    expect(sent.headers['x-ratelimit-remaining']).toBe('0');
  });

  it.each([
    ['@SkipRateLimit() on the handler', Routes.prototype.exempt, Routes],
    ['@SkipRateLimit() on the controller', ExemptRoutes.prototype.anything, ExemptRoutes],
    ['@Public()', Routes.prototype.open, Routes],
  ])('leaves a route with %s alone', async (_what, handler, controller) => {
    const guard = guardWith();
    for (let request = 0; request < 20; request += 1) {
      const { context, sent } = contextFor(handler, controller, user('usr_c'));
      await expect(guard.canActivate(context)).resolves.toBe(true);
      expect(sent.headers).toEqual({});
    }
  });

  it('counts nothing without a caller and when switched off', async () => {
    const anonymous = contextFor(Routes.prototype.limited, Routes, undefined);
    const switchedOff = contextFor(Routes.prototype.limited, Routes, user('usr_d'));

    await expect(guardWith().canActivate(anonymous.context)).resolves.toBe(true);
    await expect(guardWith({ enabled: false }).canActivate(switchedOff.context)).resolves.toBe(
      true,
    );

    expect(anonymous.sent.headers).toEqual({});
    expect(switchedOff.sent.headers).toEqual({});
  });
});
