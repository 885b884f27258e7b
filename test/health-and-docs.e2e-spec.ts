import { jest } from '@jest/globals';
import { ORGANIZATION_KEYS } from './support/expectations.js';
import { createOrganization } from './support/organizations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { newUser } from './support/tokens.js';

// Starting the app on a fresh database can outlast Jest's 5 s default on a busy machine.
jest.setTimeout(60_000);

type Schema = Record<string, any>;

const ERROR_CODES = [
  'VALIDATION_ERROR',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
];

describe('Health checks and the OpenAPI document', () => {
  let app: TestApp;
  let document: Schema;

  beforeAll(async () => {
    app = await startTestApp();
    const response = await app.api.get('/docs-json');
    document = response.body;
  });

  afterAll(async () => {
    await app.close();
  });

  /**
   * A schema with its `$ref` followed and a single-element `allOf` (how Nest's Swagger plugin
   * wraps a referenced enum or object) folded into it.
   */
  function resolve(schema: Schema | undefined): Schema {
    if (!schema) {
      return {};
    }
    if (typeof schema.$ref === 'string') {
      const name = schema.$ref.replace('#/components/schemas/', '');

      return resolve(document.components?.schemas?.[name]);
    }
    if (Array.isArray(schema.allOf) && schema.allOf.length === 1) {
      const { allOf, ...rest } = schema;

      return { ...resolve(allOf[0]), ...rest };
    }

    return schema;
  }

  const operation = (path: string, method: string): Schema =>
    document.paths?.[path]?.[method] ?? {};

  const requestSchema = (path: string, method: string): Schema =>
    resolve(operation(path, method).requestBody?.content?.['application/json']?.schema);

  const responseSchema = (path: string, method: string, status: string): Schema =>
    resolve(operation(path, method).responses?.[status]?.content?.['application/json']?.schema);

  const property = (schema: Schema, name: string): Schema => resolve(schema.properties?.[name]);

  describe('/health', () => {
    it('answers 200 without a token', async () => {
      const response = await app.api.get('/health');

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: 'ok' });
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    });

    it('answers 200 even with a garbled Authorization header', async () => {
      const response = await app.api.get('/health', { headers: { authorization: 'Bearer junk' } });

      expect(response.status).toBe(200);
    });

    it('/health/ready answers 200 without a token while the database answers', async () => {
      const response = await app.api.get('/health/ready');

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: 'ok' });
    });
  });

  describe('/docs-json', () => {
    it('is served without a token as an OpenAPI 3 document', async () => {
      const response = await app.api.get('/docs-json');

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.body.openapi).toMatch(/^3\./);
      expect(Object.keys(response.body.paths)).toEqual(
        expect.arrayContaining(['/v1/organizations', '/v1/organizations/{org_id}', '/health']),
      );
    });

    it.each([
      ['/v1/organizations', 'post', '201', ['400', '401', '409']],
      ['/v1/organizations/{org_id}', 'get', '200', ['401', '404']],
      ['/v1/organizations/{org_id}', 'put', '200', ['400', '401', '403', '404']],
    ])(
      'documents %s %s with its success and error statuses in the error envelope',
      (path, method, success, errors) => {
        const responses = operation(path, method).responses ?? {};

        expect(Object.keys(responses)).toEqual(expect.arrayContaining([success, ...errors]));
        expect(Object.keys(responseSchema(path, method, success).properties ?? {})).toEqual(
          ORGANIZATION_KEYS,
        );
        const envelope = resolve(
          responses[errors[0]]?.content?.['application/json']?.schema ?? { $ref: 'missing' },
        );
        for (const status of errors) {
          const schema = responses[status]?.content?.['application/json']?.schema;

          expect(schema?.$ref).toMatch(/^#\/components\/schemas\//);
          expect(resolve(schema)).toBe(envelope);
        }
        expect(envelope.required).toEqual(['error']);
      },
    );

    it('documents the error envelope: codes, message, details.fields and request_id', () => {
      const envelope = responseSchema('/v1/organizations', 'post', '400');
      const error = property(envelope, 'error');
      const details = property(error, 'details');
      const fieldEntry = resolve(property(details, 'fields').items);

      expect(error.required).toEqual(expect.arrayContaining(['code', 'message', 'request_id']));
      expect([...property(error, 'code').enum].sort()).toEqual([...ERROR_CODES].sort());
      expect(property(error, 'message').type).toBe('string');
      expect(property(error, 'request_id').pattern).toMatch(/^\^req_/);
      expect(property(details, 'fields').type).toBe('array');
      expect(fieldEntry.required).toEqual(expect.arrayContaining(['field', 'constraint']));
    });

    it('declares the bearer JWT scheme and requires it on every organization operation', () => {
      const schemes: Schema = document.components?.securitySchemes ?? {};
      const bearer = Object.entries(schemes).find(
        ([, scheme]) => scheme.type === 'http' && scheme.scheme === 'bearer',
      );

      expect(bearer).toBeDefined();
      expect(bearer?.[1].bearerFormat).toBe('JWT');
      for (const [path, method] of [
        ['/v1/organizations', 'post'],
        ['/v1/organizations/{org_id}', 'get'],
        ['/v1/organizations/{org_id}', 'put'],
      ]) {
        expect(operation(path, method).security).toEqual(
          expect.arrayContaining([{ [bearer![0]]: [] }]),
        );
      }
    });

    it('documents the health endpoints as public operations answering 200', () => {
      for (const path of ['/health', '/health/ready']) {
        const get = operation(path, 'get');

        expect(Object.keys(get.responses ?? {})).toContain('200');
        expect(get.security ?? []).toEqual([]);
      }
    });

    it('documents the create body: required fields, lengths, pattern, format and enums', () => {
      const body = requestSchema('/v1/organizations', 'post');
      const slug = property(body, 'slug');
      const settings = property(body, 'settings');

      expect([...(body.required ?? [])].sort()).toEqual(['billing_email', 'name', 'slug']);
      expect(Object.keys(body.properties).sort()).toEqual([
        'billing_email',
        'cloud_region',
        'name',
        'settings',
        'slug',
      ]);
      expect(property(body, 'name')).toMatchObject({
        type: 'string',
        minLength: 1,
        maxLength: 100,
      });
      expect(slug).toMatchObject({ type: 'string', minLength: 3, maxLength: 63 });
      const slugPattern = new RegExp(slug.pattern);
      for (const good of ['acme-corp', 'a1b', '0123456789']) {
        expect(good).toMatch(slugPattern);
      }
      for (const bad of ['Acme-corp', '-acme', 'acme-', 'acme--corp', 'acme_corp', 'ácme']) {
        expect(bad).not.toMatch(slugPattern);
      }
      expect(property(body, 'billing_email')).toMatchObject({
        type: 'string',
        format: 'email',
        maxLength: 254,
      });
      expect(property(body, 'cloud_region').enum).toEqual([
        'us-east-1',
        'eu-west-1',
        'ap-southeast-1',
      ]);
      expect(property(body, 'cloud_region').default).toBe('us-east-1');
      expect(property(settings, 'mfa_required').type).toBe('boolean');
      expect(property(settings, 'enforce_sso').type).toBe('boolean');
      expect(property(settings, 'sso_provider')).toMatchObject({
        enum: ['okta', 'azure_ad', 'google_workspace', 'onelogin', 'jumpcloud', null],
        nullable: true,
      });
    });

    it('documents the update body with every field optional', () => {
      const body = requestSchema('/v1/organizations/{org_id}', 'put');

      expect(body.required ?? []).toEqual([]);
      expect(Object.keys(body.properties)).toEqual(
        expect.arrayContaining(['name', 'billing_email', 'settings']),
      );
      expect(property(body, 'name')).toMatchObject({ minLength: 1, maxLength: 100 });
      expect(property(body, 'billing_email')).toMatchObject({ format: 'email', maxLength: 254 });
      const settings = property(body, 'settings');
      expect(Object.keys(settings.properties).sort()).toEqual([
        'enforce_sso',
        'mfa_required',
        'sso_provider',
      ]);
    });

    it('documents the organization: every key required, server-set keys readOnly', async () => {
      const organization = responseSchema('/v1/organizations/{org_id}', 'get', '200');
      const readOnlyKeys = [
        'org_id',
        'tier',
        'status',
        'stripe_customer_id',
        'stripe_subscription_id',
        'quotas',
        'created_at',
        'updated_at',
      ];

      expect(organization.required).toEqual(ORGANIZATION_KEYS);
      for (const key of readOnlyKeys) {
        expect({ key, readOnly: property(organization, key).readOnly }).toEqual({
          key,
          readOnly: true,
        });
      }
      for (const key of ['name', 'billing_email', 'settings']) {
        expect({ key, readOnly: property(organization, key).readOnly === true }).toEqual({
          key,
          readOnly: false,
        });
      }
      expect(property(organization, 'tier').enum).toEqual([
        'free',
        'cloud',
        'growth',
        'enterprise',
      ]);
      expect(property(organization, 'status').enum).toEqual([
        'active',
        'pending_payment',
        'provisioning',
        'suspended',
        'cancelled',
      ]);
      expect(property(organization, 'stripe_customer_id').nullable).toBe(true);
      expect(property(organization, 'stripe_subscription_id').nullable).toBe(true);
      const created = await createOrganization(app.api, newUser());
      expect(created.org_id).toMatch(new RegExp(property(organization, 'org_id').pattern));
      expect(created.created_at).toMatch(new RegExp(property(organization, 'created_at').pattern));
    });
  });
});
