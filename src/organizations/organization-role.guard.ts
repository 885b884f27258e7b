import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AuthenticatedUser } from '../auth/authenticated-user.js';
import { DomainError } from '../common/errors/domain-error.js';
import { findAccessOnce, type RequestWithOrganizationAccess } from './organization-access.js';
import { OrganizationRole } from './organization-role.enum.js';
import { ORG_ID_PARAM, ORG_ROLES_KEY } from './org-roles.constants.js';
import { assertOrganizationSecurity } from './organization-security.js';
import { OrganizationsService } from './organizations.service.js';

export const ORGANIZATION_NOT_FOUND = 'Organization not found';

interface GuardedRequest extends RequestWithOrganizationAccess {
  user?: AuthenticatedUser;
  params?: Record<string, string | undefined>;
}

/**
 * Checks the caller's stored membership against the roles of `@OrgRoles()`. Token claims play
 * no part: only the database says who may do what. The organization it loads travels on the
 * request so the handler does not read it again.
 */
@Injectable()
export class OrganizationRoleGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly organizations: OrganizationsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const allowedRoles = this.reflector.get<OrganizationRole[] | undefined>(
      ORG_ROLES_KEY,
      context.getHandler(),
    );
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const orgId = request.params?.[ORG_ID_PARAM];
    if (!allowedRoles || !request.user || orgId === undefined) {
      throw new Error('OrganizationRoleGuard needs @OrgRoles(), an :org_id route and a user');
    }

    const access = await findAccessOnce(request, orgId, request.user.userId, (id, userId) =>
      this.organizations.findAccess(id, userId),
    );
    if (!access) {
      throw DomainError.notFound(ORGANIZATION_NOT_FOUND);
    }
    assertOrganizationSecurity(access.organization, request.user);
    if (!allowedRoles.includes(access.role)) {
      throw DomainError.forbidden(
        `This requires one of the roles ${allowedRoles.join(', ')}; yours is ${access.role}`,
        { required_roles: allowedRoles, role: access.role },
      );
    }
    request.organizationAccess = access;

    return true;
  }
}
