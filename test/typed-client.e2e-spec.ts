import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { jest } from '@jest/globals';
import createClient, { type Client } from 'openapi-fetch';
import { uniqueSlug } from './support/factories.js';
import type { components, paths } from './support/openapi-types.js';
import { fetchCheckedAgainstOpenApi } from './support/openapi-validator.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { newUser, type TestUser } from './support/tokens.js';

// Starting the app on a fresh database can outlast Jest's 5 s default on a busy machine.
jest.setTimeout(60_000);

type Schemas = components['schemas'];
type CloudRegion = Schemas['CloudRegion'];
type ErrorCode = Schemas['ErrorCode'];

const REGENERATE = 'npm run openapi:types';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OPENAPI_TYPESCRIPT_CLI = join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');

/** The 2xx body of an openapi-fetch answer, or a failure that shows the error body. */
function dataOf<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) {
    throw new Error(
      `expected a 2xx answer, got ${result.response.status}: ${JSON.stringify(result.error)}`,
    );
  }

  return result.data;
}

describe('a client typed from openapi.json (openapi-typescript + openapi-fetch)', () => {
  let app: TestApp;

  /** A client for `user`, checking every answer against openapi.json as ApiClient does. */
  const clientFor = (user: TestUser): Client<paths> =>
    createClient<paths>({
      baseUrl: app.baseUrl,
      fetch: fetchCheckedAgainstOpenApi,
      headers: { authorization: `Bearer ${user.token}` },
    });

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it(`uses types generated from the committed document; regenerate: "${REGENERATE}"`, async () => {
    // The arguments of the npm script itself, run with openapi-typescript's own --check.
    const packageJson = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    const [command, ...args] = String(packageJson.scripts['openapi:types']).split(/\s+/);
    expect(command).toBe('openapi-typescript');

    const check = promisify(execFile)(
      process.execPath,
      [OPENAPI_TYPESCRIPT_CLI, ...args, '--check'],
      { cwd: ROOT },
    );

    await expect(check).resolves.toBeDefined();
  });

  it('creates, reads, updates and lists an organization, typing bodies and answers', async () => {
    const client = clientFor(newUser());
    const slug = uniqueSlug('typed');
    const createBody: Schemas['CreateOrganizationDto'] = {
      name: 'Typed Corp',
      slug,
      billing_email: 'billing@typed.example',
      cloud_region: 'eu-west-1',
      settings: { mfa_required: false },
    };

    const created = await client.POST('/v1/organizations', { body: createBody });
    const organization: Schemas['OrganizationResponse'] = dataOf(created);
    expect(created.response.status).toBe(201);
    const region: CloudRegion = organization.cloud_region;
    expect({ region, slug: organization.slug, tier: organization.tier }).toEqual({
      region: 'eu-west-1',
      slug,
      tier: 'free',
    });
    expect(organization.settings).toEqual({
      mfa_required: false,
      enforce_sso: false,
      sso_provider: null,
    });
    const orgId = organization.org_id;

    const read = await client.GET('/v1/organizations/{org_id}', {
      params: { path: { org_id: orgId } },
    });
    expect(read.response.status).toBe(200);
    expect(dataOf(read)).toEqual(organization);

    const updateBody: Schemas['UpdateOrganizationDto'] = {
      name: 'Typed Corporation',
      settings: { sso_provider: 'okta' },
    };
    const updated = await client.PUT('/v1/organizations/{org_id}', {
      params: { path: { org_id: orgId } },
      body: updateBody,
    });
    const changed: Schemas['OrganizationResponse'] = dataOf(updated);
    expect(updated.response.status).toBe(200);
    expect(changed).toMatchObject({
      org_id: orgId,
      name: 'Typed Corporation',
      settings: { mfa_required: false, enforce_sso: false, sso_provider: 'okta' },
    });
    expect(Date.parse(changed.updated_at)).toBeGreaterThanOrEqual(
      Date.parse(organization.updated_at),
    );

    const listed = await client.GET('/v1/organizations', { params: { query: { limit: 10 } } });
    const page: Schemas['OrganizationPageResponse'] = dataOf(listed);
    expect(listed.response.status).toBe(200);
    expect(page.data.map((entry) => [entry.org_id, entry.name, entry.role])).toEqual([
      [orgId, 'Typed Corporation', 'owner'],
    ]);
    expect(page.pagination).toEqual({ cursor: null, has_more: false, total: 1 });
  });

  it('is refused, with a typed error, a body the generated types refuse too', async () => {
    const client = clientFor(newUser());
    const refused = await client.POST('/v1/organizations', {
      // @ts-expect-error billing_email is required by CreateOrganizationDto
      body: { name: 'No Billing', slug: uniqueSlug('typed') },
    });

    expect(refused.data).toBeUndefined();
    expect(refused.response.status).toBe(400);
    const code: ErrorCode | undefined = refused.error?.error.code;
    expect(code).toBe('VALIDATION_ERROR');
    expect(refused.error?.error.details?.fields?.map((entry) => entry.field)).toEqual([
      'billing_email',
    ]);
  });

  it('is refused a key the update types do not have, as the service refuses it', async () => {
    const client = clientFor(newUser());
    const created = dataOf(
      await client.POST('/v1/organizations', {
        body: { name: 'Tier Probe', slug: uniqueSlug('typed'), billing_email: 'b@typed.example' },
      }),
    );

    // @ts-expect-error tier is not a key of UpdateOrganizationDto
    const body: Schemas['UpdateOrganizationDto'] = { tier: 'enterprise' };
    const refused = await client.PUT('/v1/organizations/{org_id}', {
      params: { path: { org_id: created.org_id } },
      body,
    });

    expect(refused.response.status).toBe(400);
    expect(refused.error?.error.details?.fields).toEqual([
      expect.objectContaining({ field: 'tier', constraint: 'unknown_field' }),
    ]);
  });
});
