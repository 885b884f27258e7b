import { jest } from '@jest/globals';
import { expectError } from './support/expectations.js';
import { organizationBody, uniqueSlug } from './support/factories.js';
import {
  acceptInvitation,
  countStatus,
  expectStatusIn,
  expectValidMembership,
  findMember,
  inviteAndAcceptEach,
  inviteMember,
  membersOf,
  newOrganization,
  transferOwnership,
  uniqueEmail,
} from './support/member-flows.js';
import { ORGANIZATIONS_PATH } from './support/organizations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { newUser } from './support/tokens.js';

jest.setTimeout(120_000);

/**
 * On a real server (TEST_DATABASE_URL) two instances of the service share one database, started
 * together (each applies migrations under the advisory lock), and every race below is spread
 * over both: only the database can decide the winner. On PGlite, whose embedded database
 * belongs to one process, the same races run against one instance.
 */
const onRealServer = process.env.TEST_DATABASE_URL !== undefined;

const ROUNDS = 5;

const VARIANT = onRealServer ? 'two instances on one PostgreSQL' : 'one instance (PGlite)';

describe(`Races spread over ${VARIANT}`, () => {
  let database: TestDatabase | undefined;
  let instances: TestApp[];

  /** The instance that serves the `index`-th request of a race. */
  const instance = (index: number): TestApp => instances[index % instances.length];

  beforeAll(async () => {
    if (onRealServer) {
      database = await createTestDatabase();
      instances = await Promise.all([
        startTestApp({}, { databaseUrl: database.url }),
        startTestApp({}, { databaseUrl: database.url }),
      ]);
    } else {
      instances = [await startTestApp()];
    }
  });

  afterAll(async () => {
    await Promise.all((instances ?? []).map((app) => app.close()));
    await database?.drop();
  });

  it('gives a slug to one of 10 creates spread over the instances; 409 to the others', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const slug = uniqueSlug('race');
      const users = Array.from({ length: 10 }, () => newUser());

      const responses = await Promise.all(
        users.map((user, index) =>
          instance(index).api.post(ORGANIZATIONS_PATH, {
            token: user.token,
            body: organizationBody({ slug }),
          }),
        ),
      );

      expect(countStatus(responses, 201)).toBe(1);
      responses
        .filter((response) => response.status !== 201)
        .forEach((response) => expectError(response, 409, 'CONFLICT'));
      const winner = users[responses.findIndex((response) => response.status === 201)];
      const listed = await Promise.all(
        users.map((user, index) =>
          instance(index + 1).api.get(ORGANIZATIONS_PATH, { token: user.token }),
        ),
      );
      for (const [index, list] of listed.entries()) {
        expect(list.status).toBe(200);
        expect(list.body.data).toHaveLength(users[index] === winner ? 1 : 0);
      }
    }
  });

  it('keeps one of 10 invitations of one address spread over the instances', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { owner, orgId } = await newOrganization(instance(round));
      const [admin] = await inviteAndAcceptEach(instance(round), owner, orgId, ['admin']);
      const email = uniqueEmail();

      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          inviteMember(instance(index), index % 3 === 0 ? admin : owner, orgId, {
            email: index % 2 === 0 ? email : email.toUpperCase(),
            role: 'analyst',
          }),
        ),
      );

      expect(countStatus(responses, 201)).toBe(1);
      expect(countStatus(responses, 409)).toBe(9);
      const members = await membersOf(instance(round + 1), owner, orgId);
      expectValidMembership(members);
      expect(members.filter((member) => member.status === 'invited')).toHaveLength(1);
    }
  });

  it('lets one of 6 acceptances of an invitation spread over the instances succeed', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { owner, orgId } = await newOrganization(instance(round));
      const invitee = newUser();
      const invited = await inviteMember(instance(round), owner, orgId, {
        email: invitee.email,
        role: 'developer',
      });
      expect(invited.status).toBe(201);

      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, index) => acceptInvitation(instance(index), invitee, orgId)),
      );

      expect(countStatus(responses, 200)).toBe(1);
      responses.forEach((response) => expectStatusIn(response, [200, 404]));
      const members = await membersOf(instance(round + 1), owner, orgId);
      expectValidMembership(members);
      expect(members.filter((member) => member.user_id === invitee.sub)).toHaveLength(1);
    }
  });

  it('lets one of four transfers of ownership spread over the instances win', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { owner, orgId } = await newOrganization(instance(round));
      const targets = await inviteAndAcceptEach(instance(round), owner, orgId, [
        'admin',
        'developer',
        'analyst',
        'auditor',
      ]);

      const responses = await Promise.all(
        targets.map((target, index) =>
          transferOwnership(instance(index), owner, orgId, target.sub),
        ),
      );

      expect(countStatus(responses, 200)).toBe(1);
      responses.forEach((response) => expectStatusIn(response, [200, 403, 404, 409]));
      const winner = targets[responses.findIndex((response) => response.status === 200)];
      const members = await membersOf(instance(round + 1), winner, orgId);
      expectValidMembership(members);
      expect(findMember(members, winner.sub)?.role).toBe('owner');
      expect(findMember(members, owner.sub)?.role).toBe('admin');
    }
  });
});
