import { Controller, HttpCode, HttpStatus, Post, type RawBodyRequest, Req } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { DomainError } from '../common/errors/domain-error.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { KEEP_RAW_BODY, UnreadableBody } from '../common/http/body-parsing.js';
import { RequestId } from '../common/http/request-id.decorator.js';
import { ApiErrorResponses } from '../common/swagger/api-error-responses.decorator.js';
import { WebhookReceiptResponse } from './dto/checkout.dto.js';
import { StripeBillingClient } from './stripe-billing.client.js';
import { StripeWebhookService } from './stripe-webhook.service.js';

export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';
export const STRIPE_SIGNATURE_SCHEME = 'stripeSignature';

const NO_RAW_BODY =
  'The webhook needs the request body exactly as sent: a JSON body (application/json)';

interface WebhookRequest extends RawBodyRequest<{ headers: Record<string, unknown> }> {
  body?: unknown;
}

@ApiTags('Billing')
@Controller('v1/billing/stripe')
export class StripeWebhookController {
  constructor(
    private readonly stripe: StripeBillingClient,
    private readonly webhooks: StripeWebhookService,
  ) {}

  @Post('webhook')
  @Public()
  @RouteConfig(KEEP_RAW_BODY)
  @HttpCode(HttpStatus.OK)
  @ApiSecurity(STRIPE_SIGNATURE_SCHEME)
  @ApiOperation({
    operationId: 'receiveStripeWebhook',
    summary: 'Receive a Stripe event',
    description:
      'For Stripe only: no bearer token; the `Stripe-Signature` header is verified against ' +
      'the raw body and the webhook secret. Acted on: `checkout.session.completed`, ' +
      '`checkout.session.expired`, `customer.subscription.updated` (to `past_due` or ' +
      '`unpaid`), `invoice.paid` and `customer.subscription.deleted`; every other type is ' +
      'acknowledged and ignored. Each event id is applied at most once, and an event older ' +
      'than the last one applied to the organization never moves it.',
  })
  @ApiHeader({
    name: 'Stripe-Signature',
    required: true,
    description: 'Set by Stripe: `t=<timestamp>,v1=<signature>`.',
    schema: { type: 'string', maxLength: 2048, pattern: '^t=' },
  })
  @ApiOkResponse({ type: WebhookReceiptResponse, description: 'The event was received' })
  @ApiErrorResponses(
    {
      code: ErrorCode.ValidationError,
      description:
        'The `Stripe-Signature` header is missing or does not match the body; nothing changed',
    },
    ErrorCode.PayloadTooLarge,
    ErrorCode.UnsupportedMediaType,
    {
      code: ErrorCode.Conflict,
      description: 'The event conflicts with stored data (a subscription already linked elsewhere)',
    },
    {
      code: ErrorCode.ServiceUnavailable,
      description:
        'Billing is not configured on this deployment (the event is refused), or the ' +
        'database cannot be reached; Stripe retries later',
    },
    ErrorCode.InternalError,
  )
  async receive(
    @Req() request: WebhookRequest,
    @RequestId() requestId: string,
  ): Promise<WebhookReceiptResponse> {
    this.stripe.assertConfigured();
    const signature = request.headers[STRIPE_SIGNATURE_HEADER];
    if (!request.rawBody) {
      if (request.body instanceof UnreadableBody) {
        throw request.body.error;
      }
      throw DomainError.validation([], NO_RAW_BODY);
    }
    const outcome = await this.webhooks.receive(
      request.rawBody,
      typeof signature === 'string' ? signature : undefined,
      requestId,
    );

    return { received: true, outcome };
  }
}
