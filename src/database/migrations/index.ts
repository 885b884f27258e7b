import { CreateOrganizations1796313600000 } from './1796313600000-create-organizations.js';
import { AddChangeSafety1796400000000 } from './1796400000000-add-change-safety.js';
import { OrganizationLifecycle1796486400000 } from './1796486400000-organization-lifecycle.js';

/** Every migration, oldest first. A new migration file is added here too. */
export const ORGANIZATION_MIGRATIONS = [
  CreateOrganizations1796313600000,
  AddChangeSafety1796400000000,
  OrganizationLifecycle1796486400000,
];
