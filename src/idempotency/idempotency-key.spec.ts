import { DomainError } from '../common/errors/domain-error.js';
import { readIdempotencyKey, requestFingerprint } from './idempotency-key.js';

function refusal(headers: Record<string, string | string[]>): DomainError {
  try {
    readIdempotencyKey(headers);
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('the key was accepted');
}

describe('readIdempotencyKey', () => {
  it('is undefined without the header', () => {
    expect(readIdempotencyKey({})).toBeUndefined();
  });

  it.each([
    ['a UUID', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['one character', 'k'],
    ['255 characters', 'k'.repeat(255)],
    ['inner spaces and punctuation', 'order 42: "retry" #1'],
  ])('accepts %s', (_description, key) => {
    expect(readIdempotencyKey({ 'idempotency-key': key })).toBe(key);
  });

  it.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['256 characters', 'k'.repeat(256)],
    ['a tab', 'a\tb'],
    ['a NUL', 'a\u0000b'],
    ['a DEL', 'a\u007fb'],
  ])('refuses a key that is %s with 400 naming the header', (_description, key) => {
    const error = refusal({ 'idempotency-key': key });

    expect(error.status).toBe(400);
    expect(error.details?.fields).toEqual([
      expect.objectContaining({ field: 'Idempotency-Key', constraint: 'format' }),
    ]);
  });

  it('refuses two keys on one request', () => {
    expect(refusal({ 'idempotency-key': ['a', 'b'] }).status).toBe(400);
  });
});

describe('requestFingerprint', () => {
  const body = { name: 'Acme', settings: { mfa_required: false, enforce_sso: false } };

  it('is the same for the same body with its keys in another order', () => {
    const reordered = { settings: { enforce_sso: false, mfa_required: false }, name: 'Acme' };

    expect(requestFingerprint('POST', '/v1/organizations', reordered)).toBe(
      requestFingerprint('post', '/v1/organizations', body),
    );
  });

  it('differs when the body, the URL or the method differs', () => {
    const fingerprint = requestFingerprint('POST', '/v1/organizations', body);

    expect(requestFingerprint('POST', '/v1/organizations', { ...body, name: 'Acme ' })).not.toBe(
      fingerprint,
    );
    expect(requestFingerprint('POST', '/v1/organizations/x/users', body)).not.toBe(fingerprint);
    expect(requestFingerprint('PUT', '/v1/organizations', body)).not.toBe(fingerprint);
  });

  it('tells an absent body from an empty object', () => {
    expect(requestFingerprint('POST', '/x', undefined)).not.toBe(
      requestFingerprint('POST', '/x', {}),
    );
  });
});
