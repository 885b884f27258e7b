import { randomBytes } from 'node:crypto';
import { expectError } from './expectations.js';
import type { ApiResponse } from './http.js';
import { createOrganization, type Organization, organizationPath } from './organizations.js';
import type { TestApp } from './test-app.js';
import { mintToken, newUser, type TestUser, type TokenOptions } from './tokens.js';

export type MemberRole =
  'owner' | 'admin' | 'developer' | 'analyst' | 'auditor' | 'service_account';

/** Every role an invitation or a role change may name: all but owner. */
export const ASSIGNABLE_ROLES: readonly MemberRole[] = [
  'admin',
  'developer',
  'analyst',
  'auditor',
  'service_account',
];

/** The roles that may read the organization but change neither it nor its members. */
export const READ_ONLY_ROLES: readonly MemberRole[] = [
  'developer',
  'analyst',
  'auditor',
  'service_account',
];

/** The user object's keys, in the order every response carries them. */
export const MEMBER_KEYS = [
  'user_id',
  'email',
  'name',
  'role',
  'status',
  'invitation_expires_at',
  'created_at',
  'updated_at',
];

export interface Member {
  user_id: string;
  email: string | null;
  name: string | null;
  role: MemberRole;
  status: 'active' | 'invited' | 'suspended';
  invitation_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A test user who joined an organization through an invitation, with the membership it got. */
export interface JoinedMember extends TestUser {
  member: Member;
}

export interface OwnedOrganization {
  owner: TestUser;
  organization: Organization;
  orgId: string;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const ERROR_CODES: Readonly<Record<number, string>> = {
  400: 'VALIDATION_ERROR',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
};

export const membersPath = (orgId: string): string => `${organizationPath(orgId)}/users`;

export const memberPath = (orgId: string, userId: string): string =>
  `${membersPath(orgId)}/${encodeURIComponent(userId)}`;

/** A unique address, in the case it is given. */
export function uniqueEmail(prefix = 'invitee'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}@example.test`;
}

/** A fresh identity whose token carries exactly this `email` claim. */
export function userWithEmail(email: string, options: TokenOptions = {}): TestUser {
  const sub = `usr_${randomBytes(8).toString('hex')}`;

  return { sub, email, token: mintToken(sub, email, options) };
}

/** The same identity with a token that carries other claims (`amr`, `idp`, `name`...). */
export function withClaims(user: TestUser, extraClaims: Record<string, unknown>): TestUser {
  return { ...user, token: mintToken(user.sub, user.email, { extraClaims }) };
}

export function inviteMember(
  app: TestApp,
  actor: TestUser,
  orgId: string,
  body: Record<string, unknown>,
): Promise<ApiResponse> {
  return app.api.post(membersPath(orgId), { token: actor.token, body });
}

export function acceptInvitation(
  app: TestApp,
  user: TestUser,
  orgId: string,
): Promise<ApiResponse> {
  return app.api.post(`${organizationPath(orgId)}/invitation/accept`, { token: user.token });
}

export function listMembers(
  app: TestApp,
  actor: TestUser,
  orgId: string,
  query = '',
): Promise<ApiResponse> {
  return app.api.get(`${membersPath(orgId)}${query}`, { token: actor.token });
}

export function changeRole(
  app: TestApp,
  actor: TestUser,
  orgId: string,
  userId: string,
  role: unknown,
): Promise<ApiResponse> {
  return app.api.put(`${memberPath(orgId, userId)}/role`, { token: actor.token, body: { role } });
}

export function removeMember(
  app: TestApp,
  actor: TestUser,
  orgId: string,
  userId: string,
): Promise<ApiResponse> {
  return app.api.request('DELETE', memberPath(orgId, userId), { token: actor.token });
}

export function transferOwnership(
  app: TestApp,
  actor: TestUser,
  orgId: string,
  userId: string,
): Promise<ApiResponse> {
  return app.api.post(`${organizationPath(orgId)}/transfer-ownership`, {
    token: actor.token,
    body: { user_id: userId },
  });
}

/** The organization as `user` reads it. */
export function readOrganization(
  app: TestApp,
  user: TestUser,
  orgId: string,
): Promise<ApiResponse> {
  return app.api.get(organizationPath(orgId), { token: user.token });
}

/** Renames the organization as `user`. */
export function renameOrganization(
  app: TestApp,
  user: TestUser,
  orgId: string,
  name: string,
): Promise<ApiResponse> {
  return app.api.put(organizationPath(orgId), { token: user.token, body: { name } });
}

/** A new organization owned by a new user (whose token carries `ownerClaims`). */
export async function newOrganization(
  app: TestApp,
  overrides: Record<string, unknown> = {},
  ownerClaims: Record<string, unknown> = {},
): Promise<OwnedOrganization> {
  const owner = newUser({ extraClaims: ownerClaims });
  const organization = await createOrganization(app.api, owner, overrides);

  return { owner, organization, orgId: organization.org_id };
}

/** Invites a fresh user as `role` and accepts with that user's own token. */
export async function inviteAndAccept(
  app: TestApp,
  inviter: TestUser,
  orgId: string,
  role: MemberRole,
  tokenOptions: TokenOptions = {},
): Promise<JoinedMember> {
  const user = newUser(tokenOptions);
  const invited = await inviteMember(app, inviter, orgId, { email: user.email, role });
  expect(invited.status).toBe(201);
  const accepted = await acceptInvitation(app, user, orgId);
  expect(accepted.status).toBe(200);

  return { ...user, member: accepted.body };
}

/** Several members at once, one per role given, in that order. */
export async function inviteAndAcceptEach(
  app: TestApp,
  inviter: TestUser,
  orgId: string,
  roles: readonly MemberRole[],
): Promise<JoinedMember[]> {
  const members: JoinedMember[] = [];
  for (const role of roles) {
    members.push(await inviteAndAccept(app, inviter, orgId, role));
  }

  return members;
}

/** Makes every pending invitation for `email` in the organization lapse a minute ago. */
export async function expireInvitation(app: TestApp, orgId: string, email: string): Promise<void> {
  await app.dataSource.query(
    `UPDATE organization_memberships
        SET invitation_expires_at = now() - interval '1 minute'
      WHERE org_id = $1 AND lower(email) = lower($2) AND status = 'invited'`,
    [orgId, email],
  );
}

/** Every member and invitation of an organization, as its owner or an admin reads them. */
export async function membersOf(app: TestApp, reader: TestUser, orgId: string): Promise<Member[]> {
  const response = await listMembers(app, reader, orgId, '?limit=200');
  expect(response.status).toBe(200);
  expect(response.body.pagination.has_more).toBe(false);

  return response.body.data;
}

/** The member with this user id, or undefined. */
export function findMember(members: Member[], userId: string): Member | undefined {
  return members.find((member) => member.user_id === userId);
}

/** Asserts the user object: every key in order, with its type and format. */
export function expectMemberShape(member: Record<string, any>): void {
  expect(Object.keys(member)).toEqual(MEMBER_KEYS);
  expect(typeof member.user_id).toBe('string');
  expect(['owner', ...ASSIGNABLE_ROLES]).toContain(member.role);
  expect(['active', 'invited', 'suspended']).toContain(member.status);
  expect(member.created_at).toMatch(TIMESTAMP);
  expect(member.updated_at).toMatch(TIMESTAMP);
  if (member.status === 'invited') {
    expect(member.user_id).toMatch(/^inv_/);
    expect(member.invitation_expires_at).toMatch(TIMESTAMP);
  } else {
    expect(member.invitation_expires_at).toBeNull();
  }
}

/**
 * Asserts the invariants of a membership list: exactly one owner, who is active; no user id
 * twice; no address with two pending invitations, nor a pending invitation for an address that
 * already belongs to an active member.
 */
export function expectValidMembership(members: Member[]): void {
  const owners = members.filter((member) => member.role === 'owner');
  expect(owners).toHaveLength(1);
  expect(owners[0].status).toBe('active');

  const userIds = members.map((member) => member.user_id);
  expect(new Set(userIds).size).toBe(userIds.length);

  const pending = members
    .filter((member) => member.status === 'invited')
    .map((member) => member.email?.toLowerCase());
  expect(new Set(pending).size).toBe(pending.length);
  const active = members
    .filter((member) => member.status === 'active')
    .map((member) => member.email?.toLowerCase());
  expect(pending.filter((email) => active.includes(email))).toEqual([]);
}

/**
 * Asserts the answer is one of `statuses`, and that an error among them has the contract's
 * envelope and code. A race may be lost in a few ways; a 500 is never one of them.
 */
export function expectStatusIn(response: ApiResponse, statuses: readonly number[]): void {
  expect(statuses).toContain(response.status);
  const code = ERROR_CODES[response.status];
  if (code !== undefined) {
    expectError(response, response.status, code);
  }
}

/** The statuses of several answers, for a compact assertion on who won a race. */
export function statusesOf(responses: ApiResponse[]): number[] {
  return responses.map((response) => response.status);
}

/** How many of the answers have this status. */
export function countStatus(responses: ApiResponse[], status: number): number {
  return responses.filter((response) => response.status === status).length;
}
