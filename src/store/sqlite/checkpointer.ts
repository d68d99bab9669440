/**
 * WAL checkpoints off the request thread. SQLite checkpoints on the committing connection once
 * the WAL passes wal_autocheckpoint pages: copying the WAL into the database and fsyncing both,
 * in the middle of whichever request commits then. Measured here on 4 KiB rows, that is half
 * the cost of every insert. Instead one worker thread holds its own connection to each
 * database and runs PASSIVE checkpoints (which never block the writer) every CHECKPOINT_MS;
 * the writer keeps a high autocheckpoint only as a bound on the WAL if the worker falls behind.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const CHECKPOINT_MS = 200;
/** The writer's own checkpoint, a safety net: about 64 MiB of WAL with 4 KiB pages. */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 16_384;

// CommonJS, evaluated in the worker: better-sqlite3 comes by the path the main thread resolved.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const open = new Map();
parentPort.on('message', (m) => {
  if (m.open) {
    try {
      open.set(m.open, new Database(m.open, { fileMustExist: true, timeout: 5000 }));
    } catch (e) {
      // The main connection goes on checkpointing by itself (its fallback autocheckpoint).
    }
  } else if (m.close) {
    const db = open.get(m.close);
    open.delete(m.close);
    if (db) db.close();
  }
});
setInterval(() => {
  for (const db of open.values()) {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (e) {
      // Busy or closed underneath: the next round tries again.
    }
  }
}, workerData.intervalMs);
`;

let worker: Worker | undefined;
const registered = new Map<string, number>();

function theWorker(): Worker {
  if (!worker) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, intervalMs: CHECKPOINT_MS } });
    // Never keeps the process alive, and a crash of it only brings back inline checkpoints.
    worker.unref();
    worker.on('error', (e) => console.error('sqlite checkpointer failed', e));
    worker.on('exit', () => {
      worker = undefined;
    });
  }
  return worker;
}

/** Starts background checkpoints of the database file at path (one per open connection). */
export function checkpointInBackground(path: string): void {
  const count = registered.get(path) ?? 0;
  registered.set(path, count + 1);
  if (count === 0) theWorker().postMessage({ open: path });
}

/** Stops them (when the last connection to path closes). */
export function stopCheckpointing(path: string): void {
  const count = registered.get(path) ?? 0;
  if (count <= 1) {
    registered.delete(path);
    worker?.postMessage({ close: path });
  } else registered.set(path, count - 1);
}
