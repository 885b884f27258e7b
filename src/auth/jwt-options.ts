export const JWT_VERIFICATION_OPTIONS = Symbol('JWT_VERIFICATION_OPTIONS');

export const DEFAULT_ISSUER = 'https://api.hatidata.com';
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
export const DEFAULT_MAX_LIFETIME_SECONDS = 24 * 60 * 60;

/** Which key material verifies incoming tokens; the algorithm follows from it. */
export type JwtKeySource =
  | { kind: 'secret'; algorithm: 'HS256'; secret: string; generated: boolean }
  | { kind: 'public-key'; algorithm: 'RS256'; publicKey: string }
  | { kind: 'jwks'; algorithm: 'RS256'; jwksUri: string };

/**
 * How bearer tokens are verified, as a host configures it. Exactly one of `secret` (HS256),
 * `publicKey` (PEM, RS256) and `jwksUri` (RS256) must be set: it pins the algorithm.
 */
export interface JwtSettings {
  secret?: string;
  publicKey?: string;
  jwksUri?: string;
  /** Required `iss` claim; default `https://api.hatidata.com`. */
  issuer?: string;
  /** Required `aud` claim; not checked when absent. */
  audience?: string;
  /** Seconds of clock difference tolerated on `exp` and `nbf`; default 30. */
  clockToleranceSeconds?: number;
  /**
   * Longest lifetime a token may claim: `exp` minus `iat` (or minus now without `iat`). Refuses
   * an `exp` written in milliseconds, which would otherwise never expire. Default one day.
   */
  maxLifetimeSeconds?: number;
}

/** What the JWT strategy needs to verify a token, resolved from `JwtSettings`. */
export interface JwtVerificationOptions {
  key: JwtKeySource;
  issuer: string;
  audience?: string;
  clockToleranceSeconds: number;
  maxLifetimeSeconds: number;
}

export function resolveJwtVerification(settings: JwtSettings): JwtVerificationOptions {
  const keys = [settings.secret, settings.publicKey, settings.jwksUri].filter(Boolean);
  if (keys.length !== 1) {
    throw new Error('JWT settings need exactly one of secret, publicKey and jwksUri');
  }
  let key: JwtKeySource;
  if (settings.secret) {
    key = { kind: 'secret', algorithm: 'HS256', secret: settings.secret, generated: false };
  } else if (settings.publicKey) {
    key = { kind: 'public-key', algorithm: 'RS256', publicKey: settings.publicKey };
  } else {
    key = { kind: 'jwks', algorithm: 'RS256', jwksUri: settings.jwksUri as string };
  }

  return {
    key,
    issuer: settings.issuer ?? DEFAULT_ISSUER,
    audience: settings.audience,
    clockToleranceSeconds: settings.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
    maxLifetimeSeconds: settings.maxLifetimeSeconds ?? DEFAULT_MAX_LIFETIME_SECONDS,
  };
}

/** The settings that reproduce a resolved key source. */
export function jwtSettingsFor(key: JwtKeySource): JwtSettings {
  switch (key.kind) {
    case 'secret':
      return { secret: key.secret };
    case 'public-key':
      return { publicKey: key.publicKey };
    case 'jwks':
      return { jwksUri: key.jwksUri };
  }
}
