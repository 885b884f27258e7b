import { newPrefixedId, prefixedIdPattern } from '../common/ids.js';

/** `org_` and 16 characters of lowercase base32: 80 random bits. */
export const ORGANIZATION_ID_PATTERN = prefixedIdPattern('org');

export function newOrganizationId(): string {
  return newPrefixedId('org');
}

export function isOrganizationId(value: string): boolean {
  return ORGANIZATION_ID_PATTERN.test(value);
}
