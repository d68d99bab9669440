import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { BlobNotFoundError, BlobTooLargeError } from '../../src/blob/blob-store.ts';
import { FsBlobStore } from '../../src/blob/fs/fs-blob-store.ts';
import { SmallBlobs } from '../../src/blob/sqlite/small-blobs.ts';
import { TieredBlobStore } from '../../src/blob/tiered-blob-store.ts';

const LIMIT = 1024;
let dir: string;
let store: TieredBlobStore;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stratus-tiered-'));
  const files = await FsBlobStore.open(join(dir, 'blobs'));
  store = new TieredBlobStore(files, SmallBlobs.open(join(dir, 'blobs', 'small.db')), LIMIT);
});
after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const read = async (id: string, range?: { start: number; end: number }) =>
  buffer(await store.read(id, range));
const tmpFiles = () => readdirSync(join(dir, 'blobs', 'tmp'));
const chunked = (data: Buffer, size = 100) =>
  Readable.from(
    Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size)),
  );

test('a body hinted small becomes a row; its bytes come back whole, by range, and as a stream', async () => {
  const data = randomBytes(1000);
  const seen: Buffer[] = [];
  const { id, size } = await store.write(chunked(data), {
    sizeHint: data.length,
    onChunk: (c) => seen.push(Buffer.from(c)),
  });
  assert.match(id, /^s\d+$/);
  assert.equal(size, 1000);
  assert.deepEqual(Buffer.concat(seen), data);
  assert.deepEqual(await store.readBytes(id), data);
  assert.deepEqual(await store.readBytes(id, { start: 10, end: 19 }), data.subarray(10, 20));
  assert.deepEqual(await read(id, { start: 990, end: 999 }), data.subarray(990));
  assert.equal(await store.size(id), 1000);
  assert.equal(await store.has(id), true);
  assert.ok(Math.abs((await store.mtimeMs(id)) - Date.now()) < 60_000);
});

test('bodies without a hint, or hinted large, or asking for fsync are files', async () => {
  const data = randomBytes(200);
  for (const options of [{}, { sizeHint: LIMIT + 1 }, { sizeHint: 200, fsync: true }]) {
    const { id } = await store.write(chunked(data), options);
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(await store.readBytes(id), undefined);
    assert.deepEqual(await read(id), data);
  }
});

test('a body that outgrows its hint spills into a file with every byte, in order', async () => {
  const data = randomBytes(LIMIT * 5 + 7);
  const md5 = createHash('md5');
  const { id, size } = await store.write(chunked(data, 300), { sizeHint: 10, onChunk: (c) => md5.update(c) });
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(size, data.length);
  assert.deepEqual(await read(id), data);
  assert.equal(md5.digest('hex'), createHash('md5').update(data).digest('hex'));
  assert.deepEqual(tmpFiles(), []);
});

test('maxBytes, a failing source and an abort leave nothing behind, small or spilled', async () => {
  const before = await ids();
  await assert.rejects(
    store.write(chunked(randomBytes(600)), { sizeHint: 600, maxBytes: 500 }),
    BlobTooLargeError,
  );
  await assert.rejects(
    store.write(chunked(randomBytes(LIMIT * 3)), { sizeHint: 10, maxBytes: LIMIT * 2 }),
    BlobTooLargeError,
  );
  const failing = new PassThrough();
  const pending = store.write(failing, { sizeHint: 100 });
  failing.write(Buffer.alloc(50));
  failing.destroy(new Error('boom'));
  await assert.rejects(pending, /boom/);
  const spilling = new PassThrough();
  const spilled = store.write(spilling, { sizeHint: 100 });
  spilling.write(Buffer.alloc(LIMIT * 2));
  await new Promise((r) => setImmediate(r));
  spilling.destroy(new Error('gone'));
  await assert.rejects(spilled, /gone/);
  const controller = new AbortController();
  const slow = new PassThrough();
  const aborted = store.write(slow, { sizeHint: 100, signal: controller.signal });
  slow.write(Buffer.alloc(10));
  controller.abort(new Error('stop'));
  await assert.rejects(aborted, /stop/);
  // A stream destroyed without an error (a client that went away) is not a complete body.
  const closed = new PassThrough();
  const gone = store.write(closed, { sizeHint: 100 });
  closed.write(Buffer.alloc(10));
  closed.destroy();
  await assert.rejects(gone);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(await ids(), before);
  assert.deepEqual(tmpFiles(), []);
});

test('delete, copy and missing ids', async () => {
  const { id } = await store.write(Buffer.from('hello'), { sizeHint: 5 });
  const copy = await store.copy(id);
  assert.notEqual(copy.id, id);
  assert.equal(copy.size, 5);
  await store.delete(id);
  await store.delete(id); // idempotent
  assert.equal(await store.has(id), false);
  await assert.rejects(store.read(id), BlobNotFoundError);
  await assert.rejects(store.size(id), BlobNotFoundError);
  await assert.rejects(store.copy(id), BlobNotFoundError);
  assert.equal((await read(copy.id)).toString(), 'hello');
  // Ids are never handed out again, so a stale id cannot reach another blob.
  const next = await store.write(Buffer.from('x'), { sizeHint: 1 });
  assert.ok(Number(next.id.slice(1)) > Number(copy.id.slice(1)));
});

test('concat mixes rows and files; a small result stays a row', async () => {
  const big = randomBytes(LIMIT * 3);
  const a = await store.write(chunked(big), {});
  const b = await store.write(Buffer.from('tail'), { sizeHint: 4 });
  const whole = await store.concat([a.id, b.id]);
  assert.match(whole.id, /^[0-9a-f]{32}$/);
  assert.deepEqual(await read(whole.id), Buffer.concat([big, Buffer.from('tail')]));
  const c = await store.write(Buffer.from('head-'), { sizeHint: 5 });
  const small = await store.concat([c.id, b.id]);
  assert.match(small.id, /^s\d+$/);
  assert.equal((await read(small.id)).toString(), 'head-tail');
  await assert.rejects(store.concat([c.id, 's999999']), BlobNotFoundError);
});

test('listIds names rows and files', async () => {
  const row = await store.write(Buffer.from('r'), { sizeHint: 1 });
  const file = await store.write(Buffer.from('f'));
  const all = await ids();
  assert.ok(all.includes(row.id) && all.includes(file.id));
});

async function ids(): Promise<string[]> {
  const out: string[] = [];
  for await (const id of store.listIds()) out.push(id);
  return out.sort();
}
