import { bool, cleanEnv, makeValidator, port, str, url } from 'envalid';

import { DEFAULT_ISSUER, type JwtKeySource } from '../auth/jwt-options.js';

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
    /** Set when exactly one of JWT_SECRET, JWT_PUBLIC_KEY, JWKS_URI was given. */
    key?: JwtKeySource;
  };
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  logJson: boolean;
  swaggerEnabled: boolean;
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
      LOG_LEVEL: str({ choices: ['error', 'warn', 'log', 'debug', 'verbose'], default: 'log' }),
      LOG_JSON: bool({ default: true }),
      SWAGGER_ENABLED: bool({ default: true }),
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
      key: resolveJwtKeySource(raw.JWT_SECRET, raw.JWT_PUBLIC_KEY, raw.JWKS_URI),
    },
    logLevel: raw.LOG_LEVEL as AppConfig['logLevel'],
    logJson: raw.LOG_JSON,
    swaggerEnabled: raw.SWAGGER_ENABLED,
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
