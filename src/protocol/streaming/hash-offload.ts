/**
 * Checksums of large bodies computed on another thread. Hashing a 64 MiB upload (MD5 for the
 * ETag, CRC64NVME as S3's default checksum) costs the request thread more than moving its bytes
 * does: measured here, 64 MiB PUTs ran at ~290 MB/s hashing on the request thread and ~700 MB/s
 * with hashing skipped. With a job here, the request thread only copies each chunk into a ring
 * in shared memory; the process's background thread (hash-worker.ts there) reads it from there.
 *
 * Memory stays bounded: at most `maxJobs` rings of `ringBytes`; a body that finds none free is
 * hashed on the request thread as before. When a ring is full, update() returns a promise and
 * the caller waits (the body decoder then stops reading the socket; a blob write given it as
 * onChunk holds its source).
 */
import type { MessagePort } from 'node:worker_threads';
import { serveInBackground } from '../../background-thread.ts';
import { ChecksumTracker, type ChecksumAlgorithm, type ChecksumResult } from './checksums.ts';
import {
  CTRL_LENGTH,
  CTRL_STATE,
  CTRL_USED,
  STATE_ABORTED,
  STATE_FINISHED,
  type HashJobMessage,
} from './hash-ring.ts';

/** Bodies smaller than this are hashed on the request thread (a job's round trip would cost more). */
export const OFFLOAD_MIN_BYTES = 1024 * 1024;

export interface HashJobOptions {
  algorithms: Iterable<ChecksumAlgorithm>;
  md5: boolean;
  sha256: boolean;
}

interface WorkerReply {
  id?: number;
  /** The module could not be loaded there. */
  error?: string;
  result?: { size: number; md5?: Uint8Array; sha256?: Uint8Array; checksums: ChecksumResult['checksums'] };
}

const workerUrl = new URL(
  import.meta.url.endsWith('.ts') ? './hash-worker.ts' : './hash-worker.js',
  import.meta.url,
);

export class HashPool {
  private port: MessagePort | undefined;
  private readonly bell = new Int32Array(new SharedArrayBuffer(4));
  private readonly jobs = new Map<number, HashJob>();
  private readonly spareRings: SharedArrayBuffer[] = [];
  private nextId = 1;

  constructor(
    readonly ringBytes = 1024 * 1024,
    readonly maxJobs = 4,
  ) {}

  /** A job hashing on the other thread, or undefined when every ring is taken. */
  open(options: HashJobOptions): HashJob | undefined {
    if (this.jobs.size >= this.maxJobs) return undefined;
    const port = this.thePort();
    const id = this.nextId++;
    const ring = this.spareRings.pop() ?? new SharedArrayBuffer(this.ringBytes);
    const ctrl = new SharedArrayBuffer(CTRL_LENGTH * 4);
    const job = new HashJob(ring, ctrl, () => this.ring());
    this.jobs.set(id, job);
    // While jobs are open their answers must come: the port keeps the process alive.
    if (this.jobs.size === 1) port.ref();
    const message: HashJobMessage = {
      id,
      ring,
      ctrl,
      algorithms: [...options.algorithms],
      md5: options.md5,
      sha256: options.sha256,
    };
    port.postMessage(message);
    return job;
  }

  /**
   * Loads the hashing module on the background thread now (a server calls this at start), so the
   * first large upload does not wait for its import and the CRC kernel's compilation.
   */
  warm(): void {
    this.thePort();
  }

  /** Jobs not yet answered by the hashing thread. */
  get active(): number {
    return this.jobs.size;
  }

  private ring(): void {
    Atomics.add(this.bell, 0, 1);
    Atomics.notify(this.bell, 0);
  }

  private thePort(): MessagePort {
    if (this.port) return this.port;
    const port = serveInBackground(workerUrl, { bell: this.bell.buffer });
    port.on('message', (m: WorkerReply) => {
      if (m.error !== undefined) return this.fail(port, new Error(`hashing thread: ${m.error}`));
      const job = this.jobs.get(m.id!);
      if (!job) return;
      this.release(m.id!, job, true);
      job.settle(m.result);
    });
    port.on('close', () => this.fail(port, new Error('the hashing thread went away')));
    port.unref();
    this.port = port;
    return port;
  }

  private release(id: number, job: HashJob, reuse: boolean): void {
    this.jobs.delete(id);
    if (reuse && this.spareRings.length < this.maxJobs) this.spareRings.push(job.ringBuffer);
    if (this.jobs.size === 0) this.port?.unref();
  }

  /** The thread is gone: its jobs fail (their uploads with them); the next job serves anew. */
  private fail(port: MessagePort, error: Error): void {
    if (this.port !== port) return;
    this.port = undefined;
    port.close();
    for (const [id, job] of [...this.jobs]) {
      this.release(id, job, false);
      job.fail(error);
    }
  }
}

