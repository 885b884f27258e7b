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
