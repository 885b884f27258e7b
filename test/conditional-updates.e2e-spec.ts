import { jest } from '@jest/globals';
import { expectError, expectFieldError } from './support/expectations.js';
import type { ApiResponse } from './support/http.js';
import { addMember } from './support/memberships.js';
import {
  backdateOrganization,
  createOrganization,
  type Organization,
  ORGANIZATIONS_PATH,
  organizationPath,
} from './support/organizations.js';
import { countRoundTrips } from './support/round-trips.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { newUser, type TestUser } from './support/tokens.js';

jest.setTimeout(120_000);

/** Each race runs this many times on a fresh organization: one lucky ordering proves little. */
const ROUNDS = 5;

const STRONG_TAG = /^"[0-9]+"$/;

describe('Conditional requests: ETag, If-Match and If-None-Match', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  const read = (user: TestUser, orgId: string, headers: Record<string, string> = {}) =>
    app.api.get(organizationPath(orgId), { token: user.token, headers });

  const update = (
    user: TestUser,
    orgId: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse> =>
    app.api.put(organizationPath(orgId), { token: user.token, body, headers });

  async function ownedOrganization(): Promise<{
    owner: TestUser;
    organization: Organization;
    etag: string;
  }> {
    const owner = newUser();
    const organization = await createOrganization(app.api, owner);
    const current = await read(owner, organization.org_id);
    expect(current.status).toBe(200);

    return { owner, organization: current.body, etag: etagOf(current) };
  }

  function etagOf(response: ApiResponse): string {
    const etag = response.headers.get('etag');
    expect(etag).toMatch(STRONG_TAG);

    return etag as string;
  }

  describe('ETag', () => {
    it('comes with the created organization, and a GET of it answers the same tag', async () => {
      const owner = newUser();
      const created = await app.api.post(ORGANIZATIONS_PATH, {
        token: owner.token,
        body: { name: 'Tagged', slug: `tagged-${Date.now()}`, billing_email: 'b@acme.com' },
      });
      expect(created.status).toBe(201);

      const first = await read(owner, created.body.org_id);
      const second = await read(owner, created.body.org_id);

      expect(etagOf(created)).toBe(etagOf(first));
      expect(etagOf(second)).toBe(etagOf(first));
    });

    it('changes with every change a PUT makes, and the PUT answers the new tag', async () => {
      const { owner, organization, etag } = await ownedOrganization();
      const seen = [etag];

      for (const body of [
        { name: 'Renamed Once' },
        { billing_email: 'finance@acme.com' },
        { settings: { sso_provider: 'okta' } },
      ]) {
        const response = await update(owner, organization.org_id, body);
        expect(response.status).toBe(200);
        const current = await read(owner, organization.org_id);
        expect(etagOf(current)).toBe(etagOf(response));
        seen.push(etagOf(response));
      }

      expect(new Set(seen).size).toBe(seen.length);
    });

    it('stays the same when a PUT changes nothing', async () => {
      const { owner, organization, etag } = await ownedOrganization();

      const response = await update(owner, organization.org_id, { name: organization.name });

      expect(response.status).toBe(200);
      expect(etagOf(response)).toBe(etag);
      expect(etagOf(await read(owner, organization.org_id))).toBe(etag);
    });

    it('changes when the row is changed outside the API, by any UPDATE', async () => {
      const { owner, organization, etag } = await ownedOrganization();

      await backdateOrganization(app.dataSource, organization.org_id);

      expect(etagOf(await read(owner, organization.org_id))).not.toBe(etag);
    });

    it('is not sent on the list of organizations, whose entries carry no single tag', async () => {
      const { owner } = await ownedOrganization();

      const list = await app.api.get(ORGANIZATIONS_PATH, { token: owner.token });

      expect(list.status).toBe(200);
      expect(list.headers.get('etag')).toBeNull();
    });
  });

  describe('GET with If-None-Match', () => {
    it('answers 304 without a body while the tag is current, with the ETag', async () => {
      const { owner, organization, etag } = await ownedOrganization();

      const response = await read(owner, organization.org_id, { 'if-none-match': etag });

      expect(response.status).toBe(304);
      expect(response.text).toBe('');
      expect(response.headers.get('etag')).toBe(etag);
      expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    });

    it.each([
      ['the weak form of the current tag', (etag: string) => `W/${etag}`],
      ['a list that holds the current tag', (etag: string) => `"0", ${etag}`],
      ['*', () => '*'],
    ])('answers 304 to %s', async (_description, header) => {
      const { owner, organization, etag } = await ownedOrganization();

      const response = await read(owner, organization.org_id, { 'if-none-match': header(etag) });

      expect(response.status).toBe(304);
    });

    it('answers 200 with the organization once it has changed', async () => {
      const { owner, organization, etag } = await ownedOrganization();
      const changed = await update(owner, organization.org_id, { name: 'Changed Since' });
      expect(changed.status).toBe(200);

      const response = await read(owner, organization.org_id, { 'if-none-match': etag });

      expect(response.status).toBe(200);
      expect(response.body.name).toBe('Changed Since');
      expect(etagOf(response)).toBe(etagOf(changed));
    });

    it('still answers 404 to a non-member and 403 to a member refused by MFA', async () => {
      const { owner, organization, etag } = await ownedOrganization();
      const outsider = await read(newUser(), organization.org_id, { 'if-none-match': etag });
      await app.dataSource.query('UPDATE organizations SET mfa_required = true WHERE org_id = $1', [
        organization.org_id,
      ]);

      expectError(outsider, 404, 'NOT_FOUND');
      expectError(
        await read(owner, organization.org_id, { 'if-none-match': '*' }),
        403,
        'FORBIDDEN',
      );
    });

    it('refuses a malformed If-None-Match with 400 naming the header', async () => {
      const { owner, organization } = await ownedOrganization();

      const response = await read(owner, organization.org_id, { 'if-none-match': 'abc' });

      expectFieldError(response, 'If-None-Match', 'format');
    });
  });

  describe('GET with If-Match', () => {
    it('answers 200 when the tag is current and 412 with the current tag when not', async () => {
      const { owner, organization, etag } = await ownedOrganization();

      const current = await read(owner, organization.org_id, { 'if-match': etag });
      const stale = await read(owner, organization.org_id, { 'if-match': '"0"' });

      expect(current.status).toBe(200);
      expectError(stale, 412, 'PRECONDITION_FAILED');
      expect(stale.body.error.details).toEqual({ current_etag: etag });
    });
  });

  describe('PUT with If-Match', () => {
    it('applies the change when the tag is current and answers the new tag', async () => {
      const { owner, organization, etag } = await ownedOrganization();

      const response = await update(
        owner,
        organization.org_id,
        { name: 'Matched' },
        {
          'if-match': etag,
        },
      );

      expect(response.status).toBe(200);
      expect(response.body.name).toBe('Matched');
      expect(etagOf(response)).not.toBe(etag);
    });

    it('refuses a stale tag with 412 and the current tag in details; changes nothing', async () => {
      const { owner, organization, etag } = await ownedOrganization();
      const first = await update(
        owner,
        organization.org_id,
        { name: 'First Writer' },
        {
          'if-match': etag,
        },
      );
      expect(first.status).toBe(200);

      const second = await update(
        owner,
        organization.org_id,
        { name: 'Second Writer' },
        {
          'if-match': etag,
        },
      );

      expectError(second, 412, 'PRECONDITION_FAILED');
      expect(second.body.error.details).toEqual({ current_etag: etagOf(first) });
      const current = await read(owner, organization.org_id);
      expect(current.body).toEqual(first.body);
    });

    it('matches any current organization with If-Match: *', async () => {
      const { owner, organization } = await ownedOrganization();

      const response = await update(
        owner,
        organization.org_id,
        { name: 'Any Tag' },
        {
          'if-match': '*',
        },
      );

      expect(response.status).toBe(200);
    });

    it('compares strongly: the weak form of the current tag does not match', async () => {
      const { owner, organization, etag } = await ownedOrganization();

      const response = await update(
        owner,
        organization.org_id,
        { name: 'Weak' },
        {
          'if-match': `W/${etag}`,
        },
      );

      expectError(response, 412, 'PRECONDITION_FAILED');
    });

    it('applies the change when the current tag is one of a list', async () => {
      const { owner, organization, etag } = await ownedOrganization();

      const response = await update(
        owner,
        organization.org_id,
        { name: 'In The List' },
        {
          'if-match': `"999999", ${etag}`,
        },
      );

      expect(response.status).toBe(200);
    });

    it('answers 412 to If-None-Match with the current tag: it would overwrite it', async () => {
      const { owner, organization, etag } = await ownedOrganization();

      const response = await update(
        owner,
        organization.org_id,
        { name: 'Not Allowed' },
        {
          'if-none-match': etag,
        },
      );

      expectError(response, 412, 'PRECONDITION_FAILED');
    });

    it.each([
      ['an unquoted tag', '7'],
      ['a tag with a space', '"a b"'],
      ['* inside a list', '"1", *'],
    ])('refuses %s in If-Match with 400 naming the header', async (_description, header) => {
      const { owner, organization } = await ownedOrganization();

      const response = await update(
        owner,
        organization.org_id,
        { name: 'Malformed' },
        {
          'if-match': header,
        },
      );

      expectFieldError(response, 'If-Match', 'format');
      expect((await read(owner, organization.org_id)).body.name).toBe(organization.name);
    });

    it('checks access first: 404 for a non-member, 403 for an analyst', async () => {
      const { organization, etag } = await ownedOrganization();
      const analyst = await addMember(app.dataSource, organization.org_id, 'analyst');

      const outsider = await update(
        newUser(),
        organization.org_id,
        { name: 'X' },
        {
          'if-match': '"0"',
        },
      );
      const reader = await update(
        analyst,
        organization.org_id,
        { name: 'X' },
        {
          'if-match': etag,
        },
      );

      expectError(outsider, 404, 'NOT_FOUND');
      expectError(reader, 403, 'FORBIDDEN');
    });
  });

  describe('racing PUTs', () => {
    it('gives two PUTs with the same If-Match exactly one 200 and one 412', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, organization, etag } = await ownedOrganization();

        const responses = await Promise.all(
          ['Writer A', 'Writer B'].map((name) =>
            update(owner, organization.org_id, { name }, { 'if-match': etag }),
          ),
        );

        const winners = responses.filter((response) => response.status === 200);
        const losers = responses.filter((response) => response.status === 412);
        expect([winners.length, losers.length]).toEqual([1, 1]);
        expectError(losers[0], 412, 'PRECONDITION_FAILED');
        expect(losers[0].body.error.details.current_etag).toBe(etagOf(winners[0]));
        const current = await read(owner, organization.org_id);
        expect(current.body.name).toBe(winners[0].body.name);
        expect(etagOf(current)).toBe(etagOf(winners[0]));
      }
    });

    it('gives ten PUTs with the same If-Match exactly one winner', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, organization, etag } = await ownedOrganization();

        const responses = await Promise.all(
          Array.from({ length: 10 }, (_, index) =>
            update(owner, organization.org_id, { name: `Writer ${index}` }, { 'if-match': etag }),
          ),
        );

        const statuses = responses.map((response) => response.status).sort();
        expect(statuses).toEqual([200, ...Array(9).fill(412)]);
      }
    });

    it('applies every one of parallel PUTs without If-Match, each with its own tag', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, organization, etag } = await ownedOrganization();

        const responses = await Promise.all(
          Array.from({ length: 5 }, (_, index) =>
            update(owner, organization.org_id, { name: `Unconditional ${index}` }),
          ),
        );

        expect(responses.map((response) => response.status)).toEqual(Array(5).fill(200));
        const tags = responses.map(etagOf);
        expect(new Set([etag, ...tags]).size).toBe(6);
        const current = await read(owner, organization.org_id);
        expect(tags).toContain(etagOf(current));
      }
    });
  });

  describe('cost', () => {
    it('reads with one database round trip and updates with two, 304 included', async () => {
      const { owner, organization, etag } = await ownedOrganization();

      const get = await countRoundTrips(() => read(owner, organization.org_id));
      const notModified = await countRoundTrips(() =>
        read(owner, organization.org_id, { 'if-none-match': etag }),
      );
      const put = await countRoundTrips(() =>
        update(owner, organization.org_id, { name: 'Cheap' }, { 'if-match': etag }),
      );

      expect({ get, notModified, put }).toEqual({ get: 1, notModified: 1, put: 2 });
    });
  });
});
