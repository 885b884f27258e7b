import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { AuditAction, AuditTargetType } from '../audit/audit-action.js';
import { changesBetween } from '../audit/audit-changes.js';
import { AuditLogService } from '../audit/audit-log.service.js';
import { type AuthenticatedUser } from '../auth/authenticated-user.js';
import { DomainError } from '../common/errors/domain-error.js';
import { type FieldError } from '../common/errors/error-envelope.js';
import {
  evaluatePreconditions,
  preconditionFailed,
  type Preconditions,
} from '../common/http/entity-tags.js';
import { newPrefixedId } from '../common/ids.js';
import {
  cursorTimestampSql,
  decodeCursor,
  type Page,
  toPage,
} from '../common/pagination/cursor.js';
import { DEFAULT_PAGE_SIZE, type ListQueryDto } from '../common/pagination/list-query.dto.js';
import { hydrateEntity } from '../database/hydrate.js';
import { CreateOrganizationDto } from './dto/create-organization.dto.js';
import { UpdateOrganizationDto } from './dto/update-organization.dto.js';
import { OrganizationMembership } from './entities/organization-membership.entity.js';
import { Organization } from './entities/organization.entity.js';
import { type OrganizationAccess } from './organization-access.js';
import {
  DEFAULT_CLOUD_REGION,
  OrganizationStatus,
  OrganizationTier,
  SsoProvider,
  TIER_QUOTAS,
} from './organization-catalog.js';
import { isOrganizationId, newOrganizationId } from './organization-id.js';
import { auditedOrganizationFields } from './organization-audit.js';
import { organizationEntityTag } from './organization.mapper.js';
import {
  assertNoSelfLockout,
  assertOrganizationSecurity,
  MFA_METHOD,
} from './organization-security.js';
import {
  MembershipStatus,
  ORGANIZATION_EDITORS,
  OrganizationRole,
} from './organization-role.enum.js';
import { NEXT_UPDATED_AT } from './updated-at.js';

const SSO_PROVIDER_REQUIRED =
  'settings.enforce_sso can be true only while settings.sso_provider is set';
const UPDATE_NEEDS_A_FIELD = 'Send at least one of name, billing_email and settings';

const FIND_ACCESS_SQL = `
  SELECT organization.*, membership.role AS membership_role
    FROM organizations organization
    JOIN organization_memberships membership
      ON membership.org_id = organization.org_id
     AND membership.user_id = $2
     AND membership.status = '${MembershipStatus.Active}'
   WHERE organization.org_id = $1`;

/** The same, with the organization row locked until the transaction ends. */
const LOCK_ACCESS_SQL = `${FIND_ACCESS_SQL} FOR UPDATE OF organization`;

/** The column of each field a PUT may change. */
const UPDATABLE_COLUMNS: Readonly<Record<keyof OrganizationChanges, string>> = {
  name: 'name',
  billingEmail: 'billing_email',
  mfaRequired: 'mfa_required',
  enforceSso: 'enforce_sso',
  ssoProvider: 'sso_provider',
};

/*
 * The caller's organizations, driven from their memberships (materialized first): newest
 * organizations of other people never have to be walked past to find the caller's, however
 * many there are. Organizations whose MFA or SSO requirement the token does not meet are left
 * out. Parameters: $1 user id, $2 token has MFA, $3 token's identity provider.
 */
const MY_MEMBERSHIPS = `
  WITH mine AS MATERIALIZED (
    SELECT org_id, role FROM organization_memberships
     WHERE user_id = $1 AND status = '${MembershipStatus.Active}'
  )`;
const MY_VISIBLE_ORGANIZATIONS = `
  FROM mine
  JOIN organizations organization ON organization.org_id = mine.org_id
 WHERE (NOT organization.mfa_required OR $2)
   AND (NOT organization.enforce_sso OR organization.sso_provider = $3)`;
const MY_ORGANIZATIONS_SQL = `${MY_MEMBERSHIPS}
  SELECT organization.*, mine.role AS membership_role,
         ${cursorTimestampSql('organization.created_at')} AS cursor_created_at
  ${MY_VISIBLE_ORGANIZATIONS}`;
