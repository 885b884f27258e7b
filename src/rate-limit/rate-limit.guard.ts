import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { type AuthenticatedUser } from '../auth/authenticated-user.js';
import { IS_PUBLIC_KEY } from '../auth/public.decorator.js';
import { DomainError } from '../common/errors/domain-error.js';
import {
  findAccessOnce,
  type RequestWithOrganizationAccess,
} from '../organizations/organization-access.js';
import { OrganizationTier } from '../organizations/organization-catalog.js';
import { ORG_ID_PARAM } from '../organizations/org-roles.constants.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { RATE_LIMIT_OPTIONS, type RateLimitOptions } from './rate-limit.options.js';
import { SKIP_RATE_LIMIT_KEY } from './skip-rate-limit.decorator.js';
import { type RateLimitDecision, TierRateLimiter } from './tier-rate-limiter.js';

export const RATE_LIMIT_HEADERS = {
  limit: 'x-ratelimit-limit',
  remaining: 'x-ratelimit-remaining',
  reset: 'x-ratelimit-reset',
} as const;

interface LimitedRequest extends RequestWithOrganizationAccess {
  user?: AuthenticatedUser;
  params?: Record<string, string | undefined>;
}

/** Whose counter a request uses, and the tier that sizes it. */
interface RateLimitScope {
  tier: OrganizationTier;
  key: string;
}

const KNOWN_TIERS: ReadonlySet<string> = new Set(Object.values(OrganizationTier));

/**
 * Limits each authenticated caller by the tier of the organization the request is about. A
 * member of an organization has one counter per organization (`sub` and `org_id`), sized by its
 * tier; every other authenticated request (creating or listing organizations, or a route about
 * an organization the caller is not an active member of) uses the caller's own counter at the
 * free tier. Runs after `JwtAuthGuard`, so a refused token is 401 before it is counted;
 * `@Public()` and `@SkipRateLimit()` routes are not limited. Every limited response carries
 * `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`; a refused one is 429
 * with `Retry-After`.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger(RateLimitGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
    private readonly limiter: TierRateLimiter,
    private readonly organizations: OrganizationsService,
    @Inject(RATE_LIMIT_OPTIONS) private readonly options: RateLimitOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.options.enabled || context.getType() !== 'http') {
      return true;
    }
    const targets = [context.getHandler(), context.getClass()];
    const exempt =
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) ||
      this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT_KEY, targets);
    const request = context.switchToHttp().getRequest<LimitedRequest>();
    if (exempt || !request.user) {
      return true;
    }

    const scope = await this.scopeOf(request, request.user);
    const decision = await this.count(scope);
    if (!decision) {
      return true;
    }
    this.setHeaders(context.switchToHttp().getResponse<unknown>(), decision);
    if (!decision.allowed) {
      throw DomainError.rateLimited(decision.retryAfterSeconds, decision.limit);
    }

    return true;
  }

  private async scopeOf(request: LimitedRequest, user: AuthenticatedUser): Promise<RateLimitScope> {
    const orgId = request.params?.[ORG_ID_PARAM];
    if (orgId !== undefined) {
      const access = await findAccessOnce(request, orgId, user.userId, (id, userId) =>
        this.organizations.findAccess(id, userId),
      );
      const tier = access?.organization.tier;
      if (access && tier && KNOWN_TIERS.has(tier)) {
        return { tier, key: `org:${access.organization.orgId}:${user.userId}` };
      }
    }

    return { tier: OrganizationTier.Free, key: `user:${user.userId}` };
  }

  /** A failure of the counters themselves lets the request through rather than failing it. */
  private async count(scope: RateLimitScope): Promise<RateLimitDecision | undefined> {
    try {
      return await this.limiter.consume(scope.tier, scope.key);
    } catch (error) {
      this.logger.warn({
        message: 'rate limit not applied: the counters failed',
        error: error instanceof Error ? error.message : String(error),
      });

      return undefined;
    }
  }

  private setHeaders(response: unknown, decision: RateLimitDecision): void {
    const { httpAdapter } = this.adapterHost;
    httpAdapter.setHeader(response, RATE_LIMIT_HEADERS.limit, String(decision.limit));
    httpAdapter.setHeader(response, RATE_LIMIT_HEADERS.remaining, String(decision.remaining));
    httpAdapter.setHeader(response, RATE_LIMIT_HEADERS.reset, String(decision.resetSeconds));
  }
}
