import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation/field-rules.js';
import { SsoProvider } from '../organization-catalog.js';

const SSO_PROVIDERS = Object.values(SsoProvider);

/**
 * Organization-level security settings as a request sends them: every key optional, types
 * strict (the string `"false"` is not a boolean), unknown keys refused.
 */
export class OrganizationSettingsDto {
  @ApiProperty({
    description: 'Require multi-factor authentication of every member.',
    type: Boolean,
    default: false,
    required: false,
    example: false,
  })
  @IsBoolean({ message: 'settings.mfa_required must be a boolean' })
  @IsOptionalNotNull()
  mfa_required?: boolean;

  @ApiProperty({
    description:
      'Require single sign-on (disables password authentication). May be true only while ' +
      '`sso_provider` is set, in the same request or already stored.',
    type: Boolean,
    default: false,
    required: false,
    example: false,
  })
  @IsBoolean({ message: 'settings.enforce_sso must be a boolean' })
  @IsOptionalNotNull()
  enforce_sso?: boolean;

  @ApiProperty({
    description: 'The identity provider used for single sign-on; `null` clears it.',
    type: 'string',
    enum: [...SSO_PROVIDERS, null],
    nullable: true,
    default: null,
    required: false,
    example: SsoProvider.Okta,
  })
  @IsIn(SSO_PROVIDERS, {
    message: `settings.sso_provider must be one of ${SSO_PROVIDERS.join(', ')}, or null`,
  })
  @IsOptional()
  sso_provider?: SsoProvider | null;
}
