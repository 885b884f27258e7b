import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditAction, AuditTargetType } from '../../audit/audit-action.js';
import { changesBetween } from '../../audit/audit-changes.js';
import { AuditLogService } from '../../audit/audit-log.service.js';
import { type AuthenticatedUser } from '../../auth/authenticated-user.js';
import { StripeBillingClient } from '../../billing/stripe-billing.client.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { hydrateEntity } from '../../database/hydrate.js';
import { Organization } from '../entities/organization.entity.js';
import { auditedOrganizationFields } from '../organization-audit.js';
import { type OrganizationAccess } from '../organization-access.js';
import {
  OrganizationStatus,
  OrganizationTier,
  SuspensionKind,
  TIER_QUOTAS,
} from '../organization-catalog.js';
import { isOrganizationId } from '../organization-id.js';
import {
  ORGANIZATIONS_MODULE_OPTIONS,
  type OrganizationsModuleOptions,
} from '../organizations-module.options.js';
import { NEXT_UPDATED_AT } from '../updated-at.js';
import { DEFAULT_RETENTION_DAYS } from './lifecycle-settings.js';
import { LifecycleEvent, resolveTransition } from './lifecycle-transitions.js';

const ORGANIZATION_NOT_FOUND = 'Organization not found';
const DAY_MS = 24 * 60 * 60 * 1000;

/** Who moved an organization: a user (owner or operator), the service itself, or Stripe. */
export type LifecycleActor = (
  | { kind: 'user'; userId: string }
  | { kind: 'system' }
  | { kind: 'stripe'; eventId: string; eventType: string }
) & {
  /** The request that caused the change, for its audit entry; absent for background work. */
  requestId?: string | null;
};

export const SYSTEM_ACTOR: LifecycleActor = { kind: 'system' };

export function userActor(
  user: AuthenticatedUser,
  requestId: string | null = null,
): LifecycleActor {
  return { kind: 'user', userId: user.userId, requestId };
}

/**
 * One lifecycle event and what it brings along. Fields left undefined keep their stored
 * value; `tier` also sets the quotas of the tier.
 */
export interface LifecycleChange {
  event: LifecycleEvent;
  tier?: OrganizationTier;
  stripeCustomerId?: string | null;
  stripeSubscriptionId?: string | null;
  /** The checkout a `pending_payment` organization waits for (checkout_started only). */
  pendingCheckout?: { sessionId: string; tier: OrganizationTier };
  /** Why it is suspended (suspending events only). */
  suspension?: { kind: SuspensionKind; reason: string | null };
  /** `created` of the Stripe event that caused the change. */
  stripeEventAt?: Date;
}

/** A transition that took place, as the audit trail will want it. */
export interface AppliedTransition {
  from: OrganizationStatus;
  to: OrganizationStatus;
  fromTier: OrganizationTier;
  toTier: OrganizationTier;
}

/**
 * Moves organizations through their lifecycle. Every change of status or tier goes through
 * `applyTransition`, inside a transaction that holds the organization's row lock, so webhooks,
 * owners, operators and the provisioner racing on one organization are applied one at a time
 * against the status the previous one left.
 */
