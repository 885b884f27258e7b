import { jest } from '@jest/globals';
import { expectError, expectFieldError } from './support/expectations.js';
import {
  acceptInvitation,
  ASSIGNABLE_ROLES,
  expectMemberShape,
  expectStatusIn,
  expectValidMembership,
  expireInvitation,
  findMember,
  inviteAndAccept,
  inviteAndAcceptEach,
  inviteMember,
  membersOf,
  READ_ONLY_ROLES,
  uniqueEmail,
  userWithEmail,
  withClaims,
  newOrganization,
  readOrganization,
} from './support/member-flows.js';
import { organizationPath } from './support/organizations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { mintToken, newUser } from './support/tokens.js';

jest.setTimeout(60_000);

const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;
const ONE_MINUTE_MS = 60 * 1000;

describe('Invitations', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  describe('POST /v1/organizations/{org_id}/users', () => {
    it('answers 201 with a pending user object that lapses 7 days from now', async () => {
      const { owner, orgId } = await newOrganization(app);
      const email = uniqueEmail();
      const before = Date.now();

      const response = await inviteMember(app, owner, orgId, {
        email,
        name: 'Ana Lima',
        role: 'analyst',
      });

      expect(response.status).toBe(201);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expectMemberShape(response.body);
      expect(response.body).toMatchObject({
        email,
        name: 'Ana Lima',
        role: 'analyst',
        status: 'invited',
      });
      expect(response.body.user_id).toMatch(/^inv_[a-z0-9]+$/);
      const expiresAt = Date.parse(response.body.invitation_expires_at);
      expect(expiresAt).toBeGreaterThanOrEqual(before + SEVEN_DAYS_MS - ONE_MINUTE_MS);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + SEVEN_DAYS_MS + ONE_MINUTE_MS);
    });

    it('stores the invitation: it is listed exactly as it was answered', async () => {
      const { owner, orgId } = await newOrganization(app);

      const response = await inviteMember(app, owner, orgId, {
        email: uniqueEmail(),
        role: 'developer',
      });

      expect(findMember(await membersOf(app, owner, orgId), response.body.user_id)).toEqual(
        response.body,
      );
    });

    it('answers a null name when none is given', async () => {
      const { owner, orgId } = await newOrganization(app);

      const response = await inviteMember(app, owner, orgId, {
        email: uniqueEmail(),
        role: 'auditor',
      });

      expect(response.status).toBe(201);
      expect(response.body.name).toBeNull();
    });

    it('lets the owner invite every role but owner', async () => {
      const { owner, orgId } = await newOrganization(app);

      for (const role of ASSIGNABLE_ROLES) {
        const response = await inviteMember(app, owner, orgId, { email: uniqueEmail(), role });

        expect({ role, status: response.status }).toEqual({ role, status: 201 });
        expect(response.body.role).toBe(role);
      }
    });

    it('lets an admin invite every role below admin', async () => {
      const { owner, orgId } = await newOrganization(app);
      const admin = await inviteAndAccept(app, owner, orgId, 'admin');

      for (const role of READ_ONLY_ROLES) {
        const response = await inviteMember(app, admin, orgId, { email: uniqueEmail(), role });

        expect({ role, status: response.status }).toEqual({ role, status: 201 });
      }
    });

    it('refuses an admin inviting an admin with 403, storing nothing', async () => {
      const { owner, orgId } = await newOrganization(app);
      const admin = await inviteAndAccept(app, owner, orgId, 'admin');
      const email = uniqueEmail();

      expectError(
        await inviteMember(app, admin, orgId, { email, role: 'admin' }),
        403,
        'FORBIDDEN',
      );
      expect((await membersOf(app, owner, orgId)).map((member) => member.email)).not.toContain(
        email,
      );
    });

    it('refuses role owner with 400 naming role', async () => {
      const { owner, orgId } = await newOrganization(app);

      expectFieldError(
        await inviteMember(app, owner, orgId, { email: uniqueEmail(), role: 'owner' }),
        'role',
      );
      expectValidMembership(await membersOf(app, owner, orgId));
    });

    it('refuses a missing or unknown role, naming role', async () => {
      const { owner, orgId } = await newOrganization(app);

      expectFieldError(await inviteMember(app, owner, orgId, { email: uniqueEmail() }), 'role');
      expectFieldError(
        await inviteMember(app, owner, orgId, { email: uniqueEmail(), role: 'viewer' }),
        'role',
      );
    });

    it('refuses a missing or invalid email, naming email', async () => {
      const { owner, orgId } = await newOrganization(app);

      for (const email of [undefined, '', 'not-an-address', 42, `${'a'.repeat(250)}@x.io`]) {
        expectFieldError(
          await inviteMember(app, owner, orgId, { email, role: 'analyst' }),
          'email',
        );
      }
    });

    it('refuses a key it does not take, naming it', async () => {
      const { owner, orgId } = await newOrganization(app);

      const response = await inviteMember(app, owner, orgId, {
        email: uniqueEmail(),
        role: 'analyst',
        status: 'active',
      });

      expectFieldError(response, 'status');
      expect(await membersOf(app, owner, orgId)).toHaveLength(1);
    });

    it('refuses every role below admin with 403 and a non-member with 404', async () => {
      const { owner, orgId } = await newOrganization(app);
      const readers = await inviteAndAcceptEach(app, owner, orgId, READ_ONLY_ROLES);
      const body = { email: uniqueEmail(), role: 'analyst' };

      for (const reader of readers) {
        expectError(await inviteMember(app, reader, orgId, body), 403, 'FORBIDDEN');
      }
      expectError(await inviteMember(app, newUser(), orgId, body), 404, 'NOT_FOUND');
      expect(await membersOf(app, owner, orgId)).toHaveLength(1 + READ_ONLY_ROLES.length);
    });

    it('refuses a second pending invitation for the same address with 409', async () => {
      const { owner, orgId } = await newOrganization(app);
      const email = uniqueEmail();
      expect((await inviteMember(app, owner, orgId, { email, role: 'analyst' })).status).toBe(201);

      expectError(
        await inviteMember(app, owner, orgId, { email, role: 'developer' }),
        409,
        'CONFLICT',
      );
      const pending = (await membersOf(app, owner, orgId)).filter(
        (member) => member.status === 'invited',
      );
      expect(pending).toHaveLength(1);
      expect(pending[0].role).toBe('analyst');
    });

    it('compares addresses without regard to case', async () => {
      const { owner, orgId } = await newOrganization(app);
      const email = uniqueEmail('Mixed.Case');
      expect((await inviteMember(app, owner, orgId, { email, role: 'analyst' })).status).toBe(201);

      for (const variant of [email.toLowerCase(), email.toUpperCase()]) {
        expectError(
          await inviteMember(app, owner, orgId, { email: variant, role: 'analyst' }),
          409,
          'CONFLICT',
        );
      }
    });

    it('refuses to invite the address of an active member, in any case, with 409', async () => {
      const { owner, orgId } = await newOrganization(app);
      const member = await inviteAndAccept(app, owner, orgId, 'developer');

      for (const email of [member.email, member.email.toUpperCase(), owner.email]) {
        expectError(
          await inviteMember(app, owner, orgId, { email, role: 'analyst' }),
          409,
          'CONFLICT',
        );
      }
      expect(
        (await membersOf(app, owner, orgId)).filter((entry) => entry.status === 'invited'),
      ).toEqual([]);
    });

    it('lets the same address be invited to two organizations', async () => {
      const first = await newOrganization(app);
      const second = await newOrganization(app);
      const invitee = newUser();

      for (const { owner, orgId } of [first, second]) {
        const response = await inviteMember(app, owner, orgId, {
          email: invitee.email,
          role: 'analyst',
        });
        expect(response.status).toBe(201);
      }
      expect((await acceptInvitation(app, invitee, first.orgId)).status).toBe(200);
      expect((await acceptInvitation(app, invitee, second.orgId)).status).toBe(200);
    });

    it('sends a new invitation once the previous one has lapsed', async () => {
      const { owner, orgId } = await newOrganization(app);
      const invitee = newUser();
      const first = await inviteMember(app, owner, orgId, {
        email: invitee.email,
        role: 'analyst',
      });
      await expireInvitation(app, orgId, invitee.email);

      const second = await inviteMember(app, owner, orgId, {
        email: invitee.email,
        role: 'developer',
      });

      expect(second.status).toBe(201);
      expect(second.body.user_id).not.toBe(first.body.user_id);
      expect(second.body).toMatchObject({ status: 'invited', role: 'developer' });
      expect(Date.parse(second.body.invitation_expires_at)).toBeGreaterThan(
        Date.now() + SEVEN_DAYS_MS - ONE_MINUTE_MS,
      );
      const accepted = await acceptInvitation(app, invitee, orgId);
      expect(accepted.status).toBe(200);
      expect(accepted.body.role).toBe('developer');
    });
  });

  describe('POST /v1/organizations/{org_id}/invitation/accept', () => {
    it("makes the invitee an active member under their token's sub", async () => {
      const { owner, orgId } = await newOrganization(app);
      const invitee = newUser();
      const invitation = await inviteMember(app, owner, orgId, {
        email: invitee.email,
        name: 'Ana Lima',
        role: 'auditor',
      });

      const response = await acceptInvitation(app, invitee, orgId);

      expect(response.status).toBe(200);
      expectMemberShape(response.body);
      expect(response.body).toMatchObject({
        user_id: invitee.sub,
        email: invitee.email,
        name: 'Ana Lima',
        role: 'auditor',
        status: 'active',
        invitation_expires_at: null,
      });
      const members = await membersOf(app, owner, orgId);
      expect(findMember(members, invitee.sub)).toMatchObject({ status: 'active', role: 'auditor' });
      expect(findMember(members, invitation.body.user_id)).toBeUndefined();
      expectValidMembership(members);
    });

    it('gives the new member access at once, and none before', async () => {
      const { owner, orgId } = await newOrganization(app);
      const invitee = newUser();
      await inviteMember(app, owner, orgId, { email: invitee.email, role: 'admin' });

      expectError(await readOrganization(app, invitee, orgId), 404, 'NOT_FOUND');
      expect((await acceptInvitation(app, invitee, orgId)).status).toBe(200);

      expect((await readOrganization(app, invitee, orgId)).status).toBe(200);
      expect(
        (
          await app.api.put(organizationPath(orgId), {
            token: invitee.token,
            body: { name: 'Renamed by the new admin' },
          })
        ).status,
      ).toBe(200);
    });

    it('matches the email claim to the invitation without regard to case', async () => {
      const { owner, orgId } = await newOrganization(app);
      const email = uniqueEmail('Mixed.Case');
      await inviteMember(app, owner, orgId, { email, role: 'developer' });

      const response = await acceptInvitation(app, userWithEmail(email.toUpperCase()), orgId);

      expect(response.status).toBe(200);
      expect(response.body.status).toBe('active');
    });

    it("takes the token's name claim when the invitation has no name", async () => {
      const { owner, orgId } = await newOrganization(app);
      const invitee = withClaims(newUser(), { name: 'Nia Token' });
      await inviteMember(app, owner, orgId, { email: invitee.email, role: 'developer' });

      const response = await acceptInvitation(app, invitee, orgId);

      expect(response.status).toBe(200);
      expect(response.body.name).toBe('Nia Token');
    });

    it('answers 404 to a caller with no invitation, changing nothing', async () => {
      const { owner, orgId } = await newOrganization(app);
      await inviteMember(app, owner, orgId, { email: uniqueEmail(), role: 'developer' });
      const before = await membersOf(app, owner, orgId);

      expectError(await acceptInvitation(app, newUser(), orgId), 404, 'NOT_FOUND');
      expect(await membersOf(app, owner, orgId)).toEqual(before);
    });

    it('answers 404 to a token without an email claim', async () => {
      const { owner, orgId } = await newOrganization(app);
      const invitee = newUser();
      await inviteMember(app, owner, orgId, { email: invitee.email, role: 'developer' });

      const noEmail = withClaims(invitee, { email: undefined });

      expectError(await acceptInvitation(app, noEmail, orgId), 404, 'NOT_FOUND');
    });

    it('answers 404 for an invitation to another organization', async () => {
      const invited = await newOrganization(app);
      const other = await newOrganization(app);
      const invitee = newUser();
      await inviteMember(app, invited.owner, invited.orgId, {
        email: invitee.email,
        role: 'developer',
      });

      expectError(await acceptInvitation(app, invitee, other.orgId), 404, 'NOT_FOUND');
      expectError(await acceptInvitation(app, invitee, 'org_aaaaaaaaaaaaaaaa'), 404, 'NOT_FOUND');
      expectError(await acceptInvitation(app, invitee, 'not-an-org-id'), 404, 'NOT_FOUND');
    });

    it('refuses a lapsed invitation with 404, leaving the invitee outside', async () => {
      const { owner, orgId } = await newOrganization(app);
      const invitee = newUser();
      await inviteMember(app, owner, orgId, { email: invitee.email, role: 'developer' });
      await expireInvitation(app, orgId, invitee.email);

      expectError(await acceptInvitation(app, invitee, orgId), 404, 'NOT_FOUND');
      expectError(await readOrganization(app, invitee, orgId), 404, 'NOT_FOUND');
    });

    it('answers 404 to a second acceptance, keeping one membership', async () => {
      const { owner, orgId } = await newOrganization(app);
      const invitee = await inviteAndAccept(app, owner, orgId, 'analyst');

      expectError(await acceptInvitation(app, invitee, orgId), 404, 'NOT_FOUND');

      const members = await membersOf(app, owner, orgId);
      expect(members.filter((member) => member.user_id === invitee.sub)).toHaveLength(1);
    });

    it('lets only one person take an invitation, though two tokens carry the address', async () => {
      const { owner, orgId } = await newOrganization(app);
      const email = uniqueEmail();
      await inviteMember(app, owner, orgId, { email, role: 'developer' });
      const first = userWithEmail(email);
      const second = userWithEmail(email);

      expect((await acceptInvitation(app, first, orgId)).status).toBe(200);
      expectError(await acceptInvitation(app, second, orgId), 404, 'NOT_FOUND');
      expectError(await readOrganization(app, second, orgId), 404, 'NOT_FOUND');
    });

    it('gives a member no second membership through an invitation to another address', async () => {
      const { owner, orgId } = await newOrganization(app);
      const member = await inviteAndAccept(app, owner, orgId, 'analyst');
      const otherAddress = uniqueEmail();
      await inviteMember(app, owner, orgId, { email: otherAddress, role: 'admin' });

      const response = await acceptInvitation(
        app,
        { ...member, token: mintToken(member.sub, otherAddress) },
        orgId,
      );

      expectStatusIn(response, [404, 409]);
      const members = await membersOf(app, owner, orgId);
      expect(members.filter((entry) => entry.user_id === member.sub)).toEqual([
        expect.objectContaining({ role: 'analyst', status: 'active' }),
      ]);
      expectValidMembership(members);
    });

    it('answers 401 without a token', async () => {
      const { orgId } = await newOrganization(app);

      expectError(
        await app.api.post(`${organizationPath(orgId)}/invitation/accept`),
        401,
        'UNAUTHORIZED',
      );
    });
  });
});
