import { bool, cleanEnv, makeValidator, port, str, url } from 'envalid';

import { DEFAULT_ISSUER, type JwtKeySource } from '../auth/jwt-options.js';
import type { StripeSettings } from '../billing/stripe-settings.js';
import {
  DEFAULT_PROVISIONING_MAX_ATTEMPTS,
  DEFAULT_PROVISIONING_RETRY_DELAY_MS,
  DEFAULT_RETENTION_DAYS,
} from '../organizations/lifecycle/lifecycle-settings.js';

export type { JwtKeySource };

export interface AppConfig {
  nodeEnv: string;
  host: string;
  port: number;
  /** A PostgreSQL connection string; absent means the embedded database. */
  databaseUrl?: string;
  dataDir: string;
  dbPoolSize: number;
  dbConnectTimeoutMs: number;
  dbStatementTimeoutMs: number;
  /** How long a SIGTERM waits for requests in flight before the process exits anyway. */
  shutdownTimeoutMs: number;
  jwt: {
    issuer: string;
    audience?: string;
    /** Longest lifetime (`exp` minus `iat`, or minus now) a token may claim. */
    maxLifetimeSeconds: number;
    /** Set when exactly one of JWT_SECRET, JWT_PUBLIC_KEY, JWKS_URI was given. */
    key?: JwtKeySource;
  };
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  logJson: boolean;
  swaggerEnabled: boolean;
  /** Set when STRIPE_SECRET_KEY is; billing is off otherwise. */
  stripe?: StripeSettings;
  lifecycle: {
    retentionDays: number;
    platformAdminUserIds: string[];
    provisioningMaxAttempts: number;
    provisioningRetryDelayMs: number;
  };
  rateLimit: {
    enabled: boolean;
    /** Shared counters in Redis when set; in this process's memory otherwise. */
    redisUrl?: string;
    /** Prefix of every Redis key, so several deployments can share one Redis. */
    keyPrefix: string;
  };
  /** Origins allowed to call from a browser; empty means CORS stays off. */
  corsOrigins: string[];
}

const MIN_SECRET_LENGTH = 16;

const postgresUrl = makeValidator<string>((value) => {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error('must be a postgres:// or postgresql:// URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error('must be a postgres:// or postgresql:// URL');
  }

  return value;
});

const positiveInteger = makeValidator<number>((value) => {
  if (!/^[1-9]\d*$/.test(value.trim())) {
    throw new Error('must be a positive whole number');
  }

  return Number(value);
});

const nonNegativeInteger = makeValidator<number>((value) => {
  if (!/^\d+$/.test(value.trim())) {
    throw new Error('must be a whole number, 0 or more');
  }

  return Number(value);
});

/** Comma-separated user ids; blanks between commas are dropped. */
const userIdList = makeValidator<string[]>((value) => {
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.some((id) => id.length > 255)) {
    throw new Error('every user id must be at most 255 characters');
  }

  return ids;
});

const redisUrl = makeValidator<string>((value) => {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error('must be a redis:// or rediss:// URL');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error('must be a redis:// or rediss:// URL');
  }

  return value;
});

/** A comma-separated list of origins (`scheme://host[:port]`), each written exactly so. */
const originList = makeValidator<string[]>((value) => {
  const origins = value
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new Error(`"${origin}" is not an origin such as https://app.example.com`);
    }
  }

  return origins;
});

const nonEmptyString = makeValidator<string>((value) => {
  if (value.trim() === '') {
    throw new Error('must not be empty');
  }

  return value;
});

const pemPublicKey = makeValidator<string>((value) => {
  const pem = value.replace(/\\n/g, '\n');
  if (!/-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem)) {
    throw new Error('must be a PEM encoded public key');
  }

  return pem;
});

