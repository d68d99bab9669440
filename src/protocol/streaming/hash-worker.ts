/**
 * The hashing side of offloaded checksums (hash-offload.ts), served in the background thread
 * (src/background-thread.ts). Each job is a ring of bytes in shared memory that the request
 * thread fills; this side feeds them to a ChecksumTracker and posts the result when the job is
 * finished. Jobs take turns a slice at a time, so one large upload does not hold up another.
 *
 * It waits with Atomics.waitAsync on one doorbell shared by all jobs, so the thread stays free
 * for its other work and for messages (new jobs) while idle.
 */
import type { MessagePort } from 'node:worker_threads';
import { ChecksumTracker, type ChecksumAlgorithm } from './checksums.ts';
import { CTRL_STATE, CTRL_USED, STATE_ABORTED, STATE_FINISHED, type HashJobMessage } from './hash-ring.ts';

const SLICE = 1024 * 1024;

interface Job {
  id: number;
  ring: Uint8Array;
  ctrl: Int32Array;
  tail: number;
  tracker: ChecksumTracker;
}

/** Serves the jobs of one HashPool until its port closes. */
export function serve(port: MessagePort, data: { bell: SharedArrayBuffer }): void {
  const bell = new Int32Array(data.bell);
  const jobs = new Map<number, Job>();
  let closed = false;
  const wake = () => {
    Atomics.add(bell, 0, 1);
    Atomics.notify(bell, 0);
  };

  port.on('message', (m: HashJobMessage) => {
    const tracker = new ChecksumTracker({
      algorithms: m.algorithms as ChecksumAlgorithm[],
      md5: m.md5,
      sha256: m.sha256,
    });
    jobs.set(m.id, {
      id: m.id,
      ring: new Uint8Array(m.ring),
      ctrl: new Int32Array(m.ctrl),
      tail: 0,
      tracker,
    });
    // The producer may have rung before this job was known: look again.
    wake();
  });
  port.on('close', () => {
    closed = true;
    wake();
  });

  /** Hashes up to SLICE bytes of the job; true when it did anything. */
  function step(job: Job): boolean {
    const { ring, ctrl } = job;
    // Read the state first: every byte written before it was set is counted in USED by now.
    const state = Atomics.load(ctrl, CTRL_STATE);
    if (state === STATE_ABORTED) {
      jobs.delete(job.id);
      port.postMessage({ id: job.id });
      return true;
    }
    let budget = SLICE;
    let used = Atomics.load(ctrl, CTRL_USED);
    const worked = used > 0;
    while (used > 0 && budget > 0) {
      const n = Math.min(used, ring.length - job.tail, budget);
      job.tracker.update(Buffer.from(ring.buffer, ring.byteOffset + job.tail, n));
      job.tail = (job.tail + n) % ring.length;
      budget -= n;
      used = Atomics.sub(ctrl, CTRL_USED, n) - n;
      Atomics.notify(ctrl, CTRL_USED);
    }
    if (state === STATE_FINISHED && used === 0) {
      jobs.delete(job.id);
      port.postMessage({ id: job.id, result: job.tracker.finish() });
      return true;
    }
    return worked;
  }

  async function run(): Promise<void> {
    while (!closed) {
      const seen = Atomics.load(bell, 0);
      let worked = false;
      for (const job of jobs.values()) worked = step(job) || worked;
      // Between rounds, let messages and the thread's other work in, even while rings stay busy.
      if (worked) {
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      const wait = Atomics.waitAsync(bell, 0, seen);
      if (wait.async) await wait.value;
    }
  }

  void run();
}
