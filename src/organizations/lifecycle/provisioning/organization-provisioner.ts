import type { CloudRegion, OrganizationTier } from '../../organization-catalog.js';

/** What to provision: the organization, the tier it bought and where it lives. */
export interface ProvisioningRequest {
  orgId: string;
  tier: OrganizationTier;
  cloudRegion: CloudRegion;
  /** 1 for the first try, counting up with each retry. */
  attempt: number;
}

/**
 * Deploys an organization's infrastructure after its checkout completed. One call is one
 * attempt: it resolves when the infrastructure is ready and rejects when this attempt failed.
 * The service calls it in the background, retries with backoff and records every attempt.
 * A host supplies its own through `OrganizationsModule.forRoot({ lifecycle: { provisioner } })`.
 */
export interface OrganizationProvisioner {
  provision(request: ProvisioningRequest): Promise<void>;
}

/** The injection token of the provisioner in use. */
export const ORGANIZATION_PROVISIONER = Symbol('ORGANIZATION_PROVISIONER');
