import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { Strategy, type StrategyOptionsWithRequest } from 'passport-jwt';
import { isPrintableText } from '../common/text.js';
import { type AuthenticatedUser } from './authenticated-user.js';
import { JWT_VERIFICATION_OPTIONS, type JwtVerificationOptions } from './jwt-options.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

const MAX_SUBJECT_LENGTH = 255;
const MAX_EMAIL_LENGTH = 254;
const MAX_NAME_LENGTH = 100;

/**
 * An `email` or `name` claim describes the user; it grants nothing, so one that is not usable
 * text, or longer than the service stores, is ignored rather than failing the request.
 */
function describingClaim(value: unknown, maxLength: number): string | null {
  if (typeof value !== 'string' || !isPrintableText(value)) {
    return null;
  }
  const trimmed = value.trim();

  return trimmed.length > 0 && trimmed.length <= maxLength ? trimmed : null;
}

/** The claims this service reads; anything else in a token is ignored. */
interface TokenClaims {
  sub?: unknown;
  exp?: unknown;
  iat?: unknown;
  email?: unknown;
  name?: unknown;
  amr?: unknown;
  idp?: unknown;
}

/** A token that verified but does not carry what the service needs. */
export class IncompleteTokenError extends Error {}

/**
 * Verifies bearer tokens with the one algorithm the configuration pins: HS256 for a shared
 * secret, RS256 for a PEM public key or a JWKS endpoint (keys fetched and cached by jwks-rsa).
 * A token that verifies is remembered until its expiry (`VerifiedTokenCache`), so that
 * `JwtAuthGuard` need not verify it again on the next request that sends it.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(JWT_VERIFICATION_OPTIONS) private readonly options: JwtVerificationOptions,
    private readonly verifiedTokens: VerifiedTokenCache,
  ) {
    super(strategyOptions(options));
  }

  validate(request: BearerRequest, claims: TokenClaims): AuthenticatedUser {
    const user = this.toAuthenticatedUser(claims);
    const token = bearerToken(request);
    if (token !== null) {
      const expiresAtMs = ((claims.exp as number) + this.options.clockToleranceSeconds) * 1000;
      this.verifiedTokens.remember(token, user, expiresAtMs);
    }

    return user;
  }

  private toAuthenticatedUser(claims: TokenClaims): AuthenticatedUser {
    if (typeof claims.exp !== 'number') {
      throw new IncompleteTokenError('The token has no expiry (exp)');
    }
    this.assertPlausibleTimes(claims.exp, claims.iat);
    const { sub } = claims;
    if (
      typeof sub !== 'string' ||
      sub.trim() === '' ||
      sub.length > MAX_SUBJECT_LENGTH ||
      !isPrintableText(sub)
    ) {
      throw new IncompleteTokenError('The token has no valid subject (sub)');
    }

    return {
      userId: sub,
      email: describingClaim(claims.email, MAX_EMAIL_LENGTH),
      name: describingClaim(claims.name, MAX_NAME_LENGTH),
      authMethods: Array.isArray(claims.amr)
        ? claims.amr.filter((method): method is string => typeof method === 'string')
        : [],
      identityProvider: typeof claims.idp === 'string' ? claims.idp : null,
    };
  }

  /**
   * The signature and `exp` verified; this refuses what they let through: a token issued in the
   * future, and one whose lifetime exceeds the maximum (an `exp` in milliseconds, say).
   */
  private assertPlausibleTimes(exp: number, iat: unknown): void {
    const now = Date.now() / 1000;
    const { clockToleranceSeconds, maxLifetimeSeconds } = this.options;
    if (iat !== undefined && (typeof iat !== 'number' || iat > now + clockToleranceSeconds)) {
      throw new IncompleteTokenError('The token is not valid yet (iat)');
    }
    const issuedAt = typeof iat === 'number' ? iat : now;
    if (exp - issuedAt > maxLifetimeSeconds + clockToleranceSeconds) {
      throw new IncompleteTokenError(
        `The token lives longer than ${maxLifetimeSeconds} seconds (exp)`,
      );
    }
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

interface BearerRequest {
  headers?: Record<string, unknown>;
}

/** The token of an `Authorization: Bearer <jwt>` header holding exactly one compact JWT. */
export function bearerToken(request: BearerRequest): string | null {
  const header = request.headers?.authorization;

  return typeof header === 'string' ? (BEARER.exec(header.trim())?.[1] ?? null) : null;
}

function strategyOptions(options: JwtVerificationOptions): StrategyOptionsWithRequest {
  const { key, issuer, audience, clockToleranceSeconds } = options;
  const common = {
    jwtFromRequest: bearerToken,
    algorithms: [key.algorithm],
    issuer,
    ...(audience ? { audience } : {}),
    ignoreExpiration: false,
    jsonWebTokenOptions: { clockTolerance: clockToleranceSeconds },
    passReqToCallback: true as const,
  };
  switch (key.kind) {
    case 'secret':
      return {
        ...common,
        secretOrKey: asVerificationKey(createSecretKey(Buffer.from(key.secret))),
      };
    case 'public-key':
      return { ...common, secretOrKey: asVerificationKey(createPublicKey(key.publicKey)) };
    case 'jwks':
      return {
        ...common,
        secretOrKeyProvider: passportJwtSecret({
          jwksUri: key.jwksUri,
          cache: true,
          cacheMaxAge: 10 * 60 * 1000,
          rateLimit: true,
          jwksRequestsPerMinute: 10,
        }),
      };
  }
}

/**
 * The key parsed once, at start. Given a string, jsonwebtoken tries to parse it as a public key
 * on every verification (and, for a secret, fails and falls back): measured at about 40% of the
 * service's CPU under load. jsonwebtoken takes a `KeyObject` as it is; passport-jwt passes the
 * key through untouched, though its types name only strings and buffers.
 */
function asVerificationKey(key: KeyObject): string {
  return key as unknown as string;
}
