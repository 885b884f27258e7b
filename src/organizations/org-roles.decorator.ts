import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiExtension, ApiParam } from '@nestjs/swagger';
import { ErrorCode } from '../common/errors/error-code.js';
import { ApiErrorResponses } from '../common/swagger/api-error-responses.decorator.js';
import { ORGANIZATION_ID_PATTERN } from './organization-id.js';
import { ALL_ORGANIZATION_ROLES, OrganizationRole } from './organization-role.enum.js';
import { OrganizationRoleGuard } from './organization-role.guard.js';
import { ORG_ID_PARAM, ORG_ROLES_KEY } from './org-roles.constants.js';

/** Documents the `org_id` path parameter: `org_` and 16 lowercase base32 characters. */
export function ApiOrganizationIdParam(): MethodDecorator {
  return ApiParam({
    name: ORG_ID_PARAM,
    description: 'The organization id.',
    schema: {
      type: 'string',
      pattern: ORGANIZATION_ID_PATTERN.source.slice(1, -1),
      minLength: 20,
      maxLength: 20,
    },
    example: 'org_k7d2m4xq3z5w6b2h',
  });
}

/**
 * Names the roles that may call an organization-scoped route (`:org_id` in its path). The
 * caller's active membership is read from the database on every request: a non-member gets
 * 404, as if the organization did not exist, and a member with another role gets 403. It also
 * documents the path parameter, the roles and those answers in Swagger.
 */
export function OrgRoles(...roles: OrganizationRole[]): MethodDecorator {
  return applyDecorators(
    SetMetadata(ORG_ROLES_KEY, roles),
    UseGuards(OrganizationRoleGuard),
    ApiOrganizationIdParam(),
    ApiExtension('x-required-roles', roles),
    ApiErrorResponses(
      { code: ErrorCode.Unauthorized, description: 'Missing or invalid authentication' },
      { code: ErrorCode.Forbidden, description: forbiddenDescription(roles) },
      {
        code: ErrorCode.NotFound,
        description: 'Organization does not exist, or you are not a member of it',
      },
    ),
  ) as MethodDecorator;
}

const SECURITY_SETTINGS_REFUSAL =
  'the organization requires MFA (`details.reason: "mfa_required"`) or SSO ' +
  '(`details.reason: "sso_required"`) and your token does not show it';

function forbiddenDescription(roles: OrganizationRole[]): string {
  const everyRole = ALL_ORGANIZATION_ROLES.every((role) => roles.includes(role));

  return everyRole
    ? `Any member may call this, unless ${SECURITY_SETTINGS_REFUSAL}`
    : `Your role is not one of: ${roles.join(', ')}; or ${SECURITY_SETTINGS_REFUSAL}`;
}
