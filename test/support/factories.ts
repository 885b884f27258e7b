import { randomBytes } from 'node:crypto';

/** A slug no other test uses. */
export function uniqueSlug(prefix = 'org'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** A valid create body with a fresh slug; override any field. */
export function organizationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Acme Corp',
    slug: uniqueSlug(),
    billing_email: 'billing@acme.com',
    ...overrides,
  };
}
