/** UTC, ISO 8601, whole seconds, `Z` suffix: `2026-02-16T10:00:00Z`. */
export function toIsoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
