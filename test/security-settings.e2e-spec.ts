import { jest } from '@jest/globals';
import { organizationBody } from './support/factories.js';
import { expectError } from './support/expectations.js';
import type { ApiResponse } from './support/http.js';
import {
  acceptInvitation,
  changeRole,
  inviteAndAccept,
  inviteMember,
  listMembers,
  membersOf,
  newOrganization,
  type OwnedOrganization,
  removeMember,
  transferOwnership,
  uniqueEmail,
  withClaims,
} from './support/member-flows.js';
import {
  expectSlugStillFree,
  expectUnchanged,
  ORGANIZATIONS_PATH,
  organizationPath,
} from './support/organizations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { newUser, type TestUser } from './support/tokens.js';

jest.setTimeout(60_000);

const MFA = { amr: ['pwd', 'mfa'] };
const PASSWORD_ONLY = { amr: ['pwd'] };
const OKTA = { idp: 'okta' };
const OKTA_WITH_MFA = { idp: 'okta', amr: ['mfa'] };
const ENFORCED_OKTA = { enforce_sso: true, sso_provider: 'okta' };

/** Asserts 403 FORBIDDEN in the contract envelope, with `details.reason`. */
function expectSecurityRefusal(response: ApiResponse, reason: 'mfa_required' | 'sso_required') {
  expectError(response, 403, 'FORBIDDEN');
  expect(response.body.error.details?.reason).toBe(reason);
}

