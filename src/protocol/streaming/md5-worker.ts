/**
 * MD5 of large bodies on a worker thread. S3's ETag needs the MD5 of every upload; at ~700 MB/s
 * it was the request thread's largest cost for a large PUT (measured here: a 64 MiB PUT ran at
 * ~350 MB/s with MD5 on the request thread, ~450 without). Chunks are copied and transferred
 * (the original goes on to the disk), hashed in order on the worker, and the digest comes back
 * at the end. Only bodies of at least OFFLOAD_MIN_BYTES use it: for small ones the messages
 * would cost more than the hashing.
 */
import { Worker } from 'node:worker_threads';

export const OFFLOAD_MIN_BYTES = 8 * 1024 * 1024;

// CommonJS, evaluated in the worker.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.type === 'data') {
    let h = hashes.get(m.stream);
    if (!h) hashes.set(m.stream, (h = createHash('md5')));
    h.update(m.chunk);
  } else if (m.type === 'end') {
    const h = hashes.get(m.stream) || createHash('md5');
    hashes.delete(m.stream);
    parentPort.postMessage({ stream: m.stream, digest: h.digest() });
  } else if (m.type === 'abort') {
    hashes.delete(m.stream);
  }
});
`;

let worker: Worker | undefined;
let nextStream = 1;
const waiting = new Map<number, { resolve: (d: Buffer) => void; reject: (e: Error) => void }>();

function theWorker(): Worker {
  if (!worker) {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.on('message', (m: { stream: number; digest: Uint8Array }) => {
      const p = waiting.get(m.stream);
      waiting.delete(m.stream);
      if (waiting.size === 0) w.unref();
      p?.resolve(Buffer.from(m.digest.buffer, m.digest.byteOffset, m.digest.byteLength));
    });
    w.on('error', (e) => console.error('md5 worker failed', e));
    w.on('exit', () => {
      if (worker === w) worker = undefined;
      for (const p of waiting.values()) p.reject(new Error('md5 worker exited'));
      waiting.clear();
    });
    // Idle it never keeps the process alive (after the listeners: adding one refs it again).
    w.unref();
    worker = w;
  }
  return worker;
}

/** An MD5 computed on the worker: update() in order, then digest() once (or abort()). */
export class BackgroundMd5 {
  private readonly stream = nextStream++;
  private readonly w = theWorker();
  private done = false;

  update(chunk: Uint8Array): void {
    if (this.done || chunk.length === 0) return;
    const copy = new Uint8Array(chunk); // the caller's bytes go on to the disk
    this.w.postMessage({ type: 'data', stream: this.stream, chunk: copy }, [copy.buffer]);
  }

  digest(): Promise<Buffer> {
    this.done = true;
    return new Promise<Buffer>((resolve, reject) => {
      waiting.set(this.stream, { resolve, reject });
      if (waiting.size === 1) this.w.ref();
      this.w.postMessage({ type: 'end', stream: this.stream });
    });
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    this.w.postMessage({ type: 'abort', stream: this.stream });
  }
}