@Injectable()
export class OrganizationLifecycleService {
  private readonly logger = new Logger(OrganizationLifecycleService.name);
  private readonly retentionDays: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stripe: StripeBillingClient,
    private readonly auditLog: AuditLogService,
    @Inject(ORGANIZATIONS_MODULE_OPTIONS) options: OrganizationsModuleOptions,
  ) {
    this.retentionDays = options.lifecycle?.retentionDays ?? DEFAULT_RETENTION_DAYS;
  }

  /**
   * Runs `work` in a transaction on the organization, locked (`SELECT ... FOR UPDATE`) until
   * the transaction ends. 404 when there is no such organization.
   */
  async withLockedOrganization<T>(
    orgId: string,
    work: (manager: EntityManager, organization: Organization) => Promise<T>,
  ): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const organization = await this.lockOrganization(manager, orgId);
      if (!organization) {
        throw DomainError.notFound(ORGANIZATION_NOT_FOUND);
      }

      return work(manager, organization);
    });
  }

  /** The organization, locked for the rest of `manager`'s transaction; null when missing. */
  async lockOrganization(manager: EntityManager, orgId: string): Promise<Organization | null> {
    if (!isOrganizationId(orgId)) {
      return null;
    }
    const rows: Record<string, unknown>[] = await manager.query(
      'SELECT * FROM organizations WHERE org_id = $1 FOR UPDATE',
      [orgId],
    );

    return rows[0] ? hydrateEntity(this.dataSource, Organization, rows[0]) : null;
  }

  /** Like `lockOrganization`, by the Stripe subscription the organization pays with. */
  async lockOrganizationBySubscription(
    manager: EntityManager,
    subscriptionId: string,
  ): Promise<Organization | null> {
    const rows: Record<string, unknown>[] = await manager.query(
      'SELECT * FROM organizations WHERE stripe_subscription_id = $1 FOR UPDATE',
      [subscriptionId],
    );

    return rows[0] ? hydrateEntity(this.dataSource, Organization, rows[0]) : null;
  }

  /**
   * THE one way an organization's status or tier changes. `organization` must be locked in
   * `manager`'s transaction (see `withLockedOrganization`). Refuses a transition the table does
   * not allow with 409 (`details.from`, `details.to`); sets the quotas of a new tier (never
   * `quotas.used`), the suspension, the cancellation time and the pending checkout; records
   * the transition; and returns the organization as stored.
   */
  async applyTransition(
    manager: EntityManager,
    organization: Organization,
    change: LifecycleChange,
    actor: LifecycleActor,
  ): Promise<Organization> {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) {
      throw new Error('applyTransition runs inside a transaction holding the organization lock');
    }
    const from = organization.status;
    const to = resolveTransition(from, change.event);
    const columns = columnsFor(organization, to, change);

    const assignments = Object.keys(columns).map((column, index) => `${column} = $${index + 2}`);
    const result = await runner.query(
      `UPDATE organizations
          SET ${[...assignments, `updated_at = ${NEXT_UPDATED_AT}`].join(', ')}
        WHERE org_id = $1
        RETURNING *`,
      [organization.orgId, ...Object.values(columns)],
      true,
    );
    const rows = result.records as Record<string, unknown>[];
    if (!rows[0]) {
      throw DomainError.notFound(ORGANIZATION_NOT_FOUND);
    }
    const updated = hydrateEntity(this.dataSource, Organization, rows[0]);
    await this.recordTransition(
      manager,
      organization,
      updated,
      { from, to, fromTier: organization.tier, toTier: updated.tier },
      actor,
      change.event,
    );

    return updated;
  }

  /** The owner's checkout started: `active` to `pending_payment`, waiting for the session. */
  async beginCheckout(
    orgId: string,
    session: { sessionId: string; tier: OrganizationTier },
    actor: LifecycleActor,
  ): Promise<Organization> {
    return this.withLockedOrganization(orgId, (manager, organization) =>
      this.applyTransition(
        manager,
        organization,
        { event: LifecycleEvent.CheckoutStarted, pendingCheckout: session },
        actor,
      ),
    );
  }

  /**
   * The owner cancels: the Stripe subscription first (so nothing is charged for a cancelled
   * organization), then `cancelled`. An open checkout is expired at Stripe too.
   */
  async cancel(
    access: OrganizationAccess,
    user: AuthenticatedUser,
    requestId: string | null = null,
  ): Promise<Organization> {
    const current = access.organization;
    resolveTransition(current.status, LifecycleEvent.CancelledByOwner);
    if (current.stripeSubscriptionId) {
      await this.stripe.cancelSubscription(current.stripeSubscriptionId);
    }
    if (current.pendingCheckoutSessionId && this.stripe.configured) {
      await this.stripe.expireCheckoutSession(current.pendingCheckoutSessionId);
    }

    return this.withLockedOrganization(current.orgId, (manager, organization) =>
      this.applyTransition(
        manager,
        organization,
        { event: LifecycleEvent.CancelledByOwner },
        userActor(user, requestId),
      ),
    );
  }

  /**
   * The owner restores a cancelled organization within the retention period: `active` on the
   * free tier, without the cancelled subscription. After the period: 409 with
   * `details.reason: "retention_expired"`.
   */
  async restore(
    access: OrganizationAccess,
    user: AuthenticatedUser,
    requestId: string | null = null,
  ): Promise<Organization> {
    return this.withLockedOrganization(access.organization.orgId, (manager, organization) => {
      const to = resolveTransition(organization.status, LifecycleEvent.RestoredByOwner);
      const cancelledAt = organization.cancelledAt?.getTime() ?? Date.now();
      if (Date.now() - cancelledAt > this.retentionDays * DAY_MS) {
        throw DomainError.conflict(
          `The organization was cancelled more than ${this.retentionDays} days ago; its ` +
            'retention period is over and it can no longer be restored',
          { from: organization.status, to, reason: 'retention_expired' },
        );
      }

      return this.applyTransition(
        manager,
        organization,
        {
          event: LifecycleEvent.RestoredByOwner,
          tier: OrganizationTier.Free,
          stripeSubscriptionId: null,
        },
        userActor(user, requestId),
      );
    });
  }

  /** A platform operator suspends an active organization for a policy violation. */
  async suspend(
    orgId: string,
    operator: AuthenticatedUser,
    reason: string,
    requestId: string | null = null,
  ): Promise<Organization> {
    return this.withLockedOrganization(orgId, (manager, organization) =>
      this.applyTransition(
        manager,
        organization,
        {
          event: LifecycleEvent.SuspendedByOperator,
          suspension: { kind: SuspensionKind.Policy, reason },
        },
        userActor(operator, requestId),
      ),
    );
  }

  /** A platform operator lifts a suspension, whatever its kind. */
  async unsuspend(
    orgId: string,
    operator: AuthenticatedUser,
    requestId: string | null = null,
  ): Promise<Organization> {
    return this.withLockedOrganization(orgId, (manager, organization) =>
      this.applyTransition(
        manager,
        organization,
        { event: LifecycleEvent.UnsuspendedByOperator },
        userActor(operator, requestId),
      ),
    );
  }

  /** The provisioner succeeded: `provisioning` to `active`. */
  async completeProvisioning(orgId: string): Promise<Organization> {
    return this.withLockedOrganization(orgId, (manager, organization) =>
      this.applyTransition(
        manager,
        organization,
        { event: LifecycleEvent.ProvisioningSucceeded },
        SYSTEM_ACTOR,
      ),
    );
  }

  /**
   * Where every transition is recorded, in the transaction that made it: one structured log
   * line, and an audit entry written with `manager`, so the entry and the change commit
   * together or not at all. A Stripe event's change is a `billing.event_applied` entry; every
   * other one an `organization.status_changed` entry.
   */
  private async recordTransition(
    manager: EntityManager,
    before: Organization,
    after: Organization,
    transition: AppliedTransition,
    actor: LifecycleActor,
    cause: LifecycleEvent,
  ): Promise<void> {
    await this.auditLog.record(manager, {
      orgId: after.orgId,
      action:
        actor.kind === 'stripe'
          ? AuditAction.BillingEventApplied
          : AuditAction.OrganizationStatusChanged,
      actor: describeActor(actor),
      target: { type: AuditTargetType.Organization, id: after.orgId },
      changes: changesBetween(auditedOrganizationFields(before), auditedOrganizationFields(after)),
      requestId: actor.requestId ?? null,
    });
    this.logger.log({
      message: 'organization status changed',
      org_id: after.orgId,
      from: transition.from,
      to: transition.to,
      ...(transition.fromTier !== transition.toTier
        ? { tier_from: transition.fromTier, tier_to: transition.toTier }
        : {}),
      actor: describeActor(actor),
      actor_kind: actor.kind,
      cause,
      ...(actor.kind === 'stripe' ? { stripe_event_id: actor.eventId } : {}),
    });
  }
}

