import fc from 'fast-check';
import type { ApiResponse } from './support/http.js';
import { inviteAndAccept, newOrganization } from './support/member-flows.js';
import { organizationPath, ORGANIZATIONS_PATH } from './support/organizations.js';
import { snapshotTables } from './support/table-snapshot.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { mintToken, newUser, type TestUser } from './support/tokens.js';

/** Enough runs to reach every endpoint many times; about half a minute on two cores. */
const RUNS = 300;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Every operation of the API, with the organization and member ids it is sent with. */
const OPERATIONS: [Method, (orgId: string, userId: string) => string][] = [
  ['POST', () => ORGANIZATIONS_PATH],
  ['GET', () => ORGANIZATIONS_PATH],
  ['GET', (orgId) => organizationPath(orgId)],
  ['PUT', (orgId) => organizationPath(orgId)],
  ['GET', (orgId) => `${organizationPath(orgId)}/users`],
  ['POST', (orgId) => `${organizationPath(orgId)}/users`],
  ['POST', (orgId) => `${organizationPath(orgId)}/invitation/accept`],
  ['PUT', (orgId, userId) => `${organizationPath(orgId)}/users/${userId}/role`],
  ['DELETE', (orgId, userId) => `${organizationPath(orgId)}/users/${userId}`],
  ['POST', (orgId) => `${organizationPath(orgId)}/transfer-ownership`],
  ['GET', () => '/health'],
  ['GET', () => '/health/ready'],
];

/** The keys the API reads, so generated objects often hit a real field with a wrong value. */
const KNOWN_KEYS = [
  'name',
  'slug',
  'billing_email',
  'cloud_region',
  'settings',
  'mfa_required',
  'enforce_sso',
  'sso_provider',
  'email',
  'role',
  'user_id',
  'tier',
  'status',
  '__proto__',
  'constructor',
  'prototype',
];

const printable = (maxLength: number) =>
  fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${maxLength}}$`));

const key = fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string({ maxLength: 12 }));

const jsonValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 30, unit: 'grapheme' }),
    fc.constantFrom('true', 'false', '0', '1', 'okta', 'admin', 'owner', 'us-east-1', 'a@b.co'),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));

/** A body as sent on the wire: JSON of every shape, broken JSON, or none. */
const rawBody = fc.oneof(
  jsonValue.value.map((value) => JSON.stringify(value)),
  fc.dictionary(key, jsonValue.value, { maxKeys: 6 }).map((value) => JSON.stringify(value)),
  fc
    .dictionary(key, jsonValue.value, { minKeys: 1, maxKeys: 3 })
    .map((value) => JSON.stringify(value).replace(/}$/, `,${JSON.stringify(value).slice(1)}`)),
  fc.string({ maxLength: 60, unit: 'binary' }),
  fc.constantFrom('', '{', '{"name":', 'null', '[]', '{"a":1}}', '\u0000', '{"a":"\\ud800"}'),
  fc.constant(undefined),
);

const contentType = fc.option(
  fc.oneof(
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      'application/jsonx',
    ),
    printable(30),
  ),
  { nil: null },
);

interface Callers {
  owner: TestUser;
  member: TestUser;
  stranger: TestUser;
}

/** Who the request claims to be: the owner, a member, a stranger, or a broken credential. */
const authorization = (callers: Callers) =>
  fc.oneof(
    fc.constantFrom(
      `Bearer ${callers.owner.token}`,
      `Bearer ${callers.member.token}`,
      `Bearer ${callers.stranger.token}`,
      `Bearer ${mintToken(callers.owner.sub, callers.owner.email, { expiresInSeconds: -300 })}`,
      `bearer ${callers.owner.token}`,
      `Bearer ${callers.owner.token} ${callers.owner.token}`,
      `Basic ${Buffer.from('a:b').toString('base64')}`,
    ),
    printable(80).map((garbage) => `Bearer ${garbage}`),
    printable(40),
    fc.constant(undefined),
  );

const extraHeaders = fc.record(
  {
    'x-request-id': fc.oneof(printable(80), fc.constantFrom('req_ok-1', 'req_', 'req_$$$')),
    'content-encoding': fc.constantFrom('gzip', 'identity', 'br', 'x'),
    accept: fc.constantFrom('application/json', 'text/html', '*/*', ''),
    'if-match': printable(20),
    cookie: printable(30),
  },
  { requiredKeys: [] },
);

/** A path id: the real one, or text of any kind, percent-encoded. */
const pathId = (real: string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(real) },
    fc.string({ maxLength: 40, unit: 'grapheme' }).map(encodeURIComponent),
    fc.constantFrom('..%2F..', '%00', "'", '%22', 'org_', 'x'.repeat(300)),
  );

const query = fc.option(
  fc
    .dictionary(fc.constantFrom('limit', 'cursor', 'foo', '__proto__'), printable(12), {
      maxKeys: 2,
    })
    .map((entries) => `?${new URLSearchParams(entries)}`),
  { nil: '' },
);

function expectNoServerErrorAndEnvelope(response: ApiResponse): void {
  expect(response.status).toBeLessThan(500);
  if (response.status >= 400) {
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(response.body)).toEqual(['error']);
    expect(typeof response.body.error.code).toBe('string');
    expect(typeof response.body.error.message).toBe('string');
    expect(response.body.error.request_id).toBe(response.headers.get('x-request-id'));
  }
}

describe('Generated requests against every endpoint (property-based)', () => {
  let app: TestApp;
  let callers: Callers;
  let orgId: string;

  beforeAll(async () => {
    app = await startTestApp();
    const created = await newOrganization(app);
    orgId = created.orgId;
    const member = await inviteAndAccept(app, created.owner, orgId, 'developer');
    callers = { owner: created.owner, member, stranger: newUser() };
  });

  afterAll(async () => {
    await app?.close();
  });

  it('never answers 5xx, answers errors in the envelope, stores nothing it refuses', async () => {
    let stored = await snapshotTables(app.dataSource);

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...OPERATIONS),
        pathId(orgId),
        pathId(callers.member.sub),
        query,
        rawBody,
        contentType,
        authorization(callers),
        extraHeaders,
        async ([method, path], org, user, search, body, type, auth, headers) => {
          // fetch sends no body with GET.
          const sent = method === 'GET' ? undefined : body;
          const response = await app.api.request(method, `${path(org, user)}${search}`, {
            rawBody: sent,
            contentType: sent === undefined && type === null ? undefined : type,
            headers: {
              ...(headers as Record<string, string>),
              ...(auth === undefined ? {} : { authorization: auth }),
            },
          });

          expectNoServerErrorAndEnvelope(response);
          const now = await snapshotTables(app.dataSource);
          if (response.status >= 400) {
            expect(now).toEqual(stored);
          }
          stored = now;
        },
      ),
      { numRuns: RUNS },
    );
  }, 120_000);
});
