import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { JwtAuthGuard } from './auth/jwt-auth.guard.js';
import { type JwtSettings } from './auth/jwt-options.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { RouteRegistry } from './common/http/route-registry.js';
import { RequestValidationPipe } from './common/validation/body-validation.pipe.js';
import { QueryParametersGuard } from './common/validation/query-parameters.guard.js';
import { type DatabaseConnectionSettings } from './database/data-source-options.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { type OrganizationsModuleOptions } from './organizations/organizations-module.options.js';
import { loggingModule } from './logging/request-logging.js';
import type { Logger as PinoLogger } from 'pino';
import { OrganizationsModule } from './organizations/organizations.module.js';
import { RateLimitGuard } from './rate-limit/rate-limit.guard.js';
import { RATE_LIMIT_OPTIONS, type RateLimitOptions } from './rate-limit/rate-limit.options.js';
import { TierRateLimiter } from './rate-limit/tier-rate-limiter.js';

export interface AppModuleOptions {
  database: DatabaseConnectionSettings;
  jwt: JwtSettings;
  rateLimit: RateLimitOptions;
  /** The root logger; every Nest log line and one line per request go through it. */
  logger: PinoLogger;
  routes: RouteRegistry;
  stripe?: OrganizationsModuleOptions['stripe'];
  lifecycle?: OrganizationsModuleOptions['lifecycle'];
}

/**
 * The service as deployed: organizations, health, authentication on every route by default,
 * then the per-caller rate limit and the query check (global guards run in the order listed).
 */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        loggingModule(options.logger),
        DatabaseModule.forRoot(options.database),
        OrganizationsModule.forRoot({
          jwt: options.jwt,
          stripe: options.stripe,
          lifecycle: options.lifecycle,
          // createApp registers registerEntityTagHook on the Fastify instance instead.
          entityTagInterceptor: false,
        }),
        HealthModule,
      ],
      providers: [
        { provide: APP_GUARD, useExisting: JwtAuthGuard },
        { provide: RATE_LIMIT_OPTIONS, useValue: options.rateLimit },
        TierRateLimiter,
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: QueryParametersGuard },
        { provide: APP_PIPE, useClass: RequestValidationPipe },
        { provide: RouteRegistry, useValue: options.routes },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
