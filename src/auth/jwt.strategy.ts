import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy, type StrategyOptionsWithoutRequest } from 'passport-jwt';
import { type AuthenticatedUser } from './authenticated-user.js';
import { JWT_VERIFICATION_OPTIONS, type JwtVerificationOptions } from './jwt-options.js';

const MAX_SUBJECT_LENGTH = 255;

/** The claims this service reads; anything else in a token is ignored. */
interface TokenClaims {
  sub?: unknown;
  exp?: unknown;
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
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(JWT_VERIFICATION_OPTIONS) options: JwtVerificationOptions) {
    super(strategyOptions(options));
  }

  validate(claims: TokenClaims): AuthenticatedUser {
    if (typeof claims.exp !== 'number') {
      throw new IncompleteTokenError('The token has no expiry (exp)');
    }
    const { sub } = claims;
    if (typeof sub !== 'string' || sub.trim() === '' || sub.length > MAX_SUBJECT_LENGTH) {
      throw new IncompleteTokenError('The token has no valid subject (sub)');
    }

    return {
      userId: sub,
      email: typeof claims.email === 'string' ? claims.email : null,
      name: typeof claims.name === 'string' ? claims.name : null,
      authMethods: Array.isArray(claims.amr)
        ? claims.amr.filter((method): method is string => typeof method === 'string')
        : [],
      identityProvider: typeof claims.idp === 'string' ? claims.idp : null,
    };
  }
}

function strategyOptions(options: JwtVerificationOptions): StrategyOptionsWithoutRequest {
  const { key, issuer, audience, clockToleranceSeconds } = options;
  const common = {
    jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
    algorithms: [key.algorithm],
    issuer,
    ...(audience ? { audience } : {}),
    ignoreExpiration: false,
    jsonWebTokenOptions: { clockTolerance: clockToleranceSeconds },
  };
  switch (key.kind) {
    case 'secret':
      return { ...common, secretOrKey: key.secret };
    case 'public-key':
      return { ...common, secretOrKey: key.publicKey };
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
