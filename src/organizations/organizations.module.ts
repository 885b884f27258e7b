import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditLogController } from '../audit/audit-log.controller.js';
import { AuditModule } from '../audit/audit.module.js';
import { IdempotencyModule } from '../idempotency/idempotency.module.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { JWT_VERIFICATION_OPTIONS, resolveJwtVerification } from '../auth/jwt-options.js';
import { JwtStrategy } from '../auth/jwt.strategy.js';
import { VerifiedTokenCache } from '../auth/verified-token-cache.js';
import { BillingController } from '../billing/billing.controller.js';
import { BillingService } from '../billing/billing.service.js';
import { StripeBillingClient } from '../billing/stripe-billing.client.js';
import { StripeWebhookController } from '../billing/stripe-webhook.controller.js';
import { StripeWebhookService } from '../billing/stripe-webhook.service.js';
import { OrganizationMembership } from './entities/organization-membership.entity.js';
import { Organization } from './entities/organization.entity.js';
import { OrganizationLifecycleController } from './lifecycle/organization-lifecycle.controller.js';
import { OrganizationLifecycleService } from './lifecycle/organization-lifecycle.service.js';
import { PlatformOperatorGuard } from './lifecycle/platform-operator.guard.js';
import { ORGANIZATION_PROVISIONER } from './lifecycle/provisioning/organization-provisioner.js';
import { ProvisioningService } from './lifecycle/provisioning/provisioning.service.js';
import { SimulatedProvisioner } from './lifecycle/provisioning/simulated-provisioner.js';
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
 * organization-scoped routes. Also the lifecycle: Stripe checkout and webhook, provisioning
 * (the host's `lifecycle.provisioner`, or one that deploys nothing real), suspension by
 * platform operators, cancellation and restore.
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
  imports: [
    PassportModule,
    TypeOrmModule.forFeature([Organization, OrganizationMembership]),
    AuditModule,
    IdempotencyModule,
  ],
  // The audit log's controller lives with the audit trail but needs this module's guard.
  controllers: [
    OrganizationsController,
    MembersController,
    AuditLogController,
    OrganizationLifecycleController,
    BillingController,
    StripeWebhookController,
  ],
  providers: [
    {
      provide: JWT_VERIFICATION_OPTIONS,
      inject: [ORGANIZATIONS_MODULE_OPTIONS],
      useFactory: (options: OrganizationsModuleOptions) => resolveJwtVerification(options.jwt),
    },
    JwtStrategy,
    VerifiedTokenCache,
    JwtAuthGuard,
    OrganizationsService,
    MembersService,
    OrganizationRoleGuard,
    {
      provide: ORGANIZATION_PROVISIONER,
      inject: [ORGANIZATIONS_MODULE_OPTIONS],
      useFactory: (options: OrganizationsModuleOptions) =>
        options.lifecycle?.provisioner ?? new SimulatedProvisioner(),
    },
    StripeBillingClient,
    OrganizationLifecycleService,
    ProvisioningService,
    PlatformOperatorGuard,
    BillingService,
    StripeWebhookService,
  ],
  exports: [
    JwtAuthGuard,
    VerifiedTokenCache,
    OrganizationsService,
    MembersService,
    OrganizationRoleGuard,
    AuditModule,
    IdempotencyModule,
    OrganizationLifecycleService,
  ],
})
export class OrganizationsModule extends ConfigurableOrganizationsModule {}
