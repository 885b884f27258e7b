import { newRequestId, requestIdFrom } from './request-id.js';

const GENERATED = /^req_[A-Za-z0-9_-]{16}$/;

describe('newRequestId', () => {
  it('makes `req_` and 16 URL-safe characters (96 random bits)', () => {
    expect(newRequestId()).toMatch(GENERATED);
  });

  it('never repeats over many ids', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newRequestId()));

    expect(ids.size).toBe(10_000);
  });
});

describe('requestIdFrom', () => {
  it.each([
    'req_abc',
    'req_8fQk2nV0aZ1xYw3L',
    'req_with-dash_and_underscore',
    `req_${'a'.repeat(64)}`,
  ])('keeps the well-formed incoming id %s', (incoming) => {
    expect(requestIdFrom(incoming)).toBe(incoming);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['no req_ prefix', 'abc123'],
    ['an upper-case prefix', 'REQ_abc'],
    ['nothing after the prefix', 'req_'],
    ['more than 64 characters after the prefix', `req_${'a'.repeat(65)}`],
    ['a space', 'req_abc def'],
    ['a line break (log injection)', 'req_abc\nfake log line'],
    ['markup', 'req_<script>'],
    ['a dot', 'req_abc.def'],
  ])('replaces an incoming id with %s by a new one', (_description, incoming) => {
    const id = requestIdFrom(incoming);

    expect(id).toMatch(GENERATED);
    expect(id).not.toBe(incoming);
  });

  it('uses the first of repeated headers when it is well formed', () => {
    expect(requestIdFrom(['req_first', 'req_second'])).toBe('req_first');
  });

  it('makes a new id when the first of repeated headers is malformed', () => {
    const id = requestIdFrom(['not-an-id', 'req_second']);

    expect(id).toMatch(GENERATED);
    expect(id).not.toBe('req_second');
  });

  it('makes a different id for each request without one', () => {
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});