/**
 * Reads and validates the service's environment once, at start-up. A bad value stops the
 * process with a message naming the variable; nothing reads `process.env` after this.
 */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw = cleanEnv(
    env,
    {
      NODE_ENV: str({ default: 'development' }),
      HOST: str({ default: '0.0.0.0' }),
      PORT: port({ default: 3000 }),
      DATABASE_URL: postgresUrl({ default: undefined }),
      DATA_DIR: str({ default: './data' }),
      DB_POOL_SIZE: positiveInteger({ default: 10 }),
      DB_CONNECT_TIMEOUT_MS: positiveInteger({ default: 5000 }),
      DB_STATEMENT_TIMEOUT_MS: positiveInteger({ default: 10000 }),
      SHUTDOWN_TIMEOUT_MS: positiveInteger({ default: 10000 }),
      JWT_SECRET: str({ default: undefined }),
      JWT_PUBLIC_KEY: pemPublicKey({ default: undefined }),
      JWKS_URI: url({ default: undefined }),
      JWT_ISSUER: nonEmptyString({ default: DEFAULT_ISSUER }),
      JWT_AUDIENCE: str({ default: undefined }),
      JWT_MAX_LIFETIME_SECONDS: positiveInteger({ default: 86_400 }),
      LOG_LEVEL: str({ choices: ['error', 'warn', 'log', 'debug', 'verbose'], default: 'log' }),
      LOG_JSON: bool({ default: true }),
      SWAGGER_ENABLED: bool({ default: true }),
      STRIPE_SECRET_KEY: str({ default: undefined }),
      STRIPE_WEBHOOK_SECRET: str({ default: undefined }),
      STRIPE_PRICE_CLOUD: str({ default: undefined }),
      STRIPE_PRICE_GROWTH: str({ default: undefined }),
      STRIPE_PRICE_ENTERPRISE: str({ default: undefined }),
      STRIPE_CHECKOUT_SUCCESS_URL: url({ default: undefined }),
      STRIPE_CHECKOUT_CANCEL_URL: url({ default: undefined }),
      STRIPE_API_URL: url({ default: undefined }),
      PLATFORM_ADMIN_USER_IDS: userIdList({ default: [] }),
      RETENTION_DAYS: positiveInteger({ default: DEFAULT_RETENTION_DAYS }),
      PROVISIONING_MAX_ATTEMPTS: positiveInteger({ default: DEFAULT_PROVISIONING_MAX_ATTEMPTS }),
      PROVISIONING_RETRY_DELAY_MS: nonNegativeInteger({
        default: DEFAULT_PROVISIONING_RETRY_DELAY_MS,
      }),
      RATE_LIMIT_ENABLED: bool({ default: true }),
      REDIS_URL: redisUrl({ default: undefined }),
      RATE_LIMIT_KEY_PREFIX: nonEmptyString({ default: 'hatidata:ratelimit' }),
      CORS_ORIGINS: originList({ default: [] }),
    },
    {
      reporter: ({ errors }) => {
        const problems = Object.entries(errors).map(
          ([name, error]) => `${name}: ${error?.message}`,
        );
        if (problems.length > 0) {
          throw new Error(`Invalid configuration: ${problems.join('; ')}`);
        }
      },
    },
  );

  return {
    nodeEnv: raw.NODE_ENV,
    host: raw.HOST,
    port: raw.PORT,
    databaseUrl: raw.DATABASE_URL || undefined,
    dataDir: raw.DATA_DIR,
    dbPoolSize: raw.DB_POOL_SIZE,
    dbConnectTimeoutMs: raw.DB_CONNECT_TIMEOUT_MS,
    dbStatementTimeoutMs: raw.DB_STATEMENT_TIMEOUT_MS,
    shutdownTimeoutMs: raw.SHUTDOWN_TIMEOUT_MS,
    jwt: {
      issuer: raw.JWT_ISSUER,
      audience: raw.JWT_AUDIENCE || undefined,
      maxLifetimeSeconds: raw.JWT_MAX_LIFETIME_SECONDS,
      key: resolveJwtKeySource(raw.JWT_SECRET, raw.JWT_PUBLIC_KEY, raw.JWKS_URI),
    },
    logLevel: raw.LOG_LEVEL as AppConfig['logLevel'],
    logJson: raw.LOG_JSON,
    swaggerEnabled: raw.SWAGGER_ENABLED,
    rateLimit: {
      enabled: raw.RATE_LIMIT_ENABLED,
      redisUrl: raw.REDIS_URL || undefined,
      keyPrefix: raw.RATE_LIMIT_KEY_PREFIX,
    },
    corsOrigins: raw.CORS_ORIGINS,
    stripe: resolveStripeSettings(raw),
    lifecycle: {
      retentionDays: raw.RETENTION_DAYS,
      platformAdminUserIds: raw.PLATFORM_ADMIN_USER_IDS,
      provisioningMaxAttempts: raw.PROVISIONING_MAX_ATTEMPTS,
      provisioningRetryDelayMs: raw.PROVISIONING_RETRY_DELAY_MS,
    },
  };
}

