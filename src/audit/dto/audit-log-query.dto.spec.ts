import { isIsoTimestamp } from './audit-log-query.dto.js';

describe('isIsoTimestamp', () => {
  it.each([
    '2026-02-16T10:00:00Z',
    '2026-02-16T10:00:00.5Z',
    '2026-02-16T10:00:00.123456Z',
    '2026-02-16T11:00:00+01:00',
    '2024-02-29T00:00:00Z',
  ])('accepts %s', (value) => {
    expect(isIsoTimestamp(value)).toBe(true);
  });

  it.each([
    ['a date alone', '2026-02-16'],
    ['no zone', '2026-02-16T10:00:00'],
    ['February 30th', '2026-02-30T10:00:00Z'],
    ['February 29th of a common year', '2026-02-29T10:00:00Z'],
    ['hour 24', '2026-02-16T24:00:00Z'],
    ['a year before 1970', '1969-12-31T23:59:59Z'],
    ['seven fraction digits', '2026-02-16T10:00:00.1234567Z'],
    ['words', 'yesterday'],
    ['a number', 1771236000],
  ])('refuses %s', (_description, value) => {
    expect(isIsoTimestamp(value)).toBe(false);
  });
});
