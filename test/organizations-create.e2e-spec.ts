import { organizationBody, uniqueSlug } from './support/factories.js';
import { expectError, expectFieldError, expectOrganizationShape } from './support/expectations.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { newUser } from './support/tokens.js';

describe('POST /v1/organizations', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('creates the reference page example and returns 201 with every documented field', async () => {
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

  it('rejects a slug already taken by another organization with 409', async () => {
    const body = organizationBody();
    const first = await app.api.post('/v1/organizations', { token: newUser().token, body });
    const second = await app.api.post('/v1/organizations', { token: newUser().token, body });

    expect(first.status).toBe(201);
    expectError(second, 409, 'CONFLICT');
  });

  it('names the slug when it is too short', async () => {
    const response = await app.api.post('/v1/organizations', {
      token: newUser().token,
      body: organizationBody({ slug: 'ab' }),
    });

    expectFieldError(response, 'slug', 'length');
  });
});
