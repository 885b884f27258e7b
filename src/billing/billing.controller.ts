import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { RequestId } from '../common/http/request-id.decorator.js';
import { ApiErrorResponses } from '../common/swagger/api-error-responses.decorator.js';
import {
  CurrentOrganizationAccess,
  type OrganizationAccess,
} from '../organizations/organization-access.js';
import { OrganizationRole } from '../organizations/organization-role.enum.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';
import { OrgRoles } from '../organizations/org-roles.decorator.js';
import { BillingService } from './billing.service.js';
import { CheckoutSessionResponse, StartCheckoutDto } from './dto/checkout.dto.js';

@ApiTags('Billing')
@ApiBearerAuth()
@ApiErrorResponses(ErrorCode.InternalError)
@Controller('v1/organizations/:org_id/billing')
export class BillingController {
  constructor(private readonly billing: BillingService) {}

  @Post('checkout')
  @HttpCode(HttpStatus.CREATED)
  @OrgRoles(OrganizationRole.Owner)
  @Idempotent()
  @ApiOperation({
    operationId: 'startCheckout',
    summary: 'Start a paid checkout',
    description:
      'Creates a Stripe Checkout Session for a paid tier and returns its page. The ' +
      'organization becomes `pending_payment` until Stripe reports the session completed ' +
      '(then `provisioning`, on the new tier) or expired (back to `active`, tier unchanged).',
  })
  @ApiBody({ type: StartCheckoutDto, examples: { cloud: { value: { tier: 'cloud' } } } })
  @ApiCreatedResponse({ type: CheckoutSessionResponse, description: 'The checkout page' })
  @ApiErrorResponses(
    ErrorCode.ValidationError,
    ErrorCode.PayloadTooLarge,
    ErrorCode.UnsupportedMediaType,
    {
      code: ErrorCode.Conflict,
      description:
        'The organization is not `active` (`details.from`: its status, `details.to`: ' +
        '`pending_payment`)',
    },
    {
      code: ErrorCode.ServiceUnavailable,
      description:
        'Billing is not configured on this deployment, Stripe could not be reached, or the ' +
        'database cannot be reached',
    },
  )
  async startCheckout(
    @CurrentOrganizationAccess() access: OrganizationAccess,
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: StartCheckoutDto,
    @RequestId() requestId: string,
  ): Promise<CheckoutSessionResponse> {
    return { checkout_url: await this.billing.startCheckout(access, user, body.tier, requestId) };
  }
}
