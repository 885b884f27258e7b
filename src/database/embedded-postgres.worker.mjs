// Runs PGlite and its socket server on a thread of their own, so the database's work does not
// queue behind HTTP handling on the application's event loop. Started by embedded-postgres.ts,
// which owns the data-directory lock; this thread only opens, serves and closes the database.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

let db;
let server;
try {
  db = await PGlite.create(workerData.dataDir ? { dataDir: workerData.dataDir } : {});
  server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  parentPort.postMessage({ type: 'ready', connection: server.getServerConn() });
} catch (error) {
  await db?.close().catch(() => undefined);
  parentPort.postMessage({ type: 'failed', message: String(error?.message ?? error) });
}

parentPort.on('message', async (message) => {
  if (message?.type !== 'stop') {
    return;
  }
  try {
    await server?.stop();
    await db?.close();
    parentPort.postMessage({ type: 'stopped' });
    // Nothing is left to wait for: the thread ends by itself.
    parentPort.close();
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: String(error?.message ?? error) });
  }
});
