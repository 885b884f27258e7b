import { connect } from 'node:net';
import { expectError, expectFieldError } from './support/expectations.js';
import { organizationBody } from './support/factories.js';
import {
  changeRole,
  inviteAndAccept,
  inviteMember,
  newOrganization,
} from './support/member-flows.js';
import { ORGANIZATIONS_PATH, organizationPath } from './support/organizations.js';
import { snapshotTables } from './support/table-snapshot.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { mintToken, newUser, type TestUser } from './support/tokens.js';

/** Sends raw bytes and returns the raw answer, for requests no HTTP client would form. */
function rawRequest(baseUrl: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);

  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

function envelopeOf(rawAnswer: string): { status: number; body: any; requestId?: string } {
  const [head, body] = rawAnswer.split('\r\n\r\n');

  return {
    status: Number(head.split(' ')[1]),
    body: JSON.parse(body),
    requestId: /x-request-id: (\S+)/i.exec(head)?.[1],
  };
}

function nested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

describe('hostile input', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  describe('bodies', () => {
    it('refuses a body nested thousands of levels deep with 400, not a crash', async () => {
      const owner = newUser();
      const body = organizationBody();
      const response = await app.api.post(ORGANIZATIONS_PATH, {
        token: owner.token,
        rawBody:
          `{"name":"A","slug":"${body.slug}","billing_email":"b@example.com",` +
          `"settings":${nested(5000)}}`,
      });

      expectError(response, 400, 'VALIDATION_ERROR');
      expect(response.body.error.message).toMatch(/nested/);
    });

    it('refuses a compressed body it cannot read with 415', async () => {
      const response = await app.api.post(ORGANIZATIONS_PATH, {
        token: newUser().token,
        body: organizationBody(),
        headers: { 'content-encoding': 'gzip' },
      });

      expectError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('refuses a name with a lone surrogate, not storing a replacement character', async () => {
      const body = organizationBody();
      const response = await app.api.post(ORGANIZATIONS_PATH, {
        token: newUser().token,
        rawBody: JSON.stringify(body).replace('"Acme Corp"', '"A\\ud800B"'),
      });

      expectFieldError(response, 'name', 'format');
    });

    it('refuses a name made only of invisible characters', async () => {
      const response = await app.api.post(ORGANIZATIONS_PATH, {
        token: newUser().token,
        body: organizationBody({ name: '\u200b\u200b' }),
      });

      expectFieldError(response, 'name', 'format');
    });

    it('echoes an unknown key cut at 100 characters and lists at most 100 fields', async () => {
      const longKey = 'k'.repeat(5000);
      const extra: Record<string, number> = { [longKey]: 1 };
      for (let i = 0; i < 300; i += 1) {
        extra[`unknown_${i}`] = i;
      }
      const response = await app.api.post(ORGANIZATIONS_PATH, {
        token: newUser().token,
        body: { ...organizationBody(), ...extra },
      });

      expectError(response, 400, 'VALIDATION_ERROR');
      const fields: { field: string }[] = response.body.error.details.fields;
      expect(fields).toHaveLength(100);
      expect(Math.max(...fields.map((entry) => entry.field.length))).toBeLessThanOrEqual(101);
      expect(response.text.length).toBeLessThan(20_000);
    });
  });

  describe('tokens', () => {
    it('creates the organization and ignores name and email claims too long to store', async () => {
      const sub = newUser().sub;
      const token = mintToken(sub, `${'e'.repeat(300)}@example.test`, {
        extraClaims: { name: 'n'.repeat(3000) },
      });
      const response = await app.api.post(ORGANIZATIONS_PATH, {
        token,
        body: organizationBody(),
      });

      expect(response.status).toBe(201);
    });

    it('refuses a subject with a NUL character with 401', async () => {
      const token = mintToken('usr_\u0000nul', 'nul@example.test');
      const response = await app.api.post(ORGANIZATIONS_PATH, {
        token,
        body: organizationBody(),
      });

      expectError(response, 401, 'UNAUTHORIZED');
    });

    it('refuses a bearer header of two tokens, with a WWW-Authenticate challenge', async () => {
      const user = newUser();
      const response = await app.api.get(ORGANIZATIONS_PATH, {
        headers: { authorization: `Bearer ${user.token} ${user.token}` },
      });

      expectError(response, 401, 'UNAUTHORIZED');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
    });
  });

  describe('paths and queries', () => {
    it('answers 400 to a cursor naming a date that does not exist (February 30)', async () => {
      const cursor = Buffer.from(
        JSON.stringify(['2026-02-30T10:00:00.000000Z', 'org_2ddo2wk4wd2uflpj']),
      ).toString('base64url');
      const response = await app.api.get(`${ORGANIZATIONS_PATH}?limit=1&cursor=${cursor}`, {
        token: newUser().token,
      });

      expectFieldError(response, 'cursor', 'format');
    });

    it('answers 404, not 500, to member ids with a NUL character', async () => {
      const { owner, orgId } = await newOrganization(app);
      const byPath = await changeRole(app, owner, orgId, 'usr_%00', 'admin');
      const byBody = await app.api.post(`${organizationPath(orgId)}/transfer-ownership`, {
        token: owner.token,
        body: { user_id: 'usr_\u0000' },
      });

      expectError(byPath, 404, 'NOT_FOUND');
      expect([400, 404]).toContain(byBody.status);
      expectError(byBody, byBody.status, byBody.status === 400 ? 'VALIDATION_ERROR' : 'NOT_FOUND');
    });

    it('serves members whose user id is 255 characters long', async () => {
      const { owner, orgId } = await newOrganization(app);
      const sub = `usr_${'x'.repeat(251)}`;
      const email = 'long-id@example.test';
      expect((await inviteMember(app, owner, orgId, { email, role: 'analyst' })).status).toBe(201);
      const accepted = await app.api.post(`${organizationPath(orgId)}/invitation/accept`, {
        token: mintToken(sub, email),
      });
      const promoted = await changeRole(app, owner, orgId, sub, 'developer');

      expect(accepted.status).toBe(200);
      expect(promoted.status).toBe(200);
      expect(promoted.body.role).toBe('developer');
    });
  });

  describe('security settings in lists', () => {
    it('lists no organization whose MFA requirement the token does not meet', async () => {
      const sub = newUser().sub;
      const email = 'mfa-lister@example.test';
      const withMfa = mintToken(sub, email, { extraClaims: { amr: ['pwd', 'mfa'] } });
      const withoutMfa = mintToken(sub, email);
      const created = await app.api.post(ORGANIZATIONS_PATH, {
        token: withMfa,
        body: organizationBody({ settings: { mfa_required: true } }),
      });
      const listedWithMfa = await app.api.get(ORGANIZATIONS_PATH, { token: withMfa });
      const listedWithout = await app.api.get(ORGANIZATIONS_PATH, { token: withoutMfa });

      expect(created.status).toBe(201);
      expect(listedWithMfa.body.data.map((org: { org_id: string }) => org.org_id)).toEqual([
        created.body.org_id,
      ]);
      expect(listedWithout.body).toEqual({
        data: [],
        pagination: { cursor: null, has_more: false, total: 0 },
      });
    });
  });

  describe('HTTP the parser refuses', () => {
    it('answers a request line that is not HTTP with the envelope', async () => {
      const answer = envelopeOf(await rawRequest(app.baseUrl, 'GARBAGE\r\n\r\n'));

      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('VALIDATION_ERROR');
      expect(answer.body.error.request_id).toBe(answer.requestId);
    });

    it('answers headers larger than the server accepts with the envelope', async () => {
      const answer = envelopeOf(
        await rawRequest(
          app.baseUrl,
          `GET ${organizationPath('org_')}${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
        ),
      );

      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('VALIDATION_ERROR');
    });
  });
});

/**
 * Every writing endpoint, with a valid body, so each hostile variation below can be sent to all
 * of them. `path` takes the organization and a member of it.
 */
interface WriteEndpoint {
  label: string;
  method: 'POST' | 'PUT';
  path: (orgId: string, memberId: string) => string;
  body: () => Record<string, unknown>;
}

const WRITE_ENDPOINTS: WriteEndpoint[] = [
  { label: 'create', method: 'POST', path: () => ORGANIZATIONS_PATH, body: organizationBody },
  {
    label: 'update',
    method: 'PUT',
    path: (orgId) => organizationPath(orgId),
    body: () => ({
      name: 'Renamed',
      billing_email: 'new@example.test',
      settings: { mfa_required: false, enforce_sso: false, sso_provider: 'okta' },
    }),
  },
  {
    label: 'invite',
    method: 'POST',
    path: (orgId) => `${organizationPath(orgId)}/users`,
    body: () => ({ email: 'hostile-invitee@example.test', role: 'developer' }),
  },
  {
    label: 'change role',
    method: 'PUT',
    path: (orgId, memberId) => `${organizationPath(orgId)}/users/${memberId}/role`,
    body: () => ({ role: 'analyst' }),
  },
  {
    label: 'transfer ownership',
    method: 'POST',
    path: (orgId) => `${organizationPath(orgId)}/transfer-ownership`,
    body: () => ({ user_id: 'usr_nobody_at_all' }),
  },
];

const constraintOf = (response: { body: any }, field: string): string | undefined =>
  response.body?.error?.details?.fields?.find((entry: { field: string }) => entry.field === field)
    ?.constraint;

/** Every key of a body, nested ones by dotted path, with its value. */
function leaves(body: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(body).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;

    return value && typeof value === 'object' && !Array.isArray(value)
      ? leaves(value as Record<string, unknown>, path)
      : [[path, value] as [string, unknown]];
  });
}

/** A copy of `body` with the value at the dotted `path` replaced. */
function withValue(body: Record<string, unknown>, path: string, value: unknown) {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let holder = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    holder = holder[key] as Record<string, unknown>;
  }
  holder[keys[keys.length - 1]] = value;

  return copy;
}

describe('hostile input against every writing endpoint, changing nothing stored', () => {
  let app: TestApp;
  let owner: TestUser;
  let orgId: string;
  let memberId: string;
  let before: Record<string, unknown[]>;

  beforeAll(async () => {
    app = await startTestApp();
    ({ owner, orgId } = await newOrganization(app));
    memberId = (await inviteAndAccept(app, owner, orgId, 'developer')).sub;
    before = await snapshotTables(app.dataSource);
  });

  afterEach(async () => {
    expect(await snapshotTables(app.dataSource)).toEqual(before);
  });

  afterAll(async () => {
    await app?.close();
  });

  const send = (endpoint: WriteEndpoint, options: { body?: unknown; rawBody?: string }) =>
    app.api.request(endpoint.method, endpoint.path(orgId, memberId), {
      token: owner.token,
      ...options,
    });

  describe.each(WRITE_ENDPOINTS.map((endpoint) => [endpoint.label, endpoint] as const))(
    '%s',
    (_label, endpoint) => {
      it('refuses a key written twice, naming it', async () => {
        const body = JSON.stringify(endpoint.body());
        const [firstKey] = Object.keys(endpoint.body());

        const response = await send(endpoint, {
          rawBody: body.replace('{', `{"${firstKey}":${JSON.stringify('first')},`),
        });

        expectFieldError(response, firstKey, 'duplicate_key');
      });

      it.each(['__proto__', 'constructor', 'prototype'])(
        'refuses %s as a key at the top and nested',
        async (key) => {
          const top = await send(endpoint, { rawBody: `{"${key}":{"prototype":{"x":1}}}` });
          const nestedKey = await send(endpoint, {
            rawBody: JSON.stringify(endpoint.body()).replace(
              '{',
              `{"deep":{"deeper":{"${key}":{"prototype":{"isAdmin":true}}}},`,
            ),
          });

          expectError(top, 400, 'VALIDATION_ERROR');
          expectError(nestedKey, 400, 'VALIDATION_ERROR');
        },
      );

      it('refuses null for every field, naming each', async () => {
        // settings.sso_provider is the one field that takes null: it clears the provider.
        const nullable = new Set(['settings.sso_provider']);
        for (const [path] of leaves(endpoint.body()).filter(([key]) => !nullable.has(key))) {
          const response = await send(endpoint, { body: withValue(endpoint.body(), path, null) });

          expectFieldError(response, path);
        }
      });

      it('refuses numbers and booleans written as strings, and strings as numbers', async () => {
        for (const [path, value] of leaves(endpoint.body())) {
          const changed =
            typeof value === 'string' ? 12345 : typeof value === 'boolean' ? String(value) : '1';
          const response = await send(endpoint, {
            body: withValue(endpoint.body(), path, changed),
          });

          expectFieldError(response, path);
          // A field with a fixed vocabulary (role, sso_provider) reports enum.
          expect(constraintOf(response, path)).toMatch(/^(type|enum)$/);
        }
      });

      it('refuses NUL and other control characters in every string field', async () => {
        for (const [path, value] of leaves(endpoint.body())) {
          if (typeof value !== 'string') {
            continue;
          }
          for (const control of ['\u0000', '\u0007', '\u001b[31m', '\u007f']) {
            const response = await send(endpoint, {
              body: withValue(endpoint.body(), path, `${value.slice(0, 3)}${control}x`),
            });

            // A user id is the token's `sub`, stored as issued: no member has this one (404).
            if (path === 'user_id') {
              expectError(response, 404, 'NOT_FOUND');
            } else {
              expectError(response, 400, 'VALIDATION_ERROR');
            }
          }
        }
      });

      it('refuses strings far past every limit with 400, not 413 or 500', async () => {
        for (const [path, value] of leaves(endpoint.body())) {
          if (typeof value !== 'string') {
            continue;
          }
          const response = await send(endpoint, {
            body: withValue(endpoint.body(), path, 'x'.repeat(90_000)),
          });

          expectFieldError(response, path);
          expect(response.text.length).toBeLessThan(2_000);
        }
      });

      it('refuses an array where the body or a nested object belongs', async () => {
        const wrapped = await send(endpoint, { body: [endpoint.body()] });
        expectError(wrapped, 400, 'VALIDATION_ERROR');

        for (const [path, value] of leaves(endpoint.body())) {
          const response = await send(endpoint, {
            body: withValue(endpoint.body(), path, [value]),
          });
          expectFieldError(response, path);
        }
      });

      it('refuses query parameters it does not read, naming them', async () => {
        const response = await app.api.request(
          endpoint.method,
          `${endpoint.path(orgId, memberId)}?name=Other&tier=enterprise`,
          { token: owner.token, body: endpoint.body() },
        );

        expectFieldError(response, 'name', 'unknown_field');
        expectFieldError(response, 'tier', 'unknown_field');
      });
    },
  );

  describe('reads', () => {
    it.each([
      ['an organization', () => organizationPath(orgId)],
      ['a health probe', () => '/health'],
    ])('refuse query parameters on %s, which reads none', async (_what, path) => {
      const response = await app.api.get(`${path()}?debug=true&__proto__=x`, {
        token: owner.token,
      });

      expectFieldError(response, 'debug', 'unknown_field');
      expectFieldError(response, '__proto__', 'unknown_field');
    });

    it('refuse unknown query parameters on the lists, naming them', async () => {
      for (const path of [ORGANIZATIONS_PATH, `${organizationPath(orgId)}/users`]) {
        const response = await app.api.get(`${path}?limit=5&sort=name`, { token: owner.token });

        expectFieldError(response, 'sort', 'unknown_field');
      }
    });

    it.each(['0x10', '1e1', '5.0', '+5', ' 5', '5 ', '', 'abc', '٣', 'Infinity', 'NaN', '1,2'])(
      'refuse limit=%j as not a whole number',
      async (limit) => {
        for (const path of [ORGANIZATIONS_PATH, `${organizationPath(orgId)}/users`]) {
          const response = await app.api.get(`${path}?limit=${encodeURIComponent(limit)}`, {
            token: owner.token,
          });

          expectFieldError(response, 'limit', 'type');
        }
      },
    );

    it.each(['0', '-1', '201', '99999999999999999999999'])(
      'refuse limit=%s as out of range',
      async (limit) => {
        const response = await app.api.get(`${ORGANIZATIONS_PATH}?limit=${limit}`, {
          token: owner.token,
        });

        expectFieldError(response, 'limit', 'range');
      },
    );

    it.each([
      ['bytes that are not base64url', '%00%01%FF'],
      ['base64 of JSON that is not a position', Buffer.from('{"a":1}').toString('base64url')],
      ['base64 of an array of the wrong things', Buffer.from('[1,2,3]').toString('base64url')],
      ['a quote and a semicolon', "x'%3B--"],
      ['201 characters', 'A'.repeat(201)],
    ])('refuse a cursor made of %s', async (_what, cursor) => {
      for (const path of [ORGANIZATIONS_PATH, `${organizationPath(orgId)}/users`]) {
        const response = await app.api.get(`${path}?cursor=${cursor}`, { token: owner.token });

        expectFieldError(response, 'cursor');
      }
    });

    it('refuse a limit or cursor given twice', async () => {
      const twice = await app.api.get(`${ORGANIZATIONS_PATH}?limit=1&limit=2`, {
        token: owner.token,
      });
      const cursors = await app.api.get(`${ORGANIZATIONS_PATH}?cursor=a&cursor=b`, {
        token: owner.token,
      });

      expectFieldError(twice, 'limit', 'type');
      expectFieldError(cursors, 'cursor', 'type');
    });

    it.each([
      ['encoded traversal', '..%2F..%2Fetc%2Fpasswd'],
      ['double-encoded traversal', '%252e%252e%252f'],
      ['dot segments', '%2e%2e'],
      ['a single quote', "org_'%20OR%201=1--"],
      ['a double quote and markup', '%22%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
      ['a backslash', 'org_%5C..%5C'],
      ['a semicolon', 'org_abc%3Bdrop'],
      ['a NUL byte', 'org_%00'],
      ['a lone surrogate', '%ED%A0%80'],
      ['1024 characters', 'o'.repeat(1024)],
    ])('answer an organization id with %s in the envelope, never 5xx', async (_what, id) => {
      for (const path of [
        organizationPath(id),
        `${organizationPath(id)}/users`,
        `${organizationPath(orgId)}/users/${id}/role`,
      ]) {
        const response = path.endsWith('/role')
          ? await app.api.put(path, { token: owner.token, body: { role: 'analyst' } })
          : await app.api.get(path, { token: owner.token });

        expect([400, 404]).toContain(response.status);
        expectError(
          response,
          response.status,
          response.status === 400 ? 'VALIDATION_ERROR' : 'NOT_FOUND',
        );
      }
    });

    it('answers ids far past the path limit with 400 in the envelope', async () => {
      const response = await app.api.get(organizationPath('o'.repeat(5_000)), {
        token: owner.token,
      });

      expectError(response, 400, 'VALIDATION_ERROR');
    });
  });
});
