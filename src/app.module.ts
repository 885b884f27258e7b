import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { JwtAuthGuard } from './auth/jwt-auth.guard.js';
import { type JwtSettings } from './auth/jwt-options.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { RouteRegistry } from './common/http/route-registry.js';
import { RequestValidationPipe } from './common/validation/body-validation.pipe.js';
import { type DatabaseConnectionSettings } from './database/data-source-options.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { type OrganizationsModuleOptions } from './organizations/organizations-module.options.js';
import { OrganizationsModule } from './organizations/organizations.module.js';

export interface AppModuleOptions {
  database: DatabaseConnectionSettings;
  jwt: JwtSettings;
  routes: RouteRegistry;
  stripe?: OrganizationsModuleOptions['stripe'];
  lifecycle?: OrganizationsModuleOptions['lifecycle'];
}

/** The service as deployed: organizations, health, authentication on every route by default. */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot(options.database),
        OrganizationsModule.forRoot({
          jwt: options.jwt,
          stripe: options.stripe,
          lifecycle: options.lifecycle,
        }),
        HealthModule,
      ],
      providers: [
        { provide: APP_GUARD, useExisting: JwtAuthGuard },
        { provide: APP_PIPE, useClass: RequestValidationPipe },
        { provide: RouteRegistry, useValue: options.routes },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