describe('Security settings: mfa_required and enforce_sso', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  const create = (user: TestUser, overrides: Record<string, unknown>): Promise<ApiResponse> =>
    app.api.post(ORGANIZATIONS_PATH, { token: user.token, body: organizationBody(overrides) });

  const read = (user: TestUser, orgId: string): Promise<ApiResponse> =>
    app.api.get(organizationPath(orgId), { token: user.token });

  const update = (user: TestUser, orgId: string, body: unknown): Promise<ApiResponse> =>
    app.api.put(organizationPath(orgId), { token: user.token, body });

  /**
   * One request to every endpoint about the organization, each of which would change or reveal
   * something if it were let through: `target` is an active developer of the organization.
   */
  function everyEndpoint(caller: TestUser, orgId: string, target: TestUser) {
    return {
      'GET /v1/organizations/{org_id}': () => read(caller, orgId),
      'PUT /v1/organizations/{org_id}': () => update(caller, orgId, { name: 'Changed' }),
      'GET /users': () => listMembers(app, caller, orgId),
      'POST /users': () =>
        inviteMember(app, caller, orgId, { email: uniqueEmail(), role: 'analyst' }),
      'PUT /users/{user_id}/role': () => changeRole(app, caller, orgId, target.sub, 'auditor'),
      'DELETE /users/{user_id}': () => removeMember(app, caller, orgId, target.sub),
      'POST /transfer-ownership': () => transferOwnership(app, caller, orgId, target.sub),
    };
  }

  /**
   * Every endpoint refuses `caller` with `reason`, and nothing moved: the owner's own token,
   * which meets the settings, reads the organization and its members as before.
   */
  async function expectLockedOut(
    { owner, orgId }: OwnedOrganization,
    caller: TestUser,
    target: TestUser,
    reason: 'mfa_required' | 'sso_required',
  ): Promise<void> {
    const before = await membersOf(app, owner, orgId);
    const organization = (await read(owner, orgId)).body;

    for (const [endpoint, send] of Object.entries(everyEndpoint(caller, orgId, target))) {
      const response = await send();

      expect({ endpoint, status: response.status }).toEqual({ endpoint, status: 403 });
      expectSecurityRefusal(response, reason);
    }

    await expectUnchanged(app.api, owner, organization);
    expect(await membersOf(app, owner, orgId)).toEqual(before);
  }

  describe('mfa_required', () => {
    it('creates an organization with mfa_required for a creator whose token has mfa', async () => {
      const response = await create(newUser({ extraClaims: MFA }), {
        settings: { mfa_required: true },
      });

      expect(response.status).toBe(201);
      expect(response.body.settings).toEqual({
        mfa_required: true,
        enforce_sso: false,
        sso_provider: null,
      });
    });

    it('refuses to create it for a creator without mfa (409), storing nothing', async () => {
      for (const claims of [{}, PASSWORD_ONLY, { amr: 'mfa' }, { mfa: true }]) {
        const body = organizationBody({ settings: { mfa_required: true } });
        const response = await app.api.post(ORGANIZATIONS_PATH, {
          token: newUser({ extraClaims: claims }).token,
          body,
        });

        expectError(response, 409, 'CONFLICT');
        await expectSlugStillFree(app.api, newUser(), body.slug as string);
      }
    });

    it('refuses every endpoint of the organization to an owner token without mfa', async () => {
      const setup = await newOrganization(app, { settings: { mfa_required: true } }, MFA);
      const developer = await inviteAndAccept(app, setup.owner, setup.orgId, 'developer', {
        extraClaims: MFA,
      });

      for (const claims of [{}, PASSWORD_ONLY, { amr: 'mfa' }]) {
        const withoutMfa = withClaims(setup.owner, claims);

        await expectLockedOut(setup, withoutMfa, developer, 'mfa_required');
      }
    });

    it('lets the same owner through on every endpoint with an mfa token', async () => {
      const setup = await newOrganization(app, { settings: { mfa_required: true } }, MFA);
      const developer = await inviteAndAccept(app, setup.owner, setup.orgId, 'developer', {
        extraClaims: MFA,
      });
      const endpoints = everyEndpoint(setup.owner, setup.orgId, developer);

      expect((await endpoints['GET /v1/organizations/{org_id}']()).status).toBe(200);
      expect((await endpoints['PUT /v1/organizations/{org_id}']()).status).toBe(200);
      expect((await endpoints['GET /users']()).status).toBe(200);
      expect((await endpoints['POST /users']()).status).toBe(201);
      expect((await endpoints['PUT /users/{user_id}/role']()).status).toBe(200);
      expect((await endpoints['POST /transfer-ownership']()).status).toBe(200);
      const removal = await removeMember(app, developer, setup.orgId, setup.owner.sub);
      expect(removal.status).toBe(204);
    });

    it('refuses even reading the organization to an analyst without mfa', async () => {
      const setup = await newOrganization(app, { settings: { mfa_required: true } }, MFA);
      const analyst = await inviteAndAccept(app, setup.owner, setup.orgId, 'analyst', {
        extraClaims: MFA,
      });

      expectSecurityRefusal(await read(withClaims(analyst, {}), setup.orgId), 'mfa_required');
      expect((await read(analyst, setup.orgId)).status).toBe(200);
    });

    it('answers a non-member 404, as for any organization, with or without mfa', async () => {
      const { orgId } = await newOrganization(app, { settings: { mfa_required: true } }, MFA);

      expectError(await read(newUser(), orgId), 404, 'NOT_FOUND');
      expectError(await read(newUser({ extraClaims: MFA }), orgId), 404, 'NOT_FOUND');
    });

    it('refuses accepting an invitation without mfa (403), leaving it pending', async () => {
      const { owner, orgId } = await newOrganization(
        app,
        { settings: { mfa_required: true } },
        MFA,
      );
      const invitee = newUser();
      await inviteMember(app, owner, orgId, { email: invitee.email, role: 'developer' });

      expectSecurityRefusal(await acceptInvitation(app, invitee, orgId), 'mfa_required');
      const pending = (await membersOf(app, owner, orgId)).filter(
        (member) => member.status === 'invited',
      );
      expect(pending.map((member) => member.email)).toEqual([invitee.email]);

      const accepted = await acceptInvitation(app, withClaims(invitee, MFA), orgId);
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ user_id: invitee.sub, status: 'active' });
    });

    it('refuses turning mfa_required on without mfa (409), changing nothing', async () => {
      const { owner, organization, orgId } = await newOrganization(app);
      const admin = await inviteAndAccept(app, owner, orgId, 'admin');

      for (const caller of [owner, admin, withClaims(owner, PASSWORD_ONLY)]) {
        const response = await update(caller, orgId, { settings: { mfa_required: true } });

        expectError(response, 409, 'CONFLICT');
      }
      await expectUnchanged(app.api, owner, organization);
    });

    it('turns mfa_required on with mfa, locking out tokens without mfa at once', async () => {
      const { owner, orgId } = await newOrganization(app);
      const admin = await inviteAndAccept(app, owner, orgId, 'admin');
      expect((await read(admin, orgId)).status).toBe(200);

      const response = await update(withClaims(owner, MFA), orgId, {
        settings: { mfa_required: true },
      });

      expect(response.status).toBe(200);
      expect(response.body.settings.mfa_required).toBe(true);
      expectSecurityRefusal(await read(admin, orgId), 'mfa_required');
      expectSecurityRefusal(await read(owner, orgId), 'mfa_required');
      expect((await read(withClaims(admin, MFA), orgId)).status).toBe(200);
    });

    it('lets tokens without mfa back in once mfa_required is turned off', async () => {
      const { owner, orgId } = await newOrganization(
        app,
        { settings: { mfa_required: true } },
        MFA,
      );
      expectSecurityRefusal(await read(withClaims(owner, {}), orgId), 'mfa_required');

      const response = await update(owner, orgId, { settings: { mfa_required: false } });

      expect(response.status).toBe(200);
      expect((await read(withClaims(owner, {}), orgId)).status).toBe(200);
    });
  });

  describe('enforce_sso', () => {
    it('creates an organization enforcing SSO for a creator from that provider', async () => {
      const response = await create(newUser({ extraClaims: OKTA }), { settings: ENFORCED_OKTA });

      expect(response.status).toBe(201);
      expect(response.body.settings).toEqual({
        mfa_required: false,
        enforce_sso: true,
        sso_provider: 'okta',
      });
    });

    it('refuses a creator from another provider or none (409), storing nothing', async () => {
      for (const claims of [{}, { idp: 'azure_ad' }, { idp: 'OKTA' }]) {
        const body = organizationBody({ settings: ENFORCED_OKTA });
        const response = await app.api.post(ORGANIZATIONS_PATH, {
          token: newUser({ extraClaims: claims }).token,
          body,
        });

        expectError(response, 409, 'CONFLICT');
        await expectSlugStillFree(app.api, newUser(), body.slug as string);
      }
    });

    it('refuses every endpoint to a token from another provider or none', async () => {
      const setup = await newOrganization(app, { settings: ENFORCED_OKTA }, OKTA);
      const developer = await inviteAndAccept(app, setup.owner, setup.orgId, 'developer', {
        extraClaims: OKTA,
      });

      for (const claims of [{}, { idp: 'google_workspace' }, { idp: 'Okta' }]) {
        const elsewhere = withClaims(setup.owner, claims);

        await expectLockedOut(setup, elsewhere, developer, 'sso_required');
      }
    });

    it('refuses accepting an invitation via another provider (403), accepts via it', async () => {
      const { owner, orgId } = await newOrganization(app, { settings: ENFORCED_OKTA }, OKTA);
      const invitee = newUser({ extraClaims: { idp: 'azure_ad' } });
      await inviteMember(app, owner, orgId, { email: invitee.email, role: 'analyst' });

      expectSecurityRefusal(await acceptInvitation(app, invitee, orgId), 'sso_required');
      expect((await acceptInvitation(app, withClaims(invitee, OKTA), orgId)).status).toBe(200);
    });

    it('places no restriction while sso_provider is set but enforce_sso is false', async () => {
      const { owner, orgId } = await newOrganization(app, {
        settings: { sso_provider: 'okta' },
      });

      expect((await read(owner, orgId)).status).toBe(200);
      expect((await read(withClaims(owner, { idp: 'azure_ad' }), orgId)).status).toBe(200);
    });

    it('refuses turning enforce_sso on from another provider (409), changing nothing', async () => {
      const { owner, organization, orgId } = await newOrganization(app, {}, { idp: 'azure_ad' });

      const together = await update(owner, orgId, { settings: ENFORCED_OKTA });
      expectError(together, 409, 'CONFLICT');
      expect((await update(owner, orgId, { settings: { sso_provider: 'okta' } })).status).toBe(200);
      const later = await update(owner, orgId, { settings: { enforce_sso: true } });
      expectError(later, 409, 'CONFLICT');
      expect((await read(owner, orgId)).body.settings).toEqual({
        ...organization.settings,
        sso_provider: 'okta',
      });
    });

    it('turns enforce_sso on from that provider, locking others out at once', async () => {
      const { owner, orgId } = await newOrganization(app, {}, OKTA);
      const admin = await inviteAndAccept(app, owner, orgId, 'admin');

      const response = await update(owner, orgId, { settings: ENFORCED_OKTA });

      expect(response.status).toBe(200);
      expect(response.body.settings).toMatchObject(ENFORCED_OKTA);
      expectSecurityRefusal(await read(admin, orgId), 'sso_required');
      expect((await read(withClaims(admin, OKTA), orgId)).status).toBe(200);
    });

    it('refuses moving an enforced SSO to a provider the caller is not from (409)', async () => {
      const { owner, organization, orgId } = await newOrganization(
        app,
        { settings: ENFORCED_OKTA },
        OKTA,
      );

      const response = await update(owner, orgId, { settings: { sso_provider: 'azure_ad' } });

      expectError(response, 409, 'CONFLICT');
      await expectUnchanged(app.api, owner, organization);
    });
  });

  describe('both settings together', () => {
    it('asks for both: the missing one is the reason given', async () => {
      const settings = { mfa_required: true, ...ENFORCED_OKTA };
      const { owner, orgId } = await newOrganization(app, { settings }, OKTA_WITH_MFA);

      expectSecurityRefusal(await read(withClaims(owner, OKTA), orgId), 'mfa_required');
      expectSecurityRefusal(await read(withClaims(owner, MFA), orgId), 'sso_required');
      expect((await read(owner, orgId)).status).toBe(200);
    });

    it('refuses a create asking for both from a token with only one of them (409)', async () => {
      const settings = { mfa_required: true, ...ENFORCED_OKTA };

      expectError(await create(newUser({ extraClaims: OKTA }), { settings }), 409, 'CONFLICT');
      expectError(await create(newUser({ extraClaims: MFA }), { settings }), 409, 'CONFLICT');
      expect((await create(newUser({ extraClaims: OKTA_WITH_MFA }), { settings })).status).toBe(
        201,
      );
    });
  });
});
