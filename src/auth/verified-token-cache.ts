import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { type AuthenticatedUser } from './authenticated-user.js';

/** How many verified tokens are remembered at once; the least recently used go first. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/**
 * The longest a verification is reused, whatever the token's own expiry. Within jwks-rsa's
 * 10-minute key cache, so a key withdrawn from a JWKS stops being honoured no later than it
 * did without this cache.
 */
export const VERIFIED_TOKEN_MAX_AGE_MS = 5 * 60 * 1000;

interface VerifiedToken {
  user: AuthenticatedUser;
  /** `Date.now()` from which the token no longer verifies (its `exp` plus the tolerance). */
  validUntilMs: number;
}

/**
 * Tokens that passport-jwt verified completely (signature, algorithm, issuer, audience, times,
 * and the service's own claim checks), so that the same token sent again is not verified again
 * on every request: a client sends one token many times over its lifetime. Only successes are
 * kept, each until the moment its own `exp` would have refused it, and never longer than
 * `VERIFIED_TOKEN_MAX_AGE_MS`; the checks that depend on time all move from refusing to
 * accepting, never back, so a remembered token answers exactly as verifying it again would.
 *
 * Entries are keyed by a SHA-256 digest of the token, so no token is held in memory and every
 * entry has the same small size, however large the token.
 */
@Injectable()
export class VerifiedTokenCache {
  private readonly entries = new LRUCache<string, VerifiedToken>({
    max: VERIFIED_TOKEN_CACHE_SIZE,
  });

  /** The caller a verified token names, or `undefined` when it has to be verified. */
  find(token: string): AuthenticatedUser | undefined {
    const key = digest(token);
    const entry = this.entries.get(key);
    if (entry === undefined) {
      return undefined;
    }
    if (Date.now() >= entry.validUntilMs) {
      this.entries.delete(key);

      return undefined;
    }

    return entry.user;
  }

  /** Remembers a token that verified, with the instant its `exp` (plus tolerance) ends it. */
  remember(token: string, user: AuthenticatedUser, expiresAtMs: number): void {
    const validUntilMs = Math.min(expiresAtMs, Date.now() + VERIFIED_TOKEN_MAX_AGE_MS);
    if (validUntilMs <= Date.now()) {
      return;
    }
    // Shared by every request that sends the token, so nobody may change it.
    Object.freeze(user.authMethods);
    this.entries.set(digest(token), { user: Object.freeze(user), validUntilMs });
  }

  clear(): void {
    this.entries.clear();
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
