/** One changed field: its value before and after; `null` when it did not exist before or after. */
export interface FieldChange {
  from: unknown;
  to: unknown;
}

/** Changed fields by name, nested ones by dotted path (`settings.mfa_required`). */
export type AuditChanges = Record<string, FieldChange>;

/**
 * An email address that says whose it is without giving it away: the first character of the
 * local part, then `***`, then the domain (`billing@acme.com` becomes `b***@acme.com`).
 */
export function maskEmail(email: string | null | undefined): string | null {
  if (email === null || email === undefined) {
    return null;
  }
  const at = email.lastIndexOf('@');
  if (at <= 0) {
    return '***';
  }

  return `${[...email.slice(0, at)][0]}***${email.slice(at)}`;
}

/**
 * The fields whose values differ between two flat records, each with `from` and `to`. A field
 * missing on one side counts as `null`, so `changesBetween({}, created)` lists what a creation
 * set. Values are compared as JSON.
 */
export function changesBetween(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): AuditChanges {
  const changes: AuditChanges = {};
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const field of fields) {
    const from = before[field] ?? null;
    const to = after[field] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) {
      changes[field] = { from, to };
    }
  }

  return changes;
}
