import { SetMetadata } from '@nestjs/common';

export const SKIP_RATE_LIMIT_KEY = 'hatidata:skipRateLimit';

/**
 * Leaves an authenticated route out of the per-caller rate limit. `@Public()` routes are never
 * limited (they have no caller to count), so this is for authenticated routes only.
 */
export const SkipRateLimit = (): MethodDecorator & ClassDecorator =>
  SetMetadata(SKIP_RATE_LIMIT_KEY, true);
