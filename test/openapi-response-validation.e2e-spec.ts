import {
  type ObservedResponse,
  OpenApiMismatchError,
  OpenApiResponseValidator,
} from './support/openapi-validator.js';

/**
 * The checker every end-to-end spec runs on every response (through ApiClient) is itself
 * checked here, on answers built by hand, so that a green suite means the responses matched the
 * document and not that the checker let everything through.
 */
describe('the OpenAPI response check that ApiClient applies to every response', () => {
  const validator = OpenApiResponseValidator.fromCommittedDocument();

  const REQUEST_ID = 'req_8fQk2nV0aZ1xYw3L';

  function answer(
    method: string,
    path: string,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): ObservedResponse {
    return {
      method,
      path,
      status,
      headers: new Headers({
        'content-type': 'application/json; charset=utf-8',
        'x-request-id': REQUEST_ID,
        etag: '"1"',
        ...headers,
      }),
      text: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body),
    };
  }

  function organization(changes: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      org_id: 'org_k7d2m4xq3z5w6b2h',
      name: 'Acme Corp',
      slug: 'acme-corp',
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
      created_at: '2026-02-16T10:00:00Z',
      updated_at: '2026-02-16T10:00:00Z',
      ...changes,
    };
  }

  const envelope = (code: string) => ({
    error: { code, message: 'something precise', request_id: REQUEST_ID },
  });

  function mismatchOf(response: ObservedResponse): string {
    try {
      validator.validate(response);
    } catch (error) {
      expect(error).toBeInstanceOf(OpenApiMismatchError);

      return (error as Error).message;
    }

    throw new Error('the check accepted the response');
  }

  describe('accepts what the document describes', () => {
    it.each([
      ['a created organization', answer('POST', '/v1/organizations', 201, organization())],
      [
        'an organization with every nullable field set',
        answer(
          'GET',
          '/v1/organizations/org_k7d2m4xq3z5w6b2h',
          200,
          organization({
            stripe_customer_id: 'cus_1',
            stripe_subscription_id: 'sub_1',
            settings: { mfa_required: true, enforce_sso: true, sso_provider: 'okta' },
          }),
        ),
      ],
      [
        'a documented error in the envelope',
        answer('GET', '/v1/organizations/org_missing', 404, envelope('NOT_FOUND')),
      ],
      [
        'a 204 without a body',
        answer('DELETE', '/v1/organizations/org_a/users/usr_b', 204, undefined),
      ],
      ['liveness', answer('GET', '/health', 200, { status: 'ok' })],
      [
        'an unknown route refused in the envelope',
        answer('GET', '/v2/nothing', 404, envelope('NOT_FOUND')),
      ],
      [
        'an undocumented method refused in the envelope',
        answer('PATCH', '/v1/organizations/org_a', 405, envelope('METHOD_NOT_ALLOWED')),
      ],
      ['Swagger UI', answer('GET', '/docs', 200, '<html></html>', { 'content-type': 'text/html' })],
      [
        'a 304 without a body',
        answer('GET', '/v1/organizations/org_k7d2m4xq3z5w6b2h', 304, undefined),
      ],
      [
        'a replayed create',
        answer('POST', '/v1/organizations', 201, organization(), {
          'idempotent-replayed': 'true',
        }),
      ],
      [
        'a 429 with Retry-After and the rate-limit headers',
        answer('GET', '/v1/organizations', 429, envelope('RATE_LIMITED'), {
          'retry-after': '7',
          'x-ratelimit-limit': '60',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': '7',
        }),
      ],
    ])('%s', (_name, response) => {
      expect(() => validator.validate(response)).not.toThrow();
    });
  });

  describe('refuses what the document does not describe, naming operation and status', () => {
    it('a status the operation does not list', () => {
      const message = mismatchOf(answer('POST', '/v1/organizations', 403, envelope('FORBIDDEN')));

      expect(message).toContain('createOrganization (POST /v1/organizations) answered 403');
      expect(message).toContain('a status the document does not list');
    });

    it('a 429 without its required Retry-After header', () => {
      expect(
        mismatchOf(answer('GET', '/v1/organizations', 429, envelope('RATE_LIMITED'))),
      ).toContain(
        'listOrganizations (GET /v1/organizations) answered 429 without the documented ' +
          'Retry-After header',
      );
    });

    it('an optional header that is present but breaks its schema', () => {
      const response = answer('GET', '/v1/organizations', 401, envelope('UNAUTHORIZED'), {
        'www-authenticate': 'Bearer realm="hatidata"',
        'x-ratelimit-remaining': 'many',
      });

      expect(mismatchOf(response)).toMatch(/header X-RateLimit-Remaining: "many"/);
    });

    it('a response without the documented X-Request-Id header', () => {
      const response = answer('GET', '/health', 200, { status: 'ok' });
      response.headers.delete('x-request-id');

      expect(mismatchOf(response)).toContain(
        'getLiveness (GET /health) answered 200 without the documented X-Request-Id header',
      );
    });

    it('an organization without its ETag', () => {
      const response = answer('GET', '/v1/organizations/org_a', 200, organization());
      response.headers.delete('etag');

      expect(mismatchOf(response)).toContain('answered 200 without the documented ETag header');
    });

    it('a weak ETag, where the document promises a strong one', () => {
      const response = answer('PUT', '/v1/organizations/org_a', 200, organization(), {
        etag: 'W/"1"',
      });

      expect(mismatchOf(response)).toMatch(/header ETag: "W\/"1"" header must match pattern/);
    });

    it('an optional header that is present but malformed', () => {
      const response = answer('POST', '/v1/organizations', 201, organization(), {
        'idempotent-replayed': 'false',
      });

      expect(mismatchOf(response)).toContain('header Idempotent-Replayed: "false"');
    });

    it('an X-Request-Id that breaks the documented pattern', () => {
      const response = answer('GET', '/health', 200, { status: 'ok' }, { 'x-request-id': 'abc' });

      expect(mismatchOf(response)).toMatch(/header X-Request-Id: "abc" header must match pattern/);
    });

    it('a body without a required key', () => {
      const { updated_at: _dropped, ...withoutUpdatedAt } = organization();

      expect(mismatchOf(answer('POST', '/v1/organizations', 201, withoutUpdatedAt))).toMatch(
        /schemas\/OrganizationResponse: body must have required property 'updated_at'/,
      );
    });

    it('a property the document does not name', () => {
      const message = mismatchOf(
        answer('POST', '/v1/organizations', 201, organization({ owner_id: 'usr_1' })),
      );

      expect(message).toContain('must NOT have additional properties ("owner_id")');
    });

    it('a quota sent as a string', () => {
      const quotas = {
        monthly_credit_limit: '1000',
        used: 0,
        max_concurrent_queries: 10,
        storage_limit_gb: 10,
      };

      expect(
        mismatchOf(answer('POST', '/v1/organizations', 201, organization({ quotas }))),
      ).toContain('body/quotas/monthly_credit_limit must be integer');
    });

    it('null where the document does not allow it', () => {
      expect(
        mismatchOf(answer('POST', '/v1/organizations', 201, organization({ name: null }))),
      ).toContain('body/name must be string');
    });

    it('a value outside an enum', () => {
      const settings = { mfa_required: false, enforce_sso: false, sso_provider: 'github' };

      expect(
        mismatchOf(answer('POST', '/v1/organizations', 201, organization({ settings }))),
      ).toContain('body/settings/sso_provider must be equal to one of the allowed values');
    });

    it('a timestamp that is not whole seconds in UTC', () => {
      const created_at = '2026-02-16T10:00:00.123Z';

      expect(
        mismatchOf(answer('POST', '/v1/organizations', 201, organization({ created_at }))),
      ).toContain('body/created_at must match pattern');
    });

    it('a content type the operation does not document', () => {
      const response = answer(
        'GET',
        '/health',
        200,
        { status: 'ok' },
        { 'content-type': 'text/plain' },
      );

      expect(mismatchOf(response)).toContain('with Content-Type "text/plain"');
    });

    it('an error that is not in the envelope', () => {
      const response = answer('GET', '/v1/organizations/org_a', 404, {
        statusCode: 404,
        message: 'Not Found',
      });

      expect(mismatchOf(response)).toContain(
        'getOrganization (GET /v1/organizations/{org_id}) answered 404: the body does not match ' +
          "#/components/schemas/ErrorEnvelopeSchema: body must have required property 'error'",
      );
    });

    it('a body on a status documented without one', () => {
      expect(
        mismatchOf(answer('DELETE', '/v1/organizations/org_a/users/usr_b', 204, { ok: true })),
      ).toContain('the document describes no body for it, but one was sent');
    });

    it('a success on a route the document does not have', () => {
      expect(mismatchOf(answer('GET', '/v1/organisations', 200, { data: [] }))).toContain(
        'GET /v1/organisations (the document has no such path) answered 200: a request the ' +
          'document does not describe must be refused with an error',
      );
    });

    it('a success on a method the document does not have for that path', () => {
      expect(mismatchOf(answer('PATCH', '/v1/organizations/org_a', 204, undefined))).toContain(
        'PATCH /v1/organizations/org_a (the document has no PATCH on ' +
          '/v1/organizations/{org_id}) answered 204',
      );
    });

    it('an unknown route answered with a body outside the envelope', () => {
      const response = answer('GET', '/nothing', 404, 'Not Found', {
        'content-type': 'text/plain',
      });

      expect(mismatchOf(response)).toContain(
        'an error must be application/json in the error envelope',
      );
    });

    it('an error under /docs that is not in the envelope', () => {
      const response = answer('GET', '/docs/missing.js', 404, { message: 'Not Found' });

      expect(mismatchOf(response)).toContain(
        '(documentation, not in the document) answered 404: the body does not match ' +
          "#/components/schemas/ErrorEnvelopeSchema: body must have required property 'error'",
      );
    });

    it('an error code outside the documented codes', () => {
      expect(
        mismatchOf(answer('GET', '/v1/organizations/org_a', 404, envelope('MISSING'))),
      ).toContain('body/error/code must be equal to one of the allowed values');
    });
  });
});
