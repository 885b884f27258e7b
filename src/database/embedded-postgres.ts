import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
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

/** The database thread; a plain module so that it runs as it is, built or not. */
const WORKER_URL = new URL('./embedded-postgres.worker.mjs', import.meta.url);

type WorkerMessage =
  { type: 'ready'; connection: string } | { type: 'stopped' } | { type: 'failed'; message: string };

/**
 * Starts PGlite and serves it on a loopback port so the application talks to it exactly as to a
 * PostgreSQL server. A database kept on disk (the service's) runs with its server on a worker
 * thread, so queries execute beside the HTTP work instead of queueing behind it on one event
 * loop. A throwaway in-memory database (tests) stays on the calling thread: one process may
 * start hundreds of them, and a thread each would cost more than it saves. PGlite runs one
 * statement at a time, so the server takes one connection: callers must size their pool at 1,
 * which keeps transactions from interleaving.
 *
 * One process at a time may use a data directory. A lock left by a process that no longer
 * runs (a crash or `kill -9`) is cleared, and PostgreSQL's own recovery replays the WAL.
 */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  if (!dataDir) {
    return serveInMemory();
  }
  const location = resolve(dataDir, 'pglite');
  await mkdir(location, { recursive: true });
  const ownerLock = join(resolve(dataDir), OWNER_LOCK_FILE);
  await claimDataDirectory(ownerLock, location);
  try {
    return await serve(location, location, () => rm(ownerLock, { force: true }));
  } catch (error) {
    await rm(ownerLock, { force: true });
    throw error;
  }
}

async function serveInMemory(): Promise<EmbeddedPostgres> {
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();

  return {
    url: `postgresql://postgres@${server.getServerConn()}/postgres`,
    location: 'memory',
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

async function serve(
  dataDir: string | undefined,
  location: string,
  release: () => Promise<void>,
): Promise<EmbeddedPostgres> {
  const worker = new Worker(WORKER_URL, { workerData: { dataDir } });
  const exited = new Promise<void>((resolvePromise) => worker.once('exit', () => resolvePromise()));
  const started = await nextMessage(worker);
  if (started.type !== 'ready') {
    await worker.terminate();
    throw new Error(`the embedded database did not start: ${describe(started)}`);
  }

  return {
    url: `postgresql://postgres@${started.connection}/postgres`,
    location,
    stop: async () => {
      try {
        worker.postMessage({ type: 'stop' });
        const stopped = await nextMessage(worker);
        if (stopped.type !== 'stopped') {
          throw new Error(`the embedded database did not close cleanly: ${describe(stopped)}`);
        }
      } finally {
        await exitOf(worker, exited);
        await release();
      }
    },
  };
}

/**
 * Waits for the worker to end by itself (it closes its port once the database is closed), and
 * terminates it only if it has not within a few seconds.
 */
async function exitOf(worker: Worker, exited: Promise<void>): Promise<void> {
  const timer = setTimeout(() => void worker.terminate(), WORKER_EXIT_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

const WORKER_EXIT_TIMEOUT_MS = 5000;

/** The worker's next message; its exit or crash before one counts as a failure. */
function nextMessage(worker: Worker): Promise<WorkerMessage> {
  return new Promise((resolvePromise) => {
    const settle = (message: WorkerMessage) => {
      worker.off('message', settle);
      worker.off('error', onError);
      worker.off('exit', onExit);
      resolvePromise(message);
    };
    const onError = (error: Error) => settle({ type: 'failed', message: error.message });
    const onExit = (code: number) =>
      settle({ type: 'failed', message: `the database thread exited with code ${code}` });
    worker.on('message', settle);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

function describe(message: WorkerMessage): string {
  return message.type === 'failed' ? message.message : `unexpected ${message.type}`;
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
