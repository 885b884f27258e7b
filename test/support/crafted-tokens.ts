import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { newUser, TEST_ISSUER, TEST_JWT_SECRET, type TestUser } from './tokens.js';

export type CraftedAlgorithm = 'none' | 'None' | 'NONE' | 'HS256' | 'HS384' | 'HS512' | 'RS256';

const HASHES: Readonly<Record<string, string>> = {
  '256': 'sha256',
  '384': 'sha384',
  '512': 'sha512',
};

let spareKeys: { privateKey: KeyObject; publicKeyPem: string } | undefined;

/** An RSA key pair the service has never been told about. */
export function foreignRsaKeys(): { privateKey: KeyObject; publicKeyPem: string } {
  if (!spareKeys) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    spareKeys = {
      privateKey,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  }

  return spareKeys;
}

const segment = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A compact JWS built by hand, exactly as an attacker could build it: any `alg` in the header,
 * any claims, any key, and an empty signature for `none`.
 */
export function craftToken(
  claims: Record<string, unknown>,
  algorithm: CraftedAlgorithm = 'HS256',
  key: string | KeyObject = TEST_JWT_SECRET,
): string {
  const signingInput = `${segment({ alg: algorithm, typ: 'JWT' })}.${segment(claims)}`;
  const hash = HASHES[algorithm.slice(2)];
  let signature = '';
  if (algorithm.startsWith('HS')) {
    signature = createHmac(hash, key).update(signingInput).digest('base64url');
  } else if (algorithm.startsWith('RS')) {
    signature = sign(hash, Buffer.from(signingInput), key as KeyObject).toString('base64url');
  }

  return `${signingInput}.${signature}`;
}

/**
 * The claims a valid token of `user` carries, with `changes` applied; a change set to
 * `undefined` leaves that claim out.
 */
export function claimsOf(
  user: TestUser,
  changes: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: TEST_ISSUER,
    sub: user.sub,
    email: user.email,
    iat: now,
    exp: now + 600,
    ...changes,
  };

  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

/**
 * A new identity whose token says it signed in with MFA (`amr`) through `identityProvider`
 * (`idp`), so that turning on `mfa_required` or `enforce_sso` leaves it able to act.
 */
export function newSignedInWithSso(identityProvider = 'okta'): TestUser {
  return newUser({ extraClaims: { amr: ['pwd', 'mfa'], idp: identityProvider } });
}
