/**
 * `npm run bench`: Stratus against a bare node:http server, the same server writing each body to
 * a file, and moto_server, on this machine, in one run. Prints each figure and the ratios.
 *
 *   BENCH_SECONDS   seconds per throughput phase (default 5)
 *   BENCH_ROUNDS    interleaved rounds for the compared figures (default 3; interleaved.ts)
 *   BENCH_AUDIT_ROUNDS  rounds of the audit on/off comparison (default 7)
 *   BENCH_SKIP      comma list of servers to skip: stratus,bare,files,moto
 *   BENCH_LIST_MAX  largest bucket for the listing phase (default 100000)
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { S3Bench, throughput } from './client.ts';
import { freePort, startBare, startMoto, startStratus, type BenchServer } from './servers.ts';
import { cpuSeconds } from './proc.ts';
import { generator, interleaved, median, roundRatio, type Contestant } from './interleaved.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const AUDIT_ROUNDS = Number(process.env.BENCH_AUDIT_ROUNDS ?? 7);
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const LIST_MAX = Number(process.env.BENCH_LIST_MAX ?? 100_000);
const CONCURRENCY = 16;
const SMALL = Buffer.alloc(4096, 'a');
const MiB = 1024 * 1024;

type Row = Record<string, number | undefined>;
const results: Record<string, Row> = {};

/** Samples the server's resident memory (MiB) every 50 ms. */
function memoryWatch(pid: number) {
  let peak = 0;
  const read = () => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      // process gone
    }
  };
  const timer = setInterval(read, 50);
  read();
  return {
    reset: () => {
      peak = 0;
      read();
    },
    peak: () => (read(), peak),
    stop: () => clearInterval(timer),
  };
}

function cpuPercent<T>(fn: () => Promise<T>): Promise<{ value: T; cpu: number }> {
  const start = process.cpuUsage();
  const t0 = Date.now();
  return fn().then((value) => {
    const used = process.cpuUsage(start);
    return { value, cpu: ((used.user + used.system) / 1000 / (Date.now() - t0)) * 100 };
  });
}

async function smallObjects(name: string, c: S3Bench, bucket: string, row: Row): Promise<void> {
  const put = await cpuPercent(() =>
    throughput(SECONDS, CONCURRENCY, (i) => c.request('PUT', `/${bucket}/small/${i}`, {}, SMALL)),
  );
  row.put = put.value.perSecond;
  row.putLoad = put.cpu;
  const written = put.value.count;
  row.get = (
    await throughput(SECONDS, CONCURRENCY, (i) =>
      c.request('GET', `/${bucket}/small/${i % written}`, {}, undefined, {}, true),
    )
  ).perSecond;
  row.head = (
    await throughput(SECONDS, CONCURRENCY, (i) => c.request('HEAD', `/${bucket}/small/${i % written}`))
  ).perSecond;
  let d = 0;
  row.delete = (
    await throughput(SECONDS, CONCURRENCY, () => {
      const i = d++;
      return c.request('DELETE', `/${bucket}/small/${i < written ? i : `gone-${i}`}`);
    })
  ).perSecond;
  console.log(
    `  ${name}: PUT ${row.put.toFixed(0)}/s GET ${row.get.toFixed(0)}/s HEAD ${row.head.toFixed(0)}/s DELETE ${row.delete.toFixed(0)}/s (load generator CPU ${put.cpu.toFixed(0)}%)`,
  );
}

/** Peak server RSS while a 1 GiB body streams in (the bound the goals set). */
async function rssDuringGiB(
  c: S3Bench,
  bucket: string,
  row: Row,
  mem: ReturnType<typeof memoryWatch>,
): Promise<void> {
  mem.reset();
  const before = mem.peak();
  const gib = 1024 * MiB;
  const res = await c.request('PUT', `/${bucket}/large/gib`, {}, generator(gib), {
    'content-length': String(gib),
  });
  if (res.status >= 300) throw new Error(`1 GiB PUT ${res.status}`);
  row.rss1g = mem.peak();
  await c.request('DELETE', `/${bucket}/large/gib`);
  row.rssBefore1g = before;
  console.log(
    `  stratus: peak RSS during a 1 GiB PUT ${row.rss1g.toFixed(0)} MiB (${before.toFixed(0)} MiB just before it)`,
  );
}

