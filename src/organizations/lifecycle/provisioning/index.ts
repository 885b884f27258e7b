export {
  ORGANIZATION_PROVISIONER,
  type OrganizationProvisioner,
  type ProvisioningRequest,
} from './organization-provisioner.js';
export { ProvisioningAttempt, ProvisioningOutcome } from './provisioning-attempt.entity.js';
export { ProvisioningService } from './provisioning.service.js';
export { SimulatedProvisioner } from './simulated-provisioner.js';
