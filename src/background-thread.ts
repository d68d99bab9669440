/**
 * Work off the request thread, in one worker thread per process:
 *
 * - WAL checkpoints. SQLite checkpoints on the committing connection once the WAL passes
 *   wal_autocheckpoint pages: copying the WAL into the database and fsyncing both, in the
 *   middle of whichever request commits then. Measured here on 4 KiB rows, that is half the
 *   cost of every insert. Instead the worker holds its own connection to each database and
 *   runs PASSIVE checkpoints (which never block the writer) every CHECKPOINT_MS; the writer
 *   keeps a high autocheckpoint only as a bound on the WAL if the worker falls behind.
 * - Appends to a database only the worker writes (the audit trail): each batch of rows is
 *   inserted in one transaction there, so recording costs the request thread no more than
 *   building the rows.
 * - Modules served over a port of their own (serveInBackground): the hashing of large upload
 *   bodies. One thread for all of it, because each worker thread costs the process about
 *   8 MiB of memory.
 */
import { createRequire } from 'node:module';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';

const CHECKPOINT_MS = 200;
/** The writer's own checkpoint, a safety net: about 64 MiB of WAL with 4 KiB pages. */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 16_384;

// CommonJS, evaluated in the worker: better-sqlite3 comes by the path the main thread resolved.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const checkpointed = new Map();
const appenders = new Map();
// Page caches in KiB (better-sqlite3's default is 16 MB per connection): a checkpoint reads
// nothing through it; appends touch the ends of a few indexes.
function open(path, cacheKiB) {
  const db = new Database(path, { fileMustExist: true, timeout: 5000 });
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -' + cacheKiB);
  return db;
}
let loader;
function loaded(url) {
  if (!url) return Promise.resolve();
  loader ??= import(url).then((api) => api.register());
  return loader;
}
parentPort.on('message', (m) => {
  if (m.type === 'checkpoint') {
    try {
      checkpointed.set(m.path, open(m.path, 256));
    } catch (e) {
      // The main connection goes on checkpointing by itself (its fallback autocheckpoint).
    }
  } else if (m.type === 'uncheckpoint') {
    const db = checkpointed.get(m.path);
    checkpointed.delete(m.path);
    if (db) db.close();
    parentPort.postMessage({ id: m.id, seqs: [] });
  } else if (m.type === 'append') {
    let a = appenders.get(m.path);
    try {
      if (!a) {
        const db = open(m.path, 2048);
        const parent = db.prepare(m.parent);
        const child = db.prepare(m.child);
        const insert = db.transaction((items) =>
          items.map(([params, children]) => {
            const seq = Number(parent.run(params).lastInsertRowid);
            for (const c of children) child.run([seq, ...c]);
            return seq;
          }),
        );
        appenders.set(m.path, (a = { db, insert }));
      }
      parentPort.postMessage({ id: m.id, seqs: a.insert(m.items) });
    } catch (e) {
      parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
    }
  } else if (m.type === 'serve') {
    loaded(m.loader).then(() => import(m.url)).then(
      (mod) => mod.serve(m.port, m.data),
      (e) => m.port.postMessage({ error: String((e && e.message) || e) }),
    );
  } else if (m.type === 'unappend') {
    const a = appenders.get(m.path);
    appenders.delete(m.path);
    if (a) a.db.close();
    parentPort.postMessage({ id: m.id, seqs: [] });
  }
});
setInterval(() => {
  for (const db of checkpointed.values()) {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (e) {
      // Busy or closed underneath: the next round tries again.
    }
  }
}, workerData.intervalMs).unref();
`;

let worker: Worker | undefined;
const checkpointed = new Map<string, number>();
const pending = new Map<number, { resolve: (seqs: number[]) => void; reject: (e: Error) => void }>();
let nextId = 1;

function theWorker(): Worker {
  if (!worker) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, intervalMs: CHECKPOINT_MS } });
    w.on('message', (m: { id: number; seqs?: number[]; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.seqs!);
    });
    w.on('error', (e) => console.error('sqlite background worker failed', e));
    w.on('exit', () => {
      if (worker === w) worker = undefined;
      for (const p of pending.values()) p.reject(new Error('sqlite background worker exited'));
      pending.clear();
      // Checkpoints come back with the next worker; until then the fallback autocheckpoint holds.
      for (const path of checkpointed.keys()) theWorker().postMessage({ type: 'checkpoint', path });
    });
    // Idle, it never keeps the process alive; with appends in flight it does (after the
    // listeners: adding a 'message' listener refs the worker again).
    w.unref();
    worker = w;
  }
  return worker;
}

/** Starts background checkpoints of the database file at path (one per open connection). */
export function checkpointInBackground(path: string): void {
  const count = checkpointed.get(path) ?? 0;
  checkpointed.set(path, count + 1);
  if (count === 0) theWorker().postMessage({ type: 'checkpoint', path });
}

/**
 * Stops them (when the last connection to path closes). Resolves once the worker has closed its
 * connection, so the caller may remove the files.
 */
export function stopCheckpointing(path: string): Promise<void> {
  const count = checkpointed.get(path) ?? 0;
  if (count <= 1) {
    checkpointed.delete(path);
    return ask({ type: 'uncheckpoint', path });
  }
  checkpointed.set(path, count - 1);
  return Promise.resolve();
}

/** Sends a message the worker answers; keeps the process alive until it has. */
function ask(message: Record<string, unknown>): Promise<void> {
  if (!worker) return Promise.resolve();
  return post(worker, message).then(() => undefined);
}

function post(w: Worker, message: Record<string, unknown>): Promise<number[]> {
  const id = nextId++;
  return new Promise<number[]>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    if (pending.size === 1) w.ref();
    w.postMessage({ ...message, id });
  });
}

/** One row and the rows that hang off it (their first parameter, the row's id, is filled in). */
export type AppendItem = [params: unknown[], children: unknown[][]];

/**
 * Inserts rows into the database at path from the worker: `parentSql` once per item, then
 * `childSql` once per child with the new row's id first. Resolves with the ids, in order, once
 * the batch's transaction has committed. Only the worker may write the tables it appends to.
 */
export function appendInBackground(
  path: string,
  statements: { parentSql: string; childSql: string },
  items: AppendItem[],
): Promise<number[]> {
  return post(theWorker(), {
    type: 'append',
    path,
    parent: statements.parentSql,
    child: statements.childSql,
    items,
  });
}

/** Closes the worker's appending connection to path (after the appends already sent). */
export function stopAppending(path: string): Promise<void> {
  return ask({ type: 'unappend', path });
}

/**
 * Runs `serve(port, data)` of the ES module at url in the background thread and returns the
 * other end of its port. The port closes if the thread dies; serve again for a new one. Like
 * the thread, the port keeps the process alive only while ref()'d.
 */
export function serveInBackground(url: URL, data: unknown): MessagePort {
  const { port1, port2 } = new MessageChannel();
  // Tests and development run the TypeScript sources under tsx, whose hooks the thread needs too.
  const loader = url.pathname.endsWith('.ts') ? import.meta.resolve('tsx/esm/api') : undefined;
  theWorker().postMessage({ type: 'serve', url: url.href, port: port2, data, loader }, [port2]);
  return port1;
}