async function multipart(name: string, c: S3Bench, bucket: string, row: Row): Promise<void> {
  const partSize = 8 * MiB;
  const parts = 32;
  const t = Date.now();
  const created = await c.request('POST', `/${bucket}/mpu`, { uploads: '' });
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.body.toString())?.[1];
  if (!uploadId) throw new Error(`CreateMultipartUpload: ${created.status} ${created.body}`);
  const etags: string[] = [];
  let next = 1;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next <= parts) {
        const n = next++;
        const res = await c.request(
          'PUT',
          `/${bucket}/mpu`,
          { partNumber: String(n), uploadId },
          generator(partSize),
          { 'content-length': String(partSize) },
        );
        if (res.status >= 300) throw new Error(`UploadPart ${res.status} ${res.body}`);
        etags[n] = String(res.headers.etag);
      }
    }),
  );
  const xml = `<CompleteMultipartUpload>${etags.map((e, i) => (e ? `<Part><PartNumber>${i}</PartNumber><ETag>${e}</ETag></Part>` : '')).join('')}</CompleteMultipartUpload>`;
  const done = await c.request('POST', `/${bucket}/mpu`, { uploadId }, Buffer.from(xml));
  if (done.status >= 300 || done.body.includes('<Error>'))
    throw new Error(`Complete ${done.status} ${done.body}`);
  row.mpu256 = (partSize * parts) / MiB / ((Date.now() - t) / 1000);
  console.log(`  ${name}: 256 MiB multipart upload ${row.mpu256.toFixed(0)} MB/s`);
}

async function fill(c: S3Bench, bucket: string, from: number, to: number): Promise<void> {
  let i = from;
  const body = Buffer.from('x');
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (i < to) {
        const n = i++;
        const res = await c.request('PUT', `/${bucket}/list/${String(n).padStart(7, '0')}`, {}, body);
        if (res.status >= 300) throw new Error(`fill ${res.status}`);
      }
    }),
  );
}

/**
 * The median time of 20 pages spread over the bucket, and the slowest. The median, so that a
 * page that met the server's own background work (the orphan-blob collector's first scan comes
 * five minutes after start, about when a full run lists 100k keys) does not stand for all.
 */
