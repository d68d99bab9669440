import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ChecksumTracker, type ChecksumAlgorithm } from '../../src/protocol/streaming/checksums.ts';
import { HashPool, hashPool, OFFLOAD_MIN_BYTES } from '../../src/protocol/streaming/hash-offload.ts';
import { Readable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '../../src/blob/fs/fs-blob-store.ts';
import { TieredBlobStore } from '../../src/blob/tiered-blob-store.ts';
import { SmallBlobs } from '../../src/blob/sqlite/small-blobs.ts';
import { createBodyDecoder } from '../../src/protocol/streaming/body.ts';
import { crc64nvme } from '../../src/protocol/streaming/crc.ts';
import { decode } from './helpers.ts';

const ALL: ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];
const data = Buffer.from(Array.from({ length: 200_003 }, (_, i) => (i * 2654435761) >>> 24));

function inline(bytes: Buffer) {
  const t = new ChecksumTracker({ algorithms: ALL, md5: true, sha256: true });
  t.update(bytes);
  return t.finish();
}

/** Feeds bytes to a job in pieces, waiting whenever the ring is full, as the body decoder does. */
async function feed(pool: HashPool, bytes: Buffer, piece: number) {
  const job = pool.open({ algorithms: ALL, md5: true, sha256: true });
  assert.ok(job, 'a ring is free');
  for (let i = 0; i < bytes.length; i += piece) await job.update(bytes.subarray(i, i + piece));
  return job.finish();
}

test('a job hashes to what the request thread computes, whatever the pieces and a small ring', async () => {
  // A 4 KiB ring: every piece size below wraps it and most fill it.
  const pool = new HashPool(4096, 2);
  const expected = inline(data);
  for (const piece of [1, 1000, 4096, 5000, 65_536, data.length]) {
    const got = await feed(pool, data, piece);
    assert.deepEqual(got, expected, `pieces of ${piece}`);
    assert.ok(Buffer.isBuffer(got.md5) && Buffer.isBuffer(got.sha256));
  }
  assert.equal(pool.active, 0);
});

test('concurrent jobs keep their bytes apart; a full pool says so and frees up again', async () => {
  const pool = new HashPool(8192, 2);
  const a = data.subarray(0, 150_000);
  const b = data.subarray(50_000);
  const [ra, rb] = await Promise.all([feed(pool, a, 3000), feed(pool, b, 7000)]);
  assert.deepEqual(ra, inline(a));
  assert.deepEqual(rb, inline(b));

  const first = pool.open({ algorithms: [], md5: true, sha256: false })!;
  const second = pool.open({ algorithms: [], md5: true, sha256: false })!;
  assert.equal(pool.open({ algorithms: [], md5: true, sha256: false }), undefined, 'every ring taken');
  first.abort();
  await second.update(data);
  assert.equal((await second.finish()).md5!.toString('hex'), createHash('md5').update(data).digest('hex'));
  // The aborted job's ring comes back once the hashing thread lets go of it.
  while (pool.active > 0) await new Promise((r) => setTimeout(r, 5));
  const third = pool.open({ algorithms: ['CRC64NVME'], md5: false, sha256: false });
  assert.ok(third);
  await third.update(data);
  assert.equal((await third.finish()).checksums.CRC64NVME, crc64nvme(data).toString('base64'));
});

test('an aborted job takes no more bytes, and a job waiting for room gives up', async () => {
  const pool = new HashPool(1024, 1);
  const job = pool.open({ algorithms: ['CRC32'], md5: true, sha256: false })!;
  const waiting = job.update(data); // far more than the ring: waits for room
  assert.ok(waiting instanceof Promise);
  job.abort();
  await waiting;
  assert.throws(() => job.update(data), /after the job ended/);
  await assert.rejects(job.finish(), /after the job ended/);
});

test('when the hashing thread goes away its jobs fail, and the next job is served anew', async () => {
  const pool = new HashPool(1024, 2);
  const big = Buffer.concat(Array.from({ length: 20 }, () => data)); // 4 MB through a 1 KiB ring
  const waiting = pool.open({ algorithms: ['CRC32'], md5: true, sha256: false })!;
  const idle = pool.open({ algorithms: [], md5: true, sha256: false })!;
  const pending = waiting.update(big);
  assert.ok(pending instanceof Promise, 'waits for room');
  // The thread's end of the port closing is what its death looks like from here.
  (pool as unknown as { port: import('node:worker_threads').MessagePort }).port.close();
  await assert.rejects(pending, /hashing thread went away/);
  await assert.rejects(idle.finish(), /hashing thread went away/);
  assert.throws(() => waiting.update(data), /hashing thread went away/);
  assert.equal(pool.active, 0, 'failed jobs give their rings up');
  const next = pool.open({ algorithms: ['CRC64NVME'], md5: true, sha256: false });
  assert.ok(next);
  await next.update(data);
  const result = await next.finish();
  assert.equal(result.checksums.CRC64NVME, crc64nvme(data).toString('base64'));
  assert.equal(result.md5!.toString('hex'), createHash('md5').update(data).digest('hex'));
});