/** One body's checksums on the hashing thread: update() in order, then finish() or abort(). */
export class HashJob {
  private readonly ring: Uint8Array;
  private readonly ctrl: Int32Array;
  private head = 0;
  /** Bytes waiting for room in the ring, in order. */
  private backlog: Buffer[] = [];
  private drained: Promise<void> | undefined;
  private ended = false;
  private failure: Error | undefined;
  private waiter: { resolve: (r: ChecksumResult) => void; reject: (e: Error) => void } | undefined;

  constructor(
    readonly ringBuffer: SharedArrayBuffer,
    ctrl: SharedArrayBuffer,
    private readonly ringBell: () => void,
  ) {
    this.ring = new Uint8Array(ringBuffer);
    this.ctrl = new Int32Array(ctrl);
  }

  /**
   * Hands the bytes over. Returns a promise when they did not all fit in the ring yet (chunk is
   * then held, unchanged, until it settles); further updates queue behind them.
   */
  update(chunk: Buffer): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    if (this.ended) throw new Error('update() after the job ended');
    if (this.backlog.length > 0) {
      this.backlog.push(chunk);
      return this.drained;
    }
    const rest = this.copy(chunk);
    if (rest === undefined) return undefined;
    this.backlog.push(rest);
    this.drained = this.pump();
    return this.drained;
  }

  /** The checksums of every byte given, once the hashing thread has read them all. */
  async finish(): Promise<ChecksumResult> {
    if (this.drained) await this.drained;
    if (this.failure) throw this.failure;
    if (this.ended) throw new Error('finish() after the job ended');
    this.ended = true;
    const result = new Promise<ChecksumResult>((resolve, reject) => (this.waiter = { resolve, reject }));
    Atomics.store(this.ctrl, CTRL_STATE, STATE_FINISHED);
    this.ringBell();
    return result;
  }

  /** Gives the job up (the body failed); the ring returns to the pool once the thread lets go. */
  abort(): void {
    if (this.ended) return;
    this.ended = true;
    this.backlog = [];
    Atomics.store(this.ctrl, CTRL_STATE, STATE_ABORTED);
    this.ringBell();
    // A pump waiting for room wakes and sees the job ended.
    Atomics.notify(this.ctrl, CTRL_USED);
  }

  /** @internal The hashing thread's answer (none for an aborted job). */
  settle(result: WorkerReply['result']): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (!waiter || !result) return;
    const asBuffer = (u: Uint8Array | undefined) =>
      u ? Buffer.from(u.buffer, u.byteOffset, u.byteLength) : undefined;
    const md5 = asBuffer(result.md5);
    const sha256 = asBuffer(result.sha256);
    waiter.resolve({
      size: result.size,
      checksums: result.checksums,
      ...(md5 ? { md5 } : {}),
      ...(sha256 ? { sha256 } : {}),
    });
  }

  /** @internal The hashing thread died. */
  fail(error: Error): void {
    this.failure = error;
    this.waiter?.reject(error);
    this.waiter = undefined;
    Atomics.notify(this.ctrl, CTRL_USED);
  }

  /** Copies as much of chunk as fits; returns what did not fit. */
  private copy(chunk: Buffer): Buffer | undefined {
    const size = this.ring.length;
    let off = 0;
    let used = Atomics.load(this.ctrl, CTRL_USED);
    while (off < chunk.length && used < size) {
      const n = Math.min(size - used, chunk.length - off, size - this.head);
      this.ring.set(chunk.subarray(off, off + n), this.head);
      this.head = (this.head + n) % size;
      off += n;
      used = Atomics.add(this.ctrl, CTRL_USED, n) + n;
    }
    if (off > 0) this.ringBell();
    return off < chunk.length ? chunk.subarray(off) : undefined;
  }

  private async pump(): Promise<void> {
    while (this.backlog.length > 0) {
      // Wait while the ring is full; the hashing thread notifies as it reads.
      const wait = Atomics.waitAsync(this.ctrl, CTRL_USED, this.ring.length);
      if (wait.async) await wait.value;
      if (this.failure) throw this.failure;
      if (this.ended) return;
      const rest = this.copy(this.backlog[0]!);
      if (rest) this.backlog[0] = rest;
      else this.backlog.shift();
    }
    this.drained = undefined;
  }
}

/** The process's pool (a server warms it at start: src/server/start.ts). */
export const hashPool = new HashPool();

/** What bytes are fed to: a ChecksumTracker, or a job on the background thread. */
export interface Hasher {
  /** A promise when the caller must wait before feeding more (the ring is full). */
  update(chunk: Buffer): Promise<void> | undefined | void;
  finish(): ChecksumResult | Promise<ChecksumResult>;
  /** Gives the work up (a failed body); a no-op once finished. */
  abort?(): void;
}

/** A job on the background thread for a body of `size` bytes or more than 1 MiB, else one here. */
export function openHasher(options: HashJobOptions, size: number | undefined): Hasher {
  const large = size !== undefined && size >= OFFLOAD_MIN_BYTES;
  return (large ? hashPool.open(options) : undefined) ?? new ChecksumTracker(options);
}
