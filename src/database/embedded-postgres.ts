import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A connection string for TypeORM's ordinary `postgres` driver. */
  url: string;
  /** Where the data lives; `memory` for a throwaway database. */
  location: string;
  stop(): Promise<void>;
}

/** Our own lock beside the data: PGlite's `postmaster.pid` holds no real process id. */
const OWNER_LOCK_FILE = 'embedded-postgres.pid';
const PGLITE_LOCK_FILE = 'postmaster.pid';

/**
 * Starts PGlite and serves it on a loopback port so the application talks to it exactly as to a
 * PostgreSQL server. PGlite runs one statement at a time, so the server takes one connection:
 * callers must size their pool at 1, which keeps transactions from interleaving.
 *
 * One process at a time may use a data directory. A lock left by a process that no longer
 * runs (a crash or `kill -9`) is cleared, and PostgreSQL's own recovery replays the WAL.
 */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  if (!dataDir) {
    return serve(await PGlite.create(), 'memory', async () => undefined);
  }
  const location = resolve(dataDir, 'pglite');
  await mkdir(location, { recursive: true });
  const ownerLock = join(resolve(dataDir), OWNER_LOCK_FILE);
  await claimDataDirectory(ownerLock, location);
  try {
    const db = await PGlite.create({ dataDir: location });

    return await serve(db, location, () => rm(ownerLock, { force: true }));
  } catch (error) {
    await rm(ownerLock, { force: true });
    throw error;
  }
}

async function serve(
  db: PGlite,
  location: string,
  release: () => Promise<void>,
): Promise<EmbeddedPostgres> {
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();

  return {
    url: `postgresql://postgres@${server.getServerConn()}/postgres`,
    location,
    stop: async () => {
      await server.stop();
      await db.close();
      await release();
    },
  };
}

async function claimDataDirectory(ownerLock: string, location: string): Promise<void> {
  const owner = await readOwner(ownerLock);
  if (owner !== undefined && owner !== process.pid && isRunning(owner)) {
    throw new Error(
      `the embedded database in ${location} is in use by process ${owner}; stop it or set ` +
        'DATA_DIR to another directory',
    );
  }
  // Whatever lock PGlite left is stale now: its owner is gone.
  await rm(join(location, PGLITE_LOCK_FILE), { force: true });
  await writeFile(ownerLock, `${process.pid}\n`);
}

async function readOwner(ownerLock: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(ownerLock, 'utf8'), 10);

    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);

    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