const COUNT_MY_ORGANIZATIONS_SQL = `${MY_MEMBERSHIPS}
  SELECT count(*)::int AS total
  ${MY_VISIBLE_ORGANIZATIONS}`;

const AFTER_CURSOR_SQL =
  'AND (organization.created_at, organization.org_id) < ($4::timestamptz, $5)';

type ListedOrganizationRow = Record<string, unknown> & {
  org_id: string;
  membership_role: OrganizationRole;
  cursor_created_at: string;
};

/** The settings of an organization before any restriction, to judge a create like a change. */
const UNRESTRICTED = { mfaRequired: false, enforceSso: false, ssoProvider: null } as Organization;

/** What a PUT asks for, with the conditions it comes with. */
interface UpdateRequest {
  user: AuthenticatedUser;
  input: UpdateOrganizationDto;
  preconditions: Preconditions;
  requestId: string | null;
}

type OrganizationChanges = Partial<
  Pick<Organization, 'name' | 'billingEmail' | 'mfaRequired' | 'enforceSso' | 'ssoProvider'>
>;

@Injectable()
export class OrganizationsService {
  private readonly logger = new Logger(OrganizationsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    private readonly auditLog: AuditLogService,
  ) {}

  /**
   * Creates an organization on the free tier with the caller as its owner, both rows in one
   * transaction. A taken slug surfaces as the database's unique violation (409), so racing
   * creates of one slug have exactly one winner. The audit entry commits with them.
   */
  async create(
    user: AuthenticatedUser,
    input: CreateOrganizationDto,
    requestId: string | null = null,
  ): Promise<Organization> {
    const settings = {
      mfaRequired: input.settings?.mfa_required ?? false,
      enforceSso: input.settings?.enforce_sso ?? false,
      ssoProvider: input.settings?.sso_provider ?? null,
    };
    assertSsoProviderRule(settings.enforceSso, settings.ssoProvider, 'settings.enforce_sso');
    assertNoSelfLockout(UNRESTRICTED, settings, user);
    const quotas = TIER_QUOTAS[OrganizationTier.Free];
    const organization = this.organizations.create({
      orgId: newOrganizationId(),
      name: input.name,
      slug: input.slug,
      billingEmail: input.billing_email,
      cloudRegion: input.cloud_region ?? DEFAULT_CLOUD_REGION,
      tier: OrganizationTier.Free,
      status: OrganizationStatus.Active,
      stripeCustomerId: null,
      stripeSubscriptionId: null,
      ...settings,
      monthlyCreditLimit: quotas.monthlyCreditLimit,
      creditsUsed: 0,
      maxConcurrentQueries: quotas.maxConcurrentQueries,
      storageLimitGb: quotas.storageLimitGb,
      version: 1,
    });

    await this.dataSource.transaction(async (manager) => {
      await manager.insert(Organization, organization);
      await manager.insert(OrganizationMembership, {
        id: newPrefixedId('mbr'),
        orgId: organization.orgId,
        userId: user.userId,
        email: user.email,
        name: user.name,
        role: OrganizationRole.Owner,
        status: MembershipStatus.Active,
        invitationExpiresAt: null,
      });
      await this.auditLog.record(manager, {
        orgId: organization.orgId,
        action: AuditAction.OrganizationCreated,
        actor: user.userId,
        target: { type: AuditTargetType.Organization, id: organization.orgId },
        changes: changesBetween({}, auditedOrganizationFields(organization)),
        requestId,
      });
    });
    this.logger.log({
      message: 'organization created',
      org_id: organization.orgId,
      user_id: user.userId,
    });

    return organization;
  }

  /**
   * The organization and the caller's role in it, in one query, when the caller is an active
   * member; `null` otherwise, including for ids that cannot exist.
   */
  async findAccess(orgId: string, userId: string): Promise<OrganizationAccess | null> {
    if (!isOrganizationId(orgId)) {
      return null;
    }
    // Hand-written SQL: this runs on every organization-scoped request, and skipping the query
    // builder saves its cost on each of them.
    const rows: (Record<string, unknown> & { membership_role: OrganizationRole })[] =
      await this.dataSource.query(FIND_ACCESS_SQL, [orgId, userId]);
    if (rows.length === 0) {
      return null;
    }

    return {
      organization: hydrateEntity(this.dataSource, Organization, rows[0]),
      role: rows[0].membership_role,
    };
  }

