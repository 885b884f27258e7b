import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { JwtSettings } from '../auth/jwt-options.js';

/** What a host tells `OrganizationsModule`; TypeORM itself is the host's to configure. */
export interface OrganizationsModuleOptions {
  /** How bearer tokens are verified. */
  jwt: JwtSettings;
}

export const {
  ConfigurableModuleClass: ConfigurableOrganizationsModule,
  MODULE_OPTIONS_TOKEN: ORGANIZATIONS_MODULE_OPTIONS,
  OPTIONS_TYPE: ORGANIZATIONS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ORGANIZATIONS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OrganizationsModuleOptions>()
  .setClassMethodName('forRoot')
  .build();