async function listPage(c: S3Bench, bucket: string, total: number): Promise<{ median: number; max: number }> {
  const samples = 20;
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    const start = Math.floor((total * s) / samples);
    const t = process.hrtime.bigint();
    const res = await c.request('GET', `/${bucket}`, {
      'list-type': '2',
      'max-keys': '1000',
      'start-after': `list/${String(start).padStart(7, '0')}`,
    });
    if (res.status !== 200) throw new Error(`list ${res.status}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { median: median(times), max: Math.max(...times) };
}

async function listing(name: string, c: S3Bench, bucket: string, row: Row, max: number): Promise<void> {
  await fill(c, bucket, 0, 10_000);
  const small = await listPage(c, bucket, 10_000);
  row.list10k = small.median;
  console.log(
    `  ${name}: ListObjectsV2 page of 1000 from 10k keys: ${small.median.toFixed(1)} ms (slowest ${small.max.toFixed(1)})`,
  );
  if (max > 10_000) {
    await fill(c, bucket, 10_000, max);
    const large = await listPage(c, bucket, max);
    row.list100k = large.median;
    console.log(
      `  ${name}: ListObjectsV2 page of 1000 from ${max / 1000}k keys: ${large.median.toFixed(1)} ms (slowest ${large.max.toFixed(1)})`,
    );
  }
}

/** One server alone: small objects (unless measured interleaved), then its own extras. */
async function bench(
  server: BenchServer,
  s3: boolean,
  opts: { small?: boolean; list?: number; rss?: boolean; mpu?: boolean },
  mem = memoryWatch(server.pid),
): Promise<void> {
  const row: Row = (results[server.name] ??= {});
  const c = new S3Bench(server.endpoint, CONCURRENCY);
  try {
    const bucket = `bench-${Date.now()}`;
    if (s3) {
      const res = await c.request('PUT', `/${bucket}`);
      if (res.status !== 200) throw new Error(`CreateBucket ${res.status} ${res.body}`);
    }
    if (opts.small) await smallObjects(server.name, c, bucket, row);
    if (opts.rss) await rssDuringGiB(c, bucket, row, mem);
    if (opts.mpu) await multipart(server.name, c, bucket, row);
    if (opts.list) await listing(server.name, c, bucket, row, opts.list);
    row.peakRss = Math.max(row.peakRss ?? 0, mem.peak());
  } finally {
    mem.stop();
    c.close();
  }
}

/**
 * Recording cost: two fresh servers, audit on and off, measured in interleaved rounds of small
 * PUTs with the order alternating (disk state and machine load drift over a run, so sequential
 * runs are not comparable), reported two ways: throughput lost (1 - on/off) and server CPU (all
 * threads) per request gained (on/off - 1).
 */
async function auditAB(): Promise<{ throughput: number; cpu: number } | undefined> {
  const on = await startStratus(await freePort());
  const off = await startStratus(await freePort(), [], { STRATUS_AUDIT: 'off' });
  const lost: number[] = [];
  const cpu: number[] = [];
  try {
    const servers = [on, off];
    const clients = servers.map((s) => new S3Bench(s.endpoint, CONCURRENCY));
    for (const c of clients) await c.request('PUT', '/audit-ab');
    for (let round = 0; round < AUDIT_ROUNDS; round++) {
      const rate: number[] = [];
      const perRequest: number[] = [];
      for (const i of round % 2 ? [1, 0] : [0, 1]) {
        clients[i]!.dropIdleSockets();
        const before = cpuSeconds(servers[i]!.pid);
        const r = await throughput(SECONDS, CONCURRENCY, (n) =>
          clients[i]!.request('PUT', `/audit-ab/${round}-${n}`, {}, SMALL),
        );
        rate[i] = r.perSecond;
        perRequest[i] = (cpuSeconds(servers[i]!.pid) - before) / r.count;
      }
      lost.push(1 - rate[0]! / rate[1]!);
      cpu.push(perRequest[0]! / perRequest[1]! - 1);
      console.log(
        `  audit A/B round ${round + 1}: on ${rate[0]!.toFixed(0)}/s (${(perRequest[0]! * 1e6).toFixed(0)} µs CPU/request), off ${rate[1]!.toFixed(0)}/s (${(perRequest[1]! * 1e6).toFixed(0)} µs)`,
      );
    }
    for (const c of clients) c.close();
  } finally {
    await on.stop();
    await off.stop();
  }
  return { throughput: median(lost) * 100, cpu: median(cpu) * 100 };
}

function ratio(a?: number, b?: number): string {
  return a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a';
}

async function main(): Promise<void> {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  console.log(
    `Benchmark: 4 KiB objects at concurrency ${CONCURRENCY}, ${SECONDS} s per phase, ${ROUNDS} interleaved rounds, on ${(await import('node:os')).cpus().length} cores`,
  );
  // Stratus and the two bare servers side by side, for the figures the goals compare.
  const starters: [string, () => Promise<BenchServer>, boolean][] = [
    ['stratus', async () => startStratus(await freePort()), true],
    ['bare', async () => startBare(await freePort(), 'memory'), false],
    ['files', async () => startBare(await freePort(), 'files'), false],
  ];
  const contestants: Contestant[] = [];
  const watches = new Map<string, ReturnType<typeof memoryWatch>>();
  for (const [key, start, s3] of starters) {
    if (SKIP.has(key)) continue;
    const server = await start();
    console.log(`${server.name} (pid ${server.pid})`);
    contestants.push({ server, s3 });
    watches.set(server.name, memoryWatch(server.pid));
  }
  let rounds: Awaited<ReturnType<typeof interleaved>>['rounds'] = [];
  try {
    if (contestants.length) {
      const run = await interleaved(contestants, {
        rounds: ROUNDS,
        seconds: SECONDS,
        concurrency: CONCURRENCY,
      });
      rounds = run.rounds;
      for (const [name, figures] of Object.entries(run.medians)) results[name] = { ...figures };
    }
    for (const { server } of contestants) {
      const mem = watches.get(server.name)!;
      if (server.name !== 'stratus') {
        (results[server.name] ??= {}).peakRss = mem.peak();
        mem.stop();
        continue;
      }
      await bench(server, true, { rss: true, mpu: true, list: LIST_MAX }, mem);
    }
  } finally {
    for (const { server } of contestants) await server.stop();
  }
  if (!SKIP.has('moto')) {
    const moto = await startMoto(4704);
    if (!moto) console.log('moto: not available, skipped');
    else {
      console.log(`${moto.name} (pid ${moto.pid})`);
      try {
        await bench(moto, true, {
          small: true,
          list: Math.min(LIST_MAX, Number(process.env.BENCH_MOTO_LIST_MAX ?? 10_000)),
        });
      } catch (err) {
        console.log(`  ${moto.name}: failed: ${(err as Error).message}`);
      } finally {
        await moto.stop();
      }
    }
  }
  const auditCost = SKIP.has('stratus') ? undefined : await auditAB();
  const s = results.stratus ?? {};
  const bare = results['bare node:http'] ?? {};
  const files = results['bare + file per body'] ?? {};
  const moto = results.moto_server ?? {};
  const f = (v?: number, d = 0) => (v === undefined ? 'n/a' : v.toFixed(d));
  console.log('\n| figure | stratus | bare node:http | bare + files | moto_server |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [label, key, d] of [
    ['PUT 4 KiB /s', 'put', 0],
    ['GET 4 KiB /s', 'get', 0],
    ['HEAD /s', 'head', 0],
    ['DELETE /s', 'delete', 0],
    ['64 MiB PUT MB/s', 'put64', 0],
    ['64 MiB GET MB/s', 'get64', 0],
    ['256 MiB multipart MB/s', 'mpu256', 0],
    ['list page 10k keys ms (median of 20)', 'list10k', 1],
    ['list page 100k keys ms (median of 20)', 'list100k', 1],
    ['peak server RSS MiB', 'peakRss', 0],
    ['load generator CPU %, PUT phase', 'putLoad', 0],
    ['load generator CPU %, GET phase', 'getLoad', 0],
    ['load generator CPU %, HEAD phase', 'headLoad', 0],
  ] as [string, string, number][]) {
    console.log(
      `| ${label} | ${f(s[key], d)} | ${f(bare[key], d)} | ${f(files[key], d)} | ${f(moto[key], d)} |`,
    );
  }
  console.log('\nRatios (goals in parentheses):');
  // Against the bare servers: the median of per-round ratios (interleaved.ts).
  const r = (b: string, key: string) => {
    const x = roundRatio(rounds, 'stratus', b, key);
    return x === undefined ? 'n/a' : `${x.toFixed(2)}x`;
  };
  const BARE = 'bare node:http';
  const FILES = 'bare + file per body';
  console.log(`  PUT vs bare+files ${r(FILES, 'put')} (>= 1x); vs moto ${ratio(s.put, moto.put)} (>= 3x)`);
  console.log(`  GET vs bare ${r(BARE, 'get')} (>= 0.5x); HEAD vs bare ${r(BARE, 'head')} (>= 0.5x)`);
  console.log(
    `  64 MiB PUT vs bare+files ${r(FILES, 'put64')} (>= 0.9x); GET ${r(FILES, 'get64')} (>= 0.9x)`,
  );
  console.log(
    `  list page 100k/10k ${ratio(s.list100k, s.list10k)} (<= 1.5x); moto ${ratio(moto.list100k, moto.list10k)}`,
  );
  console.log(
    `  peak RSS during 1 GiB PUT ${f(s.rss1g)} MiB (< 200; ${f(s.rssBefore1g)} MiB just before it)`,
  );
  console.log(
    auditCost
      ? `  audit recording cost on PUT: ${auditCost.throughput.toFixed(1)}% throughput, ${auditCost.cpu.toFixed(1)}% server CPU per request (< 10%; medians of interleaved rounds)`
      : '  audit recording cost on PUT: n/a',
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