  /**
   * The caller's organizations with their role in each, newest first, keyset-paginated.
   * Organizations whose MFA or SSO requirement the caller's token does not meet are left out,
   * as every other request about them would be refused.
   */
  async listForUser(
    user: AuthenticatedUser,
    query: ListQueryDto,
  ): Promise<Page<OrganizationAccess & { id: string }>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const position = query.cursor ? decodeCursor(query.cursor) : undefined;
    const visible = [
      user.userId,
      user.authMethods.includes(MFA_METHOD),
      user.identityProvider ?? '',
    ];

    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query(
        `${MY_ORGANIZATIONS_SQL}
           ${position ? AFTER_CURSOR_SQL : ''}
         ORDER BY organization.created_at DESC, organization.org_id DESC
         LIMIT ${limit + 1}`,
        position ? [...visible, position.createdAt, position.id] : visible,
      ) as Promise<ListedOrganizationRow[]>,
      this.dataSource.query(COUNT_MY_ORGANIZATIONS_SQL, visible) as Promise<{ total: number }[]>,
    ]);
    const accesses = rows.map((row) => ({
      id: row.org_id,
      organization: hydrateEntity(this.dataSource, Organization, row),
      role: row.membership_role,
    }));

    return toPage(accesses, rows, limit, total);
  }

  /**
   * Applies a partial update. Settings merge key by key; `slug` and `cloud_region` are accepted
   * only when unchanged. A request that changes nothing writes nothing, so `updated_at` stays.
   *
   * Every decision (the preconditions of `If-Match` / `If-None-Match`, the settings rules, the
   * audit entry's `from` values) is made on one version of the row, and the UPDATE applies only
   * while the row is still at that version; it writes the audit entry in the same statement.
   * That is the guard's read plus one statement. When another change got in between, the
   * request is decided again on the row locked in a transaction, so racing PUTs with one
   * `If-Match` tag have exactly one winner and the others get 412.
   */
  async update(
    access: OrganizationAccess,
    user: AuthenticatedUser,
    input: UpdateOrganizationDto,
    preconditions: Preconditions = {},
    requestId: string | null = null,
  ): Promise<Organization> {
    const request: UpdateRequest = { user, input, preconditions, requestId };
    const updated = await this.updateAtVersion(
      this.dataSource.manager,
      access.organization,
      request,
    );
    if (updated) {
      return updated;
    }

    return this.dataSource.transaction(async (manager) => {
      const orgId = access.organization.orgId;
      const rows: (Record<string, unknown> & { membership_role: OrganizationRole })[] =
        await manager.query(LOCK_ACCESS_SQL, [orgId, user.userId]);
      if (rows.length === 0) {
        throw DomainError.notFound('Organization not found');
      }
      const current = hydrateEntity(this.dataSource, Organization, rows[0]);
      const role = rows[0].membership_role;
      if (!ORGANIZATION_EDITORS.includes(role)) {
        throw DomainError.forbidden(
          `This requires one of the roles ${ORGANIZATION_EDITORS.join(', ')}; yours is ${role}`,
          { required_roles: [...ORGANIZATION_EDITORS], role },
        );
      }
      assertOrganizationSecurity(current, user);
      const locked = await this.updateAtVersion(manager, current, request);
      if (!locked) {
        throw new Error('a locked organization row changed under its lock');
      }

      return locked;
    });
  }

  /**
   * Decides the update on `current` and applies it while the row is still at its version;
   * null when the row has moved on since `current` was read.
   */
  private async updateAtVersion(
    manager: EntityManager,
    current: Organization,
    request: UpdateRequest,
  ): Promise<Organization | null> {
    const { user, input, preconditions, requestId } = request;
    const tag = organizationEntityTag(current);
    if (evaluatePreconditions(preconditions, tag, false) === 'failed') {
      throw preconditionFailed(tag);
    }
    assertChangeable(current.status);
    assertImmutableFieldsUnchanged(current, input);
    if (
      input.name === undefined &&
      input.billing_email === undefined &&
      input.settings === undefined
    ) {
      throw DomainError.validation([], UPDATE_NEEDS_A_FIELD);
    }
    const changes = diff(current, {
      name: input.name,
      billingEmail: input.billing_email,
      mfaRequired: input.settings?.mfa_required,
      enforceSso: input.settings?.enforce_sso,
      ssoProvider: input.settings?.sso_provider,
    });
    const nextSettings = {
      mfaRequired: changes.mfaRequired ?? current.mfaRequired,
      enforceSso: changes.enforceSso ?? current.enforceSso,
      ssoProvider: changes.ssoProvider !== undefined ? changes.ssoProvider : current.ssoProvider,
    };
    assertSsoProviderRule(
      nextSettings.enforceSso,
      nextSettings.ssoProvider,
      input.settings?.sso_provider === null ? 'settings.sso_provider' : 'settings.enforce_sso',
    );
    assertNoSelfLockout(current, nextSettings, user);
    if (Object.keys(changes).length === 0) {
      return current;
    }

    const fields = Object.keys(changes) as (keyof OrganizationChanges)[];
    const assignments = fields.map((field, index) => `${UPDATABLE_COLUMNS[field]} = $${index + 3}`);
    const statement = this.auditLog.withEntry(
      {
        sql: `UPDATE organizations
                 SET ${assignments.join(', ')}, updated_at = ${NEXT_UPDATED_AT}
               WHERE org_id = $1 AND version = $2
              RETURNING *`,
        parameters: [current.orgId, current.version, ...fields.map((field) => changes[field])],
      },
      {
        orgId: current.orgId,
        action: AuditAction.OrganizationUpdated,
        actor: user.userId,
        target: { type: AuditTargetType.Organization, id: current.orgId },
        changes: changesBetween(
          auditedOrganizationFields(current),
          auditedOrganizationFields({ ...current, ...changes }),
        ),
        requestId,
      },
    );
    const [row]: Record<string, unknown>[] = await manager.query(
      statement.sql,
      statement.parameters,
    );
    if (!row) {
      return null;
    }
    this.logger.log({
      message: 'organization updated',
      org_id: current.orgId,
      fields: Object.keys(changes),
    });

    return hydrateEntity(this.dataSource, Organization, row);
  }
}

