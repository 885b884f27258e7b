import { ConfigurableModuleBuilder } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { JwtSettings } from '../auth/jwt-options.js';
import type { StripeSettings } from '../billing/stripe-settings.js';
import { EntityTagInterceptor } from '../common/http/entity-tag.interceptor.js';
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

/** Options that shape the module itself, given to `forRoot` and `forRootAsync` as they are. */
export interface OrganizationsModuleExtras {
  /**
   * Registers `EntityTagInterceptor` globally (the default), which gives every answer that
   * carries an entity tag its `ETag` and answers conditional reads, on any HTTP adapter. A host
   * on Fastify may set `false` and call `registerEntityTagHook(fastify)` before it listens: the
   * same answers without an interceptor on every route, as this service does.
   */
  entityTagInterceptor?: boolean;
}

export const {
  ConfigurableModuleClass: ConfigurableOrganizationsModule,
  MODULE_OPTIONS_TOKEN: ORGANIZATIONS_MODULE_OPTIONS,
  OPTIONS_TYPE: ORGANIZATIONS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ORGANIZATIONS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OrganizationsModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras<OrganizationsModuleExtras>({ entityTagInterceptor: true }, (definition, extras) => ({
    ...definition,
    providers: [
      ...(definition.providers ?? []),
      ...(extras.entityTagInterceptor === false
        ? []
        : [{ provide: APP_INTERCEPTOR, useClass: EntityTagInterceptor }]),
    ],
  }))
  .build();
