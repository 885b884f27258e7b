import { isOrganizationId, newOrganizationId, ORGANIZATION_ID_PATTERN } from './organization-id.js';

const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

describe('newOrganizationId', () => {
  it('makes `org_` and 16 lowercase base32 characters (80 random bits)', () => {
    const id = newOrganizationId();

    expect(id).toMatch(/^org_[a-z2-7]{16}$/);
    expect(id).toHaveLength(20);
  });

  it('makes ids that its own pattern and isOrganizationId accept', () => {
    const id = newOrganizationId();

    expect(ORGANIZATION_ID_PATTERN.test(id)).toBe(true);
    expect(isOrganizationId(id)).toBe(true);
  });

  it('never repeats over 50,000 ids', () => {
    const ids = new Set(Array.from({ length: 50_000 }, () => newOrganizationId()));

    expect(ids.size).toBe(50_000);
  });

  it('uses every base32 character at every position, so no position is fixed', () => {
    const seen = Array.from({ length: 16 }, () => new Set<string>());
    for (let count = 0; count < 5_000; count += 1) {
      [...newOrganizationId().slice(4)].forEach((character, position) =>
        seen[position].add(character),
      );
    }

    expect(seen.map((characters) => [...characters].sort().join(''))).toEqual(
      Array.from({ length: 16 }, () => BASE32_ALPHABET.split('').sort().join('')),
    );
  });
});

describe('isOrganizationId', () => {
  it.each([
    ['an upper-case character', 'org_ABCDEFGHIJKLMNOP'],
    ['a digit outside base32 (0, 1, 8, 9)', 'org_abcdefghijklmn01'],
    ['15 characters', 'org_abcdefghijklmno'],
    ['17 characters', 'org_abcdefghijklmnopq'],
    ['another prefix', 'usr_abcdefghijklmnop'],
    ['no prefix', 'abcdefghijklmnopqrst'],
    ['surrounding white space', ' org_abcdefghijklmnop'],
    ['a trailing newline', 'org_abcdefghijklmnop\n'],
    ['a SQL fragment', "org_abcdefghijklmnop' OR '1'='1"],
    ['an empty string', ''],
  ])('refuses a value with %s', (_description, value) => {
    expect(isOrganizationId(value)).toBe(false);
  });

  it('accepts a well-formed id that was not generated here', () => {
    expect(isOrganizationId('org_abcdefghijk23456')).toBe(true);
  });
});
