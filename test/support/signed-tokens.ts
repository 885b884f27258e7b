import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { TEST_ISSUER } from './tokens.js';

/** Any algorithm a token header may name, including ones the service must refuse. */
export type TokenAlgorithm =
  'none' | 'None' | 'NONE' | 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512';

export interface SigningOptions {
  algorithm: TokenAlgorithm;
  /** A shared secret (HS*), a private key (RS*); ignored for `none`. */
  key?: string | KeyObject;
  kid?: string;
}

export interface RsaKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
}

const HASH_BY_BITS: Readonly<Record<string, string>> = {
  '256': 'sha256',
  '384': 'sha384',
  '512': 'sha512',
};

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * Builds a compact JWS by hand, so a test can produce exactly the token an attacker would:
 * any `alg` in the header, any claims (missing, empty or of the wrong type), any key, and an
 * empty signature for `none`. No library refuses to make it.
 */
export function signJwt(claims: Record<string, unknown>, options: SigningOptions): string {
  const header = {
    alg: options.algorithm,
    typ: 'JWT',
    ...(options.kid ? { kid: options.kid } : {}),
  };
  const signingInput = `${base64UrlJson(header)}.${base64UrlJson(claims)}`;
  const family = options.algorithm.slice(0, 2);
  const hash = HASH_BY_BITS[options.algorithm.slice(2)];
  let signature = '';
  if (family === 'HS') {
    signature = createHmac(hash, options.key as string | KeyObject)
      .update(signingInput)
      .digest('base64url');
  } else if (family === 'RS') {
    signature = sign(hash, Buffer.from(signingInput), options.key as KeyObject).toString(
      'base64url',
    );
  }

  return `${signingInput}.${signature}`;
}

/** Claims a valid token for `sub` would carry; a change set to `undefined` removes the claim. */
export function claimsFor(
  sub: unknown,
  changes: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: TEST_ISSUER,
    sub,
    email: 'owner@example.test',
    iat: now,
    exp: now + 600,
    ...changes,
  };
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined) {
      delete claims[name];
    }
  }

  return claims;
}

/** Seconds since the epoch, as JWT time claims count them. */
export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A fresh 2048-bit RSA key pair, with the public key also as SPKI PEM (JWT_PUBLIC_KEY). */
export function newRsaKeyPair(): RsaKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
