import { jest } from '@jest/globals';
import {
  expectError,
  expectFieldError,
  expectOrganizationShape,
  ORGANIZATION_KEYS,
} from './support/expectations.js';
import type { ApiResponse } from './support/http.js';
import {
  acceptInvitation,
  changeRole,
  inviteAndAccept,
  inviteMember,
  removeMember,
  transferOwnership,
} from './support/member-flows.js';
import {
  createOrganization,
  type Organization,
  ORGANIZATIONS_PATH,
} from './support/organizations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { newUser, type TestUser } from './support/tokens.js';

jest.setTimeout(120_000);

interface ListedOrganization extends Organization {
  role: string;
}

describe("GET /v1/organizations: the caller's organizations", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  const list = (user: TestUser, query = ''): Promise<ApiResponse> =>
    app.api.get(`${ORGANIZATIONS_PATH}${query}`, { token: user.token });

  /** Creates organizations for `owner` one after the other; returns their ids, oldest first. */
  async function createInOrder(owner: TestUser, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      ids.push((await createOrganization(app.api, owner)).org_id);
    }

    return ids;
  }

  /** The page's ids, after checking the list shape and every item's keys. */
  function pageIds(response: ApiResponse): string[] {
    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual(['data', 'pagination']);
    expect(Object.keys(response.body.pagination)).toEqual(['cursor', 'has_more', 'total']);
    for (const item of response.body.data as ListedOrganization[]) {
      expect(Object.keys(item)).toEqual([...ORGANIZATION_KEYS, 'role']);
    }

    return response.body.data.map((item: ListedOrganization) => item.org_id);
  }

  /** Follows the cursors from the first page; `between` runs before each next page. */
  async function pageThrough(
    user: TestUser,
    limit: number,
    between?: () => Promise<void>,
  ): Promise<string[]> {
    const seen: string[] = [];
    let query = `?limit=${limit}`;
    for (let pages = 0; pages < 100; pages += 1) {
      const response = await list(user, query);
      const ids = pageIds(response);
      expect(ids.length).toBeLessThanOrEqual(limit);
      seen.push(...ids);
      if (!response.body.pagination.has_more) {
        expect(response.body.pagination.cursor).toBeNull();

        return seen;
      }
      await between?.();
      query = `?limit=${limit}&cursor=${encodeURIComponent(response.body.pagination.cursor)}`;
    }
    throw new Error('the pages never ended');
  }

  describe('each item', () => {
    it('is the full organization object followed by the caller role as the last key', async () => {
      const owner = newUser();
      const created = await createOrganization(app.api, owner);

      const response = await list(owner);

      expect(pageIds(response)).toEqual([created.org_id]);
      const [item] = response.body.data;
      expect(Object.keys(item)).toEqual([...ORGANIZATION_KEYS, 'role']);
      const { role, ...organization } = item;
      expectOrganizationShape(organization);
      expect(organization).toEqual(created);
      expect(role).toBe('owner');
    });

    it("says the caller's own role in each organization", async () => {
      const user = newUser();
      const owned = await createOrganization(app.api, user);
      const joined: Record<string, string> = {};
      for (const role of ['admin', 'auditor', 'service_account']) {
        const owner = newUser();
        const { org_id: orgId } = await createOrganization(app.api, owner);
        await inviteMember(app, owner, orgId, { email: user.email, role });
        expect((await acceptInvitation(app, user, orgId)).status).toBe(200);
        joined[orgId] = role;
      }

      const response = await list(user);

      pageIds(response);
      const roles = Object.fromEntries(
        (response.body.data as ListedOrganization[]).map((item) => [item.org_id, item.role]),
      );
      expect(roles).toEqual({ [owned.org_id]: 'owner', ...joined });
    });

    it('follows role changes, transfers and removals on the next request', async () => {
      const owner = newUser();
      const { org_id: orgId } = await createOrganization(app.api, owner);
      const member = await inviteAndAccept(app, owner, orgId, 'developer');
      const roleOf = async (user: TestUser): Promise<string | undefined> => {
        const response = await list(user);
        pageIds(response);

        return (response.body.data as ListedOrganization[]).find((item) => item.org_id === orgId)
          ?.role;
      };
      expect(await roleOf(member)).toBe('developer');

      expect((await changeRole(app, owner, orgId, member.sub, 'admin')).status).toBe(200);
      expect(await roleOf(member)).toBe('admin');

      expect((await transferOwnership(app, owner, orgId, member.sub)).status).toBe(200);
      expect(await roleOf(member)).toBe('owner');
      expect(await roleOf(owner)).toBe('admin');

      expect((await removeMember(app, member, orgId, owner.sub)).status).toBe(204);
      expect(await roleOf(owner)).toBeUndefined();
    });

    it('leaves out organizations the caller is only invited to', async () => {
      const owner = newUser();
      const { org_id: orgId } = await createOrganization(app.api, owner);
      const invitee = newUser();
      await inviteMember(app, owner, orgId, { email: invitee.email, role: 'admin' });

      const response = await list(invitee);

      expect(pageIds(response)).toEqual([]);
      expect(response.body.pagination).toEqual({ cursor: null, has_more: false, total: 0 });
    });
  });

  describe('pagination', () => {
    let prolific: TestUser;
    /** 205 organizations of one owner, newest first. */
    let newestFirst: string[];

    beforeAll(async () => {
      prolific = newUser();
      newestFirst = (await createInOrder(prolific, 205)).reverse();
    });

    it('returns the 50 newest by default, with a cursor and the total', async () => {
      const response = await list(prolific);

      expect(pageIds(response)).toEqual(newestFirst.slice(0, 50));
      expect(response.body.pagination).toMatchObject({ has_more: true, total: 205 });
      expect(typeof response.body.pagination.cursor).toBe('string');
    });

    it('returns up to 200 in a page and goes on from there', async () => {
      const first = await list(prolific, '?limit=200');
      expect(pageIds(first)).toEqual(newestFirst.slice(0, 200));
      expect(first.body.pagination.has_more).toBe(true);

      const cursor = encodeURIComponent(first.body.pagination.cursor);
      const second = await list(prolific, `?limit=200&cursor=${cursor}`);

      expect(pageIds(second)).toEqual(newestFirst.slice(200));
      expect(second.body.pagination).toEqual({ cursor: null, has_more: false, total: 205 });
    });

    it('walks every organization exactly once, newest first', async () => {
      expect(await pageThrough(prolific, 17)).toEqual(newestFirst);
    });

    it('keeps the cursor stable while organizations are added between pages', async () => {
      const user = newUser();
      const before = (await createInOrder(user, 7)).reverse();

      const seen = await pageThrough(user, 3, async () => {
        await createOrganization(app.api, user);
      });

      expect(seen).toEqual(before);
    });

    it('keeps the cursor stable while the caller joins organizations between pages', async () => {
      const user = newUser();
      const before = (await createInOrder(user, 5)).reverse();

      const seen = await pageThrough(user, 2, async () => {
        const other = newUser();
        const { org_id: orgId } = await createOrganization(app.api, other);
        await inviteMember(app, other, orgId, { email: user.email, role: 'analyst' });
        expect((await acceptInvitation(app, user, orgId)).status).toBe(200);
      });

      expect(seen).toEqual(before);
    });

    it('refuses a limit above 200, below 1 or not a whole number, naming limit', async () => {
      for (const limit of ['201', '0', '-1', '1.5', 'fifty', '']) {
        expectFieldError(await list(prolific, `?limit=${limit}`), 'limit');
      }
    });

    it('refuses a garbage cursor, naming cursor', async () => {
      const forged = Buffer.from(JSON.stringify(['yesterday', 'org_x'])).toString('base64url');
      for (const cursor of ['garbage', forged, 'x'.repeat(300), "' OR 1=1 --"]) {
        expectFieldError(await list(prolific, `?cursor=${encodeURIComponent(cursor)}`), 'cursor');
      }
    });

    it('refuses an unknown query parameter, naming it', async () => {
      expectFieldError(await list(prolific, '?page=2'), 'page');
      expectFieldError(await list(prolific, '?limit=10&offset=20'), 'offset');
    });
  });

  it('answers 401 without a token', async () => {
    expectError(await app.api.get(ORGANIZATIONS_PATH), 401, 'UNAUTHORIZED');
  });
});
