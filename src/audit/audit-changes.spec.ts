import { changesBetween, maskEmail } from './audit-changes.js';

describe('maskEmail', () => {
  it.each([
    ['billing@acme.com', 'b***@acme.com'],
    ['b@acme.com', 'b***@acme.com'],
    ['first.last+tag@mail.example.org', 'f***@mail.example.org'],
    ['"odd@local"@acme.com', '"***@acme.com'],
    ['émile@exemple.fr', 'é***@exemple.fr'],
  ])('masks %s as %s', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });

  it('shows nothing of a value that is not an address', () => {
    expect(maskEmail('no-at-sign')).toBe('***');
    expect(maskEmail('@acme.com')).toBe('***');
  });

  it('keeps an absent address absent', () => {
    expect(maskEmail(null)).toBeNull();
    expect(maskEmail(undefined)).toBeNull();
  });
});

describe('changesBetween', () => {
  it('lists only the fields whose values differ, with from and to', () => {
    expect(
      changesBetween(
        { name: 'Acme', 'settings.mfa_required': false, slug: 'acme' },
        { name: 'Acme Corp', 'settings.mfa_required': true, slug: 'acme' },
      ),
    ).toEqual({
      name: { from: 'Acme', to: 'Acme Corp' },
      'settings.mfa_required': { from: false, to: true },
    });
  });

  it('counts a field missing on one side as null', () => {
    expect(changesBetween({}, { name: 'Acme', sso_provider: null })).toEqual({
      name: { from: null, to: 'Acme' },
    });
    expect(changesBetween({ role: 'analyst' }, {})).toEqual({
      role: { from: 'analyst', to: null },
    });
  });

  it('finds nothing between equal records', () => {
    expect(changesBetween({ a: 1, b: [1, 2] }, { a: 1, b: [1, 2] })).toEqual({});
  });
});
