import { Body, Controller, Get, HttpCode, HttpStatus, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { ErrorCode } from '../common/errors/error-code.js';
import type { Preconditions } from '../common/http/entity-tags.js';
import {
  ApiConditionalChange,
  RequestPreconditions,
} from '../common/http/preconditions.decorator.js';
import { RequestId } from '../common/http/request-id.decorator.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';
import { ApiErrorResponses } from '../common/swagger/api-error-responses.decorator.js';
import { CreateOrganizationDto } from './dto/create-organization.dto.js';
import {
  CREATE_ORGANIZATION_EXAMPLE,
  CREATED_ORGANIZATION_EXAMPLE,
  ORGANIZATION_EXAMPLE,
  UPDATE_ORGANIZATION_EXAMPLE,
  UPDATED_ORGANIZATION_EXAMPLE,
} from './dto/organization.examples.js';
import { OrganizationPageResponse, OrganizationResponse } from './dto/organization.response.js';
import { ListQueryDto } from '../common/pagination/list-query.dto.js';
import { UpdateOrganizationDto } from './dto/update-organization.dto.js';
import { CurrentOrganizationAccess, type OrganizationAccess } from './organization-access.js';
import { ALL_ORGANIZATION_ROLES, ORGANIZATION_EDITORS } from './organization-role.enum.js';
import { toOrganizationResponse } from './organization.mapper.js';
import { OrgRoles } from './org-roles.decorator.js';
import { OrganizationsService } from './organizations.service.js';

const BODY_ERRORS = [
  ErrorCode.ValidationError,
  ErrorCode.PayloadTooLarge,
  ErrorCode.UnsupportedMediaType,
] as const;

@ApiTags('Organizations')
@ApiBearerAuth()
@ApiErrorResponses(ErrorCode.InternalError, ErrorCode.ServiceUnavailable)
@Controller('v1/organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Idempotent()
  @ApiOperation({
    operationId: 'createOrganization',
    summary: 'Create organization',
    description:
      'Creates a new organization on the free tier. The authenticated user becomes its owner.',
  })
  @ApiBody({
    type: CreateOrganizationDto,
    examples: { 'reference page': { value: CREATE_ORGANIZATION_EXAMPLE } },
  })
  @ApiCreatedResponse({
    type: OrganizationResponse,
    description: 'The created organization',
    example: CREATED_ORGANIZATION_EXAMPLE,
  })
  @ApiErrorResponses(...BODY_ERRORS, ErrorCode.Unauthorized, {
    code: ErrorCode.Conflict,
    description:
      'Slug already in use; or `settings` would lock you out: `mfa_required` needs a token ' +
      'whose `amr` claim includes `mfa`, and `enforce_sso` one whose `idp` claim is the ' +
      '`sso_provider` (`details.reason`)',
  })
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: CreateOrganizationDto,
    @RequestId() requestId: string,
  ): Promise<OrganizationResponse> {
    const organization = await this.organizations.create(user, body, requestId);

    return toOrganizationResponse(organization);
  }

  @Get()
  @ApiOperation({
    operationId: 'listOrganizations',
    summary: 'List your organizations',
    description:
      'The organizations you are an active member of, each with your `role`, newest first. ' +
      'Organizations that require MFA or SSO your token does not show are left out. ' +
      'Keyset pagination: pass `pagination.cursor` back as `cursor` for the next page.',
  })
  @ApiOkResponse({ type: OrganizationPageResponse, description: 'A page of organizations' })
  @ApiErrorResponses(ErrorCode.ValidationError, ErrorCode.Unauthorized)
  async list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: ListQueryDto,
  ): Promise<OrganizationPageResponse> {
    const page = await this.organizations.listForUser(user, query);

    return {
      data: page.data.map((access) => ({
        ...toOrganizationResponse(access.organization),
        role: access.role,
      })),
      pagination: page.pagination,
    };
  }

  @Get(':org_id')
  @OrgRoles(...ALL_ORGANIZATION_ROLES)
  @ApiOperation({
    operationId: 'getOrganization',
    summary: 'Get organization',
    description: 'Retrieves organization details. Requires membership in the organization.',
  })
  @ApiOkResponse({
    type: OrganizationResponse,
    description: 'The organization',
    example: ORGANIZATION_EXAMPLE,
  })
  get(@CurrentOrganizationAccess() access: OrganizationAccess): OrganizationResponse {
    return toOrganizationResponse(access.organization);
  }

  @Put(':org_id')
  @OrgRoles(...ORGANIZATION_EDITORS)
  @ApiConditionalChange()
  @ApiOperation({
    operationId: 'updateOrganization',
    summary: 'Update organization',
    description:
      'Updates the name, billing email or settings; requires the owner or admin role. ' +
      'Settings merge key by key. `slug` and `cloud_region` cannot change. `enforce_sso` ' +
      'may be true only while `sso_provider` is set (in the same request or already stored).',
  })
  @ApiBody({
    type: UpdateOrganizationDto,
    examples: { 'reference page': { value: UPDATE_ORGANIZATION_EXAMPLE } },
  })
  @ApiOkResponse({
    type: OrganizationResponse,
    description: 'The updated organization',
    example: UPDATED_ORGANIZATION_EXAMPLE,
  })
  @ApiErrorResponses(...BODY_ERRORS, {
    code: ErrorCode.Conflict,
    description:
      'The change would lock you out (turning on `mfa_required` without `mfa` in your ' +
      "token's `amr` claim, or enforcing SSO through a provider other than your token's " +
      '`idp`; `details.reason`), the organization is `suspended` or `cancelled` ' +
      '(`details.status`), or it changed concurrently in a way that conflicts',
  })
  async update(
    @CurrentOrganizationAccess() access: OrganizationAccess,
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: UpdateOrganizationDto,
    @RequestPreconditions() preconditions: Preconditions,
    @RequestId() requestId: string,
  ): Promise<OrganizationResponse> {
    const organization = await this.organizations.update(
      access,
      user,
      body,
      preconditions,
      requestId,
    );

    return toOrganizationResponse(organization);
  }
}
