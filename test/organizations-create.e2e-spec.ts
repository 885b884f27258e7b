import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { newSignedInWithSso } from './support/crafted-tokens.js';
import { organizationBody, uniqueSlug } from './support/factories.js';
import {
  expectError,
  expectFieldError,
  expectOrganizationShape,
  ORGANIZATION_KEYS,
} from './support/expectations.js';
import type { ApiResponse } from './support/http.js';
import {
  createOrganization,
  expectSlugStillFree,
  expectUnchanged,
  fieldNames,
  ORGANIZATIONS_PATH,
  organizationPath,
} from './support/organizations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { newUser, type TestUser } from './support/tokens.js';

// Starting the app on a fresh database can outlast Jest's 5 s default on a busy machine.
jest.setTimeout(60_000);

/** Lowercase letters and digits, as many as asked. */
function randomLowercase(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** A valid address of `length` characters (between 200 and 260): a 64-character local part. */
function emailOfLength(length: number): string {
  const lastLabel = 'c'.repeat(length - 64 - 1 - 64 - 64 - 4);

  return `${'l'.repeat(64)}@${'a'.repeat(63)}.${'b'.repeat(63)}.${lastLabel}.com`;
}

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

describe('POST /v1/organizations', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  const create = (body: unknown, user: TestUser = newUser()): Promise<ApiResponse> =>
    app.api.post(ORGANIZATIONS_PATH, { token: user.token, body });

  describe('the reference page example', () => {
    it('creates the reference page example: 201 with every documented field', async () => {
      const owner = newUser();
      const slug = uniqueSlug('acme-corp');
      const response = await app.api.post('/v1/organizations', {
        token: owner.token,
        body: {
          name: 'Acme Corp',
          slug,
          billing_email: 'billing@acme.com',
          cloud_region: 'us-east-1',
          settings: { mfa_required: false, enforce_sso: false },
        },
      });

      expect(response.status).toBe(201);
      expectOrganizationShape(response.body);
      expect(response.body).toMatchObject({
        name: 'Acme Corp',
        slug,
        billing_email: 'billing@acme.com',
        cloud_region: 'us-east-1',
        tier: 'free',
        status: 'active',
        stripe_customer_id: null,
        stripe_subscription_id: null,
        settings: { mfa_required: false, enforce_sso: false, sso_provider: null },
        quotas: {
          monthly_credit_limit: 1000,
          used: 0,
          max_concurrent_queries: 10,
          storage_limit_gb: 10,
        },
      });
      expect(response.body.created_at).toBe(response.body.updated_at);
      expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    });

    it('answers with Content-Type application/json', async () => {
      const response = await create(organizationBody());

      expect(response.status).toBe(201);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    });
  });

  describe('the organization object', () => {
    it('carries every key of the contract, in the contract order', async () => {
      const response = await create(organizationBody());

      expect(response.status).toBe(201);
      expect(Object.keys(response.body)).toEqual(ORGANIZATION_KEYS);
      expect(Object.keys(response.body.quotas)).toEqual([
        'monthly_credit_limit',
        'used',
        'max_concurrent_queries',
        'storage_limit_gb',
      ]);
    });

    it('gives every organization its own org_id: org_ followed by [a-z0-9]', async () => {
      const owner = newUser();
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => create(organizationBody(), owner)),
      );
      const ids = responses.map((response) => response.body.org_id);

      expect(responses.map((response) => response.status)).toEqual(Array(20).fill(201));
      for (const id of ids) {
        // 13 characters of a 36-letter alphabet hold at least 64 bits.
        expect(id).toMatch(/^org_[a-z0-9]{13,}$/);
      }
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('starts with null Stripe ids, default settings and the free tier quotas', async () => {
      const response = await create(organizationBody());

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        tier: 'free',
        status: 'active',
        stripe_customer_id: null,
        stripe_subscription_id: null,
        settings: { mfa_required: false, enforce_sso: false, sso_provider: null },
        quotas: {
          monthly_credit_limit: 1000,
          used: 0,
          max_concurrent_queries: 10,
          storage_limit_gb: 10,
        },
      });
    });

    it('returns quotas as JSON numbers, never strings', async () => {
      const response = await create(organizationBody());

      expect(response.status).toBe(201);
      for (const value of Object.values(response.body.quotas)) {
        expect(typeof value).toBe('number');
      }
      expect(response.text).toMatch(/"monthly_credit_limit":1000\b/);
    });

    it('stamps created_at and updated_at with the current UTC time in whole seconds', async () => {
      const before = Math.floor(Date.now() / 1000) * 1000;
      const response = await create(organizationBody());
      const after = Date.now();

      expect(response.status).toBe(201);
      for (const key of ['created_at', 'updated_at']) {
        expect(response.body[key]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        const stamped = Date.parse(response.body[key]);
        expect(stamped).toBeGreaterThanOrEqual(before);
        expect(stamped).toBeLessThanOrEqual(after);
      }
      expect(response.body.updated_at).toBe(response.body.created_at);
    });

    it('answers a later GET with exactly the organization it created', async () => {
      const owner = newUser();
      const created = await createOrganization(app.api, owner);

      await expectUnchanged(app.api, owner, created);
    });

    it('makes the creator the owner, who may update the organization', async () => {
      const owner = newUser();
      const created = await createOrganization(app.api, owner);
      const update = await app.api.put(organizationPath(created.org_id), {
        token: owner.token,
        body: { name: 'Renamed by the owner' },
      });

      expect(update.status).toBe(200);
      expect(update.body.name).toBe('Renamed by the owner');
    });

    it('gives no one but the creator access to the new organization', async () => {
      const created = await createOrganization(app.api, newUser());
      const stranger = await app.api.get(organizationPath(created.org_id), {
        token: newUser().token,
      });

      expectError(stranger, 404, 'NOT_FOUND');
    });
  });

  describe('name', () => {
    it('trims white space around the name', async () => {
      const response = await create(organizationBody({ name: '  \t Acme Corp \n ' }));

      expect(response.status).toBe(201);
      expect(response.body.name).toBe('Acme Corp');
    });

    it('accepts 100 characters counted as characters, emoji included', async () => {
      for (const name of ['a'.repeat(100), '🚀'.repeat(100), `  ${'é'.repeat(100)}  `]) {
        const response = await create(organizationBody({ name }));

        expect(response.status).toBe(201);
        expect(response.body.name).toBe(name.trim());
      }
    });

    it('rejects a name of 101 characters', async () => {
      const slug = uniqueSlug();
      for (const name of ['a'.repeat(101), '🚀'.repeat(101)]) {
        expectFieldError(await create(organizationBody({ name, slug })), 'name');
      }
      await expectSlugStillFree(app.api, newUser(), slug);
    });

    it('keeps any script and emoji exactly as sent', async () => {
      const owner = newUser();
      for (const name of [
        '株式会社アクメ',
        'Ακμή Α.Ε.',
        'شركة أكمي',
        'Acme 🚀 Labs',
        'Zoë & Søren',
      ]) {
        const created = await createOrganization(app.api, owner, { name });
        const read = await app.api.get(organizationPath(created.org_id), { token: owner.token });

        expect(created.name).toBe(name);
        expect(read.body.name).toBe(name);
      }
    });

    it('rejects an empty name and one of white space only', async () => {
      const slug = uniqueSlug();
      for (const name of ['', '   ', '\t\n']) {
        expectFieldError(await create(organizationBody({ name, slug })), 'name');
      }
      await expectSlugStillFree(app.api, newUser(), slug);
    });

    it('rejects control characters in the name', async () => {
      const slug = uniqueSlug();
      const controls = ['\u0000', '\n', '\t', '\r', '\u001b', '\u007f', '\u0085'];
      for (const control of controls) {
        const response = await create(organizationBody({ name: `Acme${control}Corp`, slug }));

        expectFieldError(response, 'name');
      }
      await expectSlugStillFree(app.api, newUser(), slug);
    });

    it('rejects a name that is not a string', async () => {
      const slug = uniqueSlug();
      for (const name of [42, true, null, ['Acme'], { text: 'Acme' }]) {
        expectFieldError(await create(organizationBody({ name, slug })), 'name');
      }
      await expectSlugStillFree(app.api, newUser(), slug);
    });
  });

  describe('slug', () => {
    it('rejects a slug already taken by another organization with 409', async () => {
      const body = organizationBody();
      const first = await app.api.post('/v1/organizations', { token: newUser().token, body });
      const second = await app.api.post('/v1/organizations', { token: newUser().token, body });

      expect(first.status).toBe(201);
      expectError(second, 409, 'CONFLICT');
    });

    it('leaves the first organization untouched when a second user tries its slug', async () => {
      const owner = newUser();
      const first = await createOrganization(app.api, owner);
      const second = await create(
        organizationBody({ slug: first.slug, name: 'Impostor', billing_email: 'x@evil.test' }),
      );

      expectError(second, 409, 'CONFLICT');
      await expectUnchanged(app.api, owner, first);
    });

    it('rejects a slug taken by a cancelled organization', async () => {
      const owner = newUser();
      const cancelled = await createOrganization(app.api, owner);
      const cancel = await app.api.delete(organizationPath(cancelled.org_id), {
        token: owner.token,
      });
      expect(cancel.body).toMatchObject({ status: 'cancelled' });

      expectError(await create(organizationBody({ slug: cancelled.slug })), 409, 'CONFLICT');
    });

    it('lets exactly one of ten racing creates of one slug win, the rest get 409', async () => {
      const slug = uniqueSlug('race');
      const users = Array.from({ length: 10 }, () => newUser());
      const responses = await Promise.all(
        users.map((user) => create(organizationBody({ slug }), user)),
      );
      const statuses = responses.map((response) => response.status);

      expect(statuses.filter((status) => status >= 500)).toEqual([]);
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      for (const response of responses.filter((candidate) => candidate.status !== 201)) {
        expectError(response, 409, 'CONFLICT');
      }
      const rows = await app.dataSource.query(
        `SELECT o.org_id, count(m.id)::int AS members
           FROM organizations o LEFT JOIN organization_memberships m ON m.org_id = o.org_id
          WHERE o.slug = $1 GROUP BY o.org_id`,
        [slug],
      );
      expect(rows).toEqual([{ org_id: expect.any(String), members: 1 }]);
    });

    it('rejects the uppercase form of a taken slug with 400, not 409', async () => {
      const owner = newUser();
      const taken = await createOrganization(app.api, owner);

      expectFieldError(await create(organizationBody({ slug: taken.slug.toUpperCase() })), 'slug');
      await expectUnchanged(app.api, owner, taken);
    });

    it('rejects uppercase letters instead of folding them', async () => {
      const tail = randomLowercase(8);

      expectFieldError(await create(organizationBody({ slug: `Acme-${tail}` })), 'slug');
      await expectSlugStillFree(app.api, newUser(), `acme-${tail}`);
    });

    it('rejects other characters and misplaced hyphens', async () => {
      const tail = randomLowercase(8);
      const slugs = [
        `Acme-${tail}`,
        `-acme-${tail}`,
        `acme-${tail}-`,
        `acme--${tail}`,
        `acme ${tail}`,
        `acme_${tail}`,
        `acme.${tail}`,
        `acme/${tail}`,
        `ácme-${tail}`,
        ` acme-${tail}`,
        `acme-${tail}\n`,
        '',
      ];
      for (const slug of slugs) {
        expectFieldError(await create(organizationBody({ slug })), 'slug');
      }
      await expectSlugStillFree(app.api, newUser(), `acme-${tail}`);
    });

    it('names the slug when it is too short', async () => {
      const response = await app.api.post('/v1/organizations', {
        token: newUser().token,
        body: organizationBody({ slug: 'ab' }),
      });

      expectFieldError(response, 'slug', 'length');
    });

    it('rejects slugs of 2 and of 64 characters', async () => {
      for (const slug of [randomLowercase(2), `a${randomLowercase(63)}`]) {
        expectFieldError(await create(organizationBody({ slug })), 'slug');
      }
    });

    it('accepts slugs of 3 and of 63 characters, digits only included', async () => {
      for (const slug of [`z${randomLowercase(2)}`, `a${randomLowercase(62)}`, '0123456789']) {
        const response = await create(organizationBody({ slug }));

        expect(response.status).toBe(201);
        expect(response.body.slug).toBe(slug);
      }
    });

    it('rejects every reserved word', async () => {
      const reserved = [
        'api',
        'app',
        'www',
        'admin',
        'docs',
        'proxy',
        'staging',
        'status',
        'help',
        'support',
      ];
      for (const slug of reserved) {
        expectFieldError(await create(organizationBody({ slug })), 'slug');
      }
    });

    it('rejects a slug that is missing or not a string', async () => {
      const { slug: _slug, ...withoutSlug } = organizationBody();

      expectFieldError(await create(withoutSlug), 'slug');
      for (const slug of [null, 12345, ['acme-corp'], { value: 'acme-corp' }]) {
        expectFieldError(await create(organizationBody({ slug })), 'slug');
      }
    });
  });

  describe('billing_email', () => {
    it('rejects addresses that are not valid', async () => {
      const slug = uniqueSlug();
      const addresses = [
        '',
        'not-an-email',
        'billing@',
        '@acme.com',
        'billing acme@acme.com',
        'billing@@acme.com',
        'billing@acme..com',
      ];
      for (const billing_email of addresses) {
        expectFieldError(await create(organizationBody({ billing_email, slug })), 'billing_email');
      }
      await expectSlugStillFree(app.api, newUser(), slug);
    });

    it('rejects a billing_email that is missing or not a string', async () => {
      const { billing_email: _email, ...withoutEmail } = organizationBody();

      expectFieldError(await create(withoutEmail), 'billing_email');
      for (const billing_email of [null, 42, ['billing@acme.com']]) {
        expectFieldError(await create(organizationBody({ billing_email })), 'billing_email');
      }
    });

    it('accepts an address of 254 characters and rejects one of 255', async () => {
      const longest = emailOfLength(254);
      const tooLong = emailOfLength(255);
      expect([longest.length, tooLong.length]).toEqual([254, 255]);

      const accepted = await create(organizationBody({ billing_email: longest }));
      expect(accepted.status).toBe(201);
      expect(accepted.body.billing_email).toBe(longest);
      expectFieldError(await create(organizationBody({ billing_email: tooLong })), 'billing_email');
    });
  });

  describe('cloud_region', () => {
    it('defaults to us-east-1 when left out', async () => {
      const response = await create(organizationBody());

      expect(response.status).toBe(201);
      expect(response.body.cloud_region).toBe('us-east-1');
    });

    it('accepts each of the three regions and keeps it', async () => {
      const owner = newUser();
      for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-1']) {
        const created = await createOrganization(app.api, owner, { cloud_region: region });
        const read = await app.api.get(organizationPath(created.org_id), { token: owner.token });

        expect(created.cloud_region).toBe(region);
        expect(read.body.cloud_region).toBe(region);
      }
    });

    it('rejects any other region', async () => {
      const slug = uniqueSlug();
      for (const cloud_region of ['us-west-2', 'US-EAST-1', 'us-east-1 ', '', 42, ['us-east-1']]) {
        expectFieldError(await create(organizationBody({ cloud_region, slug })), 'cloud_region');
      }
      await expectSlugStillFree(app.api, newUser(), slug);
    });
  });

  describe('settings', () => {
    it('stores the settings sent and defaults the keys left out', async () => {
      const response = await create(
        organizationBody({ settings: { mfa_required: true } }),
        newSignedInWithSso(),
      );

      expect(response.status).toBe(201);
      expect(response.body.settings).toEqual({
        mfa_required: true,
        enforce_sso: false,
        sso_provider: null,
      });
    });

    it('accepts an empty settings object as all defaults', async () => {
      const response = await create(organizationBody({ settings: {} }));

      expect(response.status).toBe(201);
      expect(response.body.settings).toEqual({
        mfa_required: false,
        enforce_sso: false,
        sso_provider: null,
      });
    });

    it('accepts each SSO provider and a null provider', async () => {
      for (const provider of [
        'okta',
        'azure_ad',
        'google_workspace',
        'onelogin',
        'jumpcloud',
        null,
      ]) {
        const response = await create(organizationBody({ settings: { sso_provider: provider } }));

        expect(response.status).toBe(201);
        expect(response.body.settings.sso_provider).toBe(provider);
      }
    });

    it('accepts enforce_sso with an SSO provider in the same request', async () => {
      const owner = newSignedInWithSso('okta');
      const created = await createOrganization(app.api, owner, {
        settings: { mfa_required: true, enforce_sso: true, sso_provider: 'okta' },
      });

      expect(created.settings).toEqual({
        mfa_required: true,
        enforce_sso: true,
        sso_provider: 'okta',
      });
      await expectUnchanged(app.api, owner, created);
    });

    it('rejects enforce_sso without an SSO provider and stores nothing', async () => {
      const slug = uniqueSlug();
      for (const settings of [{ enforce_sso: true }, { enforce_sso: true, sso_provider: null }]) {
        expectFieldError(
          await create(organizationBody({ slug, settings })),
          'settings.enforce_sso',
        );
      }
      await expectSlugStillFree(app.api, newUser(), slug);
    });

    it('rejects wrongly typed settings, naming the key by its dotted path', async () => {
      const slug = uniqueSlug();
      const wrong: Record<string, unknown>[] = [
        { mfa_required: 'yes' },
        { mfa_required: 1 },
        { mfa_required: null },
        { enforce_sso: {} },
        { enforce_sso: [] },
        { sso_provider: 'github' },
        { sso_provider: 'OKTA' },
        { sso_provider: 7 },
      ];
      for (const settings of wrong) {
        const [key] = Object.keys(settings);

        expectFieldError(await create(organizationBody({ slug, settings })), `settings.${key}`);
      }
      await expectSlugStillFree(app.api, newUser(), slug);
    });

    it('rejects settings that is not an object', async () => {
      const slug = uniqueSlug();
      for (const settings of [[], [{ mfa_required: true }], 'on', 42, true, null]) {
        expectFieldError(await create(organizationBody({ slug, settings })), 'settings');
      }
      await expectSlugStillFree(app.api, newUser(), slug);
    });

    it('rejects string booleans such as "false", "0" and "true"', async () => {
      const body = organizationBody({ settings: { mfa_required: 'false', enforce_sso: '0' } });
      const both = await create(body);

      expectFieldError(both, 'settings.mfa_required');
      expectFieldError(both, 'settings.enforce_sso');
      const single = await create({ ...body, settings: { mfa_required: 'true' } });
      expectFieldError(single, 'settings.mfa_required');
      await expectSlugStillFree(app.api, newUser(), body.slug as string);
    });

    it('rejects an unknown settings key by its dotted path and stores nothing', async () => {
      const body = organizationBody({ settings: { mfa_required: false, sso_bypass: true } });

      expectFieldError(await create(body), 'settings.sso_bypass');
      await expectSlugStillFree(app.api, newUser(), body.slug as string);
    });
  });

  describe('keys the endpoint does not take', () => {
    it.each(Object.entries(READ_ONLY_VALUES))(
      'rejects the read-only key %s with 400 naming it and stores nothing',
      async (key, value) => {
        const body = organizationBody({ [key]: value });

        expectFieldError(await create(body), key);
        await expectSlugStillFree(app.api, newUser(), body.slug as string);
      },
    );

    it('rejects an unknown key with 400 naming it and stores nothing', async () => {
      const body = organizationBody({ plan: 'enterprise' });

      expectFieldError(await create(body), 'plan');
      await expectSlugStillFree(app.api, newUser(), body.slug as string);
    });

    it('rejects a read-only key nested in settings by its dotted path', async () => {
      const body = organizationBody({ settings: { tier: 'enterprise' } });

      expectFieldError(await create(body), 'settings.tier');
      await expectSlugStillFree(app.api, newUser(), body.slug as string);
    });
  });

  describe('required fields and error details', () => {
    it.each(['name', 'slug', 'billing_email'])('rejects a create without %s', async (field) => {
      const body: Record<string, unknown> = organizationBody();
      delete body[field];

      expectFieldError(await create(body), field);
    });

    it('names all three required fields when the body is {}', async () => {
      const response = await create({});

      expectError(response, 400, 'VALIDATION_ERROR');
      expect(fieldNames(response)).toEqual(
        expect.arrayContaining(['name', 'slug', 'billing_email']),
      );
    });

    it('lists every invalid field of the request, nested ones by dotted path', async () => {
      const response = await create({
        name: '',
        slug: 'Not A Slug',
        billing_email: 'nobody',
        cloud_region: 'mars-1',
        settings: { mfa_required: 'yes', enforce_sso: 'no' },
      });

      expectError(response, 400, 'VALIDATION_ERROR');
      expect(fieldNames(response)).toEqual(
        expect.arrayContaining([
          'name',
          'slug',
          'billing_email',
          'cloud_region',
          'settings.mfa_required',
          'settings.enforce_sso',
        ]),
      );
    });
  });
});
