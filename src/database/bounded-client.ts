import pg from 'pg';

const READ_TIMEOUT_MESSAGE = 'Query read timeout';

interface ClientInternals {
  connection?: { stream?: { destroy(): void } };
}

/**
 * A node-postgres client that drops its connection when the server leaves a query unanswered
 * past `query_timeout`. node-postgres gives up on the query but keeps the connection, with the
 * query still pending on it, so whatever comes next on that connection (the rollback, then the
 * next request to get this client from the pool) would wait as long again. Dropped, the
 * connection ends with an error, the pool discards the client and opens a fresh one when asked.
 */
export class BoundedClient extends pg.Client {
  // The overloads of pg's query() return different types; this one passes each through as is.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: unknown[]): any {
    const result: unknown = (super.query as (...queryArgs: unknown[]) => unknown)(...args);
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if ((error as Error | undefined)?.message === READ_TIMEOUT_MESSAGE) {
          (this as unknown as ClientInternals).connection?.stream?.destroy();
        }
      });
    }

    return result;
  }
}
