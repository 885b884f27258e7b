import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { isProduction, loadAppConfig } from './app-config.js';

const SECRET = 'a-secret-of-sufficient-length-0123';

function rsaPublicKeyPem(type: 'spki' | 'pkcs1' = 'spki'): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  return publicKey.export({ type, format: 'pem' }).toString();
}

describe('loadAppConfig', () => {
  it('applies the documented defaults when nothing is set', () => {
    expect(loadAppConfig({})).toEqual({
      nodeEnv: 'development',
      host: '0.0.0.0',
      port: 3000,
      databaseUrl: undefined,
      dataDir: './data',
      dbPoolSize: 10,
      dbConnectTimeoutMs: 5000,
      dbStatementTimeoutMs: 10000,
      shutdownTimeoutMs: 10000,
      jwt: {
        issuer: 'https://api.hatidata.com',
        audience: undefined,
        maxLifetimeSeconds: 86_400,
        key: undefined,
      },
      logLevel: 'log',
      logJson: true,
      swaggerEnabled: true,
      rateLimit: { enabled: true, redisUrl: undefined, keyPrefix: 'hatidata:ratelimit' },
      corsOrigins: [],
      stripe: undefined,
      lifecycle: {
        retentionDays: 30,
        platformAdminUserIds: [],
        provisioningMaxAttempts: 5,
        provisioningRetryDelayMs: 1000,
      },
    });
  });

  it('reads every variable it is given, converted to its type', () => {
    const config = loadAppConfig({
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '8080',
      DATABASE_URL: 'postgresql://orgs:pw@db.internal:5432/organizations',
      DATA_DIR: '/var/lib/organizations',
      DB_POOL_SIZE: '4',
      DB_CONNECT_TIMEOUT_MS: '2500',
      DB_STATEMENT_TIMEOUT_MS: '7000',
      SHUTDOWN_TIMEOUT_MS: '15000',
      JWT_SECRET: SECRET,
      JWT_ISSUER: 'https://auth.example.com',
      JWT_AUDIENCE: 'organizations',
      JWT_MAX_LIFETIME_SECONDS: '3600',
      LOG_LEVEL: 'debug',
      LOG_JSON: 'false',
      SWAGGER_ENABLED: 'false',
      RATE_LIMIT_ENABLED: 'false',
      REDIS_URL: 'redis://cache.internal:6379/2',
      RATE_LIMIT_KEY_PREFIX: 'orgs:limits',
      CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
    });

    expect(config).toEqual({
      nodeEnv: 'production',
      host: '127.0.0.1',
      port: 8080,
      databaseUrl: 'postgresql://orgs:pw@db.internal:5432/organizations',
      dataDir: '/var/lib/organizations',
      dbPoolSize: 4,
      dbConnectTimeoutMs: 2500,
      dbStatementTimeoutMs: 7000,
      shutdownTimeoutMs: 15000,
      jwt: {
        issuer: 'https://auth.example.com',
        audience: 'organizations',
        maxLifetimeSeconds: 3600,
        key: { kind: 'secret', algorithm: 'HS256', secret: SECRET, generated: false },
      },
      logLevel: 'debug',
      logJson: false,
      swaggerEnabled: false,
      rateLimit: {
        enabled: false,
        redisUrl: 'redis://cache.internal:6379/2',
        keyPrefix: 'orgs:limits',
      },
      corsOrigins: ['https://app.example.com', 'http://localhost:5173'],
      stripe: undefined,
      lifecycle: {
        retentionDays: 30,
        platformAdminUserIds: [],
        provisioningMaxAttempts: 5,
        provisioningRetryDelayMs: 1000,
      },
    });
  });

  describe('billing and lifecycle', () => {
    const STRIPE = {
      STRIPE_SECRET_KEY: 'sk_test_config',
      STRIPE_WEBHOOK_SECRET: 'whsec_config',
      STRIPE_PRICE_CLOUD: 'price_cloud',
      STRIPE_PRICE_GROWTH: 'price_growth',
      STRIPE_PRICE_ENTERPRISE: 'price_enterprise',
      STRIPE_CHECKOUT_SUCCESS_URL: 'https://app.example.com/billing/done',
      STRIPE_CHECKOUT_CANCEL_URL: 'https://app.example.com/billing',
    };

    it('turns billing on with STRIPE_SECRET_KEY and every other Stripe variable', () => {
      expect(loadAppConfig({ ...STRIPE, STRIPE_API_URL: 'http://127.0.0.1:12111' }).stripe).toEqual(
        {
          secretKey: 'sk_test_config',
          webhookSecret: 'whsec_config',
          prices: { cloud: 'price_cloud', growth: 'price_growth', enterprise: 'price_enterprise' },
          successUrl: 'https://app.example.com/billing/done',
          cancelUrl: 'https://app.example.com/billing',
          apiUrl: 'http://127.0.0.1:12111',
        },
      );
    });

    it('refuses STRIPE_SECRET_KEY without the rest, naming what is missing', () => {
      const { STRIPE_WEBHOOK_SECRET: _secret, STRIPE_PRICE_GROWTH: _price, ...partial } = STRIPE;

      expect(() => loadAppConfig(partial)).toThrow(
        /STRIPE_WEBHOOK_SECRET, STRIPE_PRICE_GROWTH must be too/,
      );
    });

    it('reads the operators, the retention and the provisioning retries', () => {
      expect(
        loadAppConfig({
          PLATFORM_ADMIN_USER_IDS: ' usr_ops1, usr_ops2 ,,',
          RETENTION_DAYS: '7',
          PROVISIONING_MAX_ATTEMPTS: '3',
          PROVISIONING_RETRY_DELAY_MS: '0',
        }).lifecycle,
      ).toEqual({
        retentionDays: 7,
        platformAdminUserIds: ['usr_ops1', 'usr_ops2'],
        provisioningMaxAttempts: 3,
        provisioningRetryDelayMs: 0,
      });
    });
  });

  it.each(['postgres://u@localhost/orgs', 'postgresql://u@localhost:5433/orgs'])(
    'accepts DATABASE_URL %s',
    (url) => {
      expect(loadAppConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    },
  );

  describe('refuses a bad value, naming the variable', () => {
    it.each([
      ['PORT', 'abc'],
      ['PORT', '70000'],
      ['DATABASE_URL', 'mysql://u@localhost/orgs'],
      ['DATABASE_URL', 'not a url'],
      ['DB_POOL_SIZE', 'many'],
      ['DB_POOL_SIZE', '0'],
      ['DB_POOL_SIZE', '2.5'],
      ['DB_CONNECT_TIMEOUT_MS', '-1'],
      ['DB_STATEMENT_TIMEOUT_MS', '0'],
      ['SHUTDOWN_TIMEOUT_MS', '0'],
      ['SHUTDOWN_TIMEOUT_MS', 'soon'],
      ['LOG_LEVEL', 'loud'],
      ['LOG_JSON', 'maybe'],
      ['SWAGGER_ENABLED', 'perhaps'],
      ['JWKS_URI', 'not a url'],
      ['JWT_PUBLIC_KEY', 'not a key'],
      ['JWT_ISSUER', ''],
      ['RETENTION_DAYS', '0'],
      ['PROVISIONING_MAX_ATTEMPTS', 'lots'],
      ['PROVISIONING_RETRY_DELAY_MS', '-5'],
      ['STRIPE_CHECKOUT_SUCCESS_URL', 'not a url'],
      ['STRIPE_API_URL', 'nope'],
      ['PLATFORM_ADMIN_USER_IDS', 'x'.repeat(256)],
      ['JWT_MAX_LIFETIME_SECONDS', '0'],
      ['JWT_MAX_LIFETIME_SECONDS', '1h'],
      ['RATE_LIMIT_ENABLED', 'sometimes'],
      ['REDIS_URL', 'http://cache.internal:6379'],
      ['REDIS_URL', 'not a url'],
      ['RATE_LIMIT_KEY_PREFIX', ' '],
      ['CORS_ORIGINS', '*'],
      ['CORS_ORIGINS', 'app.example.com'],
      ['CORS_ORIGINS', 'https://app.example.com/'],
      ['CORS_ORIGINS', 'https://app.example.com/path'],
      ['CORS_ORIGINS', 'ftp://files.example.com'],
    ])('refuses %s=%j', (name, value) => {
      expect(() => loadAppConfig({ [name]: value })).toThrow(new RegExp(`\\b${name}\\b`));
    });

    it('names every bad variable at once', () => {
      expect(() => loadAppConfig({ PORT: 'abc', LOG_LEVEL: 'loud' })).toThrow(
        /PORT.*LOG_LEVEL|LOG_LEVEL.*PORT/,
      );
    });
  });

  describe('token verification key', () => {
    it('leaves the key unset when none of JWT_SECRET, JWT_PUBLIC_KEY and JWKS_URI is given', () => {
      expect(loadAppConfig({}).jwt.key).toBeUndefined();
    });

    it('pins HS256 for JWT_SECRET', () => {
      expect(loadAppConfig({ JWT_SECRET: SECRET }).jwt.key).toEqual({
        kind: 'secret',
        algorithm: 'HS256',
        secret: SECRET,
        generated: false,
      });
    });

    it('refuses a JWT_SECRET shorter than 16 characters, naming it', () => {
      expect(() => loadAppConfig({ JWT_SECRET: 'x'.repeat(15) })).toThrow(
        /JWT_SECRET.*at least 16/,
      );
    });

    it('accepts a JWT_SECRET of exactly 16 characters', () => {
      expect(loadAppConfig({ JWT_SECRET: 'x'.repeat(16) }).jwt.key).toMatchObject({
        kind: 'secret',
      });
    });

    it('pins RS256 for a PEM JWT_PUBLIC_KEY', () => {
      const pem = rsaPublicKeyPem();

      expect(loadAppConfig({ JWT_PUBLIC_KEY: pem }).jwt.key).toEqual({
        kind: 'public-key',
        algorithm: 'RS256',
        publicKey: pem,
      });
    });

    it('accepts a JWT_PUBLIC_KEY on one line with literal \\n, restoring the newlines', () => {
      const pem = rsaPublicKeyPem();
      const oneLine = pem.replace(/\n/g, '\\n');
      const key = loadAppConfig({ JWT_PUBLIC_KEY: oneLine }).jwt.key;

      expect(oneLine).not.toContain('\n');
      expect(key).toEqual({ kind: 'public-key', algorithm: 'RS256', publicKey: pem });
      expect(createPublicKey((key as { publicKey: string }).publicKey).asymmetricKeyType).toBe(
        'rsa',
      );
    });

    it('accepts a PKCS#1 "RSA PUBLIC KEY" PEM', () => {
      const pem = rsaPublicKeyPem('pkcs1');

      expect(loadAppConfig({ JWT_PUBLIC_KEY: pem }).jwt.key).toMatchObject({
        kind: 'public-key',
        publicKey: pem,
      });
    });

    it('refuses a private key given as JWT_PUBLIC_KEY', () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

      expect(() => loadAppConfig({ JWT_PUBLIC_KEY: pem })).toThrow(/JWT_PUBLIC_KEY/);
    });

    it('pins RS256 for JWKS_URI', () => {
      const jwksUri = 'https://auth.example.com/.well-known/jwks.json';

      expect(loadAppConfig({ JWKS_URI: jwksUri }).jwt.key).toEqual({
        kind: 'jwks',
        algorithm: 'RS256',
        jwksUri,
      });
    });

    it.each([
      ['JWT_SECRET and JWT_PUBLIC_KEY', ['JWT_SECRET', 'JWT_PUBLIC_KEY']],
      ['JWT_SECRET and JWKS_URI', ['JWT_SECRET', 'JWKS_URI']],
      ['JWT_PUBLIC_KEY and JWKS_URI', ['JWT_PUBLIC_KEY', 'JWKS_URI']],
      ['all three', ['JWT_SECRET', 'JWT_PUBLIC_KEY', 'JWKS_URI']],
    ])('refuses %s set together', (_description, names) => {
      const values: Record<string, string> = {
        JWT_SECRET: SECRET,
        JWT_PUBLIC_KEY: rsaPublicKeyPem(),
        JWKS_URI: 'https://auth.example.com/.well-known/jwks.json',
      };
      const env = Object.fromEntries(names.map((name) => [name, values[name]]));

      expect(() => loadAppConfig(env)).toThrow(
        /only one of JWT_SECRET, JWT_PUBLIC_KEY and JWKS_URI/,
      );
    });
  });
});

describe('isProduction', () => {
  it.each([
    ['production', true],
    ['development', false],
    ['test', false],
  ])('treats NODE_ENV=%j as production: %j', (nodeEnv, expected) => {
    expect(isProduction(loadAppConfig({ NODE_ENV: nodeEnv }))).toBe(expected);
  });
});
