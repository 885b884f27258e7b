import { jest } from '@jest/globals';
import { organizationBody, uniqueSlug } from './support/factories.js';
import { expectError, expectFieldError } from './support/expectations.js';
import type { ApiResponse } from './support/http.js';
import {
  createOrganization,
  expectSlugStillFree,
  expectUnchanged,
  type Organization,
  ORGANIZATIONS_PATH,
  organizationPath,
} from './support/organizations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { newUser, type TestUser } from './support/tokens.js';

// Starting the app on a fresh database can outlast Jest's 5 s default on a busy machine.
jest.setTimeout(60_000);

const WELL_FORMED_REQUEST_ID = /^req_[A-Za-z0-9_-]{1,64}$/;

/** Asserts one of the allowed [status, code] answers, in the error envelope. */
function expectErrorOneOf(response: ApiResponse, answers: [number, string][]): void {
  expect(answers.map(([status]) => status)).toContain(response.status);
  const [status, code] = answers.find(([allowed]) => allowed === response.status)!;

  expectError(response, status, code);
}

describe('Request handling', () => {
  let app: TestApp;
  let owner: TestUser;
  let organization: Organization;

  beforeAll(async () => {
    app = await startTestApp();
    owner = newUser();
    organization = await createOrganization(app.api, owner);
  });

  afterAll(async () => {
    await app.close();
  });

  const postRaw = (rawBody: string, contentType: string | null = 'application/json') =>
    app.api.post(ORGANIZATIONS_PATH, { token: owner.token, rawBody, contentType });

  const putRaw = (rawBody: string, contentType: string | null = 'application/json') =>
    app.api.put(organizationPath(organization.org_id), {
      token: owner.token,
      rawBody,
      contentType,
    });

  describe('JSON bodies', () => {
    it('rejects malformed or cut-off JSON with 400 in the envelope, changing nothing', async () => {
      const slug = uniqueSlug();
      const bodies = [
        `{"name":"Acme","slug":"${slug}",`,
        "{'name':'Acme'}",
        '{"name":"Acme",}',
        `{"name":"Acme","slug":"${slug}","billing_email":"billing@acme.com"} trailing`,
      ];

      for (const raw of bodies) {
        expectError(await postRaw(raw), 400, 'VALIDATION_ERROR');
        expectError(await putRaw(raw), 400, 'VALIDATION_ERROR');
      }
      await expectUnchanged(app.api, owner, organization);
      await expectSlugStillFree(app.api, owner, slug);
    });

    it('rejects JSON that is not an object with 400, changing nothing', async () => {
      for (const raw of ['[]', '"text"', '42', 'null', 'true', '[{"name":"Acme"}]']) {
        expectError(await postRaw(raw), 400, 'VALIDATION_ERROR');
        expectError(await putRaw(raw), 400, 'VALIDATION_ERROR');
      }
      await expectUnchanged(app.api, owner, organization);
    });

    it('rejects a body that carries __proto__, storing nothing', async () => {
      const body = organizationBody();
      const raw = JSON.stringify(body).replace('{', '{"__proto__":{"tier":"enterprise"},');

      expectError(await postRaw(raw), 400, 'VALIDATION_ERROR');
      expectError(
        await putRaw('{"name":"Renamed","__proto__":{"tier":"enterprise"}}'),
        400,
        'VALIDATION_ERROR',
      );
      await expectUnchanged(app.api, owner, organization);
      await expectSlugStillFree(app.api, owner, body.slug as string);
    });

    it('accepts application/json with a charset parameter', async () => {
      const body = organizationBody();

      const response = await postRaw(JSON.stringify(body), 'application/json; charset=utf-8');

      expect(response.status).toBe(201);
      expect(response.body.slug).toBe(body.slug);
    });

    it('rejects an empty create body with 400, and a bare create with 400 or 415', async () => {
      expectError(await postRaw(''), 400, 'VALIDATION_ERROR');

      const bare = await app.api.post(ORGANIZATIONS_PATH, { token: owner.token });
      expectErrorOneOf(bare, [
        [400, 'VALIDATION_ERROR'],
        [415, 'UNSUPPORTED_MEDIA_TYPE'],
      ]);
    });

    it('rejects an update with an empty body or {} with 400, changing nothing', async () => {
      expectError(await putRaw(''), 400, 'VALIDATION_ERROR');
      expectError(await putRaw('{}'), 400, 'VALIDATION_ERROR');
      await expectUnchanged(app.api, owner, organization);
    });
  });

  describe('content types', () => {
    it('rejects text or form data bodies with 415, storing and changing nothing', async () => {
      const body = organizationBody();
      const form = new URLSearchParams(body as Record<string, string>).toString();

      expectError(await postRaw(JSON.stringify(body), 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectError(
        await postRaw(form, 'application/x-www-form-urlencoded'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expectError(
        await postRaw(JSON.stringify(body), 'application/xml'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expectError(await putRaw('{"name":"Renamed"}', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await expectUnchanged(app.api, owner, organization);
      await expectSlugStillFree(app.api, owner, body.slug as string);
    });
  });

  describe('body size', () => {
    it('rejects a body over 100 KB with 413, keeps serving and stores nothing', async () => {
      const body = organizationBody({ name: 'A'.repeat(200_000) });

      expectError(await postRaw(JSON.stringify(body)), 413, 'PAYLOAD_TOO_LARGE');
      const read = await app.api.get(organizationPath(organization.org_id), { token: owner.token });
      expect(read.status).toBe(200);
      await expectSlugStillFree(app.api, owner, body.slug as string);
    });

    it('reads a body of 100,000 bytes and refuses one of 102,401 bytes as too large', async () => {
      const bodyOfSize = (bytes: number): string => {
        const body = organizationBody({ name: '' });
        const padding = bytes - JSON.stringify(body).length;

        return JSON.stringify({ ...body, name: 'A'.repeat(padding) });
      };
      const under = bodyOfSize(100_000);
      const over = bodyOfSize(102_401);
      expect([Buffer.byteLength(under), Buffer.byteLength(over)]).toEqual([100_000, 102_401]);

      expectFieldError(await postRaw(under), 'name');
      expectError(await postRaw(over), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('rejects an update over 100 KB with 413, changing nothing', async () => {
      const raw = JSON.stringify({
        name: 'Renamed',
        billing_email: `${'x'.repeat(110_000)}@a.com`,
      });

      expectError(await putRaw(raw), 413, 'PAYLOAD_TOO_LARGE');
      await expectUnchanged(app.api, owner, organization);
    });
  });

  describe('routes and methods', () => {
    it('answers an unknown route with 404 NOT_FOUND in the envelope', async () => {
      const user = newUser();

      expectError(await app.api.get('/v1/organisations', { token: user.token }), 404, 'NOT_FOUND');
      expectError(await app.api.get('/v1/nothing-here', { token: user.token }), 404, 'NOT_FOUND');
      expectError(
        await app.api.post('/v2/organizations', { token: user.token, body: {} }),
        404,
        'NOT_FOUND',
      );
      expectError(
        await app.api.get(`${organizationPath(organization.org_id)}/nothing-here`, {
          token: owner.token,
        }),
        404,
        'NOT_FOUND',
      );
    });

    it('answers a method the route does not take with 405 and an Allow header', async () => {
      const patch = await app.api.request('PATCH', organizationPath(organization.org_id), {
        token: owner.token,
        body: { name: 'Patched' },
      });
      const remove = await app.api.request('DELETE', ORGANIZATIONS_PATH, { token: owner.token });
      const postToOne = await app.api.post(organizationPath(organization.org_id), {
        token: owner.token,
        body: { name: 'Posted' },
      });
      const putToAll = await app.api.put(ORGANIZATIONS_PATH, {
        token: owner.token,
        body: { name: 'Put' },
      });

      expectError(patch, 405, 'METHOD_NOT_ALLOWED');
      const patchAllow = (patch.headers.get('allow') ?? '').split(/\s*,\s*/);
      expect(patchAllow).toEqual(expect.arrayContaining(['GET', 'PUT']));
      expect(patchAllow).not.toContain('PATCH');
      expectError(remove, 405, 'METHOD_NOT_ALLOWED');
      const removeAllow = (remove.headers.get('allow') ?? '').split(/\s*,\s*/);
      expect(removeAllow).toContain('POST');
      expect(removeAllow).not.toContain('DELETE');
      expectError(postToOne, 405, 'METHOD_NOT_ALLOWED');
      expect(postToOne.headers.get('allow')).not.toMatch(/POST/);
      expectError(putToAll, 405, 'METHOD_NOT_ALLOWED');
      expect(putToAll.headers.get('allow')).toMatch(/POST/);
      await expectUnchanged(app.api, owner, organization);
    });

    it('answers malformed organization ids with 400 or 404, never 5xx', async () => {
      const ids = [
        'not-an-id',
        '123',
        'org_',
        'ORG_UPPERCASE123',
        '00000000-0000-0000-0000-000000000000',
        `org_${'a'.repeat(3000)}`,
        '%27%3B--',
        '..%2F..%2Fetc%2Fpasswd',
        `${organization.org_id}%00`,
        organization.org_id.toUpperCase(),
      ];
      const answers: [number, string][] = [
        [400, 'VALIDATION_ERROR'],
        [404, 'NOT_FOUND'],
      ];

      for (const id of ids) {
        expectErrorOneOf(
          await app.api.get(`${ORGANIZATIONS_PATH}/${id}`, { token: owner.token }),
          answers,
        );
        expectErrorOneOf(
          await app.api.put(`${ORGANIZATIONS_PATH}/${id}`, {
            token: owner.token,
            body: { name: 'Probe' },
          }),
          answers,
        );
      }
      await expectUnchanged(app.api, owner, organization);
    });
  });

  describe('X-Request-Id', () => {
    it('is on every successful response', async () => {
      const responses = [
        await app.api.post(ORGANIZATIONS_PATH, { token: owner.token, body: organizationBody() }),
        await app.api.get(organizationPath(organization.org_id), { token: owner.token }),
        await app.api.put(organizationPath(organization.org_id), {
          token: owner.token,
          body: { name: organization.name },
        }),
        await app.api.get('/health'),
        await app.api.get('/docs-json'),
      ];

      expect(responses.map((response) => response.status)).toEqual([201, 200, 200, 200, 200]);
      for (const response of responses) {
        expect(response.headers.get('x-request-id')).toMatch(WELL_FORMED_REQUEST_ID);
      }
    });

    it('is on every error response and equals the body request_id', async () => {
      const responses: [ApiResponse, number, string][] = [
        [await postRaw('{"name":'), 400, 'VALIDATION_ERROR'],
        [await app.api.get(organizationPath(organization.org_id)), 401, 'UNAUTHORIZED'],
        [await app.api.get('/v1/nothing-here', { token: owner.token }), 404, 'NOT_FOUND'],
        [
          await app.api.request('PATCH', organizationPath(organization.org_id), {
            token: owner.token,
            body: {},
          }),
          405,
          'METHOD_NOT_ALLOWED',
        ],
        [await postRaw(JSON.stringify(organization)), 400, 'VALIDATION_ERROR'],
        [await postRaw('x'.repeat(200_000)), 413, 'PAYLOAD_TOO_LARGE'],
        [await postRaw('{}', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ];

      for (const [response, status, code] of responses) {
        expectError(response, status, code);
        expect(response.headers.get('x-request-id')).toMatch(WELL_FORMED_REQUEST_ID);
      }
    });

    it('makes a new id for each request that sends none', async () => {
      const ids = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const response = await app.api.get('/health');

          return response.headers.get('x-request-id');
        }),
      );

      expect(new Set(ids).size).toBe(10);
    });

    it('keeps a well-formed incoming id on success and on error', async () => {
      const ids = ['req_abc', 'req_A-b_9', `req_${'x'.repeat(64)}`];

      for (const id of ids) {
        const ok = await app.api.get(organizationPath(organization.org_id), {
          token: owner.token,
          headers: { 'x-request-id': id },
        });
        const refused = await app.api.get(organizationPath(organization.org_id), {
          headers: { 'x-request-id': id },
        });

        expect(ok.status).toBe(200);
        expect(ok.headers.get('x-request-id')).toBe(id);
        expectError(refused, 401, 'UNAUTHORIZED');
        expect(refused.body.error.request_id).toBe(id);
      }
    });

    it('replaces an incoming id that is not well formed', async () => {
      const ids = [
        'abc',
        'req_',
        'REQ_abc',
        `req_${'x'.repeat(65)}`,
        'req_abc def',
        'req_abc!',
        'req_abc/../x',
        'req_ünïcode',
        "req_abc';DROP",
      ];

      for (const id of ids) {
        const ok = await app.api.get('/health', { headers: { 'x-request-id': id } });
        const refused = await app.api.get('/v1/nothing-here', {
          token: owner.token,
          headers: { 'x-request-id': id },
        });

        expect(ok.headers.get('x-request-id')).toMatch(WELL_FORMED_REQUEST_ID);
        expect(ok.headers.get('x-request-id')).not.toBe(id);
        expectError(refused, 404, 'NOT_FOUND');
        expect(refused.body.error.request_id).not.toBe(id);
      }
    });
  });
});
