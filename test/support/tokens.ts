import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';

export const TEST_JWT_SECRET = 'test-secret-0123456789-abcdefghij';
export const TEST_ISSUER = 'https://api.hatidata.com';

export interface TestUser {
  sub: string;
  email: string;
  token: string;
}

export interface TokenOptions {
  secret?: string;
  issuer?: string;
  audience?: string;
  expiresInSeconds?: number;
  extraClaims?: Record<string, unknown>;
}

/** A signed HS256 token for `sub`, as an identity provider would issue it. */
export function mintToken(sub: string, email: string, options: TokenOptions = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: options.issuer ?? TEST_ISSUER,
    sub,
    email,
    iat: now,
    exp: now + (options.expiresInSeconds ?? 600),
    ...(options.audience ? { aud: options.audience } : {}),
    ...options.extraClaims,
  };

  return jwt.sign(claims, options.secret ?? TEST_JWT_SECRET, { algorithm: 'HS256' });
}

/** A new identity with a unique `sub` and email, and a valid token. */
export function newUser(options: TokenOptions = {}): TestUser {
  const id = randomBytes(8).toString('hex');
  const sub = `usr_${id}`;
  const email = `user-${id}@example.test`;

  return { sub, email, token: mintToken(sub, email, options) };
}
