import { connect } from 'node:net';
import { expectError, expectFieldError } from './support/expectations.js';
import { organizationBody } from './support/factories.js';
import { changeRole, inviteMember, newOrganization } from './support/member-flows.js';
import { ORGANIZATIONS_PATH, organizationPath } from './support/organizations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { mintToken, newUser } from './support/tokens.js';

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