interface StripeVariables {
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  STRIPE_PRICE_CLOUD?: string;
  STRIPE_PRICE_GROWTH?: string;
  STRIPE_PRICE_ENTERPRISE?: string;
  STRIPE_CHECKOUT_SUCCESS_URL?: string;
  STRIPE_CHECKOUT_CANCEL_URL?: string;
  STRIPE_API_URL?: string;
}

/** Billing is on when STRIPE_SECRET_KEY is set; it then needs every other Stripe variable. */
function resolveStripeSettings(raw: StripeVariables): StripeSettings | undefined {
  if (!raw.STRIPE_SECRET_KEY) {
    return undefined;
  }
  const required = {
    STRIPE_WEBHOOK_SECRET: raw.STRIPE_WEBHOOK_SECRET,
    STRIPE_PRICE_CLOUD: raw.STRIPE_PRICE_CLOUD,
    STRIPE_PRICE_GROWTH: raw.STRIPE_PRICE_GROWTH,
    STRIPE_PRICE_ENTERPRISE: raw.STRIPE_PRICE_ENTERPRISE,
    STRIPE_CHECKOUT_SUCCESS_URL: raw.STRIPE_CHECKOUT_SUCCESS_URL,
    STRIPE_CHECKOUT_CANCEL_URL: raw.STRIPE_CHECKOUT_CANCEL_URL,
  };
  const missing = Object.entries(required)
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new Error(
      `Invalid configuration: STRIPE_SECRET_KEY is set, so ${missing.join(', ')} must be too`,
    );
  }

  return {
    secretKey: raw.STRIPE_SECRET_KEY,
    webhookSecret: required.STRIPE_WEBHOOK_SECRET as string,
    prices: {
      cloud: required.STRIPE_PRICE_CLOUD as string,
      growth: required.STRIPE_PRICE_GROWTH as string,
      enterprise: required.STRIPE_PRICE_ENTERPRISE as string,
    },
    successUrl: required.STRIPE_CHECKOUT_SUCCESS_URL as string,
    cancelUrl: required.STRIPE_CHECKOUT_CANCEL_URL as string,
    apiUrl: raw.STRIPE_API_URL || undefined,
  };
}

function resolveJwtKeySource(
  secret: string | undefined,
  publicKey: string | undefined,
  jwksUri: string | undefined,
): JwtKeySource | undefined {
  const given = [secret, publicKey, jwksUri].filter((value) => value);
  if (given.length > 1) {
    throw new Error(
      'Invalid configuration: set only one of JWT_SECRET, JWT_PUBLIC_KEY and JWKS_URI',
    );
  }
  if (secret) {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new Error(
        `Invalid configuration: JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters`,
      );
    }

    return { kind: 'secret', algorithm: 'HS256', secret, generated: false };
  }
  if (publicKey) {
    return { kind: 'public-key', algorithm: 'RS256', publicKey };
  }
  if (jwksUri) {
    return { kind: 'jwks', algorithm: 'RS256', jwksUri };
  }

  return undefined;
}

export function isProduction(config: AppConfig): boolean {
  return config.nodeEnv === 'production';
}
