import type { DataSource } from 'typeorm';
import { organizationBody } from './factories.js';
import type { ApiClient, ApiResponse } from './http.js';
import type { TestUser } from './tokens.js';

export type Organization = Record<string, any>;

export const ORGANIZATIONS_PATH = '/v1/organizations';

export const organizationPath = (orgId: string): string => `${ORGANIZATIONS_PATH}/${orgId}`;

/** Creates an organization owned by `owner` and returns it as the 201 answered it. */
export async function createOrganization(
  api: ApiClient,
  owner: TestUser,
  overrides: Record<string, unknown> = {},
): Promise<Organization> {
  const response = await api.post(ORGANIZATIONS_PATH, {
    token: owner.token,
    body: organizationBody(overrides),
  });
  expect(response.status).toBe(201);

  return response.body;
}

/** Nothing about the organization changed: a GET answers exactly what it answered before. */
export async function expectUnchanged(
  api: ApiClient,
  owner: TestUser,
  organization: Organization,
): Promise<void> {
  const response = await api.get(organizationPath(organization.org_id), { token: owner.token });

  expect(response.status).toBe(200);
  expect(response.body).toEqual(organization);
}

/** A refused create stored nothing: the slug can still be created, with the defaults. */
export async function expectSlugStillFree(
  api: ApiClient,
  user: TestUser,
  slug: string,
): Promise<void> {
  const response = await api.post(ORGANIZATIONS_PATH, {
    token: user.token,
    body: organizationBody({ slug }),
  });

  expect(response.status).toBe(201);
  expect(response.body).toMatchObject({ slug, tier: 'free', status: 'active' });
}

/** The `field` entries of an error's `details.fields`. */
export function fieldNames(response: ApiResponse): string[] {
  const fields: { field: string }[] = response.body?.error?.details?.fields ?? [];

  return fields.map((entry) => entry.field);
}

/** Moves both timestamps of an organization an hour back, so a later change is visible. */
export async function backdateOrganization(dataSource: DataSource, orgId: string): Promise<void> {
  await dataSource.query(
    `UPDATE organizations
        SET created_at = created_at - interval '1 hour',
            updated_at = updated_at - interval '1 hour'
      WHERE org_id = $1`,
    [orgId],
  );
}
