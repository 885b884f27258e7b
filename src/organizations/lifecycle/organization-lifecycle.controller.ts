import { Body, Controller, Delete, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser } from '../../auth/authenticated-user.js';
import { CurrentUser } from '../../auth/current-user.decorator.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { RequestId } from '../../common/http/request-id.decorator.js';
import { ApiErrorResponses } from '../../common/swagger/api-error-responses.decorator.js';
import { OrganizationResponse } from '../dto/organization.response.js';
import { CurrentOrganizationAccess, type OrganizationAccess } from '../organization-access.js';
import { OrganizationRole } from '../organization-role.enum.js';
import { toOrganizationResponse } from '../organization.mapper.js';
import { OrgRoles } from '../org-roles.decorator.js';
import { ORG_ID_PARAM } from '../org-roles.constants.js';
import { SuspendOrganizationDto } from './dto/suspend-organization.dto.js';
import { OrganizationLifecycleService } from './organization-lifecycle.service.js';
import { PlatformOperatorOnly } from './platform-operator.guard.js';

const REFUSED_TRANSITION =
  'The lifecycle does not allow this from the current status: `details.from` is the ' +
  'status, `details.to` the one asked for';

@ApiTags('Lifecycle')
@ApiBearerAuth()
@ApiErrorResponses(ErrorCode.InternalError, ErrorCode.ServiceUnavailable)
@Controller('v1/organizations/:org_id')
export class OrganizationLifecycleController {
  constructor(private readonly lifecycle: OrganizationLifecycleService) {}

  @Delete()
  @OrgRoles(OrganizationRole.Owner)
  @ApiOperation({
    operationId: 'cancelOrganization',
    summary: 'Cancel organization',
    description:
      'Cancels the Stripe subscription when there is one, then the organization becomes ' +
      '`cancelled`. Members can still read it; nothing can change it; its slug stays taken. ' +
      'The owner can restore it within the retention period (`RETENTION_DAYS`, default 30).',
  })
  @ApiOkResponse({ type: OrganizationResponse, description: 'The cancelled organization' })
  @ApiErrorResponses({
    code: ErrorCode.Conflict,
    description: 'Already cancelled (`details.from` and `details.to`: `cancelled`)',
  })
  async cancel(
    @CurrentOrganizationAccess() access: OrganizationAccess,
    @CurrentUser() user: AuthenticatedUser,
    @RequestId() requestId: string,
  ): Promise<OrganizationResponse> {
    return toOrganizationResponse(await this.lifecycle.cancel(access, user, requestId));
  }

  @Post('restore')
  @HttpCode(HttpStatus.OK)
  @OrgRoles(OrganizationRole.Owner)
  @ApiOperation({
    operationId: 'restoreOrganization',
    summary: 'Restore a cancelled organization',
    description:
      'Within the retention period after cancellation: `active` again, on the free tier with ' +
      'its quotas (credits used are kept). A new paid tier needs a new checkout.',
  })
  @ApiOkResponse({ type: OrganizationResponse, description: 'The restored organization' })
  @ApiErrorResponses({
    code: ErrorCode.Conflict,
    description:
      'Not cancelled (`details.from`, `details.to`), or cancelled longer ago than the ' +
      'retention period (`details.reason: "retention_expired"`)',
  })
  async restore(
    @CurrentOrganizationAccess() access: OrganizationAccess,
    @CurrentUser() user: AuthenticatedUser,
    @RequestId() requestId: string,
  ): Promise<OrganizationResponse> {
    return toOrganizationResponse(await this.lifecycle.restore(access, user, requestId));
  }

  @Post('suspend')
  @HttpCode(HttpStatus.OK)
  @PlatformOperatorOnly()
  @ApiOperation({
    operationId: 'suspendOrganization',
    summary: 'Suspend for a policy violation',
    description:
      'Platform operators only. An `active` organization becomes `suspended`: members can ' +
      'read it, nobody can update it, and a paid invoice does not lift this suspension.',
  })
  @ApiBody({ type: SuspendOrganizationDto })
  @ApiOkResponse({ type: OrganizationResponse, description: 'The suspended organization' })
  @ApiErrorResponses(
    ErrorCode.ValidationError,
    ErrorCode.PayloadTooLarge,
    ErrorCode.UnsupportedMediaType,
    { code: ErrorCode.Conflict, description: REFUSED_TRANSITION },
  )
  async suspend(
    @Param(ORG_ID_PARAM) orgId: string,
    @CurrentUser() operator: AuthenticatedUser,
    @Body() body: SuspendOrganizationDto,
    @RequestId() requestId: string,
  ): Promise<OrganizationResponse> {
    return toOrganizationResponse(
      await this.lifecycle.suspend(orgId, operator, body.reason, requestId),
    );
  }

  @Post('unsuspend')
  @HttpCode(HttpStatus.OK)
  @PlatformOperatorOnly()
  @ApiOperation({
    operationId: 'unsuspendOrganization',
    summary: 'Lift a suspension',
    description:
      'Platform operators only. A `suspended` organization (for billing or policy) becomes ' +
      '`active`. Takes no body.',
  })
  @ApiOkResponse({ type: OrganizationResponse, description: 'The active organization' })
  @ApiErrorResponses({ code: ErrorCode.Conflict, description: REFUSED_TRANSITION })
  async unsuspend(
    @Param(ORG_ID_PARAM) orgId: string,
    @CurrentUser() operator: AuthenticatedUser,
    @RequestId() requestId: string,
  ): Promise<OrganizationResponse> {
    return toOrganizationResponse(await this.lifecycle.unsuspend(orgId, operator, requestId));
  }
}
