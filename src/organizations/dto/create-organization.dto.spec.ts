import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { toFieldErrors } from '../../common/validation/field-errors.js';
import { CreateOrganizationDto } from './create-organization.dto.js';

/** The options RequestValidationPipe gives class-validator and class-transformer. */
const VALIDATION_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  stopAtFirstError: true,
  validationError: { target: false, value: false },
};

interface Checked {
  dto: CreateOrganizationDto;
  fields: { field: string; constraint: string }[];
}

async function check(body: Record<string, unknown>): Promise<Checked> {
  const dto = plainToInstance(CreateOrganizationDto, body, { enableImplicitConversion: false });
  const errors = await validate(dto, VALIDATION_OPTIONS);

  return {
    dto,
    fields: toFieldErrors(errors).map(({ field, constraint }) => ({ field, constraint })),
  };
}

/** Four 60-character labels: a well-formed domain that makes the address 255 characters. */
const LONG_DOMAIN = `${['d', 'o', 'm', 'a'].map((letter) => letter.repeat(60)).join('.')}.com`;

function validBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'Acme Corp', slug: 'acme-corp', billing_email: 'billing@acme.com', ...overrides };
}

describe('CreateOrganizationDto', () => {
  describe('accepts', () => {
    it('the three required fields alone', async () => {
      expect((await check(validBody())).fields).toEqual([]);
    });

    it('the reference page example with cloud_region and settings', async () => {
      const { fields } = await check(
        validBody({
          cloud_region: 'us-east-1',
          settings: { mfa_required: false, enforce_sso: false },
        }),
      );

      expect(fields).toEqual([]);
    });

    it('every settings key, with sso_provider set or null', async () => {
      const withProvider = await check(
        validBody({ settings: { mfa_required: true, enforce_sso: true, sso_provider: 'okta' } }),
      );
      const withNull = await check(validBody({ settings: { sso_provider: null } }));

      expect(withProvider.fields).toEqual([]);
      expect(withNull.fields).toEqual([]);
    });

    it('an empty settings object', async () => {
      expect((await check(validBody({ settings: {} }))).fields).toEqual([]);
    });

    it.each(['us-east-1', 'eu-west-1', 'ap-southeast-1'])('cloud_region %s', async (region) => {
      expect((await check(validBody({ cloud_region: region }))).fields).toEqual([]);
    });

    it('a name of 100 characters counted as code points, emoji included', async () => {
      expect((await check(validBody({ name: '😀'.repeat(100) }))).fields).toEqual([]);
    });

    it('slugs of 3 and 63 characters', async () => {
      const shortest = await check(validBody({ slug: 'abc' }));
      const longest = await check(validBody({ slug: 'a'.repeat(63) }));

      expect(shortest.fields).toEqual([]);
      expect(longest.fields).toEqual([]);
    });

    it('a name and billing_email with surrounding white space, trimmed', async () => {
      const { dto, fields } = await check(
        validBody({ name: '  Acme Corp  ', billing_email: ' billing@acme.com ' }),
      );

      expect(fields).toEqual([]);
      expect(dto.name).toBe('Acme Corp');
      expect(dto.billing_email).toBe('billing@acme.com');
    });
  });

  describe('refuses', () => {
    it('a body without the required fields, naming each of them', async () => {
      expect((await check({})).fields).toEqual([
        { field: 'name', constraint: 'required' },
        { field: 'slug', constraint: 'required' },
        { field: 'billing_email', constraint: 'required' },
      ]);
    });

    it.each<[string, Record<string, unknown>, string, string]>([
      ['a null name', { name: null }, 'name', 'required'],
      ['a numeric name', { name: 42 }, 'name', 'type'],
      ['an empty name', { name: '' }, 'name', 'length'],
      ['a name of only spaces', { name: '   ' }, 'name', 'length'],
      ['a name of 101 characters', { name: 'a'.repeat(101) }, 'name', 'length'],
      ['a name with a NUL', { name: 'Acme\u0000Corp' }, 'name', 'control_characters'],
      ['a name with a line break', { name: 'Acme\nCorp' }, 'name', 'control_characters'],
      ['a numeric slug', { slug: 123 }, 'slug', 'type'],
      ['a slug of 2 characters', { slug: 'ab' }, 'slug', 'length'],
      ['a slug of 64 characters', { slug: 'a'.repeat(64) }, 'slug', 'length'],
      ['an upper-case slug', { slug: 'Acme-Corp' }, 'slug', 'format'],
      ['a slug with a double hyphen', { slug: 'acme--corp' }, 'slug', 'format'],
      ['a slug starting with a hyphen', { slug: '-acme' }, 'slug', 'format'],
      ['a slug ending with a hyphen', { slug: 'acme-' }, 'slug', 'format'],
      ['a slug with surrounding spaces', { slug: ' acme ' }, 'slug', 'format'],
      ['a slug with an underscore', { slug: 'acme_corp' }, 'slug', 'format'],
      ['a reserved slug', { slug: 'admin' }, 'slug', 'reserved'],
      ['a numeric billing_email', { billing_email: 5 }, 'billing_email', 'type'],
      ['an invalid billing_email', { billing_email: 'not-an-email' }, 'billing_email', 'format'],
      [
        'a well-formed billing_email longer than 254 characters',
        {
          billing_email: `billing@${LONG_DOMAIN}`,
        },
        'billing_email',
        'length',
      ],
      ['an unknown cloud_region', { cloud_region: 'mars-1' }, 'cloud_region', 'enum'],
      ['a null cloud_region', { cloud_region: null }, 'cloud_region', 'enum'],
      ['settings that are a string', { settings: 'mfa' }, 'settings', 'type'],
      ['settings that are null', { settings: null }, 'settings', 'type'],
      ['settings that are an array', { settings: [] }, 'settings', 'type'],
      [
        'the string "false" as settings.mfa_required',
        { settings: { mfa_required: 'false' } },
        'settings.mfa_required',
        'type',
      ],
      [
        'the number 1 as settings.enforce_sso',
        { settings: { enforce_sso: 1 } },
        'settings.enforce_sso',
        'type',
      ],
      [
        'null as settings.mfa_required',
        { settings: { mfa_required: null } },
        'settings.mfa_required',
        'type',
      ],
      [
        'an unknown settings.sso_provider',
        { settings: { sso_provider: 'github' } },
        'settings.sso_provider',
        'enum',
      ],
      [
        'an unknown key inside settings',
        { settings: { theme: 'dark' } },
        'settings.theme',
        'unknown_field',
      ],
      ['an unknown top-level key', { colour: 'blue' }, 'colour', 'unknown_field'],
      ['a client-chosen tier', { tier: 'enterprise' }, 'tier', 'unknown_field'],
      ['a client-chosen org_id', { org_id: 'org_abcdefghijklmnop' }, 'org_id', 'unknown_field'],
      ['client-chosen quotas', { quotas: { used: 0 } }, 'quotas', 'unknown_field'],
    ])('%s', async (_description, change, field, constraint) => {
      expect((await check(validBody(change))).fields).toEqual([{ field, constraint }]);
    });

    it('lists every invalid field of the body, one entry each', async () => {
      const { fields } = await check({
        name: '',
        slug: 'AB',
        billing_email: 'nope',
        cloud_region: 'mars-1',
        settings: { mfa_required: 'yes', sso_provider: 'github' },
        tier: 'growth',
      });

      expect(fields).toEqual(
        expect.arrayContaining([
          { field: 'name', constraint: 'length' },
          { field: 'slug', constraint: expect.any(String) },
          { field: 'billing_email', constraint: 'format' },
          { field: 'cloud_region', constraint: 'enum' },
          { field: 'settings.mfa_required', constraint: 'type' },
          { field: 'settings.sso_provider', constraint: 'enum' },
          { field: 'tier', constraint: 'unknown_field' },
        ]),
      );
      expect(fields).toHaveLength(7);
    });
  });
});
