/** A member's role in an organization, lowercase on the wire. */
export enum OrganizationRole {
  Owner = 'owner',
  Admin = 'admin',
  Developer = 'developer',
  Analyst = 'analyst',
  Auditor = 'auditor',
  ServiceAccount = 'service_account',
}

/** The roles that may change the organization itself (PUT). */
export const ORGANIZATION_EDITORS: readonly OrganizationRole[] = [
  OrganizationRole.Owner,
  OrganizationRole.Admin,
];

export const ALL_ORGANIZATION_ROLES: readonly OrganizationRole[] = Object.values(OrganizationRole);

export enum MembershipStatus {
  Active = 'active',
  Invited = 'invited',
  Suspended = 'suspended',
}
