import { randomBytes } from 'node:crypto';
import { organizationBody } from './support/factories.js';
import type { ApiResponse } from './support/http.js';
import { organizationPath, ORGANIZATIONS_PATH } from './support/organizations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { mintToken, newUser } from './support/tokens.js';

type LogLine = Record<string, unknown> & { message?: string; level?: string };

/** Every line the service writes, as written. */
class LogCapture {
  readonly raw: string[] = [];

  write(line: string): void {
    this.raw.push(line);
  }

  get lines(): LogLine[] {
    return this.raw.map((line) => JSON.parse(line) as LogLine);
  }

  get text(): string {
    return this.raw.join('');
  }

  /** The lines about one request, by the id it was answered with. */
  ofRequest(response: ApiResponse): LogLine[] {
    const id = response.headers.get('x-request-id');

    return this.lines.filter((line) => line.request_id === id);
  }
}

const marker = (label: string): string => `${label}${randomBytes(6).toString('hex')}`;

/** Lines are written once the response has gone; give the hook a moment. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('Structured logs', () => {
  const logs = new LogCapture();
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ LOG_LEVEL: 'verbose' }, { logs });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('writes one JSON object per line', () => {
    expect(logs.raw.length).toBeGreaterThan(0);
    for (const line of logs.raw) {
      expect(line.endsWith('\n')).toBe(true);
      expect(() => JSON.parse(line)).not.toThrow();
    }
  });

  it('writes one line per request: method, route, status, duration and request id', async () => {
    const owner = newUser();
    const created = await app.api.post(ORGANIZATIONS_PATH, {
      token: owner.token,
      body: organizationBody(),
    });

    const read = await app.api.get(organizationPath(created.body.org_id), { token: owner.token });
    await settle();

    const lines = logs.ofRequest(read).filter((line) => line.message === 'request completed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/v1/organizations/:org_id',
      status: 200,
    });
    expect(typeof lines[0].duration_ms).toBe('number');
    expect(typeof lines[0].time).toBe('string');
  });

  it('logs errors and unknown routes too, without the URL that was asked for', async () => {
    const secretPath = `/v1/${marker('nowhere')}`;

    const unknown = await app.api.get(secretPath);
    const refused = await app.api.get(ORGANIZATIONS_PATH);
    await settle();

    expect(logs.ofRequest(unknown)).toEqual([
      expect.objectContaining({ message: 'request completed', route: null, status: 404 }),
    ]);
    expect(logs.ofRequest(refused)).toEqual([
      expect.objectContaining({ route: ORGANIZATIONS_PATH, status: 401 }),
    ]);
    expect(logs.text).not.toContain(secretPath);
  });

  it("keeps a caller's well-formed X-Request-Id in the request's line", async () => {
    const requestId = `req_${marker('mine')}`;

    await app.api.get('/health', { headers: { 'x-request-id': requestId } });
    await settle();

    expect(logs.lines.filter((line) => line.request_id === requestId)).toHaveLength(1);
  });

  it('writes one line per state change, carrying the id of the request that made it', async () => {
    const owner = newUser();

    const created = await app.api.post(ORGANIZATIONS_PATH, {
      token: owner.token,
      body: organizationBody(),
    });
    await settle();

    const lines = logs.ofRequest(created);
    expect(lines.map((line) => line.message)).toEqual([
      'organization created',
      'request completed',
    ]);
    expect(lines[0]).toMatchObject({
      level: 'info',
      context: 'OrganizationsService',
      org_id: created.body.org_id,
      user_id: owner.sub,
    });
  });

  it('never writes tokens, cookies, email addresses or bodies', async () => {
    const owner = newUser();
    const inviteeEmail = `${marker('invitee')}@example.test`;
    const billingEmail = `${marker('billing')}@example.test`;
    const secretName = marker('Secret Name ');
    const cookie = marker('session-cookie-');
    const garbageToken = `${marker('eyJhbGciOi')}.${marker('x')}.${marker('y')}`;
    const headers = { cookie: `session=${cookie}` };

    const created = await app.api.post(ORGANIZATIONS_PATH, {
      token: owner.token,
      headers,
      body: organizationBody({ name: secretName, billing_email: billingEmail }),
    });
    const orgPath = organizationPath(created.body.org_id);
    await app.api.post(`${orgPath}/users`, {
      token: owner.token,
      headers,
      body: { email: inviteeEmail, role: 'developer' },
    });
    await app.api.put(orgPath, {
      token: owner.token,
      headers,
      body: { name: secretName, [marker('unknown_key_')]: billingEmail },
    });
    await app.api.post(ORGANIZATIONS_PATH, {
      token: owner.token,
      rawBody: `{"name": "${secretName}", "billing_email": "${billingEmail}"`,
    });
    await app.api.get(ORGANIZATIONS_PATH, { token: garbageToken, headers });
    const invitee = mintToken(`usr_${marker('')}`, inviteeEmail);
    await app.api.post(`${orgPath}/invitation/accept`, { token: invitee, headers });
    await settle();

    const text = logs.text;
    expect(created.status).toBe(201);
    for (const secret of [
      owner.token,
      owner.token.split('.')[2],
      invitee,
      garbageToken,
      cookie,
      owner.email,
      inviteeEmail,
      billingEmail,
      secretName,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/);
    expect(text).not.toMatch(/authorization|bearer|cookie/i);
  });

  it('logs the stack of an unexpected failure in one line, none of it to the client', async () => {
    const owner = newUser();
    const created = await app.api.post(ORGANIZATIONS_PATH, {
      token: owner.token,
      body: organizationBody(),
    });
    // A schema the code does not expect: every access check now fails.
    await app.dataSource.query(
      'ALTER TABLE organization_memberships RENAME COLUMN role TO renamed_role',
    );

    try {
      const failed = await app.api.get(organizationPath(created.body.org_id), {
        token: owner.token,
      });
      await settle();

      expect(failed.status).toBe(500);
      expect(failed.text).not.toMatch(/renamed_role|column|stack|at /i);
      const lines = logs.ofRequest(failed);
      const failures = lines.filter((line) => line.message === 'unexpected failure');
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ level: 'error', route: '/v1/organizations/:org_id' });
      expect(String(failures[0].stack)).toMatch(/\n\s+at /);
      expect(lines.find((line) => line.message === 'request failed')).toMatchObject({
        level: 'warn',
        status: 500,
      });
    } finally {
      await app.dataSource.query(
        'ALTER TABLE organization_memberships RENAME COLUMN renamed_role TO role',
      );
    }
  });
});

describe('LOG_LEVEL', () => {
  const logs = new LogCapture();
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ LOG_LEVEL: 'warn' }, { logs });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('leaves out lines below the configured level', async () => {
    const owner = newUser();

    await app.api.post(ORGANIZATIONS_PATH, { token: owner.token, body: organizationBody() });
    await settle();

    expect(logs.lines.filter((line) => line.level === 'info')).toEqual([]);
  });
});
