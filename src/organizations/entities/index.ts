import { AuditEvent } from '../../audit/audit-event.entity.js';
import { StripeWebhookEvent } from '../../billing/entities/stripe-webhook-event.entity.js';
import { ProvisioningAttempt } from '../lifecycle/provisioning/provisioning-attempt.entity.js';
import { OrganizationMembership } from './organization-membership.entity.js';
import { Organization } from './organization.entity.js';

/** Every entity of the service, for hosts that register them with their own TypeORM setup. */
export const ORGANIZATION_ENTITIES = [
  Organization,
  OrganizationMembership,
  AuditEvent,
  StripeWebhookEvent,
  ProvisioningAttempt,
];
