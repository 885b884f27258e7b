import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, type EntityManager } from 'typeorm';
import { AuditAction, AuditTargetType } from '../../audit/audit-action.js';
import { changesBetween, maskEmail } from '../../audit/audit-changes.js';
import { AuditLogService } from '../../audit/audit-log.service.js';
import type { AuthenticatedUser } from '../../auth/authenticated-user.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { newPrefixedId } from '../../common/ids.js';
import { isPrintableText } from '../../common/text.js';
import {
  cursorTimestampSql,
  decodeCursor,
  type Page,
  toPage,
} from '../../common/pagination/cursor.js';
import { DEFAULT_PAGE_SIZE } from '../../common/pagination/list-query.dto.js';
import { OrganizationMembership } from '../entities/organization-membership.entity.js';
import { Organization } from '../entities/organization.entity.js';
import type { OrganizationAccess } from '../organization-access.js';
import { hydrateEntity } from '../../database/hydrate.js';
import { assertOrganizationSecurity } from '../organization-security.js';
import { MembershipStatus, OrganizationRole } from '../organization-role.enum.js';
import type {
  ChangeRoleDto,
  InviteMemberDto,
  ListMembersQueryDto,
} from './dto/member-requests.dto.js';

export const INVITATION_LIFETIME_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

const MEMBER_NOT_FOUND = 'No such member or pending invitation in this organization';
const ONLY_OWNER_MANAGES_ADMINS = 'Only the owner may grant or remove the admin role';
const USE_TRANSFER = 'Ownership changes only through POST /transfer-ownership';
const MANAGERS = [OrganizationRole.Owner, OrganizationRole.Admin];

@Injectable()
export class MembersService {
  private readonly logger = new Logger(MembersService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly auditLog: AuditLogService,
  ) {}

  /** Members and pending invitations, newest first, with keyset pagination. */
  async list(orgId: string, query: ListMembersQueryDto): Promise<Page<OrganizationMembership>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const filtered = () => {
      const builder = this.dataSource
        .getRepository(OrganizationMembership)
        .createQueryBuilder('membership')
        .where('membership.orgId = :orgId', { orgId });
      if (query.role) {
        builder.andWhere('membership.role = :role', { role: query.role });
      }
      if (query.status) {
        builder.andWhere('membership.status = :status', { status: query.status });
      }

      return builder;
    };

    const pageQuery = filtered()
      .addSelect(cursorTimestampSql('membership.created_at'), 'cursor_created_at')
      .orderBy('membership.createdAt', 'DESC')
      .addOrderBy('membership.id', 'DESC')
      .limit(limit + 1);
    if (query.cursor) {
      const position = decodeCursor(query.cursor);
      pageQuery.andWhere('(membership.createdAt, membership.id) < (:createdAt::timestamptz, :id)', {
        createdAt: position.createdAt,
        id: position.id,
      });
    }
    const [{ entities, raw }, total] = await Promise.all([
      pageQuery.getRawAndEntities<{ cursor_created_at: string }>(),
      filtered().getCount(),
    ]);

