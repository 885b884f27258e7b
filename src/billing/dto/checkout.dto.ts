import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsIn } from 'class-validator';
import { PAID_TIERS } from '../../organizations/organization-catalog.js';
import type { PaidTier } from '../stripe-settings.js';

export class StartCheckoutDto {
  @ApiProperty({
    enum: PAID_TIERS,
    description: 'The paid tier to buy; `free` needs no checkout.',
    example: 'cloud',
  })
  @IsIn(PAID_TIERS, { message: `tier must be one of ${PAID_TIERS.join(', ')}` })
  @IsDefined({ message: 'tier is required' })
  tier: PaidTier;
}

export class CheckoutSessionResponse {
  @ApiProperty({
    format: 'uri',
    maxLength: 2048,
    description: "Stripe Checkout's page for the buyer; send the owner there to pay.",
    example: 'https://checkout.stripe.com/c/pay/cs_test_a1b2c3',
  })
  checkout_url: string;
}

export enum WebhookOutcome {
  Applied = 'applied',
  Ignored = 'ignored',
  Duplicate = 'duplicate',
}

export class WebhookReceiptResponse {
  @ApiProperty({ enum: [true], example: true })
  received: true;

  @ApiProperty({
    enum: WebhookOutcome,
    enumName: 'WebhookOutcome',
    description:
      '`applied`: the event changed an organization. `ignored`: a type the service does not ' +
      'act on, an organization it does not know, an event older than the last one applied, ' +
      'or one the lifecycle does not allow from the current status. `duplicate`: the event id ' +
      'was processed before; nothing changed.',
    example: WebhookOutcome.Applied,
  })
  outcome: WebhookOutcome;
}
