/** What an audit entry records. Values are stable: clients filter on them. */
export enum AuditAction {
  OrganizationCreated = 'organization.created',
  OrganizationUpdated = 'organization.updated',
  /** A move between statuses (suspension, cancellation, restore, provisioning). */
  OrganizationStatusChanged = 'organization.status_changed',
  /** A billing provider's event that changed the organization (tier, subscription). */
  BillingEventApplied = 'billing.event_applied',
  OwnershipTransferred = 'organization.ownership_transferred',
  MemberInvited = 'member.invited',
  InvitationAccepted = 'invitation.accepted',
  InvitationRevoked = 'invitation.revoked',
  MemberRoleChanged = 'member.role_changed',
  MemberRemoved = 'member.removed',
  MemberLeft = 'member.left',
}

export const ALL_AUDIT_ACTIONS: readonly AuditAction[] = Object.values(AuditAction);

/** What an entry is about. */
export enum AuditTargetType {
  Organization = 'organization',
  Member = 'member',
  Invitation = 'invitation',
}

/** The actor of a change no person made directly: the service itself, or Stripe's events. */
export const SYSTEM_ACTOR = 'system';
export const STRIPE_ACTOR = 'stripe';
