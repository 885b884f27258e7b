import type { ApiResponse } from './http.js';

/** Driver, ORM and runtime words that must never reach a client. */
const LEAK_PATTERNS = [
  /QueryFailedError/i,
  /duplicate key/i,
  /violates/i,
  /invalid input syntax/i,
  /\bat .+\.(js|ts):\d+/,
  /node_modules/,
  /SELECT .* FROM/i,
  /INSERT INTO/i,
  /typeorm/i,
  /\bpg\b.*error/i,
];

/**
 * Asserts the contract's error envelope: status, code, JSON content type, `error` as the only
 * key, a message, a request id equal to the header, well-formed details, and no leaked internals.
 */
export function expectError(response: ApiResponse, status: number, code: string): void {
  expect({ status: response.status, code: response.body?.error?.code }).toEqual({ status, code });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(response.body)).toEqual(['error']);
  const { error } = response.body;
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(0);
  expect(error.request_id).toMatch(/^req_/);
  expect(response.headers.get('x-request-id')).toBe(error.request_id);
  if (error.details !== undefined) {
    expect(typeof error.details).toBe('object');
    for (const field of error.details.fields ?? []) {
      expect(typeof field.field).toBe('string');
      expect(typeof field.constraint).toBe('string');
    }
  }
  for (const pattern of LEAK_PATTERNS) {
    expect(response.text).not.toMatch(pattern);
  }
}

/** Asserts a 400 VALIDATION_ERROR whose `details.fields` names `field` (and `constraint`). */
export function expectFieldError(response: ApiResponse, field: string, constraint?: string): void {
  expectError(response, 400, 'VALIDATION_ERROR');
  const fields: { field: string; constraint: string }[] = response.body.error.details?.fields ?? [];
  const match = fields.find((entry) => entry.field === field);
  expect(match).toBeDefined();
  if (constraint !== undefined) {
    expect(match?.constraint).toBe(constraint);
  }
}

export const ORGANIZATION_KEYS = [
  'org_id',
  'name',
  'slug',
  'billing_email',
  'cloud_region',
  'tier',
  'status',
  'stripe_customer_id',
  'stripe_subscription_id',
  'settings',
  'quotas',
  'created_at',
  'updated_at',
];

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Asserts every key of the organization object, in the contract's order, with its type. */
export function expectOrganizationShape(organization: Record<string, any>): void {
  expect(Object.keys(organization)).toEqual(ORGANIZATION_KEYS);
  expect(organization.org_id).toMatch(/^org_[a-z0-9]{16,}$/);
  expect(Object.keys(organization.settings)).toEqual([
    'mfa_required',
    'enforce_sso',
    'sso_provider',
  ]);
  expect(typeof organization.settings.mfa_required).toBe('boolean');
  expect(typeof organization.settings.enforce_sso).toBe('boolean');
  for (const key of [
    'monthly_credit_limit',
    'used',
    'max_concurrent_queries',
    'storage_limit_gb',
  ]) {
    expect(typeof organization.quotas[key]).toBe('number');
  }
  expect(organization.created_at).toMatch(TIMESTAMP);
  expect(organization.updated_at).toMatch(TIMESTAMP);
}