    return toPage(entities, raw, limit, total);
  }

  /**
   * Invites a person by email to take a role. Only the owner may invite an admin. A lapsed
   * invitation for the same address is replaced; a pending one, or an active member with that
   * address, is a conflict.
   */
  async invite(
    access: OrganizationAccess,
    actor: AuthenticatedUser,
    input: InviteMemberDto,
    requestId: string | null = null,
  ): Promise<OrganizationMembership> {
    const orgId = access.organization.orgId;

    const invitation = await this.dataSource.transaction(async (manager) => {
      await lockOrganization(manager, orgId);
      const [actorRow] = await lockMembers(manager, orgId, [actor.userId]);
      const actorRole = assertManager(actorRow);
      if (input.role === OrganizationRole.Admin && actorRole !== OrganizationRole.Owner) {
        throw DomainError.forbidden(ONLY_OWNER_MANAGES_ADMINS);
      }
      const existing = await manager
        .getRepository(OrganizationMembership)
        .createQueryBuilder('membership')
        .where('membership.orgId = :orgId', { orgId })
        .andWhere('lower(membership.email) = lower(:email)', { email: input.email })
        .andWhere('membership.status IN (:...statuses)', {
          statuses: [MembershipStatus.Active, MembershipStatus.Suspended],
        })
        .getExists();
      if (existing) {
        throw DomainError.conflict(`${input.email} is already a member of this organization`);
      }
      await manager
        .createQueryBuilder()
        .delete()
        .from(OrganizationMembership)
        .where('orgId = :orgId AND status = :invited', {
          orgId,
          invited: MembershipStatus.Invited,
        })
        .andWhere('lower(email) = lower(:email)', { email: input.email })
        .andWhere('invitationExpiresAt <= now()')
        .execute();
      const created = manager.getRepository(OrganizationMembership).create({
        id: newPrefixedId('inv'),
        orgId,
        userId: null,
        email: input.email,
        name: input.name ?? null,
        role: input.role,
        status: MembershipStatus.Invited,
        invitationExpiresAt: new Date(Date.now() + INVITATION_LIFETIME_DAYS * DAY_MS),
      });
      await manager.insert(OrganizationMembership, created);
      await this.auditLog.record(manager, {
        orgId,
        action: AuditAction.MemberInvited,
        actor: actor.userId,
        target: { type: AuditTargetType.Invitation, id: created.id },
        changes: changesBetween({}, auditedMemberFields(created)),
        requestId,
      });

      return created;
    });
    this.logger.log({
      message: 'member invited',
      org_id: orgId,
      invitation_id: invitation.id,
      role: invitation.role,
      actor: actor.userId,
    });

    return invitation;
  }

  /**
   * Turns the pending, unexpired invitation addressed to the caller's email into an active
   * membership under the caller's user id. Anything else is 404: the caller learns nothing
   * about invitations that are not theirs.
   */
  async acceptInvitation(
    orgId: string,
    user: AuthenticatedUser,
    requestId: string | null = null,
  ): Promise<OrganizationMembership> {
    const notFound = DomainError.notFound('No pending invitation for you in this organization');
    if (!user.email) {
      throw notFound;
    }
    const email = user.email;

    const membership = await this.dataSource.transaction(async (manager) => {
      const organization = await lockOrganization(manager, orgId);
      const invitation = await manager
        .getRepository(OrganizationMembership)
        .createQueryBuilder('membership')
        .where('membership.orgId = :orgId AND membership.status = :invited', {
          orgId,
          invited: MembershipStatus.Invited,
        })
        .andWhere('lower(membership.email) = lower(:email)', { email })
        .andWhere('membership.invitationExpiresAt > now()')
        .setLock('pessimistic_write')
        .getOne();
      if (!organization || !invitation) {
        throw notFound;
      }
      assertOrganizationSecurity(organization, user);
      const alreadyMember = await manager.existsBy(OrganizationMembership, {
        orgId,
        userId: user.userId,
      });
      if (alreadyMember) {
        throw DomainError.conflict('You are already a member of this organization');
      }
      const [row] = await updateReturning(manager, invitation.id, {
        userId: user.userId,
        status: MembershipStatus.Active,
        invitationExpiresAt: null,
        name: invitation.name ?? user.name,
      });
      await this.auditLog.record(manager, {
        orgId,
        action: AuditAction.InvitationAccepted,
        actor: user.userId,
        target: { type: AuditTargetType.Member, id: user.userId },
        changes: {
          user_id: { from: invitation.id, to: user.userId },
          ...changesBetween(auditedMemberFields(invitation), auditedMemberFields(row)),
        },
        requestId,
      });

      return row;
    });
    this.logger.log({
      message: 'invitation accepted',
      org_id: orgId,
      user_id: user.userId,
      role: membership.role,
    });

    return membership;
  }

  /** Changes a member's role. Only the owner grants or removes admin; owner moves by transfer. */
  async changeRole(
    access: OrganizationAccess,
    actor: AuthenticatedUser,
    targetUserId: string,
    input: ChangeRoleDto,
    requestId: string | null = null,
  ): Promise<OrganizationMembership> {
    const orgId = access.organization.orgId;

    const updated = await this.dataSource.transaction(async (manager) => {
      const rows = await lockMembers(manager, orgId, [actor.userId, targetUserId]);
      const actorRole = assertManager(findMember(rows, actor.userId));
      const target = findMember(rows, targetUserId);
      if (!target) {
        throw DomainError.notFound(MEMBER_NOT_FOUND);
      }
      if (target.role === OrganizationRole.Owner || input.role === OrganizationRole.Owner) {
        throw DomainError.conflict(USE_TRANSFER);
      }
      const touchesAdmin =
        target.role === OrganizationRole.Admin || input.role === OrganizationRole.Admin;
      if (touchesAdmin && actorRole !== OrganizationRole.Owner) {
        throw DomainError.forbidden(ONLY_OWNER_MANAGES_ADMINS);
      }
      if (target.role === input.role) {
        return target;
      }
      const [row] = await updateReturning(manager, target.id, { role: input.role });
      await this.auditLog.record(manager, {
        orgId,
        action: AuditAction.MemberRoleChanged,
        actor: actor.userId,
        target: memberTarget(target),
        changes: { role: { from: target.role, to: row.role } },
        requestId,
      });

      return row;
    });
    this.logger.log({
      message: 'member role changed',
      org_id: orgId,
      user_id: targetUserId,
      role: updated.role,
      actor: actor.userId,
    });

    return updated;
  }

  /**
   * Removes a member or revokes a pending invitation. Members may remove themselves (leave);
   * removing others takes owner or admin, and only the owner removes an admin. The owner can
   * neither be removed nor leave.
   */
  async remove(
    access: OrganizationAccess,
    actor: AuthenticatedUser,
    targetUserId: string,
    requestId: string | null = null,
  ): Promise<void> {
    const orgId = access.organization.orgId;

    await this.dataSource.transaction(async (manager) => {
      const rows = await lockMembers(manager, orgId, [actor.userId, targetUserId]);
      const actorRow = findMember(rows, actor.userId);
      const target = findMember(rows, targetUserId);
      if (!actorRow || actorRow.status !== MembershipStatus.Active) {
        throw DomainError.notFound('Organization not found');
      }
      if (!target) {
        throw DomainError.notFound(MEMBER_NOT_FOUND);
      }
      if (target.role === OrganizationRole.Owner) {
        throw DomainError.conflict(
          'The owner cannot be removed or leave; transfer ownership first',
        );
      }
      if (target.id !== actorRow.id) {
        const actorRole = assertManager(actorRow);
        if (target.role === OrganizationRole.Admin && actorRole !== OrganizationRole.Owner) {
          throw DomainError.forbidden(ONLY_OWNER_MANAGES_ADMINS);
        }
      }
      await manager.delete(OrganizationMembership, { id: target.id });
      await this.auditLog.record(manager, {
        orgId,
        action:
          target.status === MembershipStatus.Invited
            ? AuditAction.InvitationRevoked
            : target.id === actorRow.id
              ? AuditAction.MemberLeft
              : AuditAction.MemberRemoved,
        actor: actor.userId,
        target: memberTarget(target),
        changes: changesBetween(auditedMemberFields(target), {}),
        requestId,
      });
    });
    this.logger.log({
      message: 'member removed',
      org_id: orgId,
      user_id: targetUserId,
      actor: actor.userId,
    });
  }

  /** Makes an active member the owner and the previous owner an admin, atomically. */
  async transferOwnership(
    access: OrganizationAccess,
    actor: AuthenticatedUser,
    targetUserId: string,
    requestId: string | null = null,
  ): Promise<{ owner: OrganizationMembership; previousOwner: OrganizationMembership }> {
    const orgId = access.organization.orgId;

    const result = await this.dataSource.transaction(async (manager) => {
      const rows = await lockMembers(manager, orgId, [actor.userId, targetUserId]);
      const current = findMember(rows, actor.userId);
      if (!current || current.role !== OrganizationRole.Owner) {
        throw DomainError.forbidden('Only the owner may transfer ownership');
      }
      const target = findMember(rows, targetUserId);
      if (!target || target.userId === null) {
        throw DomainError.notFound(MEMBER_NOT_FOUND);
      }
      if (target.id === current.id) {
        throw DomainError.conflict('You already own this organization');
      }
      if (target.status !== MembershipStatus.Active) {
        throw DomainError.conflict('Ownership can move only to an active member');
      }
      // The previous owner steps down first: the database allows one owner at a time.
      const [previousOwner] = await updateReturning(manager, current.id, {
        role: OrganizationRole.Admin,
      });
      const [owner] = await updateReturning(manager, target.id, { role: OrganizationRole.Owner });
      await this.auditLog.record(manager, {
        orgId,
        action: AuditAction.OwnershipTransferred,
        actor: actor.userId,
        target: memberTarget(owner),
        changes: {
          owner: { from: actor.userId, to: targetUserId },
          [`role.${actor.userId}`]: { from: current.role, to: previousOwner.role },
          [`role.${targetUserId}`]: { from: target.role, to: owner.role },
        },
        requestId,
      });

      return { owner, previousOwner };
    });
    this.logger.log({
      message: 'ownership transferred',
      org_id: orgId,
      user_id: targetUserId,
      previous_owner: actor.userId,
    });

    return result;
  }
}

