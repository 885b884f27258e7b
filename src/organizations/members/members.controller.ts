import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../auth/authenticated-user.js';
import { CurrentUser } from '../../auth/current-user.decorator.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { RequestId } from '../../common/http/request-id.decorator.js';
import { Idempotent } from '../../idempotency/idempotent.decorator.js';
import { ApiErrorResponses } from '../../common/swagger/api-error-responses.decorator.js';
import { MAX_PATH_PARAMETER_LENGTH, USER_ID_SCHEMA } from '../../common/swagger/schema-docs.js';
import { CurrentOrganizationAccess, type OrganizationAccess } from '../organization-access.js';
import { ALL_ORGANIZATION_ROLES, OrganizationRole } from '../organization-role.enum.js';
import { ApiOrganizationIdParam, OrgRoles } from '../org-roles.decorator.js';
import {
  ChangeRoleDto,
  InviteMemberDto,
  ListMembersQueryDto,
  TransferOwnershipDto,
} from './dto/member-requests.dto.js';
import {
  MemberPageResponse,
  MemberResponse,
  OwnershipTransferResponse,
} from './dto/member.response.js';
import { toMemberResponse } from './member.mapper.js';
import { MembersService } from './members.service.js';

const BODY_ERRORS = [
  ErrorCode.ValidationError,
  ErrorCode.PayloadTooLarge,
  ErrorCode.UnsupportedMediaType,
] as const;
const USER_ID_PARAM = ApiParam({
  name: 'user_id',
  description:
    "The member's user id, or the `inv_` id of a pending invitation. A path parameter longer " +
    `than ${MAX_PATH_PARAMETER_LENGTH} characters is refused with 400.`,
  schema: { type: 'string', ...USER_ID_SCHEMA },
  example: 'usr_2x8k4m',
});

@ApiTags('Members')
@ApiBearerAuth()
@ApiErrorResponses(ErrorCode.InternalError, ErrorCode.ServiceUnavailable)
@Controller('v1/organizations/:org_id')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get('users')
  @OrgRoles(OrganizationRole.Owner, OrganizationRole.Admin)
  @ApiOperation({
    operationId: 'listMembers',
    summary: 'List members and invitations',
    description: 'Members and pending invitations, newest first, with keyset pagination.',
  })
  @ApiOkResponse({ type: MemberPageResponse })
  @ApiErrorResponses(ErrorCode.ValidationError)
  async list(
    @CurrentOrganizationAccess() access: OrganizationAccess,
    @Query() query: ListMembersQueryDto,
  ): Promise<MemberPageResponse> {
    const page = await this.members.list(access.organization.orgId, query);

    return { data: page.data.map(toMemberResponse), pagination: page.pagination };
  }

  @Post('users')
  @HttpCode(HttpStatus.CREATED)
  @OrgRoles(OrganizationRole.Owner, OrganizationRole.Admin)
  @Idempotent()
  @ApiOperation({
    operationId: 'inviteMember',
    summary: 'Invite a member',
    description:
      'Invites a person by email; the invitation lasts 7 days. Only the owner may invite an ' +
      'admin; `owner` is never a valid role here.',
  })
  @ApiCreatedResponse({ type: MemberResponse, description: 'The pending invitation' })
  @ApiErrorResponses(...BODY_ERRORS, {
    code: ErrorCode.Conflict,
    description: 'A pending invitation for this address exists, or it belongs to a member',
  })
  async invite(
    @CurrentOrganizationAccess() access: OrganizationAccess,
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: InviteMemberDto,
    @RequestId() requestId: string,
  ): Promise<MemberResponse> {
    return toMemberResponse(await this.members.invite(access, user, body, requestId));
  }

  @Post('invitation/accept')
  @HttpCode(HttpStatus.OK)
  @ApiOrganizationIdParam()
  @ApiOperation({
    operationId: 'acceptInvitation',
    summary: 'Accept your invitation',
    description:
      "Accepts the pending, unexpired invitation addressed to your token's `email` claim " +
      '(case-insensitive). You become an active member under your user id (`sub`).',
  })
  @ApiOkResponse({ type: MemberResponse, description: 'Your membership' })
  @ApiErrorResponses(
    ErrorCode.Unauthorized,
    { code: ErrorCode.Forbidden, description: 'The organization requires MFA or SSO' },
    { code: ErrorCode.NotFound, description: 'No pending invitation for you here' },
    {
      code: ErrorCode.Conflict,
      description:
        'A pending invitation matches your email, but you are already a member (under ' +
        'another address)',
    },
  )
  async accept(
    @Param('org_id') orgId: string,
    @CurrentUser() user: AuthenticatedUser,
    @RequestId() requestId: string,
  ): Promise<MemberResponse> {
    return toMemberResponse(await this.members.acceptInvitation(orgId, user, requestId));
  }

  @Put('users/:user_id/role')
  @OrgRoles(OrganizationRole.Owner, OrganizationRole.Admin)
  @USER_ID_PARAM
  @ApiOperation({
    operationId: 'changeMemberRole',
    summary: "Change a member's role",
    description:
      'Only the owner grants or removes `admin`. Nobody becomes or stops being owner here.',
  })
  @ApiOkResponse({ type: MemberResponse })
  @ApiErrorResponses(...BODY_ERRORS, {
    code: ErrorCode.Conflict,
    description: 'The change involves the owner role; use transfer-ownership',
  })
  async changeRole(
    @CurrentOrganizationAccess() access: OrganizationAccess,
    @CurrentUser() user: AuthenticatedUser,
    @Param('user_id') userId: string,
    @Body() body: ChangeRoleDto,
    @RequestId() requestId: string,
  ): Promise<MemberResponse> {
    return toMemberResponse(await this.members.changeRole(access, user, userId, body, requestId));
  }

  @Delete('users/:user_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @OrgRoles(...ALL_ORGANIZATION_ROLES)
  @USER_ID_PARAM
  @ApiOperation({
    operationId: 'removeMember',
    summary: 'Remove a member or revoke an invitation',
    description:
      'Owner or admin remove others (only the owner removes an admin); any member may remove ' +
      'themself (leave). The owner can be neither removed nor leave.',
  })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrorResponses({ code: ErrorCode.Conflict, description: 'The target is the owner' })
  async remove(
    @CurrentOrganizationAccess() access: OrganizationAccess,
    @CurrentUser() user: AuthenticatedUser,
    @Param('user_id') userId: string,
    @RequestId() requestId: string,
  ): Promise<void> {
    await this.members.remove(access, user, userId, requestId);
  }

  @Post('transfer-ownership')
  @HttpCode(HttpStatus.OK)
  @OrgRoles(OrganizationRole.Owner)
  @ApiOperation({
    operationId: 'transferOwnership',
    summary: 'Transfer ownership',
    description: 'The target, an active member, becomes owner; you become admin. Atomic.',
  })
  @ApiOkResponse({ type: OwnershipTransferResponse })
  @ApiErrorResponses(...BODY_ERRORS, {
    code: ErrorCode.Conflict,
    description: 'The target is not an active member, or is you',
  })
  async transferOwnership(
    @CurrentOrganizationAccess() access: OrganizationAccess,
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: TransferOwnershipDto,
    @RequestId() requestId: string,
  ): Promise<OwnershipTransferResponse> {
    const result = await this.members.transferOwnership(access, user, body.user_id, requestId);

    return {
      owner: toMemberResponse(result.owner),
      previous_owner: toMemberResponse(result.previousOwner),
    };
  }
}
