import {
  CurrentOrganizationAccess,
  type OrganizationAccess,
  OrganizationRole,
  OrgRoles,
} from '@hatidata/organizations';
import { Controller, Get } from '@nestjs/common';

/**
 * A route of the host's own under an organization. `@OrgRoles()` reads the caller's stored
 * membership: a non-member gets 404, a member with another role 403, both in the error envelope.
 */
@Controller('v1/organizations/:org_id/environments')
export class EnvironmentsController {
  @Get()
  @OrgRoles(OrganizationRole.Owner, OrganizationRole.Admin)
  list(@CurrentOrganizationAccess() access: OrganizationAccess): {
    data: unknown[];
    org_id: string;
  } {
    return { data: [], org_id: access.organization.orgId };
  }
}
