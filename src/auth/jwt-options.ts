import type { JwtKeySource } from '../config/app-config.js';

export const JWT_VERIFICATION_OPTIONS = Symbol('JWT_VERIFICATION_OPTIONS');

/** What the JWT strategy needs to verify a token; the algorithm follows from `key`. */
export interface JwtVerificationOptions {
  key: JwtKeySource;
  issuer: string;
  audience?: string;
  /** Seconds of clock difference tolerated on `exp` and `nbf`. */
  clockToleranceSeconds: number;
}

export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
