import { organizationBody } from './support/factories.js';
import { ORGANIZATIONS_PATH } from './support/organizations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { newUser } from './support/tokens.js';

const ALLOWED_ORIGIN = 'https://app.hatidata.test';
const OTHER_ALLOWED_ORIGIN = 'http://localhost:5173';
const FOREIGN_ORIGIN = 'https://evil.example';

/** Plain fetch, not ApiClient: preflight answers are CORS's, not operations of the document. */
function send(app: TestApp, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${app.baseUrl}${path}`, init);
}

function preflight(app: TestApp, origin: string): Promise<Response> {
  return send(app, ORGANIZATIONS_PATH, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });
}

function expectSecurityHeaders(response: Response): void {
  const headers = response.headers;
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(headers.get('content-security-policy')).toContain("object-src 'none'");
  expect(headers.get('cross-origin-resource-policy')).toBe('same-origin');
  expect(headers.get('origin-agent-cluster')).toBe('?1');
  expect(headers.get('x-dns-prefetch-control')).toBe('off');
  expect(headers.get('x-download-options')).toBe('noopen');
  expect(headers.get('x-permitted-cross-domain-policies')).toBe('none');
  expect(headers.get('x-xss-protection')).toBe('0');
  expect(headers.get('x-powered-by')).toBeNull();
  expect(headers.get('server')).toBeNull();
}

describe('Security headers', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const created: (token: string) => RequestInit = (token) => ({
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify(organizationBody()),
  });

  it.each<[string, string, (token: string) => RequestInit, number]>([
    ['a created organization', ORGANIZATIONS_PATH, created, 201],
    ['a list', ORGANIZATIONS_PATH, (token) => ({ headers: bearer(token) }), 200],
    ['a request without a token', ORGANIZATIONS_PATH, () => ({}), 401],
    ['an unknown route', '/v1/nothing-here', () => ({}), 404],
    ['a liveness probe', '/health', () => ({}), 200],
    ['Swagger UI', '/docs', () => ({}), 200],
    ['the OpenAPI document', '/docs-json', () => ({}), 200],
  ])('are on %s', async (_what, path, init, status) => {
    const response = await send(app, path, init(newUser().token));
    await response.arrayBuffer();

    expect(response.status).toBe(status);
    expectSecurityHeaders(response);
  });

  it('are on answers given before routing: unreadable (415) and huge (413) bodies', async () => {
    const user = newUser();
    const headers = { authorization: `Bearer ${user.token}` };

    const unsupported = await send(app, ORGANIZATIONS_PATH, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/plain' },
      body: 'name=x',
    });
    const tooLarge = await send(app, ORGANIZATIONS_PATH, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(200 * 1024) }),
    });

    expect(unsupported.status).toBe(415);
    expectSecurityHeaders(unsupported);
    expect(tooLarge.status).toBe(413);
    expectSecurityHeaders(tooLarge);
  });

  describe('CORS without CORS_ORIGINS', () => {
    it('sends no CORS header to a cross-origin request', async () => {
      const response = await send(app, '/health', { headers: { origin: ALLOWED_ORIGIN } });

      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    });

    it('grants no preflight: an error in the envelope, without CORS headers', async () => {
      const response = await preflight(app, ALLOWED_ORIGIN);
      const body = (await response.json()) as { error: { code: string } };

      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(body.error.code).toMatch(/^(NOT_FOUND|METHOD_NOT_ALLOWED)$/);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-methods')).toBeNull();
    });
  });
});

describe('CORS with CORS_ORIGINS', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ CORS_ORIGINS: `${ALLOWED_ORIGIN},${OTHER_ALLOWED_ORIGIN}` });
  });

  afterAll(async () => {
    await app?.close();
  });

  it.each([ALLOWED_ORIGIN, OTHER_ALLOWED_ORIGIN])(
    'allows %s, exposing the headers a client reads',
    async (origin) => {
      const user = newUser();

      const response = await send(app, ORGANIZATIONS_PATH, {
        headers: { origin, authorization: `Bearer ${user.token}` },
      });

      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('vary')).toMatch(/origin/i);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      const exposed = (response.headers.get('access-control-expose-headers') ?? '').toLowerCase();
      for (const name of ['x-request-id', 'x-ratelimit-remaining', 'retry-after']) {
        expect(exposed).toContain(name);
      }
      expectSecurityHeaders(response);
    },
  );

  it("answers a listed origin's preflight with the methods and headers it may use", async () => {
    const response = await preflight(app, ALLOWED_ORIGIN);

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect((response.headers.get('access-control-allow-headers') ?? '').toLowerCase()).toContain(
      'authorization',
    );
  });

  it('gives an origin it does not list no CORS header, in answers and preflights', async () => {
    const user = newUser();

    const response = await send(app, ORGANIZATIONS_PATH, {
      headers: { origin: FOREIGN_ORIGIN, authorization: `Bearer ${user.token}` },
    });
    const refusedPreflight = await preflight(app, FOREIGN_ORIGIN);

    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(refusedPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('does not take a listed origin as a prefix of another', async () => {
    const response = await send(app, '/health', {
      headers: { origin: `${ALLOWED_ORIGIN}.evil.example` },
    });

    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
