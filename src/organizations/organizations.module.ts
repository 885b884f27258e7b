import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { JWT_VERIFICATION_OPTIONS, resolveJwtVerification } from '../auth/jwt-options.js';
import { JwtStrategy } from '../auth/jwt.strategy.js';
import { OrganizationMembership } from './entities/organization-membership.entity.js';
import { Organization } from './entities/organization.entity.js';
import { MembersController } from './members/members.controller.js';
import { MembersService } from './members/members.service.js';
import { OrganizationRoleGuard } from './organization-role.guard.js';
import {
  ConfigurableOrganizationsModule,
  ORGANIZATIONS_MODULE_OPTIONS,
  type OrganizationsModuleOptions,
} from './organizations-module.options.js';
import { OrganizationsController } from './organizations.controller.js';
import { OrganizationsService } from './organizations.service.js';

/**
 * Organizations and their members: the HTTP API, the services behind it, bearer-token
 * authentication and the `@OrgRoles()` guard that other modules use on their own
 * organization-scoped routes.
 *
 * The host provides TypeORM (a PostgreSQL connection with `ORGANIZATION_ENTITIES` and
 * `ORGANIZATION_MIGRATIONS`) and decides where `JwtAuthGuard` applies, typically globally.
 *
 * ```ts
 * OrganizationsModule.forRoot({ jwt: { jwksUri: 'https://auth.example.com/jwks.json' } })
 * OrganizationsModule.forRootAsync({
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ jwt: { secret: config.get('JWT_SECRET') } }),
 * })
 * ```
 */
@Module({
  imports: [PassportModule, TypeOrmModule.forFeature([Organization, OrganizationMembership])],
  controllers: [OrganizationsController, MembersController],
  providers: [
    {
      provide: JWT_VERIFICATION_OPTIONS,
      inject: [ORGANIZATIONS_MODULE_OPTIONS],
      useFactory: (options: OrganizationsModuleOptions) => resolveJwtVerification(options.jwt),
    },
    JwtStrategy,
    JwtAuthGuard,
    OrganizationsService,
    MembersService,
    OrganizationRoleGuard,
  ],
  exports: [JwtAuthGuard, OrganizationsService, MembersService, OrganizationRoleGuard],
})
export class OrganizationsModule extends ConfigurableOrganizationsModule {}
