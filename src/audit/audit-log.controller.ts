import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorCode } from '../common/errors/error-code.js';
import { ApiErrorResponses } from '../common/swagger/api-error-responses.decorator.js';
import {
  CurrentOrganizationAccess,
  type OrganizationAccess,
} from '../organizations/organization-access.js';
import { OrganizationRole } from '../organizations/organization-role.enum.js';
import { OrgRoles } from '../organizations/org-roles.decorator.js';
import { toAuditEventResponse } from './audit-event.mapper.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditEventPageResponse } from './dto/audit-event.response.js';
import { AuditLogQueryDto } from './dto/audit-log-query.dto.js';

/**
 * Reading an organization's audit trail. Registered by `OrganizationsModule`, whose
 * `@OrgRoles()` guard it uses; the writing side, `AuditLogService`, comes from `AuditModule`.
 */
@ApiTags('Audit log')
@ApiBearerAuth()
@ApiErrorResponses(ErrorCode.InternalError, ErrorCode.ServiceUnavailable)
@Controller('v1/organizations/:org_id/audit-log')
export class AuditLogController {
  constructor(private readonly auditLog: AuditLogService) {}

  @Get()
  @OrgRoles(OrganizationRole.Owner, OrganizationRole.Admin, OrganizationRole.Auditor)
  @ApiOperation({
    operationId: 'listAuditLog',
    summary: 'List audit entries',
    description:
      "The organization's audit trail, newest first, with keyset pagination: who changed " +
      'what, when, and in which request. `since` is inclusive, `until` exclusive. Entries ' +
      'are never changed or removed.',
  })
  @ApiOkResponse({ type: AuditEventPageResponse, description: 'A page of audit entries' })
  @ApiErrorResponses(ErrorCode.ValidationError)
  async list(
    @CurrentOrganizationAccess() access: OrganizationAccess,
    @Query() query: AuditLogQueryDto,
  ): Promise<AuditEventPageResponse> {
    const page = await this.auditLog.list(access.organization.orgId, query);

    return { data: page.data.map(toAuditEventResponse), pagination: page.pagination };
  }
}
