export const RATE_LIMIT_OPTIONS = Symbol('RATE_LIMIT_OPTIONS');

export interface RateLimitOptions {
  enabled: boolean;
  /** Counters in this Redis, shared by every instance; in process memory when absent. */
  redisUrl?: string;
  /** Prefix of every Redis key. */
  keyPrefix: string;
}
