import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { type AuthenticatedUser } from '../../auth/authenticated-user.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { ApiErrorResponses } from '../../common/swagger/api-error-responses.decorator.js';
import { ApiOrganizationIdParam } from '../org-roles.decorator.js';
import {
  ORGANIZATIONS_MODULE_OPTIONS,
  type OrganizationsModuleOptions,
} from '../organizations-module.options.js';

const OPERATORS_ONLY = 'Only platform operators may do this';

/**
 * Lets through platform operators only: callers whose user id (token `sub`) is configured in
 * `lifecycle.platformAdminUserIds` (`PLATFORM_ADMIN_USER_IDS`). Claims in the token play no
 * part. Everyone else gets 403 before the organization is looked up, so the answer says
 * nothing about whether it exists.
 */
@Injectable()
export class PlatformOperatorGuard implements CanActivate {
  private readonly operators: ReadonlySet<string>;

  constructor(@Inject(ORGANIZATIONS_MODULE_OPTIONS) options: OrganizationsModuleOptions) {
    this.operators = new Set(options.lifecycle?.platformAdminUserIds ?? []);
  }

  canActivate(context: ExecutionContext): boolean {
    const user = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
    if (!user || !this.operators.has(user.userId)) {
      throw DomainError.forbidden(OPERATORS_ONLY);
    }

    return true;
  }
}

/** The route is for platform operators; documents the `org_id` parameter and 401/403/404. */
export function PlatformOperatorOnly(): MethodDecorator {
  return applyDecorators(
    UseGuards(PlatformOperatorGuard),
    ApiOrganizationIdParam(),
    ApiExtension('x-platform-operators-only', true),
    ApiErrorResponses(
      ErrorCode.Unauthorized,
      {
        code: ErrorCode.Forbidden,
        description:
          'You are not a platform operator (`PLATFORM_ADMIN_USER_IDS`); answered before the ' +
          'organization is looked up, whether or not it exists',
      },
      { code: ErrorCode.NotFound, description: 'Organization does not exist' },
    ),
  ) as MethodDecorator;
}