/** While suspended or cancelled, an organization can be read but not updated. */
const FROZEN_STATUSES: readonly OrganizationStatus[] = [
  OrganizationStatus.Suspended,
  OrganizationStatus.Cancelled,
];

function assertChangeable(status: OrganizationStatus): void {
  if (FROZEN_STATUSES.includes(status)) {
    throw DomainError.conflict(`The organization is ${status}; it cannot be updated`, { status });
  }
}

function assertImmutableFieldsUnchanged(current: Organization, input: UpdateOrganizationDto): void {
  const violations: FieldError[] = [];
  if (input.slug !== undefined && input.slug !== current.slug) {
    violations.push({
      field: 'slug',
      constraint: 'immutable',
      message: 'slug cannot be changed after creation',
    });
  }
  if (input.cloud_region !== undefined && input.cloud_region !== current.cloudRegion) {
    violations.push({
      field: 'cloud_region',
      constraint: 'immutable',
      message:
        'cloud_region cannot be changed after creation; create a new organization in the ' +
        'other region and migrate the data',
    });
  }
  if (violations.length > 0) {
    throw DomainError.validation(violations);
  }
}

function assertSsoProviderRule(
  enforceSso: boolean,
  ssoProvider: SsoProvider | null,
  field: string,
): void {
  if (enforceSso && ssoProvider === null) {
    throw DomainError.validation([
      { field, constraint: 'requires_sso_provider', message: SSO_PROVIDER_REQUIRED },
    ]);
  }
}

/** The requested values that differ from the stored ones; `undefined` means "not sent". */
function diff(current: Organization, requested: OrganizationChanges): OrganizationChanges {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(requested)) {
    if (value !== undefined && current[key as keyof Organization] !== value) {
      changes[key] = value;
    }
  }

  return changes as OrganizationChanges;
}
