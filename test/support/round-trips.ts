import pg from 'pg';

/**
 * Counts the statements the service sends to PostgreSQL while `action` runs: each call of the
 * driver's `Client.query` is one round trip (BEGIN and COMMIT included). The app runs in the
 * test's process, so its driver is this one.
 */
export async function countRoundTrips(action: () => Promise<unknown>): Promise<number> {
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  let count = 0;
  prototype.query = function (this: unknown, ...args: unknown[]) {
    count += 1;

    return original.apply(this, args);
  };
  try {
    await action();
  } finally {
    prototype.query = original;
  }

  return count;
}
