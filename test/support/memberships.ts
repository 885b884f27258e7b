import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { newUser, type TestUser, type TokenOptions } from './tokens.js';

export type MembershipRole =
  'owner' | 'admin' | 'developer' | 'analyst' | 'auditor' | 'service_account';

export type MembershipStatus = 'active' | 'invited' | 'suspended';

export const ALL_ROLES: readonly MembershipRole[] = [
  'owner',
  'admin',
  'developer',
  'analyst',
  'auditor',
  'service_account',
];

export interface MembershipRow {
  orgId: string;
  /** The member's token `sub`; `null` for an invitation (not yet accepted). */
  userId: string | null;
  email: string | null;
  role: MembershipRole;
  status: MembershipStatus;
  name?: string | null;
  invitationExpiresAt?: Date | null;
}

const ONE_WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * A new membership id in the form the table takes: a uuid column gets a uuid, a text column
 * the service's own `mbr_` and 16 base32 characters.
 */
async function newMembershipId(dataSource: DataSource): Promise<string> {
  const [column] = await dataSource.query(
    `SELECT data_type FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'organization_memberships'
        AND column_name = 'id'`,
  );
  if (column?.data_type === 'uuid') {
    return randomUUID();
  }

  return `mbr_${[...randomBytes(16)].map((byte) => BASE32[byte % 32]).join('')}`;
}

/**
 * Writes a row into organization_memberships, the table the service reads a caller's rights
 * from, so access tests depend on the stored membership alone and not on the member endpoints.
 * Returns the id.
 */
export async function insertMembership(
  dataSource: DataSource,
  membership: MembershipRow,
): Promise<string> {
  const id = await newMembershipId(dataSource);
  const invitationExpiresAt =
    membership.invitationExpiresAt !== undefined
      ? membership.invitationExpiresAt
      : membership.status === 'invited'
        ? new Date(Date.now() + ONE_WEEK_MS)
        : null;
  await dataSource.query(
    `INSERT INTO organization_memberships
       (id, org_id, user_id, email, name, role, status, invitation_expires_at,
        created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), now())`,
    [
      id,
      membership.orgId,
      membership.userId,
      membership.email,
      membership.name ?? null,
      membership.role,
      membership.status,
      invitationExpiresAt,
    ],
  );

  return id;
}

/**
 * A fresh user holding `role` in the organization, with the membership in `status`. An invited
 * membership is addressed to the user's email and names no user yet, as an invitation does.
 */
export async function addMember(
  dataSource: DataSource,
  orgId: string,
  role: MembershipRole,
  status: MembershipStatus = 'active',
  tokenOptions: TokenOptions = {},
): Promise<TestUser> {
  const user = newUser(tokenOptions);
  await insertMembership(dataSource, {
    orgId,
    userId: status === 'invited' ? null : user.sub,
    email: user.email,
    role,
    status,
  });

  return user;
}

/** Changes a stored membership in place, as an administrator's action would. */
export async function updateMembership(
  dataSource: DataSource,
  orgId: string,
  userId: string,
  changes: { role?: MembershipRole; status?: MembershipStatus },
): Promise<void> {
  await dataSource.query(
    `UPDATE organization_memberships
        SET role = COALESCE($3, role), status = COALESCE($4, status), updated_at = now()
      WHERE org_id = $1 AND user_id = $2`,
    [orgId, userId, changes.role ?? null, changes.status ?? null],
  );
}