/** The columns a transition writes, by database name. */
function columnsFor(
  organization: Organization,
  to: OrganizationStatus,
  change: LifecycleChange,
): Record<string, unknown> {
  const from = organization.status;
  const columns: Record<string, unknown> = { status: to };
  if (change.tier !== undefined && change.tier !== organization.tier) {
    const quotas = TIER_QUOTAS[change.tier];
    Object.assign(columns, {
      tier: change.tier,
      monthly_credit_limit: quotas.monthlyCreditLimit,
      max_concurrent_queries: quotas.maxConcurrentQueries,
      storage_limit_gb: quotas.storageLimitGb,
    });
  }
  if (change.stripeCustomerId !== undefined) {
    columns.stripe_customer_id = change.stripeCustomerId;
  }
  if (change.stripeSubscriptionId !== undefined) {
    columns.stripe_subscription_id = change.stripeSubscriptionId;
  }
  if (to === OrganizationStatus.PendingPayment) {
    columns.pending_checkout_session_id = change.pendingCheckout?.sessionId ?? null;
    columns.pending_tier = change.pendingCheckout?.tier ?? null;
  } else if (from === OrganizationStatus.PendingPayment) {
    columns.pending_checkout_session_id = null;
    columns.pending_tier = null;
  }
  if (to === OrganizationStatus.Suspended) {
    const suspension = change.suspension ?? { kind: SuspensionKind.Billing, reason: null };
    columns.suspension_kind = suspension.kind;
    columns.suspension_reason = suspension.reason;
  } else if (from === OrganizationStatus.Suspended) {
    columns.suspension_kind = null;
    columns.suspension_reason = null;
  }
  if (to === OrganizationStatus.Cancelled) {
    columns.cancelled_at = new Date();
  } else if (from === OrganizationStatus.Cancelled) {
    columns.cancelled_at = null;
  }
  if (change.stripeEventAt) {
    columns.last_stripe_event_at = change.stripeEventAt;
  }

  return columns;
}

/** Who made a change, as log lines and audit entries name them: a user id, `system`, `stripe`. */
function describeActor(actor: LifecycleActor): string {
  return actor.kind === 'user' ? actor.userId : actor.kind;
}
