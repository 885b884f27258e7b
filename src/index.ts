/**
 * The package entry: what a Nest host needs to serve organizations, or to guard its own
 * organization-scoped routes with the same memberships and error envelope.
 */
export { OrganizationsModule } from './organizations/organizations.module.js';
export type {
  OrganizationsModuleExtras,
  OrganizationsModuleOptions,
} from './organizations/organizations-module.options.js';
export { OrganizationsService } from './organizations/organizations.service.js';
export { MembersService } from './organizations/members/members.service.js';

export { Organization } from './organizations/entities/organization.entity.js';
export { OrganizationMembership } from './organizations/entities/organization-membership.entity.js';
export { ORGANIZATION_ENTITIES, ORGANIZATION_MIGRATIONS } from './database/data-source-options.js';
export { runMigrations } from './database/run-migrations.js';

export { JwtAuthGuard } from './auth/jwt-auth.guard.js';
export { Public } from './auth/public.decorator.js';
export { CurrentUser } from './auth/current-user.decorator.js';
export type { AuthenticatedUser } from './auth/authenticated-user.js';
export type { JwtSettings } from './auth/jwt-options.js';

export {
  type LifecycleActor,
  type LifecycleChange,
  OrganizationLifecycleService,
} from './organizations/lifecycle/organization-lifecycle.service.js';
export {
  LIFECYCLE_TRANSITIONS,
  LifecycleEvent,
} from './organizations/lifecycle/lifecycle-transitions.js';
export type { LifecycleSettings } from './organizations/lifecycle/lifecycle-settings.js';
export {
  ORGANIZATION_PROVISIONER,
  type OrganizationProvisioner,
  type ProvisioningRequest,
  SimulatedProvisioner,
} from './organizations/lifecycle/provisioning/index.js';
export type { StripeSettings } from './billing/stripe-settings.js';

export { OrgRoles } from './organizations/org-roles.decorator.js';
export { OrganizationRoleGuard } from './organizations/organization-role.guard.js';
export {
  CurrentOrganizationAccess,
  type OrganizationAccess,
} from './organizations/organization-access.js';
export {
  ALL_ORGANIZATION_ROLES,
  MembershipStatus,
  OrganizationRole,
} from './organizations/organization-role.enum.js';
export {
  CloudRegion,
  OrganizationStatus,
  OrganizationTier,
  SsoProvider,
  SuspensionKind,
  TIER_QUOTAS,
} from './organizations/organization-catalog.js';

export { ErrorCode } from './common/errors/error-code.js';
export type { ErrorDetails, ErrorEnvelope, FieldError } from './common/errors/error-envelope.js';
export { DomainError } from './common/errors/domain-error.js';
export { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
export { RequestValidationPipe } from './common/validation/body-validation.pipe.js';
export { REQUEST_ID_HEADER, requestIdFrom } from './common/http/request-id.js';
export { ApiErrorResponses } from './common/swagger/api-error-responses.decorator.js';
export { ErrorEnvelopeSchema } from './common/swagger/error-envelope.schema.js';

export { AuditModule } from './audit/audit.module.js';
export {
  AuditLogService,
  type AuditEntry,
  type AuditStatement,
} from './audit/audit-log.service.js';
export {
  ALL_AUDIT_ACTIONS,
  AuditAction,
  AuditTargetType,
  STRIPE_ACTOR,
  SYSTEM_ACTOR,
} from './audit/audit-action.js';
export {
  type AuditChanges,
  changesBetween,
  type FieldChange,
  maskEmail,
} from './audit/audit-changes.js';
export { AuditEvent } from './audit/audit-event.entity.js';
export { auditedOrganizationFields } from './organizations/organization-audit.js';

export { Idempotent } from './idempotency/idempotent.decorator.js';
export { IdempotencyInterceptor } from './idempotency/idempotency.interceptor.js';
export { IdempotencyModule } from './idempotency/idempotency.module.js';
export { IdempotencyService } from './idempotency/idempotency.service.js';

export {
  EntityTagInterceptor,
  entityTagOf,
  entityTagOutcome,
  withEntityTag,
} from './common/http/entity-tag.interceptor.js';
export { registerEntityTagHook } from './common/http/entity-tag.hook.js';
export {
  evaluatePreconditions,
  preconditionFailed,
  type Preconditions,
  strongEntityTag,
} from './common/http/entity-tags.js';
export {
  ApiConditionalChange,
  RequestPreconditions,
} from './common/http/preconditions.decorator.js';
export { RequestId } from './common/http/request-id.decorator.js';
export {
  organizationEntityTag,
  toOrganizationResponse,
} from './organizations/organization.mapper.js';