test('the body decoder hashes large bodies on the hashing thread, with the algorithms begin() adds', async () => {
  const body = Buffer.concat([data, data, data, data, data, data]);
  assert.ok(body.length >= OFFLOAD_MIN_BYTES);
  const headers = { 'content-length': String(body.length) };
  const dec = createBodyDecoder({ headers });
  let sawJob = false;
  const chunks: Buffer[] = [];
  dec.on('data', (c: Buffer) => {
    chunks.push(c);
    sawJob ||= hashPool.active > 0;
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(dec.begin(['CRC64NVME']), false, 'reading began it with no extra algorithms');
  const dec2 = createBodyDecoder({ headers });
  assert.equal(dec2.begin(['CRC64NVME']), true);
  assert.equal(dec2.begin(['CRC32']), false, 'only once');
  const out: Buffer[] = [];
  dec2.on('data', (c: Buffer) => {
    out.push(c);
    sawJob ||= hashPool.active > 0;
  });
  const done = Promise.all([new Promise((r) => dec.on('end', r)), new Promise((r) => dec2.on('end', r))]);
  for (let i = 0; i < body.length; i += 65_536) {
    dec.write(body.subarray(i, i + 65_536));
    dec2.write(body.subarray(i, i + 65_536));
  }
  dec.end();
  dec2.end();
  await done;
  assert.ok(sawJob, 'a hashing job was open while the body streamed');
  assert.ok(Buffer.concat(out).equals(body) && Buffer.concat(chunks).equals(body));
  const md5 = createHash('md5').update(body).digest('hex');
  assert.equal(dec.result!.md5!.toString('hex'), md5);
  assert.deepEqual(dec.result!.checksums, {});
  assert.equal(dec2.result!.md5!.toString('hex'), md5);
  assert.deepEqual(dec2.result!.checksums, { CRC64NVME: crc64nvme(body).toString('base64') });
});

test('a large body whose checksum header is wrong still fails with BadDigest', async () => {
  const body = Buffer.concat([data, data, data, data, data, data]);
  const wrong = crc64nvme(data).toString('base64');
  await assert.rejects(
    decode(body, {
      headers: { 'content-length': String(body.length), 'x-amz-checksum-crc64nvme': wrong },
    }),
    (e: { code?: string }) => e.code === 'BadDigest',
  );
  const right = crc64nvme(body).toString('base64');
  const { result } = await decode(body, {
    headers: { 'content-length': String(body.length), 'x-amz-checksum-crc64nvme': right },
  });
  assert.equal(result.supplied?.value, right);
});

test('a blob written from a stream waits for the hashing thread and hashes every byte', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stratus-hash-blob-'));
  try {
    const files = await FsBlobStore.open(join(dir, 'files'));
    const small = SmallBlobs.open(join(dir, 'small.db'));
    const body = Buffer.concat([data, data, data, data, data, data]);
    // The tiered store with a small size hint reads into memory, then spills into a file.
    const stores = [
      { name: 'files', store: files, sizeHint: body.length },
      { name: 'tiered, spilled', store: new TieredBlobStore(files, small), sizeHint: 1000 },
    ];
    for (const { name, store, sizeHint } of stores) {
      // A 4 KiB ring: nearly every 64 KiB chunk waits for room.
      const job = new HashPool(4096, 1).open({ algorithms: ALL, md5: true, sha256: true })!;
      const source = Readable.from(
        (function* () {
          for (let i = 0; i < body.length; i += 65_536) yield body.subarray(i, i + 65_536);
        })(),
      );
      const info = await store.write(source, {
        sizeHint,
        onChunk: (c) => job.update(Buffer.from(c)),
      });
      assert.deepEqual(await job.finish(), inline(body), name);
      assert.ok((await readAll(await store.read(info.id))).equals(body), name);
    }
    // While a wait is pending no further chunk arrives.
    for (const { name, store, sizeHint } of stores) {
      let pending = false;
      let early = 0;
      let calls = 0;
      const onChunk = () => {
        calls++;
        if (pending) early++;
        pending = true;
        return new Promise<void>((resolve) =>
          setTimeout(() => {
            pending = false;
            resolve();
          }, 2),
        );
      };
      await store.write(Readable.from([data, data, data, data]), { sizeHint, onChunk });
      assert.equal(calls, 4, name);
      assert.equal(early, 0, `${name}: chunks that came while a wait was pending`);
    }
    // A rejected wait fails the write.
    const failing = Readable.from([data, data]);
    await assert.rejects(
      files.write(failing, { onChunk: () => Promise.reject(new Error('hashing thread went away')) }),
      /hashing thread went away/,
    );
    await small.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
