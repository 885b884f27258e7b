import { jest } from '@jest/globals';
import { claimsOf, craftToken, foreignRsaKeys } from './support/crafted-tokens.js';
import { organizationBody } from './support/factories.js';
import { expectError, expectOrganizationShape } from './support/expectations.js';
import type { ApiResponse } from './support/http.js';
import {
  addMember,
  ALL_ROLES,
  type MembershipRole,
  updateMembership,
} from './support/memberships.js';
import {
  createOrganization,
  expectSlugStillFree,
  expectUnchanged,
  type Organization,
  ORGANIZATIONS_PATH,
  organizationPath,
} from './support/organizations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { mintToken, newUser, type TestUser } from './support/tokens.js';

// Starting the app on a fresh database can outlast Jest's 5 s default on a busy machine.
jest.setTimeout(60_000);

const ROLES_THAT_MAY_UPDATE: readonly MembershipRole[] = ['owner', 'admin'];
const ROLES_THAT_MAY_NOT_UPDATE = ALL_ROLES.filter((role) => !ROLES_THAT_MAY_UPDATE.includes(role));

/** The parts of an error answer a client can compare; the request id differs by design. */
function comparable(response: ApiResponse): unknown {
  const { request_id: _requestId, ...error } = response.body?.error ?? {};

  return { status: response.status, contentType: response.headers.get('content-type'), error };
}

