import { jest } from '@jest/globals';
import {
  acceptInvitation,
  changeRole,
  countStatus,
  expectStatusIn,
  expectValidMembership,
  findMember,
  inviteAndAccept,
  inviteAndAcceptEach,
  inviteMember,
  membersOf,
  removeMember,
  statusesOf,
  transferOwnership,
  uniqueEmail,
  userWithEmail,
  newOrganization,
  readOrganization,
} from './support/member-flows.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { mintToken, newUser } from './support/tokens.js';

jest.setTimeout(120_000);

/** Each race runs this many times on a fresh organization: one lucky ordering proves little. */
const ROUNDS = 5;

/** What a request that lost a race may answer; never a 500. */
const LOSER_STATUSES = [403, 404, 409];

describe('Membership under concurrent requests', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  describe('invitations', () => {
    it('accepts one of 10 parallel invitations of one address; the other 9 get 409', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const email = uniqueEmail();

        const responses = await Promise.all(
          Array.from({ length: 10 }, () =>
            inviteMember(app, owner, orgId, { email, role: 'analyst' }),
          ),
        );

        expect(countStatus(responses, 201)).toBe(1);
        expect(countStatus(responses, 409)).toBe(9);
        responses.forEach((response) => expectStatusIn(response, [201, 409]));
        const members = await membersOf(app, owner, orgId);
        expectValidMembership(members);
        expect(members.filter((member) => member.status === 'invited')).toHaveLength(1);
      }
    });

    it('treats parallel invitations of one address in different cases as one', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const email = uniqueEmail('Case.Race');
        const variants = [email, email.toLowerCase(), email.toUpperCase()];

        const responses = await Promise.all(
          Array.from({ length: 9 }, (_, index) =>
            inviteMember(app, owner, orgId, { email: variants[index % 3], role: 'developer' }),
          ),
        );

        expect(countStatus(responses, 201)).toBe(1);
        expect(countStatus(responses, 409)).toBe(8);
        expectValidMembership(await membersOf(app, owner, orgId));
      }
    });

    it('accepts exactly one of an owner and an admin inviting one address at once', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const admin = await inviteAndAccept(app, owner, orgId, 'admin');
        const email = uniqueEmail();

        const responses = await Promise.all([
          inviteMember(app, owner, orgId, { email, role: 'analyst' }),
          inviteMember(app, admin, orgId, { email, role: 'auditor' }),
        ]);

        expect(statusesOf(responses).sort()).toEqual([201, 409]);
        expectValidMembership(await membersOf(app, owner, orgId));
      }
    });

    it('accepts all of 10 parallel invitations of different addresses', async () => {
      const { owner, orgId } = await newOrganization(app);

      const responses = await Promise.all(
        Array.from({ length: 10 }, () =>
          inviteMember(app, owner, orgId, { email: uniqueEmail(), role: 'analyst' }),
        ),
      );

      expect(statusesOf(responses)).toEqual(Array(10).fill(201));
      const members = await membersOf(app, owner, orgId);
      expect(members).toHaveLength(11);
      expectValidMembership(members);
    });

    it('lets one of 5 parallel acceptances of an invitation succeed; others get 404', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const invitee = newUser();
        await inviteMember(app, owner, orgId, { email: invitee.email, role: 'developer' });

        const responses = await Promise.all(
          Array.from({ length: 5 }, () => acceptInvitation(app, invitee, orgId)),
        );

        expect(countStatus(responses, 200)).toBe(1);
        responses.forEach((response) => expectStatusIn(response, [200, 404]));
        const members = await membersOf(app, owner, orgId);
        expectValidMembership(members);
        expect(members.filter((member) => member.user_id === invitee.sub)).toHaveLength(1);
      }
    });

    it('gives an invitation to one of two holders of its address accepting at once', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const email = uniqueEmail();
        await inviteMember(app, owner, orgId, { email, role: 'developer' });
        const [first, second] = [userWithEmail(email), userWithEmail(email)];

        const responses = await Promise.all([
          acceptInvitation(app, first, orgId),
          acceptInvitation(app, second, orgId),
        ]);

        expect(statusesOf(responses).sort()).toEqual([200, 404]);
        const members = await membersOf(app, owner, orgId);
        expect(members).toHaveLength(2);
        expectValidMembership(members);
      }
    });

    it('joins once a person accepting invitations to two of their addresses at once', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const person = newUser();
        const secondAddress = uniqueEmail();
        await inviteMember(app, owner, orgId, { email: person.email, role: 'developer' });
        await inviteMember(app, owner, orgId, { email: secondAddress, role: 'analyst' });

        const responses = await Promise.all([
          acceptInvitation(app, person, orgId),
          acceptInvitation(app, { ...person, token: mintToken(person.sub, secondAddress) }, orgId),
        ]);

        expect(countStatus(responses, 200)).toBe(1);
        responses.forEach((response) => expectStatusIn(response, [200, 404, 409]));
        const members = await membersOf(app, owner, orgId);
        expectValidMembership(members);
        expect(members.filter((member) => member.user_id === person.sub)).toHaveLength(1);
      }
    });

    it('refuses re-invitations racing an acceptance, leaving no invitation pending', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const invitee = newUser();
        await inviteMember(app, owner, orgId, { email: invitee.email, role: 'developer' });

        const [accepted, ...invitations] = await Promise.all([
          acceptInvitation(app, invitee, orgId),
          ...Array.from({ length: 5 }, () =>
            inviteMember(app, owner, orgId, { email: invitee.email, role: 'analyst' }),
          ),
        ]);

        expect(accepted.status).toBe(200);
        expect(statusesOf(invitations)).toEqual(Array(5).fill(409));
        const members = await membersOf(app, owner, orgId);
        expectValidMembership(members);
        expect(members.filter((member) => member.status === 'invited')).toEqual([]);
      }
    });

    it('settles an acceptance racing a revocation one way or the other', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const invitee = newUser();
        const invitation = await inviteMember(app, owner, orgId, {
          email: invitee.email,
          role: 'developer',
        });

        const [accepted, revoked] = await Promise.all([
          acceptInvitation(app, invitee, orgId),
          removeMember(app, owner, orgId, invitation.body.user_id),
        ]);

        expectStatusIn(accepted, [200, 404]);
        expectStatusIn(revoked, [204, 404]);
        expect([accepted.status, revoked.status]).toEqual(
          accepted.status === 200 ? [200, 404] : [404, 204],
        );
        const members = await membersOf(app, owner, orgId);
        expectValidMembership(members);
        expect(members.map((member) => member.user_id).sort()).toEqual(
          accepted.status === 200 ? [owner.sub, invitee.sub].sort() : [owner.sub],
        );
        expect((await readOrganization(app, invitee, orgId)).status).toBe(
          accepted.status === 200 ? 200 : 404,
        );
      }
    });
  });

  describe('ownership', () => {
    it('lets one of two parallel transfers to different members win', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const [first, second] = await inviteAndAcceptEach(app, owner, orgId, [
          'developer',
          'analyst',
        ]);

        const responses = await Promise.all([
          transferOwnership(app, owner, orgId, first.sub),
          transferOwnership(app, owner, orgId, second.sub),
        ]);

        expect(countStatus(responses, 200)).toBe(1);
        responses.forEach((response) => expectStatusIn(response, [200, ...LOSER_STATUSES]));
        const winner = responses[0].status === 200 ? first : second;
        const loser = winner === first ? second : first;
        const members = await membersOf(app, winner, orgId);
        expectValidMembership(members);
        expect(findMember(members, winner.sub)?.role).toBe('owner');
        expect(findMember(members, owner.sub)?.role).toBe('admin');
        expect(findMember(members, loser.sub)?.role).toBe(
          loser === first ? 'developer' : 'analyst',
        );
      }
    });

    it('lets one of five parallel transfers win, leaving exactly one owner', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const targets = await inviteAndAcceptEach(app, owner, orgId, [
          'admin',
          'developer',
          'analyst',
          'auditor',
          'service_account',
        ]);

        const responses = await Promise.all(
          targets.map((target) => transferOwnership(app, owner, orgId, target.sub)),
        );

        expect(countStatus(responses, 200)).toBe(1);
        responses.forEach((response) => expectStatusIn(response, [200, ...LOSER_STATUSES]));
        const winner = targets[responses.findIndex((response) => response.status === 200)];
        const members = await membersOf(app, winner, orgId);
        expectValidMembership(members);
        expect(findMember(members, winner.sub)?.role).toBe('owner');
      }
    });

    it('settles a transfer racing the removal of its target by an admin', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const [admin, target] = await inviteAndAcceptEach(app, owner, orgId, [
          'admin',
          'developer',
        ]);

        const [transfer, removal] = await Promise.all([
          transferOwnership(app, owner, orgId, target.sub),
          removeMember(app, admin, orgId, target.sub),
        ]);

        expectStatusIn(transfer, [200, ...LOSER_STATUSES]);
        expectStatusIn(removal, [204, ...LOSER_STATUSES]);
        expect(countStatus([transfer, removal], 200) + countStatus([transfer, removal], 204)).toBe(
          1,
        );
        const members = await membersOf(app, admin, orgId);
        expectValidMembership(members);
        if (transfer.status === 200) {
          expect(findMember(members, target.sub)?.role).toBe('owner');
          expect(findMember(members, owner.sub)?.role).toBe('admin');
        } else {
          expect(findMember(members, target.sub)).toBeUndefined();
          expect(findMember(members, owner.sub)?.role).toBe('owner');
        }
      }
    });

    it('settles a transfer racing its target leaving', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const target = await inviteAndAccept(app, owner, orgId, 'analyst');

        const [transfer, leave] = await Promise.all([
          transferOwnership(app, owner, orgId, target.sub),
          removeMember(app, target, orgId, target.sub),
        ]);

        expectStatusIn(transfer, [200, ...LOSER_STATUSES]);
        expectStatusIn(leave, [204, ...LOSER_STATUSES]);
        expect(statusesOf([transfer, leave])).toEqual(
          transfer.status === 200 ? [200, 409] : [404, 204],
        );
        const reader = transfer.status === 200 ? target : owner;
        const members = await membersOf(app, reader, orgId);
        expectValidMembership(members);
        expect(findMember(members, target.sub)?.role).toBe(
          transfer.status === 200 ? 'owner' : undefined,
        );
      }
    });

    it('makes the target owner whether a transfer to it or its demotion runs first', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const target = await inviteAndAccept(app, owner, orgId, 'admin');

        const [transfer, demotion] = await Promise.all([
          transferOwnership(app, owner, orgId, target.sub),
          changeRole(app, owner, orgId, target.sub, 'analyst'),
        ]);

        expect(transfer.status).toBe(200);
        expectStatusIn(demotion, [200, ...LOSER_STATUSES]);
        const members = await membersOf(app, target, orgId);
        expectValidMembership(members);
        expect(findMember(members, target.sub)?.role).toBe('owner');
        expect(findMember(members, owner.sub)?.role).toBe('admin');
      }
    });
  });

  describe('role changes and removals', () => {
    it('settles the owner demoting an admin while that admin removes a developer', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const [admin, developer] = await inviteAndAcceptEach(app, owner, orgId, [
          'admin',
          'developer',
        ]);

        const [demotion, removal] = await Promise.all([
          changeRole(app, owner, orgId, admin.sub, 'analyst'),
          removeMember(app, admin, orgId, developer.sub),
        ]);

        expect(demotion.status).toBe(200);
        expectStatusIn(removal, [204, 403]);
        const members = await membersOf(app, owner, orgId);
        expectValidMembership(members);
        expect(findMember(members, admin.sub)?.role).toBe('analyst');
        expect(findMember(members, developer.sub) === undefined).toBe(removal.status === 204);
        expect((await readOrganization(app, developer, orgId)).status).toBe(
          removal.status === 204 ? 404 : 200,
        );
      }
    });

    it('settles the owner removing an admin while that admin invites someone', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const admin = await inviteAndAccept(app, owner, orgId, 'admin');
        const email = uniqueEmail();

        const [removal, invitation] = await Promise.all([
          removeMember(app, owner, orgId, admin.sub),
          inviteMember(app, admin, orgId, { email, role: 'developer' }),
        ]);

        expect(removal.status).toBe(204);
        expectStatusIn(invitation, [201, 404]);
        const members = await membersOf(app, owner, orgId);
        expectValidMembership(members);
        expect(findMember(members, admin.sub)).toBeUndefined();
        expect(members.some((member) => member.email === email)).toBe(invitation.status === 201);
        expect((await readOrganization(app, admin, orgId)).status).toBe(404);
      }
    });

    it('removes a member once when the owner removes them as they leave', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const developer = await inviteAndAccept(app, owner, orgId, 'developer');

        const responses = await Promise.all([
          removeMember(app, owner, orgId, developer.sub),
          removeMember(app, developer, orgId, developer.sub),
        ]);

        expect(countStatus(responses, 204)).toBe(1);
        responses.forEach((response) => expectStatusIn(response, [204, 404]));
        const members = await membersOf(app, owner, orgId);
        expect(members.map((member) => member.user_id)).toEqual([owner.sub]);
      }
    });

    it('applies parallel role changes of one member one after the other', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const [admin, developer] = await inviteAndAcceptEach(app, owner, orgId, [
          'admin',
          'developer',
        ]);

        const responses = await Promise.all([
          changeRole(app, owner, orgId, developer.sub, 'analyst'),
          changeRole(app, admin, orgId, developer.sub, 'auditor'),
          changeRole(app, owner, orgId, developer.sub, 'service_account'),
        ]);

        expect(statusesOf(responses)).toEqual([200, 200, 200]);
        const members = await membersOf(app, owner, orgId);
        expectValidMembership(members);
        expect(['analyst', 'auditor', 'service_account']).toContain(
          findMember(members, developer.sub)?.role,
        );
      }
    });

    it('keeps every invariant through a burst of mixed changes, answering no 500', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const { owner, orgId } = await newOrganization(app);
        const [adminA, adminB, dev1, dev2, analyst, auditor] = await inviteAndAcceptEach(
          app,
          owner,
          orgId,
          ['admin', 'admin', 'developer', 'developer', 'analyst', 'auditor'],
        );
        const email = uniqueEmail();

        const responses = await Promise.all([
          transferOwnership(app, owner, orgId, adminA.sub),
          transferOwnership(app, owner, orgId, dev1.sub),
          changeRole(app, owner, orgId, adminB.sub, 'developer'),
          changeRole(app, adminB, orgId, dev2.sub, 'analyst'),
          removeMember(app, adminA, orgId, analyst.sub),
          removeMember(app, adminB, orgId, dev1.sub),
          removeMember(app, auditor, orgId, auditor.sub),
          removeMember(app, adminA, orgId, owner.sub),
          inviteMember(app, owner, orgId, { email, role: 'admin' }),
          inviteMember(app, adminB, orgId, { email, role: 'developer' }),
          inviteMember(app, adminA, orgId, { email, role: 'analyst' }),
        ]);

        for (const response of responses) {
          expectStatusIn(response, [200, 201, 204, ...LOSER_STATUSES]);
        }
        const [toAdminA, toDev1] = responses;
        expect(countStatus([toAdminA, toDev1], 200)).toBe(1);
        // adminA stays a manager throughout, so its invitation fails only if another won.
        expect(countStatus(responses.slice(8), 201)).toBe(1);
        expect(responses[4].status).toBe(204);
        expect(responses[6].status).toBe(204);
        // adminA may remove the previous owner only once adminA owns the organization; once
        // dev1 owns it, the previous owner is an admin whom only dev1 may remove.
        expectStatusIn(responses[7], toAdminA.status === 200 ? [204, 409] : [403, 409]);
        const currentOwner = toAdminA.status === 200 ? adminA : dev1;
        const members = await membersOf(app, currentOwner, orgId);
        expectValidMembership(members);
        expect(findMember(members, currentOwner.sub)?.role).toBe('owner');
        expect(findMember(members, auditor.sub)).toBeUndefined();
        expect(findMember(members, analyst.sub)).toBeUndefined();
        expect(members.filter((member) => member.email === email)).toHaveLength(1);
      }
    });
  });
});
