import { jest } from '@jest/globals';
import { newSignedInWithSso } from './support/crafted-tokens.js';
import { uniqueSlug } from './support/factories.js';
import {
  expectError,
  expectFieldError,
  expectOrganizationShape,
  ORGANIZATION_KEYS,
} from './support/expectations.js';
import type { ApiResponse } from './support/http.js';
import {
  backdateOrganization,
  createOrganization,
  expectUnchanged,
  fieldNames,
  type Organization,
  organizationPath,
} from './support/organizations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { newUser, type TestUser } from './support/tokens.js';

// Starting the app on a fresh database can outlast Jest's 5 s default on a busy machine.
jest.setTimeout(60_000);

const READ_ONLY_VALUES: Record<string, unknown> = {
  tier: 'enterprise',
  status: 'suspended',
  org_id: 'org_pickedbytheclient01',
  quotas: { monthly_credit_limit: 999999999 },
  stripe_customer_id: 'cus_client',
  stripe_subscription_id: 'sub_client',
  created_at: '2000-01-01T00:00:00Z',
  updated_at: '2000-01-01T00:00:00Z',
};

describe('GET and PUT /v1/organizations/{org_id}', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  const read = (user: TestUser, orgId: string): Promise<ApiResponse> =>
    app.api.get(organizationPath(orgId), { token: user.token });

  const update = (user: TestUser, orgId: string, body: unknown): Promise<ApiResponse> =>
    app.api.put(organizationPath(orgId), { token: user.token, body });

  /**
   * An owner and an organization of theirs, with timestamps an hour in the past. The owner signed
   * in with MFA through `identityProvider`, so turning on MFA or SSO does not shut them out.
   */
  async function ownedOrganization(
    overrides: Record<string, unknown> = {},
    identityProvider = 'okta',
  ): Promise<{ owner: TestUser; organization: Organization }> {
    const owner = newSignedInWithSso(identityProvider);
    const created = await createOrganization(app.api, owner, overrides);
    await backdateOrganization(app.dataSource, created.org_id);
    const current = await read(owner, created.org_id);
    expect(current.status).toBe(200);

    return { owner, organization: current.body };
  }

  describe('GET', () => {
    it('answers the page example for a cloud-tier organization billed by Stripe', async () => {
      const owner = newSignedInWithSso('okta');
      const slug = uniqueSlug('acme-corp');
      const created = await createOrganization(app.api, owner, {
        name: 'Acme Corp',
        slug,
        billing_email: 'billing@acme.com',
        cloud_region: 'us-east-1',
      });
      // Billing moves an organization to a paid tier; it has no endpoint here, so the row is
      // set as billing would leave it.
      await app.dataSource.query(
        `UPDATE organizations
            SET tier = 'cloud', stripe_customer_id = 'cus_abc123',
                stripe_subscription_id = 'sub_xyz789', mfa_required = true,
                enforce_sso = true, sso_provider = 'okta', monthly_credit_limit = 10000,
                credits_used = 3250, max_concurrent_queries = 100, storage_limit_gb = 500,
                created_at = '2026-01-15T10:00:00Z', updated_at = '2026-02-10T14:30:00Z'
          WHERE org_id = $1`,
        [created.org_id],
      );

      const response = await read(owner, created.org_id);

      expect(response.status).toBe(200);
      expectOrganizationShape(response.body);
      expect(response.body).toEqual({
        org_id: created.org_id,
        name: 'Acme Corp',
        slug,
        billing_email: 'billing@acme.com',
        cloud_region: 'us-east-1',
        tier: 'cloud',
        status: 'active',
        stripe_customer_id: 'cus_abc123',
        stripe_subscription_id: 'sub_xyz789',
        settings: { mfa_required: true, enforce_sso: true, sso_provider: 'okta' },
        quotas: {
          monthly_credit_limit: 10000,
          used: 3250,
          max_concurrent_queries: 100,
          storage_limit_gb: 500,
        },
        created_at: '2026-01-15T10:00:00Z',
        updated_at: '2026-02-10T14:30:00Z',
      });
    });

    it('answers every key of the organization object in the contract order', async () => {
      const owner = newUser();
      const created = await createOrganization(app.api, owner);
      const response = await read(owner, created.org_id);

      expect(response.status).toBe(200);
      expect(Object.keys(response.body)).toEqual(ORGANIZATION_KEYS);
      expectOrganizationShape(response.body);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    });

    it('answers 404 NOT_FOUND for a well-formed id that no organization has', async () => {
      const response = await read(newUser(), 'org_aaaaaaaaaaaaaaaa');

      expectError(response, 404, 'NOT_FOUND');
    });
  });

  describe('PUT: the reference page example', () => {
    it('applies the page example once settings.sso_provider is set to okta', async () => {
      const owner = newSignedInWithSso('okta');
      const slug = uniqueSlug('acme-corp');
      const created = await createOrganization(app.api, owner, {
        name: 'Acme Corp',
        slug,
        billing_email: 'billing@acme.com',
        cloud_region: 'us-east-1',
        settings: { mfa_required: false, enforce_sso: false },
      });
      const provider = await update(owner, created.org_id, { settings: { sso_provider: 'okta' } });
      expect(provider.status).toBe(200);

      const response = await update(owner, created.org_id, {
        name: 'Acme Corporation',
        billing_email: 'finance@acme.com',
        settings: { mfa_required: true, enforce_sso: true },
      });

      expect(response.status).toBe(200);
      expectOrganizationShape(response.body);
      expect(response.body).toMatchObject({
        org_id: created.org_id,
        name: 'Acme Corporation',
        slug,
        billing_email: 'finance@acme.com',
        cloud_region: 'us-east-1',
        tier: 'free',
        status: 'active',
        settings: { mfa_required: true, enforce_sso: true, sso_provider: 'okta' },
        created_at: created.created_at,
      });
      await expectUnchanged(app.api, owner, response.body);
    });
  });

  describe('PUT: updated_at', () => {
    it('moves updated_at to now on a real change and leaves created_at', async () => {
      const { owner, organization } = await ownedOrganization();
      const before = Math.floor(Date.now() / 1000) * 1000;

      const response = await update(owner, organization.org_id, { name: 'Moved On' });

      expect(response.status).toBe(200);
      expect(response.body.created_at).toBe(organization.created_at);
      expect(response.body.updated_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(Date.parse(response.body.updated_at)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(response.body.updated_at)).toBeLessThanOrEqual(Date.now());
      await expectUnchanged(app.api, owner, response.body);
    });

    it('moves updated_at on every change, even several within one second', async () => {
      const { owner, organization } = await ownedOrganization();
      const stamps: string[] = [organization.updated_at];

      for (const name of ['First Name', 'Second Name', 'Third Name']) {
        const response = await update(owner, organization.org_id, { name });
        expect(response.status).toBe(200);
        stamps.push(response.body.updated_at);
      }

      // Each stamp later than the one before it.
      expect(stamps.slice(1).map((stamp, index) => stamp > stamps[index])).toEqual([
        true,
        true,
        true,
      ]);
    });

    it('moves updated_at when only a setting changes', async () => {
      const { owner, organization } = await ownedOrganization();

      const response = await update(owner, organization.org_id, {
        settings: { mfa_required: true },
      });

      expect(response.status).toBe(200);
      expect(response.body.settings.mfa_required).toBe(true);
      expect(response.body.updated_at > organization.updated_at).toBe(true);
    });

    it('leaves updated_at and every field as they were on a PUT that changes nothing', async () => {
      const { owner, organization } = await ownedOrganization(
        { settings: { mfa_required: true, sso_provider: 'azure_ad' } },
        'azure_ad',
      );

      const response = await update(owner, organization.org_id, {
        name: organization.name,
        billing_email: organization.billing_email,
        settings: { ...organization.settings },
        slug: organization.slug,
        cloud_region: organization.cloud_region,
      });

      expect(response.status).toBe(200);
      expect(response.body).toEqual(organization);
      await expectUnchanged(app.api, owner, organization);
    });

    it('treats a name equal to the stored one once trimmed as no change', async () => {
      const { owner, organization } = await ownedOrganization();

      const response = await update(owner, organization.org_id, {
        name: `  ${organization.name}  `,
      });

      expect(response.status).toBe(200);
      expect(response.body).toEqual(organization);
    });
  });

  describe('PUT: what the body must hold', () => {
    it('rejects an empty object: at least one of name, billing_email, settings', async () => {
      const { owner, organization } = await ownedOrganization();

      expectError(await update(owner, organization.org_id, {}), 400, 'VALIDATION_ERROR');
      await expectUnchanged(app.api, owner, organization);
    });

    it('rejects a body holding only the unchanged slug or cloud_region', async () => {
      const { owner, organization } = await ownedOrganization();

      for (const body of [{ slug: organization.slug }, { cloud_region: 'us-east-1' }]) {
        expectError(await update(owner, organization.org_id, body), 400, 'VALIDATION_ERROR');
      }
      await expectUnchanged(app.api, owner, organization);
    });

    it('accepts each of name, billing_email and settings on its own', async () => {
      const { owner, organization } = await ownedOrganization();

      const name = await update(owner, organization.org_id, { name: 'Only The Name' });
      const email = await update(owner, organization.org_id, { billing_email: 'ap@acme.com' });
      const settings = await update(owner, organization.org_id, {
        settings: { mfa_required: true },
      });

      expect([name.status, email.status, settings.status]).toEqual([200, 200, 200]);
      expect(settings.body).toMatchObject({
        name: 'Only The Name',
        billing_email: 'ap@acme.com',
        settings: { mfa_required: true, enforce_sso: false, sso_provider: null },
      });
    });
  });

  describe('PUT: settings', () => {
    it('merges settings key by key: keys not sent keep their stored value', async () => {
      const { owner, organization } = await ownedOrganization({}, 'google_workspace');

      const mfa = await update(owner, organization.org_id, { settings: { mfa_required: true } });
      expect(mfa.body.settings).toEqual({
        mfa_required: true,
        enforce_sso: false,
        sso_provider: null,
      });

      const provider = await update(owner, organization.org_id, {
        settings: { sso_provider: 'google_workspace' },
      });
      expect(provider.body.settings).toEqual({
        mfa_required: true,
        enforce_sso: false,
        sso_provider: 'google_workspace',
      });

      const enforce = await update(owner, organization.org_id, { settings: { enforce_sso: true } });
      expect(enforce.status).toBe(200);
      expect(enforce.body.settings).toEqual({
        mfa_required: true,
        enforce_sso: true,
        sso_provider: 'google_workspace',
      });
    });

    it('accepts enforce_sso with the SSO provider in the same request', async () => {
      const { owner, organization } = await ownedOrganization({}, 'jumpcloud');

      const response = await update(owner, organization.org_id, {
        settings: { enforce_sso: true, sso_provider: 'jumpcloud' },
      });

      expect(response.status).toBe(200);
      expect(response.body.settings).toEqual({
        mfa_required: false,
        enforce_sso: true,
        sso_provider: 'jumpcloud',
      });
    });

    it('rejects enforce_sso with no SSO provider stored or sent, changing nothing', async () => {
      const { owner, organization } = await ownedOrganization();

      const response = await update(owner, organization.org_id, {
        name: 'Should Not Stick',
        settings: { enforce_sso: true },
      });

      expectFieldError(response, 'settings.enforce_sso');
      await expectUnchanged(app.api, owner, organization);
    });

    it('rejects clearing the SSO provider while enforce_sso stays true', async () => {
      const { owner, organization } = await ownedOrganization({
        settings: { enforce_sso: true, sso_provider: 'okta' },
      });

      const response = await update(owner, organization.org_id, {
        settings: { sso_provider: null },
      });

      expectError(response, 400, 'VALIDATION_ERROR');
      expect(fieldNames(response)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^settings\.(sso_provider|enforce_sso)$/)]),
      );
      await expectUnchanged(app.api, owner, organization);
    });

    it('clears enforce_sso and the SSO provider together', async () => {
      const { owner, organization } = await ownedOrganization(
        { settings: { enforce_sso: true, sso_provider: 'onelogin' } },
        'onelogin',
      );

      const response = await update(owner, organization.org_id, {
        settings: { enforce_sso: false, sso_provider: null },
      });

      expect(response.status).toBe(200);
      expect(response.body.settings).toEqual({
        mfa_required: false,
        enforce_sso: false,
        sso_provider: null,
      });
    });

    it('keeps enforce_sso tied to a provider when updates race, without a 5xx', async () => {
      const { owner, organization } = await ownedOrganization({
        settings: { sso_provider: 'okta' },
      });
      const bodies = Array.from({ length: 10 }, (_, index) =>
        index % 2 === 0
          ? { settings: { enforce_sso: true } }
          : { settings: { sso_provider: null } },
      );

      const responses = await Promise.all(
        bodies.map((body) => update(owner, organization.org_id, body)),
      );

      for (const response of responses) {
        expect(response.status).toBeLessThan(500);
        if (response.status !== 200) {
          expect([400, 409]).toContain(response.status);
          expectError(
            response,
            response.status,
            response.status === 400 ? 'VALIDATION_ERROR' : 'CONFLICT',
          );
        }
      }
      const final = await read(owner, organization.org_id);
      expect(final.status).toBe(200);
      expect(final.body.settings.enforce_sso && final.body.settings.sso_provider === null).toBe(
        false,
      );
    });

    it('rejects string booleans in settings, changing nothing', async () => {
      const { owner, organization } = await ownedOrganization();

      for (const settings of [{ mfa_required: 'true' }, { enforce_sso: 'false' }]) {
        const [key] = Object.keys(settings);

        expectFieldError(await update(owner, organization.org_id, { settings }), `settings.${key}`);
      }
      await expectUnchanged(app.api, owner, organization);
    });

    it('rejects wrongly typed settings by their dotted path, changing nothing', async () => {
      const { owner, organization } = await ownedOrganization();
      const wrong: Record<string, unknown>[] = [
        { mfa_required: 1 },
        { mfa_required: null },
        { enforce_sso: {} },
        { sso_provider: 'github' },
        { sso_provider: 7 },
      ];

      for (const settings of wrong) {
        const [key] = Object.keys(settings);
        const response = await update(owner, organization.org_id, { name: 'Nope', settings });

        expectFieldError(response, `settings.${key}`);
      }
      await expectUnchanged(app.api, owner, organization);
    });

    it('rejects settings that is not an object, changing nothing', async () => {
      const { owner, organization } = await ownedOrganization();

      for (const settings of [[], 'on', 42, null]) {
        expectFieldError(await update(owner, organization.org_id, { settings }), 'settings');
      }
      await expectUnchanged(app.api, owner, organization);
    });

    it('rejects an unknown settings key by its dotted path, changing nothing', async () => {
      const { owner, organization } = await ownedOrganization();

      const response = await update(owner, organization.org_id, {
        settings: { mfa_required: true, sso_bypass: true },
      });

      expectFieldError(response, 'settings.sso_bypass');
      await expectUnchanged(app.api, owner, organization);
    });
  });

  describe('PUT: field rules', () => {
    it('trims white space around a new name', async () => {
      const { owner, organization } = await ownedOrganization();

      const response = await update(owner, organization.org_id, { name: '\t Acme Holdings  ' });

      expect(response.status).toBe(200);
      expect(response.body.name).toBe('Acme Holdings');
    });

    it('accepts a name of 100 emoji and any script', async () => {
      const { owner, organization } = await ownedOrganization();

      for (const name of ['🏔'.repeat(100), 'Société Générale ☕', '아크메']) {
        const response = await update(owner, organization.org_id, { name });

        expect(response.status).toBe(200);
        expect(response.body.name).toBe(name);
      }
    });

    it('rejects an invalid name, changing nothing', async () => {
      const { owner, organization } = await ownedOrganization();
      const names = [
        '',
        '   ',
        'a'.repeat(101),
        '🏔'.repeat(101),
        'Acme\u0000Corp',
        'Acme\nCorp',
        42,
        null,
      ];

      for (const name of names) {
        expectFieldError(await update(owner, organization.org_id, { name }), 'name');
      }
      await expectUnchanged(app.api, owner, organization);
    });

    it('rejects an invalid billing_email, changing nothing', async () => {
      const { owner, organization } = await ownedOrganization();
      const addresses = ['', 'finance', 'finance@', '@acme.com', 'fin ance@acme.com', 42, null];

      for (const billing_email of addresses) {
        const response = await update(owner, organization.org_id, { billing_email });

        expectFieldError(response, 'billing_email');
      }
      await expectUnchanged(app.api, owner, organization);
    });

    it('lists every invalid field of an update at once', async () => {
      const { owner, organization } = await ownedOrganization();

      const response = await update(owner, organization.org_id, {
        name: '',
        billing_email: 'nobody',
        settings: { mfa_required: 'yes' },
      });

      expectError(response, 400, 'VALIDATION_ERROR');
      expect(fieldNames(response)).toEqual(
        expect.arrayContaining(['name', 'billing_email', 'settings.mfa_required']),
      );
      await expectUnchanged(app.api, owner, organization);
    });
  });

  describe('PUT: immutable fields', () => {
    it('rejects a different slug with constraint immutable, changing nothing', async () => {
      const { owner, organization } = await ownedOrganization();

      const response = await update(owner, organization.org_id, {
        slug: uniqueSlug(),
        name: 'Renamed',
      });

      expectFieldError(response, 'slug', 'immutable');
      await expectUnchanged(app.api, owner, organization);
    });

    it('accepts the stored slug and ignores it', async () => {
      const { owner, organization } = await ownedOrganization();

      const response = await update(owner, organization.org_id, {
        slug: organization.slug,
        name: 'Renamed',
      });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ slug: organization.slug, name: 'Renamed' });
    });

    it('rejects the uppercase form of the stored slug as a change', async () => {
      const { owner, organization } = await ownedOrganization();

      const response = await update(owner, organization.org_id, {
        slug: organization.slug.toUpperCase(),
        name: 'Renamed',
      });

      expectFieldError(response, 'slug');
      await expectUnchanged(app.api, owner, organization);
    });

    it('rejects a different cloud_region with constraint immutable, changing nothing', async () => {
      const { owner, organization } = await ownedOrganization();

      for (const body of [
        { cloud_region: 'eu-west-1' },
        { cloud_region: 'ap-southeast-1', name: 'Renamed' },
      ]) {
        expectFieldError(
          await update(owner, organization.org_id, body),
          'cloud_region',
          'immutable',
        );
      }
      await expectUnchanged(app.api, owner, organization);
    });

    it('accepts the stored cloud_region and ignores it', async () => {
      const { owner, organization } = await ownedOrganization({ cloud_region: 'eu-west-1' });

      const response = await update(owner, organization.org_id, {
        cloud_region: 'eu-west-1',
        name: 'Renamed',
      });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ cloud_region: 'eu-west-1', name: 'Renamed' });
    });
  });

  describe('PUT: keys the endpoint does not take', () => {
    it.each(Object.entries(READ_ONLY_VALUES))(
      'rejects the read-only key %s with 400 naming it, the name unchanged too',
      async (key, value) => {
        const { owner, organization } = await ownedOrganization();

        const response = await update(owner, organization.org_id, {
          name: 'Renamed',
          [key]: value,
        });

        expectFieldError(response, key);
        await expectUnchanged(app.api, owner, organization);
      },
    );

    it('rejects an unknown key with 400 naming it, changing nothing', async () => {
      const { owner, organization } = await ownedOrganization();

      const response = await update(owner, organization.org_id, { name: 'Renamed', plan: 'pro' });

      expectFieldError(response, 'plan');
      await expectUnchanged(app.api, owner, organization);
    });

    it('rejects a read-only key nested in settings by its dotted path', async () => {
      const { owner, organization } = await ownedOrganization();

      const response = await update(owner, organization.org_id, {
        settings: { mfa_required: true, quotas: { storage_limit_gb: 1 } },
      });

      expectFieldError(response, 'settings.quotas');
      await expectUnchanged(app.api, owner, organization);
    });
  });
});
