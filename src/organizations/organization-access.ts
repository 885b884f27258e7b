import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { Organization } from './entities/organization.entity.js';
import { OrganizationRole } from './organization-role.enum.js';

/** The organization a request is about and the caller's stored role in it. */
export interface OrganizationAccess {
  organization: Organization;
  role: OrganizationRole;
}

export interface RequestWithOrganizationAccess {
  organizationAccess?: OrganizationAccess;
  /** The caller's access as first looked up for this request, shared by the guards. */
  organizationAccessLookup?: {
    orgId: string;
    userId: string;
    access: Promise<OrganizationAccess | null>;
  };
}

/**
 * Looks up the caller's access to an organization once per request: the rate limit (which needs
 * the organization's tier) and `@OrgRoles()` both ask, and only the first one queries.
 */
export function findAccessOnce(
  request: RequestWithOrganizationAccess,
  orgId: string,
  userId: string,
  find: (orgId: string, userId: string) => Promise<OrganizationAccess | null>,
): Promise<OrganizationAccess | null> {
  const earlier = request.organizationAccessLookup;
  if (earlier && earlier.orgId === orgId && earlier.userId === userId) {
    return earlier.access;
  }
  const access = find(orgId, userId);
  request.organizationAccessLookup = { orgId, userId, access };

  return access;
}

/**
 * The access that `@OrgRoles()` established for this request. Fails loudly on a route without
 * that decorator rather than handing the handler nothing.
 */
export const CurrentOrganizationAccess = createParamDecorator(
  (_data: unknown, context: ExecutionContext): OrganizationAccess => {
    const request = context.switchToHttp().getRequest<RequestWithOrganizationAccess>();
    if (!request.organizationAccess) {
      throw new Error('@CurrentOrganizationAccess() used on a route without @OrgRoles()');
    }

    return request.organizationAccess;
  },
);