describe('Who may read and update an organization', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  const read = (token: string, orgId: string): Promise<ApiResponse> =>
    app.api.get(organizationPath(orgId), { token });

  const update = (token: string, orgId: string, body: unknown): Promise<ApiResponse> =>
    app.api.put(organizationPath(orgId), { token, body });

  async function ownedOrganization(): Promise<{ owner: TestUser; organization: Organization }> {
    const owner = newUser();

    return { owner, organization: await createOrganization(app.api, owner) };
  }

  /** An id in the service's format that belongs to no organization. */
  async function missingOrganizationId(): Promise<string> {
    const { organization } = await ownedOrganization();
    await app.dataSource.query('DELETE FROM organizations WHERE org_id = $1', [
      organization.org_id,
    ]);

    return organization.org_id;
  }

  describe('a caller who is not a member', () => {
    it('gets 404 on GET, exactly as for an organization that does not exist', async () => {
      const { organization } = await ownedOrganization();
      const stranger = newUser();

      const hidden = await read(stranger.token, organization.org_id);
      const missing = await read(stranger.token, await missingOrganizationId());

      expectError(hidden, 404, 'NOT_FOUND');
      expectError(missing, 404, 'NOT_FOUND');
      expect(comparable(hidden)).toEqual(comparable(missing));
      expect(hidden.text).not.toContain(organization.slug);
    });

    it('gets 404 on PUT, exactly as for a missing organization, and changes nothing', async () => {
      const { owner, organization } = await ownedOrganization();
      const stranger = newUser();
      const body = { name: 'Taken Over' };

      const hidden = await update(stranger.token, organization.org_id, body);
      const missing = await update(stranger.token, await missingOrganizationId(), body);

      expectError(hidden, 404, 'NOT_FOUND');
      expect(comparable(hidden)).toEqual(comparable(missing));
      await expectUnchanged(app.api, owner, organization);
    });

    it('gets nothing from being the owner of another organization', async () => {
      const { owner: otherOwner } = await ownedOrganization();
      const { owner, organization } = await ownedOrganization();

      expectError(await read(otherOwner.token, organization.org_id), 404, 'NOT_FOUND');
      expectError(
        await update(otherOwner.token, organization.org_id, { name: 'X' }),
        404,
        'NOT_FOUND',
      );
      await expectUnchanged(app.api, owner, organization);
    });
  });

  describe('an active member', () => {
    it.each(ALL_ROLES.filter((role) => role !== 'owner'))(
      'with the role %s may read the organization',
      async (role) => {
        const { organization } = await ownedOrganization();
        const member = await addMember(app.dataSource, organization.org_id, role);

        const response = await read(member.token, organization.org_id);

        expect(response.status).toBe(200);
        expectOrganizationShape(response.body);
        expect(response.body).toEqual(organization);
      },
    );

    it('with the role owner may read and update the organization', async () => {
      const { owner, organization } = await ownedOrganization();

      expect((await read(owner.token, organization.org_id)).status).toBe(200);
      const response = await update(owner.token, organization.org_id, { name: 'By The Owner' });
      expect(response.status).toBe(200);
      expect(response.body.name).toBe('By The Owner');
    });

    it('with the role admin may update the organization', async () => {
      const { owner, organization } = await ownedOrganization();
      const admin = await addMember(app.dataSource, organization.org_id, 'admin');

      const response = await update(admin.token, organization.org_id, {
        name: 'By An Admin',
        billing_email: 'admin-billing@acme.com',
      });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        name: 'By An Admin',
        billing_email: 'admin-billing@acme.com',
      });
      await expectUnchanged(app.api, owner, response.body);
    });

    it.each(ROLES_THAT_MAY_NOT_UPDATE)(
      'with the role %s gets 403 FORBIDDEN on PUT and changes nothing',
      async (role) => {
        const { owner, organization } = await ownedOrganization();
        const member = await addMember(app.dataSource, organization.org_id, role);

        const response = await update(member.token, organization.org_id, {
          name: 'Not Allowed',
          settings: { mfa_required: true },
        });

        expectError(response, 403, 'FORBIDDEN');
        await expectUnchanged(app.api, owner, organization);
      },
    );
  });

  describe('claims in the token', () => {
    it('grant nothing to a non-member whose token says "role": "owner"', async () => {
      const { owner, organization } = await ownedOrganization();
      const stranger = newUser();
      const token = mintToken(stranger.sub, stranger.email, {
        extraClaims: {
          role: 'owner',
          roles: ['owner', 'admin'],
          org_id: organization.org_id,
          org_role: 'owner',
        },
      });

      expectError(await read(token, organization.org_id), 404, 'NOT_FOUND');
      expectError(await update(token, organization.org_id, { name: 'Claimed' }), 404, 'NOT_FOUND');
      await expectUnchanged(app.api, owner, organization);
    });

    it('do not lift a developer to owner or admin', async () => {
      const { owner, organization } = await ownedOrganization();
      const developer = await addMember(app.dataSource, organization.org_id, 'developer');

      for (const role of ['owner', 'admin']) {
        const token = mintToken(developer.sub, developer.email, {
          extraClaims: { role, roles: [role], org_id: organization.org_id },
        });

        expectError(
          await update(token, organization.org_id, { name: 'Claimed' }),
          403,
          'FORBIDDEN',
        );
      }
      await expectUnchanged(app.api, owner, organization);
    });

    it('give no one else the owner rights by naming the owner email', async () => {
      const { owner, organization } = await ownedOrganization();
      const impostor = newUser();
      const token = mintToken(impostor.sub, owner.email);

      expectError(await read(token, organization.org_id), 404, 'NOT_FOUND');
      expectError(await update(token, organization.org_id, { name: 'Claimed' }), 404, 'NOT_FOUND');
    });
  });

  describe('a membership that is not active', () => {
    it.each(['suspended', 'invited'] as const)(
      'grants nothing while %s: 404 on GET and PUT, as for a non-member',
      async (status) => {
        const { owner, organization } = await ownedOrganization();
        const member = await addMember(app.dataSource, organization.org_id, 'admin', status);
        const stranger = newUser();

        const readByMember = await read(member.token, organization.org_id);
        const readByStranger = await read(stranger.token, organization.org_id);
        const updateByMember = await update(member.token, organization.org_id, { name: 'X' });

        expectError(readByMember, 404, 'NOT_FOUND');
        expect(comparable(readByMember)).toEqual(comparable(readByStranger));
        expectError(updateByMember, 404, 'NOT_FOUND');
        await expectUnchanged(app.api, owner, organization);
      },
    );
  });

  describe('the stored membership decides on every request', () => {
    it('takes a demotion from admin to analyst into account at once', async () => {
      const { organization } = await ownedOrganization();
      const admin = await addMember(app.dataSource, organization.org_id, 'admin');
      expect((await update(admin.token, organization.org_id, { name: 'First' })).status).toBe(200);

      await updateMembership(app.dataSource, organization.org_id, admin.sub, { role: 'analyst' });

      expectError(
        await update(admin.token, organization.org_id, { name: 'Second' }),
        403,
        'FORBIDDEN',
      );
      expect((await read(admin.token, organization.org_id)).status).toBe(200);
    });

    it('takes a suspension into account at once', async () => {
      const { organization } = await ownedOrganization();
      const admin = await addMember(app.dataSource, organization.org_id, 'admin');
      expect((await read(admin.token, organization.org_id)).status).toBe(200);

      await updateMembership(app.dataSource, organization.org_id, admin.sub, {
        status: 'suspended',
      });

      expectError(await read(admin.token, organization.org_id), 404, 'NOT_FOUND');
      expectError(await update(admin.token, organization.org_id, { name: 'X' }), 404, 'NOT_FOUND');
    });

    it('takes a promotion from developer to admin into account at once', async () => {
      const { organization } = await ownedOrganization();
      const developer = await addMember(app.dataSource, organization.org_id, 'developer');
      expectError(
        await update(developer.token, organization.org_id, { name: 'X' }),
        403,
        'FORBIDDEN',
      );

      await updateMembership(app.dataSource, organization.org_id, developer.sub, { role: 'admin' });

      expect((await update(developer.token, organization.org_id, { name: 'Y' })).status).toBe(200);
    });
  });

  describe('401 UNAUTHORIZED', () => {
    /** The token is refused on GET of the owner's organization and on create, with no data. */
    async function expectRefused(token: string, organization: Organization): Promise<void> {
      const readResponse = await read(token, organization.org_id);
      expectError(readResponse, 401, 'UNAUTHORIZED');
      expect(readResponse.text).not.toContain(organization.org_id);
      const body = organizationBody();
      const createResponse = await app.api.post(ORGANIZATIONS_PATH, { token, body });
      expectError(createResponse, 401, 'UNAUTHORIZED');
    }

    it.each(['none', 'None', 'NONE'] as const)(
      'refuses an unsigned token whose alg is %s',
      async (algorithm) => {
        const { owner, organization } = await ownedOrganization();

        await expectRefused(craftToken(claimsOf(owner), algorithm), organization);
        await expectUnchanged(app.api, owner, organization);
      },
    );

    it('refuses tokens signed with another algorithm or key', async () => {
      const { owner, organization } = await ownedOrganization();
      const claims = claimsOf(owner);
      const tokens = [
        craftToken(claims, 'HS512'),
        craftToken(claims, 'HS384'),
        craftToken(claims, 'RS256', foreignRsaKeys().privateKey),
        craftToken(claims, 'HS256', foreignRsaKeys().publicKeyPem),
        craftToken(claims, 'HS256', 'not-the-secret-of-this-service'),
      ];

      for (const token of tokens) {
        await expectRefused(token, organization);
      }
      await expectUnchanged(app.api, owner, organization);
    });

    it('refuses a valid signature over a payload that was swapped', async () => {
      const { owner, organization } = await ownedOrganization();
      const [header, , signature] = newUser().token.split('.');
      const payload = Buffer.from(JSON.stringify(claimsOf(owner))).toString('base64url');

      await expectRefused(`${header}.${payload}.${signature}`, organization);
      await expectRefused(owner.token.slice(0, -6), organization);
    });

    it('refuses expired tokens, a wrong or missing issuer, and a missing sub or exp', async () => {
      const { owner, organization } = await ownedOrganization();
      const now = Math.floor(Date.now() / 1000);
      const tokens = [
        craftToken(claimsOf(owner, { iat: now - 900, exp: now - 300 })),
        craftToken(claimsOf(owner, { iss: 'https://issuer.invalid' })),
        craftToken(claimsOf(owner, { iss: undefined })),
        craftToken(claimsOf(owner, { sub: undefined })),
        craftToken(claimsOf(owner, { sub: '' })),
        craftToken(claimsOf(owner, { exp: undefined })),
      ];

      for (const token of tokens) {
        await expectRefused(token, organization);
      }
    });

    it('refuses missing or garbled credentials', async () => {
      const { owner, organization } = await ownedOrganization();
      const headers: (string | undefined)[] = [
        undefined,
        '',
        'Bearer',
        'Basic dXNlcjpwYXNz',
        'Bearer not.a.jwt',
        owner.token,
      ];

      for (const authorization of headers) {
        const response = await app.api.get(organizationPath(organization.org_id), {
          headers: authorization === undefined ? {} : { authorization },
        });

        expectError(response, 401, 'UNAUTHORIZED');
      }
    });

    it('checks credentials before the body: 401, not 400', async () => {
      const { owner, organization } = await ownedOrganization();
      const invalid = { name: 42, slug: 'NOT VALID', settings: [] };

      expectError(await app.api.post(ORGANIZATIONS_PATH, { body: {} }), 401, 'UNAUTHORIZED');
      expectError(
        await app.api.post(ORGANIZATIONS_PATH, { token: 'not.a.jwt', body: invalid }),
        401,
        'UNAUTHORIZED',
      );
      expectError(
        await app.api.put(organizationPath(organization.org_id), { body: invalid }),
        401,
        'UNAUTHORIZED',
      );
      await expectUnchanged(app.api, owner, organization);
    });

    it('stores nothing for a create with a refused token', async () => {
      const user = newUser();
      const body = organizationBody();
      const token = craftToken(claimsOf(user), 'none');

      expectError(await app.api.post(ORGANIZATIONS_PATH, { token, body }), 401, 'UNAUTHORIZED');
      await expectSlugStillFree(app.api, user, body.slug as string);
    });
  });
});
