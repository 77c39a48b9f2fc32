/**
 * Node-only: checkpoints a SQLite WAL from a worker thread, so that the server's event loop does not.
 *
 * With the connection's own auto-checkpoint, the commit that pushes the WAL past its limit copies the
 * whole WAL back into the database inside that commit: 40-60 ms on the event loop every dozen ingest
 * batches, and 3 ms of every 5 ms spent committing (measured on a real file, 500-event batches). A
 * second connection in a worker thread runs a PASSIVE checkpoint every 100 ms instead: it
 * copies what is committed while the writer goes on, never blocks a writer or reader, and uses the
 * machine's other core. The main connection keeps its auto-checkpoint as the backstop (if this thread
 * falls behind or cannot open the file, the WAL is still bounded). Checkpointing is SQLite's own,
 * crash-safe mechanism; which connection runs it changes nothing about durability.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Plain CommonJS evaluated in the worker (no TypeScript loader needed there). Errors of one
 * checkpoint (busy, I/O) are ignored: the next tick retries, and the backstop remains.
 */
const CHECKPOINTER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.path, { fileMustExist: true });
  db.pragma('busy_timeout = 0');
} catch {
  process.exit(0);
}
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.close(); } catch {}
  process.exit(0);
});
`;

export interface BackgroundCheckpointer {
  /** Stops the thread and closes its connection (before the database file may be removed). */
  stop(): Promise<void>;
}

export function startBackgroundCheckpointer(path: string, intervalMs: number): BackgroundCheckpointer {
  const worker = new Worker(CHECKPOINTER_SOURCE, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), path, intervalMs },
  });
  // Never what keeps the process alive, and never a crash of the server if the thread fails.
  worker.unref();
  worker.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stop: async () => {
      // Referenced again so that the process waits for the connection to close.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
