/**
 * The figures the goals compare across servers (4 KiB PUT/GET/HEAD/DELETE, 64 MiB PUT/GET),
 * measured in interleaved rounds: every server runs each phase once per round, in a rotating
 * order. This machine's speed drifts by tens of percent over a run (other tenants, disk
 * writeback), so servers measured minutes apart are not comparable; within a round they are.
 * Each figure is the median over rounds, and each ratio the median of the per-round ratios.
 */
import { Readable } from 'node:stream';
import { S3Bench, throughput } from './client.ts';
import type { BenchServer } from './servers.ts';

const MiB = 1024 * 1024;
const SMALL = Buffer.alloc(4096, 'a');
const LARGE = 64 * MiB;
/** 64 MiB PUTs (then GETs) per server and round, timed together. */
const LARGE_TRANSFERS = 3;

export interface Contestant {
  server: BenchServer;
  /** An S3 server (buckets must be created); the bare servers take any path. */
  s3: boolean;
}

export type Figures = Record<string, number>;

/** A body of `total` bytes from one reused block (the generator costs next to nothing). */
export function generator(total: number, chunk = MiB): Readable {
  const block = Buffer.alloc(chunk, 'z');
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return this.push(null);
      const n = Math.min(chunk, total - sent);
      sent += n;
      this.push(n === chunk ? block : block.subarray(0, n));
    },
  });
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Runs `rounds` rounds; returns per-server medians (keys put/get/head/delete/put64/get64 and
 * putLoad/getLoad/headLoad/deleteLoad, the load generator's CPU % in each phase) and every
 * round's figures for ratios.
 */
export async function interleaved(
  contestants: Contestant[],
  opts: { rounds: number; seconds: number; concurrency: number },
): Promise<{ medians: Record<string, Figures>; rounds: Record<string, Figures>[] }> {
  const clients = contestants.map((c) => new S3Bench(c.server.endpoint, opts.concurrency));
  const buckets = contestants.map((_, i) => `bench-${Date.now()}-${i}`);
  const written = contestants.map(() => 0);
  const perRound: Record<string, Figures>[] = [];
  try {
    for (const [i, c] of contestants.entries()) {
      if (!c.s3) continue;
      const res = await clients[i]!.request('PUT', `/${buckets[i]}`);
      if (res.status !== 200) throw new Error(`CreateBucket ${res.status} ${res.body}`);
    }
    for (let round = 0; round < opts.rounds; round++) {
      const figures: Record<string, Figures> = {};
      for (const c of contestants) figures[c.server.name] = {};
      const order = contestants.map((_, i) => (i + round) % contestants.length);
      const phase = async (key: string, op: (i: number, at: number) => Promise<{ status: number }>) => {
        for (const i of order) {
          const start = process.cpuUsage();
          const t0 = Date.now();
          // Sockets idle since this server's last phase may be closing (keep-alive timeout).
          clients[i]!.dropIdleSockets();
          const r = await throughput(
            opts.seconds,
            opts.concurrency,
            (n) => op(n, i) as ReturnType<S3Bench['request']>,
          ).catch((e: Error) => {
            throw new Error(`${contestants[i]!.server.name} ${key}: ${e.message}`, { cause: e });
          });
          const used = process.cpuUsage(start);
          figures[contestants[i]!.server.name]![key] = r.perSecond;
          if (key === 'put') written[i] = r.count;
          figures[contestants[i]!.server.name]![`${key}Load`] =
            ((used.user + used.system) / 1000 / (Date.now() - t0)) * 100;
        }
      };
      // Each round writes its own keys; GET and HEAD read them, DELETE removes them.
      const key = (i: number, n: number) => `/${buckets[i]}/small/${round}-${n}`;
      await phase('put', (n, i) => clients[i]!.request('PUT', key(i, n), {}, SMALL));
      await phase('get', (n, i) =>
        clients[i]!.request('GET', key(i, n % written[i]!), {}, undefined, {}, true),
      );
      await phase('head', (n, i) => clients[i]!.request('HEAD', key(i, n % written[i]!)));
      await phase('delete', (n, i) =>
        clients[i]!.request('DELETE', n < written[i]! ? key(i, n) : `/${buckets[i]}/small/gone-${n}`),
      );
      // Several transfers per server and round: one 64 MiB transfer takes a fifth of a second
      // here, and single ones swung by half from one to the next.
      for (const i of order) {
        const name = contestants[i]!.server.name;
        const path = (k: number) => `/${buckets[i]}/large/${round}-${k}`;
        clients[i]!.dropIdleSockets();
        let t = Date.now();
        for (let k = 0; k < LARGE_TRANSFERS; k++) {
          const put = await clients[i]!.request('PUT', path(k), {}, generator(LARGE), {
            'content-length': String(LARGE),
          });
          if (put.status >= 300) throw new Error(`large PUT ${put.status} ${put.body}`);
        }
        figures[name]!.put64 = (LARGE_TRANSFERS * LARGE) / MiB / ((Date.now() - t) / 1000);
        t = Date.now();
        for (let k = 0; k < LARGE_TRANSFERS; k++) {
          const get = await clients[i]!.request('GET', path(k), {}, undefined, {}, true);
          if (get.status >= 300) throw new Error(`large GET ${get.status}`);
        }
        figures[name]!.get64 = (LARGE_TRANSFERS * LARGE) / MiB / ((Date.now() - t) / 1000);
        for (let k = 0; k < LARGE_TRANSFERS; k++) await clients[i]!.request('DELETE', path(k));
      }
      perRound.push(figures);
      for (const c of contestants) {
        const f = figures[c.server.name]!;
        console.log(
          `  round ${round + 1} ${c.server.name}: PUT ${f.put!.toFixed(0)}/s GET ${f.get!.toFixed(0)}/s HEAD ${f.head!.toFixed(0)}/s DELETE ${f.delete!.toFixed(0)}/s, 64 MiB PUT ${f.put64!.toFixed(0)} MB/s GET ${f.get64!.toFixed(0)} MB/s (load generator CPU % PUT/GET/HEAD ${[f.putLoad, f.getLoad, f.headLoad].map((x) => x!.toFixed(0)).join('/')})`,
        );
      }
    }
  } finally {
    for (const c of clients) c.close();
  }
  const medians: Record<string, Figures> = {};
  for (const c of contestants) {
    const name = c.server.name;
    medians[name] = {};
    for (const k of Object.keys(perRound[0]![name]!))
      medians[name]![k] = median(perRound.map((r) => r[name]![k]!));
  }
  return { medians, rounds: perRound };
}

/** Median over rounds of a/b, where both figures come from the same round. */
export function roundRatio(
  rounds: Record<string, Figures>[],
  a: string,
  b: string,
  key: string,
): number | undefined {
  const xs = rounds
    .map((r) => (r[a]?.[key] !== undefined && r[b]?.[key] ? r[a]![key]! / r[b]![key]! : undefined))
    .filter((x): x is number => x !== undefined);
  return xs.length ? median(xs) : undefined;
}
