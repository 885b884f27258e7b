import { jest } from '@jest/globals';
import { type AuthenticatedUser } from './authenticated-user.js';
import {
  VERIFIED_TOKEN_CACHE_SIZE,
  VERIFIED_TOKEN_MAX_AGE_MS,
  VerifiedTokenCache,
} from './verified-token-cache.js';

function user(userId: string): AuthenticatedUser {
  return { userId, email: null, name: null, authMethods: ['pwd'], identityProvider: null };
}

describe('VerifiedTokenCache', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  beforeEach(() => {
    jest.useFakeTimers({ now });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('answers a remembered token with the user it verified as', () => {
    const cache = new VerifiedTokenCache();
    cache.remember('a.b.c', user('usr_a'), now + 60_000);

    expect(cache.find('a.b.c')).toEqual(user('usr_a'));
    expect(cache.find('a.b.d')).toBeUndefined();
  });

  it('forgets a token the moment its expiry would refuse it', () => {
    const cache = new VerifiedTokenCache();
    cache.remember('a.b.c', user('usr_a'), now + 60_000);

    jest.setSystemTime(now + 59_999);
    expect(cache.find('a.b.c')?.userId).toBe('usr_a');
    jest.setSystemTime(now + 60_000);
    expect(cache.find('a.b.c')).toBeUndefined();
  });

  it('keeps no verification longer than the maximum age, however long the token lives', () => {
    const cache = new VerifiedTokenCache();
    cache.remember('a.b.c', user('usr_a'), now + 24 * 60 * 60 * 1000);

    jest.setSystemTime(now + VERIFIED_TOKEN_MAX_AGE_MS - 1);
    expect(cache.find('a.b.c')).toBeDefined();
    jest.setSystemTime(now + VERIFIED_TOKEN_MAX_AGE_MS);
    expect(cache.find('a.b.c')).toBeUndefined();
  });

  it('does not remember a token that has already expired', () => {
    const cache = new VerifiedTokenCache();
    cache.remember('a.b.c', user('usr_a'), now);

    expect(cache.find('a.b.c')).toBeUndefined();
  });

  it('hands out a user nobody can change', () => {
    const cache = new VerifiedTokenCache();
    cache.remember('a.b.c', user('usr_a'), now + 60_000);
    const found = cache.find('a.b.c') as AuthenticatedUser;

    expect(() => {
      found.userId = 'usr_other';
    }).toThrow(TypeError);
    expect(() => found.authMethods.push('mfa')).toThrow(TypeError);
    expect(cache.find('a.b.c')).toEqual(user('usr_a'));
  });

  it('holds at most its size in tokens, dropping the least recently used', () => {
    const cache = new VerifiedTokenCache();
    for (let i = 0; i <= VERIFIED_TOKEN_CACHE_SIZE; i += 1) {
      cache.remember(`token.${i}.x`, user(`usr_${i}`), now + 60_000);
    }

    expect(cache.find('token.0.x')).toBeUndefined();
    expect(cache.find('token.1.x')?.userId).toBe('usr_1');
    expect(cache.find(`token.${VERIFIED_TOKEN_CACHE_SIZE}.x`)).toBeDefined();
  });

  it('forgets everything when cleared', () => {
    const cache = new VerifiedTokenCache();
    cache.remember('a.b.c', user('usr_a'), now + 60_000);
    cache.clear();

    expect(cache.find('a.b.c')).toBeUndefined();
  });
});
