import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { JwtSettings } from '../auth/jwt-options.js';
import type { StripeSettings } from '../billing/stripe-settings.js';
import type { LifecycleSettings } from './lifecycle/lifecycle-settings.js';

/** What a host tells `OrganizationsModule`; TypeORM itself is the host's to configure. */
export interface OrganizationsModuleOptions {
  /** How bearer tokens are verified. */
  jwt: JwtSettings;
  /** Stripe billing. Without it, checkout and the webhook answer 503 SERVICE_UNAVAILABLE. */
  stripe?: StripeSettings;
  /** Retention, platform operators and provisioning. */
  lifecycle?: LifecycleSettings;
}

export const {
  ConfigurableModuleClass: ConfigurableOrganizationsModule,
  MODULE_OPTIONS_TOKEN: ORGANIZATIONS_MODULE_OPTIONS,
  OPTIONS_TYPE: ORGANIZATIONS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ORGANIZATIONS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OrganizationsModuleOptions>()
  .setClassMethodName('forRoot')
  .build();