/** What a membership's audit entries compare; the address is masked. */
function auditedMemberFields(membership: OrganizationMembership): Record<string, unknown> {
  return {
    email: maskEmail(membership.email),
    role: membership.role,
    status: membership.status,
  };
}

/** A member by user id, a pending invitation by its `inv_` id. */
function memberTarget(membership: OrganizationMembership): {
  type: AuditTargetType;
  id: string;
} {
  return membership.userId === null
    ? { type: AuditTargetType.Invitation, id: membership.id }
    : { type: AuditTargetType.Member, id: membership.userId };
}

/**
 * Locks the organization row: invitations and acceptances of one organization take turns, so
 * an address cannot be invited while the same address is becoming a member.
 */
async function lockOrganization(
  manager: EntityManager,
  orgId: string,
): Promise<Organization | null> {
  return manager
    .getRepository(Organization)
    .createQueryBuilder('organization')
    .where('organization.orgId = :orgId', { orgId })
    .setLock('pessimistic_write')
    .getOne();
}

/**
 * Locks the memberships named by user id (or, for pending invitations, by invitation id) in a
 * fixed order, so concurrent changes to the same members queue instead of deadlocking, and each
 * decision is made on rows no one else can change until the transaction ends.
 */
async function lockMembers(
  manager: EntityManager,
  orgId: string,
  memberIds: string[],
): Promise<OrganizationMembership[]> {
  // An id no member can have (too long, or with control characters) matches nobody.
  memberIds = memberIds.filter(isPossibleMemberId);
  if (memberIds.length === 0) {
    return [];
  }

  return manager
    .getRepository(OrganizationMembership)
    .createQueryBuilder('membership')
    .where('membership.orgId = :orgId', { orgId })
    .andWhere(
      new Brackets((where) =>
        where
          .where('membership.userId IN (:...memberIds)', { memberIds })
          .orWhere('(membership.userId IS NULL AND membership.id IN (:...memberIds))'),
      ),
    )
    .orderBy('membership.id')
    .setLock('pessimistic_write')
    .getMany();
}

function isPossibleMemberId(memberId: string): boolean {
  return memberId.length <= 255 && isPrintableText(memberId);
}

function findMember(
  rows: OrganizationMembership[],
  memberId: string,
): OrganizationMembership | undefined {
  return rows.find(
    (row) => row.userId === memberId || (row.userId === null && row.id === memberId),
  );
}

/** The actor's role, re-read under lock; it may have changed since the guard looked. */
function assertManager(actor: OrganizationMembership | undefined): OrganizationRole {
  if (!actor || actor.status !== MembershipStatus.Active) {
    throw DomainError.notFound('Organization not found');
  }
  if (!MANAGERS.includes(actor.role)) {
    throw DomainError.forbidden(`This requires one of the roles ${MANAGERS.join(', ')}`);
  }

  return actor.role;
}

async function updateReturning(
  manager: EntityManager,
  id: string,
  changes: Partial<OrganizationMembership>,
): Promise<OrganizationMembership[]> {
  const result = await manager
    .createQueryBuilder()
    .update(OrganizationMembership)
    .set(changes)
    .where('id = :id', { id })
    .returning('*')
    .execute();

  return (result.raw as Record<string, unknown>[]).map((row) =>
    hydrateEntity(manager.connection, OrganizationMembership, row),
  );
}
