import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A connection string for TypeORM's ordinary `postgres` driver. */
  url: string;
  /** Where the data lives; `memory` for a throwaway database. */
  location: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite and serves it on a loopback port so the application talks to it exactly as to a
 * PostgreSQL server. PGlite runs one statement at a time, so the server takes one connection:
 * callers must size their pool at 1, which keeps transactions from interleaving.
 */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  let location = 'memory';
  if (dataDir) {
    location = resolve(dataDir, 'pglite');
    await mkdir(location, { recursive: true });
  }
  const db = await PGlite.create(dataDir ? { dataDir: location } : {});
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();

  return {
    url: `postgresql://postgres@${server.getServerConn()}/postgres`,
    location,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
