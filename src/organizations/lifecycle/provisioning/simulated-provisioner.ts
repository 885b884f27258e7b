import { setTimeout as sleep } from 'node:timers/promises';
import type { OrganizationProvisioner, ProvisioningRequest } from './organization-provisioner.js';

const DEFAULT_DEPLOY_MS = 50;

/**
 * The default provisioner: it deploys nothing real. Each attempt takes a short while, as a
 * deployment would, then succeeds; a host with real infrastructure supplies its own.
 */
export class SimulatedProvisioner implements OrganizationProvisioner {
  constructor(private readonly deployMs = DEFAULT_DEPLOY_MS) {}

  async provision(_request: ProvisioningRequest): Promise<void> {
    await sleep(this.deployMs);
  }
}
