import { createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { organizationBody, uniqueSlug } from './support/factories.js';
import { expectError, expectOrganizationShape } from './support/expectations.js';
import type { ApiResponse } from './support/http.js';
import {
  claimsFor,
  newRsaKeyPair,
  nowInSeconds,
  type RsaKeyPair,
  signJwt,
  type TokenAlgorithm,
} from './support/signed-tokens.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { startTestAppWithoutSecret } from './support/test-app-without-secret.js';
import { mintToken, newUser, TEST_ISSUER, TEST_JWT_SECRET } from './support/tokens.js';

const CLOCK_SKEW_SECONDS = 30;
const AUDIENCE = 'https://organizations.hatidata.test';

interface CreatedOrganization {
  org_id: string;
  slug: string;
  name: string;
}

/** An app, an organization in it, and the `sub` of its owner: what a forged token would aim at. */
interface Target {
  app: TestApp;
  ownerSub: string;
  organization: CreatedOrganization;
}

async function createOrganization(app: TestApp, token: string): Promise<CreatedOrganization> {
  const slug = uniqueSlug('secret-org');
  const response = await app.api.post('/v1/organizations', {
    token,
    body: organizationBody({ slug, name: `Confidential ${slug}` }),
  });
  if (response.status !== 201) {
    throw new Error(
      `could not create the target organization: ${response.status} ${response.text}`,
    );
  }

  return response.body;
}

/**
 * Starts an app and creates an organization in it for a new owner, whose token `ownerToken`
 * makes; the app is closed again if that fails.
 */
async function startTarget(
  starting: Promise<TestApp>,
  ownerToken: (sub: string) => string,
): Promise<Target> {
  const app = await starting;
  const ownerSub = newUser().sub;
  try {
    return { app, ownerSub, organization: await createOrganization(app, ownerToken(ownerSub)) };
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** Reads the target organization sending `authorization` as the Authorization header. */
function readWithHeader(target: Target, authorization?: string): Promise<ApiResponse> {
  return target.app.api.get(`/v1/organizations/${target.organization.org_id}`, {
    headers: authorization === undefined ? {} : { authorization },
  });
}

function readWithToken(target: Target, token: string): Promise<ApiResponse> {
  return readWithHeader(target, `Bearer ${token}`);
}

/** 401 in the contract envelope, and nothing of the organization the token aimed at. */
function expectRefused(response: ApiResponse, target: Target): void {
  expectError(response, 401, 'UNAUTHORIZED');
  expect(response.text).not.toContain(target.organization.org_id);
  expect(response.text).not.toContain(target.organization.slug);
  expect(response.text).not.toContain(target.organization.name);
}

function expectReadable(response: ApiResponse, target: Target): void {
  expect(response.status).toBe(200);
  expectOrganizationShape(response.body);
  expect(response.body.org_id).toBe(target.organization.org_id);
}

/** Serves a fixed JWKS document from 127.0.0.1, as an identity provider would. */
async function serveJwks(jwks: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

describe('Authentication with a shared secret (HS256)', () => {
  let target: Target;

  beforeAll(async () => {
    target = await startTarget(startTestApp(), (sub) => mintToken(sub, 'owner@example.test'));
  });

  afterAll(async () => {
    await target?.app.close();
  });

  it("returns the organization for its owner's valid token", async () => {
    const token = signJwt(claimsFor(target.ownerSub), {
      algorithm: 'HS256',
      key: TEST_JWT_SECRET,
    });

    expectReadable(await readWithToken(target, token), target);
  });

  describe('refuses a token whose algorithm is not the configured one', () => {
    it.each<TokenAlgorithm>(['none', 'None', 'NONE'])(
      'refuses alg "%s" with an empty signature',
      async (algorithm) => {
        const token = signJwt(claimsFor(target.ownerSub), { algorithm });

        expect(token.endsWith('.')).toBe(true);
        expectRefused(await readWithToken(target, token), target);
      },
    );

    it.each<TokenAlgorithm>(['HS384', 'HS512'])(
      'refuses %s even when signed with the right secret',
      async (algorithm) => {
        const token = signJwt(claimsFor(target.ownerSub), { algorithm, key: TEST_JWT_SECRET });

        expectRefused(await readWithToken(target, token), target);
      },
    );

    it('refuses RS256 signed with a key the service does not know', async () => {
      const stranger = newRsaKeyPair();
      const token = signJwt(claimsFor(target.ownerSub), {
        algorithm: 'RS256',
        key: stranger.privateKey,
      });

      expectRefused(await readWithToken(target, token), target);
    });
  });

  describe('refuses a token whose signature does not verify', () => {
    it('refuses HS256 signed with another secret', async () => {
      const token = signJwt(claimsFor(target.ownerSub), {
        algorithm: 'HS256',
        key: 'another-secret-0123456789-abcdefghij',
      });

      expectRefused(await readWithToken(target, token), target);
    });

    it("refuses a valid token whose payload was swapped for the owner's", async () => {
      const [header, , signature] = newUser().token.split('.');
      const forgedPayload = Buffer.from(JSON.stringify(claimsFor(target.ownerSub))).toString(
        'base64url',
      );

      expectRefused(await readWithToken(target, `${header}.${forgedPayload}.${signature}`), target);
    });
  });

  describe('answers a token it verified before exactly as verifying it again would', () => {
    function ownerToken(claims: Record<string, unknown> = {}): string {
      return signJwt(claimsFor(target.ownerSub, claims), {
        algorithm: 'HS256',
        key: TEST_JWT_SECRET,
      });
    }

    it('refuses a token it accepted before, once the token expires', async () => {
      const now = nowInSeconds();
      const exp = now - CLOCK_SKEW_SECONDS + 2;
      const token = ownerToken({ iat: now - 600, exp });

      expectReadable(await readWithToken(target, token), target);
      expectReadable(await readWithToken(target, token), target);
      await new Promise((resolve) =>
        setTimeout(resolve, (exp + CLOCK_SKEW_SECONDS) * 1000 - Date.now() + 100),
      );
      const expired = await readWithToken(target, token);

      expectRefused(expired, target);
      expect(expired.body.error.message).toBe('The token has expired');
    });

    it('refuses an accepted token whose signature was altered', async () => {
      const token = ownerToken();
      expectReadable(await readWithToken(target, token), target);
      const last = token.at(-1) === 'A' ? 'B' : 'A';

      expectRefused(await readWithToken(target, `${token.slice(0, -1)}${last}`), target);
    });

    it("refuses an accepted token's signature over another payload", async () => {
      const token = ownerToken();
      expectReadable(await readWithToken(target, token), target);
      const [header, , signature] = token.split('.');
      const payload = Buffer.from(
        JSON.stringify(claimsFor(target.ownerSub, { amr: ['mfa'] })),
      ).toString('base64url');

      expectRefused(await readWithToken(target, `${header}.${payload}.${signature}`), target);
    });
  });

  describe('checks the time claims with 30 s of clock skew', () => {
    it('refuses a token that expired more than 30 s ago', async () => {
      const now = nowInSeconds();
      const token = signJwt(
        claimsFor(target.ownerSub, { iat: now - 600, exp: now - CLOCK_SKEW_SECONDS - 30 }),
        { algorithm: 'HS256', key: TEST_JWT_SECRET },
      );

      expectRefused(await readWithToken(target, token), target);
    });

    it('accepts a token that expired less than 30 s ago', async () => {
      const now = nowInSeconds();
      const token = signJwt(claimsFor(target.ownerSub, { iat: now - 600, exp: now - 10 }), {
        algorithm: 'HS256',
        key: TEST_JWT_SECRET,
      });

      expectReadable(await readWithToken(target, token), target);
    });

    it('refuses a token whose nbf is more than 30 s in the future', async () => {
      const token = signJwt(
        claimsFor(target.ownerSub, { nbf: nowInSeconds() + CLOCK_SKEW_SECONDS + 90 }),
        { algorithm: 'HS256', key: TEST_JWT_SECRET },
      );

      expectRefused(await readWithToken(target, token), target);
    });

    it('accepts a token whose nbf is less than 30 s in the future', async () => {
      const token = signJwt(claimsFor(target.ownerSub, { nbf: nowInSeconds() + 10 }), {
        algorithm: 'HS256',
        key: TEST_JWT_SECRET,
      });

      expectReadable(await readWithToken(target, token), target);
    });

    it('refuses a token without exp', async () => {
      const token = signJwt(claimsFor(target.ownerSub, { exp: undefined }), {
        algorithm: 'HS256',
        key: TEST_JWT_SECRET,
      });

      expectRefused(await readWithToken(target, token), target);
    });

    it('refuses a token whose exp is written in milliseconds', async () => {
      const token = signJwt(claimsFor(target.ownerSub, { exp: Date.now() + 600_000 }), {
        algorithm: 'HS256',
        key: TEST_JWT_SECRET,
      });

      expectRefused(await readWithToken(target, token), target);
    });

    it('refuses a token that lives longer than the one-day maximum', async () => {
      const now = nowInSeconds();
      const token = signJwt(claimsFor(target.ownerSub, { iat: now, exp: now + 2 * 86_400 }), {
        algorithm: 'HS256',
        key: TEST_JWT_SECRET,
      });

      expectRefused(await readWithToken(target, token), target);
    });

    it('refuses a long-lived token without iat, measuring its lifetime from now', async () => {
      const token = signJwt(
        claimsFor(target.ownerSub, { iat: undefined, exp: nowInSeconds() + 2 * 86_400 }),
        { algorithm: 'HS256', key: TEST_JWT_SECRET },
      );

      expectRefused(await readWithToken(target, token), target);
    });

    it('accepts a token that lives exactly one day, and one without iat', async () => {
      const now = nowInSeconds();
      const oneDay = signJwt(claimsFor(target.ownerSub, { iat: now, exp: now + 86_400 }), {
        algorithm: 'HS256',
        key: TEST_JWT_SECRET,
      });
      const withoutIat = signJwt(claimsFor(target.ownerSub, { iat: undefined }), {
        algorithm: 'HS256',
        key: TEST_JWT_SECRET,
      });

      expectReadable(await readWithToken(target, oneDay), target);
      expectReadable(await readWithToken(target, withoutIat), target);
    });

    it('refuses a token issued more than 30 s in the future (iat)', async () => {
      const token = signJwt(
        claimsFor(target.ownerSub, { iat: nowInSeconds() + CLOCK_SKEW_SECONDS + 90 }),
        { algorithm: 'HS256', key: TEST_JWT_SECRET },
      );

      expectRefused(await readWithToken(target, token), target);
    });

    it('accepts a token issued less than 30 s in the future', async () => {
      const token = signJwt(claimsFor(target.ownerSub, { iat: nowInSeconds() + 10 }), {
        algorithm: 'HS256',
        key: TEST_JWT_SECRET,
      });

      expectReadable(await readWithToken(target, token), target);
    });

    it.each<[string, unknown]>([
      ['a string', 'yesterday'],
      ['a numeric string', String(Math.floor(Date.now() / 1000))],
      ['null', null],
    ])('refuses a token whose iat is %s', async (_description, iat) => {
      const token = signJwt(claimsFor(target.ownerSub, { iat }), {
        algorithm: 'HS256',
        key: TEST_JWT_SECRET,
      });

      expectRefused(await readWithToken(target, token), target);
    });

    it.each<[string, unknown]>([
      ['a string', String(Math.floor(Date.now() / 1000) + 600)],
      ['null', null],
      ['an object', { seconds: 600 }],
    ])('refuses a token whose exp is %s', async (_description, exp) => {
      const token = signJwt(claimsFor(target.ownerSub, { exp }), {
        algorithm: 'HS256',
        key: TEST_JWT_SECRET,
      });

      expectRefused(await readWithToken(target, token), target);
    });
  });

  describe('checks the issuer', () => {
    it('refuses a token from another issuer', async () => {
      const token = signJwt(claimsFor(target.ownerSub, { iss: 'https://evil.example.com' }), {
        algorithm: 'HS256',
        key: TEST_JWT_SECRET,
      });

      expectRefused(await readWithToken(target, token), target);
    });

    it('refuses a token without iss', async () => {
      const token = signJwt(claimsFor(target.ownerSub, { iss: undefined }), {
        algorithm: 'HS256',
        key: TEST_JWT_SECRET,
      });

      expectRefused(await readWithToken(target, token), target);
    });
  });

  describe('requires a usable subject', () => {
    it.each<[string, unknown]>([
      ['missing', undefined],
      ['empty', ''],
      ['only white space', '   '],
      ['a number', 12345],
      ['an object', { id: 'owner' }],
      ['null', null],
    ])('refuses a token whose sub is %s', async (_description, sub) => {
      const token = signJwt(claimsFor(sub), { algorithm: 'HS256', key: TEST_JWT_SECRET });

      expectRefused(await readWithToken(target, token), target);
    });

    it('refuses a token whose sub is the owner id wrapped in an array', async () => {
      const token = signJwt(claimsFor([target.ownerSub]), {
        algorithm: 'HS256',
        key: TEST_JWT_SECRET,
      });

      expectRefused(await readWithToken(target, token), target);
    });
  });

  describe('reads the token only from "Authorization: Bearer <jwt>"', () => {
    it('refuses a request without an Authorization header', async () => {
      expectRefused(await readWithHeader(target), target);
    });

    it('refuses an empty Authorization header', async () => {
      expectRefused(await readWithHeader(target, ''), target);
    });

    it('refuses "Bearer" without a token', async () => {
      expectRefused(await readWithHeader(target, 'Bearer'), target);
    });

    it('refuses Basic credentials', async () => {
      const credentials = Buffer.from(`${target.ownerSub}:password`).toString('base64');

      expectRefused(await readWithHeader(target, `Basic ${credentials}`), target);
    });

    it('refuses "Bearer not.a.jwt"', async () => {
      expectRefused(await readWithHeader(target, 'Bearer not.a.jwt'), target);
    });

    it('refuses a valid token sent without the word Bearer', async () => {
      const token = mintToken(target.ownerSub, 'owner@example.test');

      expectRefused(await readWithHeader(target, token), target);
    });
  });

  describe('checks credentials before the body', () => {
    it('answers 401, not 400, to an invalid body sent without a token', async () => {
      const response = await target.app.api.post('/v1/organizations', {
        body: { slug: 'ab', unknown_field: true },
      });

      expectError(response, 401, 'UNAUTHORIZED');
    });

    it('answers 401, not 400, to an invalid body sent with an expired token', async () => {
      const token = mintToken(target.ownerSub, 'owner@example.test', { expiresInSeconds: -3600 });
      const response = await target.app.api.post('/v1/organizations', {
        token,
        body: { name: '', slug: 'ab', billing_email: 'not-an-email' },
      });

      expectError(response, 401, 'UNAUTHORIZED');
    });

    it.each([
      ['malformed JSON', '{"name": "Acme', 'application/json'],
      ['an empty JSON body', '', 'application/json'],
      ['a text/plain body', 'name=Acme', 'text/plain'],
    ])('answers 401 to %s sent with an unsigned token', async (_description, rawBody, type) => {
      const token = signJwt(claimsFor(target.ownerSub), { algorithm: 'none' });
      const response = await target.app.api.post('/v1/organizations', {
        token,
        rawBody,
        contentType: type,
      });

      expectError(response, 401, 'UNAUTHORIZED');
    });

    it('answers 401 to an invalid update of the organization with a forged token', async () => {
      const token = signJwt(claimsFor(target.ownerSub), { algorithm: 'none' });
      const response = await target.app.api.put(`/v1/organizations/${target.organization.org_id}`, {
        token,
        body: { name: '' },
      });

      expectRefused(response, target);
    });
  });

  describe('changes nothing for a refused token', () => {
    it('creates no organization when the token is refused', async () => {
      const body = organizationBody();
      const forged = signJwt(claimsFor(target.ownerSub), { algorithm: 'none' });
      const refused = await target.app.api.post('/v1/organizations', { token: forged, body });
      const accepted = await target.app.api.post('/v1/organizations', {
        token: newUser().token,
        body,
      });

      expectError(refused, 401, 'UNAUTHORIZED');
      expect(accepted.status).toBe(201);
    });

    it('leaves the organization unchanged when an update carries a refused token', async () => {
      const forged = signJwt(claimsFor(target.ownerSub), {
        algorithm: 'HS512',
        key: TEST_JWT_SECRET,
      });
      const refused = await target.app.api.put(`/v1/organizations/${target.organization.org_id}`, {
        token: forged,
        body: { name: 'Taken Over' },
      });
      const ownerToken = signJwt(claimsFor(target.ownerSub), {
        algorithm: 'HS256',
        key: TEST_JWT_SECRET,
      });
      const after = await readWithToken(target, ownerToken);

      expectRefused(refused, target);
      expect(after.body.name).toBe(target.organization.name);
    });
  });
});

describe('Authentication with a shorter maximum lifetime (JWT_MAX_LIFETIME_SECONDS)', () => {
  let target: Target;

  beforeAll(async () => {
    target = await startTarget(startTestApp({ JWT_MAX_LIFETIME_SECONDS: '3600' }), (sub) =>
      mintToken(sub, 'owner@example.test'),
    );
  });

  afterAll(async () => {
    await target?.app.close();
  });

  it('refuses a token living two hours', async () => {
    const now = nowInSeconds();
    const token = signJwt(claimsFor(target.ownerSub, { iat: now, exp: now + 7_200 }), {
      algorithm: 'HS256',
      key: TEST_JWT_SECRET,
    });

    expectRefused(await readWithToken(target, token), target);
  });

  it('accepts a token living one hour', async () => {
    const now = nowInSeconds();
    const token = signJwt(claimsFor(target.ownerSub, { iat: now, exp: now + 3_600 }), {
      algorithm: 'HS256',
      key: TEST_JWT_SECRET,
    });

    expectReadable(await readWithToken(target, token), target);
  });
});

describe('Authentication with a configured audience (JWT_AUDIENCE)', () => {
  let target: Target;

  beforeAll(async () => {
    target = await startTarget(startTestApp({ JWT_AUDIENCE: AUDIENCE }), (sub) =>
      mintToken(sub, 'owner@example.test', { audience: AUDIENCE }),
    );
  });

  afterAll(async () => {
    await target?.app.close();
  });

  it('accepts a token for the configured audience', async () => {
    const token = signJwt(claimsFor(target.ownerSub, { aud: AUDIENCE }), {
      algorithm: 'HS256',
      key: TEST_JWT_SECRET,
    });

    expectReadable(await readWithToken(target, token), target);
  });

  it('accepts a token whose aud list includes the configured audience', async () => {
    const token = signJwt(
      claimsFor(target.ownerSub, { aud: ['https://other.example.com', AUDIENCE] }),
      { algorithm: 'HS256', key: TEST_JWT_SECRET },
    );

    expectReadable(await readWithToken(target, token), target);
  });

  it('refuses a token for another audience', async () => {
    const token = signJwt(claimsFor(target.ownerSub, { aud: 'https://other.example.com' }), {
      algorithm: 'HS256',
      key: TEST_JWT_SECRET,
    });

    expectRefused(await readWithToken(target, token), target);
  });

  it('refuses a token without aud', async () => {
    const token = signJwt(claimsFor(target.ownerSub), {
      algorithm: 'HS256',
      key: TEST_JWT_SECRET,
    });

    expectRefused(await readWithToken(target, token), target);
  });
});

describe('Authentication with a PEM public key (JWT_PUBLIC_KEY, RS256)', () => {
  let keys: RsaKeyPair;
  let target: Target;

  beforeAll(async () => {
    keys = newRsaKeyPair();
    target = await startTarget(
      startTestAppWithoutSecret({ JWT_PUBLIC_KEY: keys.publicKeyPem }),
      (sub) => signJwt(claimsFor(sub), { algorithm: 'RS256', key: keys.privateKey }),
    );
  });

  afterAll(async () => {
    await target?.app.close();
  });

  it('accepts RS256 signed with the matching private key, for creating and reading', async () => {
    const sub = newUser().sub;
    const token = signJwt(claimsFor(sub), { algorithm: 'RS256', key: keys.privateKey });
    const created = await target.app.api.post('/v1/organizations', {
      token,
      body: organizationBody(),
    });
    const read = await target.app.api.get(`/v1/organizations/${created.body.org_id}`, { token });

    expect(created.status).toBe(201);
    expectOrganizationShape(created.body);
    expect(read.status).toBe(200);
    expect(read.body.org_id).toBe(created.body.org_id);
  });

  it('refuses RS256 signed with a key the service does not know', async () => {
    const stranger = newRsaKeyPair();
    const token = signJwt(claimsFor(target.ownerSub), {
      algorithm: 'RS256',
      key: stranger.privateKey,
    });

    expectRefused(await readWithToken(target, token), target);
  });

  it.each([
    ['the PEM public key as configured', (pem: string) => pem],
    ['the PEM public key without its final newline', (pem: string) => pem.trim()],
  ])('refuses HS256 signed with %s as the secret', async (_description, secretOf) => {
    const token = signJwt(claimsFor(target.ownerSub), {
      algorithm: 'HS256',
      key: secretOf(keys.publicKeyPem),
    });

    expectRefused(await readWithToken(target, token), target);
  });

  it('refuses HS256 signed with a secret, which this configuration does not use', async () => {
    const token = signJwt(claimsFor(target.ownerSub), {
      algorithm: 'HS256',
      key: TEST_JWT_SECRET,
    });

    expectRefused(await readWithToken(target, token), target);
  });

  it.each<TokenAlgorithm>(['RS384', 'RS512'])(
    'refuses %s even when signed with the matching private key',
    async (algorithm) => {
      const token = signJwt(claimsFor(target.ownerSub), { algorithm, key: keys.privateKey });

      expectRefused(await readWithToken(target, token), target);
    },
  );

  it('refuses alg "none"', async () => {
    const token = signJwt(claimsFor(target.ownerSub), { algorithm: 'none' });

    expectRefused(await readWithToken(target, token), target);
  });

  it('refuses an RS256 token that expired more than 30 s ago', async () => {
    const now = nowInSeconds();
    const token = signJwt(claimsFor(target.ownerSub, { iat: now - 600, exp: now - 90 }), {
      algorithm: 'RS256',
      key: keys.privateKey,
    });

    expectRefused(await readWithToken(target, token), target);
  });
});

describe('Authentication with a JWKS endpoint (JWKS_URI, RS256)', () => {
  const KID = 'signing-key-1';
  let keys: RsaKeyPair;
  let jwks: { url: string; close(): Promise<void> };
  let target: Target;

  beforeAll(async () => {
    keys = newRsaKeyPair();
    const jwk = createPublicKey(keys.publicKeyPem).export({ format: 'jwk' });
    jwks = await serveJwks({ keys: [{ ...jwk, kid: KID, alg: 'RS256', use: 'sig' }] });
    target = await startTarget(startTestAppWithoutSecret({ JWKS_URI: jwks.url }), (sub) =>
      signJwt(claimsFor(sub), { algorithm: 'RS256', key: keys.privateKey, kid: KID }),
    );
  });

  afterAll(async () => {
    await target?.app.close();
    await jwks?.close();
  });

  it('accepts RS256 signed with the key the JWKS publishes under the token kid', async () => {
    const token = signJwt(claimsFor(target.ownerSub), {
      algorithm: 'RS256',
      key: keys.privateKey,
      kid: KID,
    });

    expectReadable(await readWithToken(target, token), target);
  });

  it('refuses a token whose kid the JWKS does not publish', async () => {
    const token = signJwt(claimsFor(target.ownerSub), {
      algorithm: 'RS256',
      key: keys.privateKey,
      kid: 'unknown-key',
    });

    expectRefused(await readWithToken(target, token), target);
  });

  it('refuses a token naming a published kid but signed with another key', async () => {
    const stranger = newRsaKeyPair();
    const token = signJwt(claimsFor(target.ownerSub), {
      algorithm: 'RS256',
      key: stranger.privateKey,
      kid: KID,
    });

    expectRefused(await readWithToken(target, token), target);
  });

  it('refuses alg "none" naming a published kid', async () => {
    const token = signJwt(claimsFor(target.ownerSub), { algorithm: 'none', kid: KID });

    expectRefused(await readWithToken(target, token), target);
  });

  it('refuses HS256 signed with the published public key as the secret', async () => {
    const token = signJwt(claimsFor(target.ownerSub), {
      algorithm: 'HS256',
      key: keys.publicKeyPem,
      kid: KID,
    });

    expectRefused(await readWithToken(target, token), target);
  });

  it('refuses a token from another issuer even when its signature verifies', async () => {
    const token = signJwt(claimsFor(target.ownerSub, { iss: `${TEST_ISSUER}.evil.example` }), {
      algorithm: 'RS256',
      key: keys.privateKey,
      kid: KID,
    });

    expectRefused(await readWithToken(target, token), target);
  });
});
