import type { OrganizationProvisioner } from './provisioning/organization-provisioner.js';

/** How long a cancelled organization can be restored, unless configured otherwise. */
export const DEFAULT_RETENTION_DAYS = 30;
export const DEFAULT_PROVISIONING_MAX_ATTEMPTS = 5;
export const DEFAULT_PROVISIONING_RETRY_DELAY_MS = 1000;

/** The lifecycle's knobs; every one has a default. */
export interface LifecycleSettings {
  /** Days after cancellation during which the owner can restore (default 30). */
  retentionDays?: number;
  /** User ids (token `sub`) of the platform operators who may suspend and unsuspend. */
  platformAdminUserIds?: readonly string[];
  /** Deploys an organization's infrastructure; the default deploys nothing real. */
  provisioner?: OrganizationProvisioner;
  /** Tries per provisioning before it is reported failed (default 5). */
  provisioningMaxAttempts?: number;
  /** Wait before the first retry, doubled before each next one (default 1000 ms). */
  provisioningRetryDelayMs?: number;
}
