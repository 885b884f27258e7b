import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { OrganizationTier } from '../organizations/organization-catalog.js';
import {
  BURST_WINDOW_SECONDS,
  MINUTE_WINDOW_SECONDS,
  TIER_RATE_LIMITS,
} from './rate-limit-tiers.js';
import { RATE_LIMIT_OPTIONS, type RateLimitOptions } from './rate-limit.options.js';

/** The outcome of counting one request: what the `X-RateLimit-*` headers report. */
export interface RateLimitDecision {
  allowed: boolean;
  /** Requests per minute of the tier. */
  limit: number;
  /** Requests the caller may still send now without being refused. */
  remaining: number;
  /** Seconds until `remaining` grows again. */
  resetSeconds: number;
  /** When refused: seconds to wait before the next request can succeed. */
  retryAfterSeconds: number;
}

interface TierLimiters {
  minute: RateLimiterAbstract;
  burst: RateLimiterAbstract;
}

/** Redis may answer slowly or not at all; past this the in-memory counters take over. */
const REDIS_COMMAND_TIMEOUT_MS = 200;

/**
 * Counts requests per key with two fixed windows per tier: the tier's rate per 60 seconds and
 * its burst per second; a request passes when both have room. The counters live in Redis when
 * one is configured (atomic, shared by every instance), otherwise in this process. When Redis
 * fails, the same limits are counted in memory until it answers again, so a Redis outage
 * neither refuses every request nor lifts the limit.
 */
@Injectable()
export class TierRateLimiter implements OnModuleDestroy {
  private readonly logger = new Logger(TierRateLimiter.name);
  private readonly redis?: Redis;
  private readonly limiters: Record<OrganizationTier, TierLimiters>;

  constructor(@Inject(RATE_LIMIT_OPTIONS) options: RateLimitOptions) {
    if (options.enabled && options.redisUrl) {
      this.redis = new Redis(options.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
        lazyConnect: false,
      });
      // One line when Redis goes away and one when it is back, not one per reconnection try.
      let available = true;
      this.redis.on('error', (error: Error) => {
        if (available) {
          available = false;
          this.logger.warn({
            message: 'rate limit store unavailable; counting in memory',
            error: error.message,
          });
        }
      });
      this.redis.on('ready', () => {
        if (!available) {
          available = true;
          this.logger.log({ message: 'rate limit store available again' });
        }
      });
    }
    const entries = Object.values(OrganizationTier).map((tier) => {
      const { perMinute, burst } = TIER_RATE_LIMITS[tier];
      const prefix = `${options.keyPrefix}:${tier}`;

      return [
        tier,
        {
          minute: this.limiter(`${prefix}:minute`, perMinute, MINUTE_WINDOW_SECONDS),
          burst: this.limiter(`${prefix}:burst`, burst, BURST_WINDOW_SECONDS),
        },
      ] as const;
    });
    this.limiters = Object.fromEntries(entries) as Record<OrganizationTier, TierLimiters>;
  }

  /** Counts one request of `key` against `tier` and says whether it may proceed. */
  async consume(tier: OrganizationTier, key: string): Promise<RateLimitDecision> {
    const { minute, burst } = this.limiters[tier];
    const [minuteResult, burstResult] = await Promise.all([
      settle(minute.consume(key)),
      settle(burst.consume(key)),
    ]);
    const allowed = !minuteResult.refused && !burstResult.refused;
    const binding =
      burstResult.res.remainingPoints < minuteResult.res.remainingPoints
        ? burstResult.res
        : minuteResult.res;
    const refusals = [minuteResult, burstResult].filter((result) => result.refused);
    const retryAfterMs = Math.max(0, ...refusals.map((result) => result.res.msBeforeNext));

    return {
      allowed,
      limit: TIER_RATE_LIMITS[tier].perMinute,
      remaining: allowed ? Math.max(0, binding.remainingPoints) : 0,
      resetSeconds: Math.max(1, Math.ceil(binding.msBeforeNext / 1000)),
      retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
    };
  }

  async onModuleDestroy(): Promise<void> {
    if (this.redis?.status === 'ready') {
      await this.redis.quit().catch(() => this.redis?.disconnect());
    } else {
      this.redis?.disconnect();
    }
  }

  private limiter(keyPrefix: string, points: number, duration: number): RateLimiterAbstract {
    if (!this.redis) {
      return new RateLimiterMemory({ keyPrefix, points, duration });
    }

    return new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix,
      points,
      duration,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
    });
  }
}

/** A limiter refuses with a `RateLimiterRes`; anything else it throws is a real failure. */
async function settle(
  consuming: Promise<RateLimiterRes>,
): Promise<{ refused: boolean; res: RateLimiterRes }> {
  try {
    return { refused: false, res: await consuming };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      return { refused: true, res: rejection };
    }
    throw rejection;
  }
}
