import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { BlobNotFoundError, BlobTooLargeError } from '../../src/blob/blob-store.ts';
import { FsBlobStore } from '../../src/blob/fs/fs-blob-store.ts';

let dir: string;
let store: FsBlobStore;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stratus-blob-'));
  store = await FsBlobStore.open(join(dir, 'blobs'));
});
after(() => rm(dir, { recursive: true, force: true }));

const tmpFiles = () => readdirSync(join(dir, 'blobs', 'tmp'));
const read = async (id: string, range?: { start: number; end: number }) =>
  buffer(await store.read(id, range));

test('write streams into a random id under ab/cd/ and reads back', async () => {
  const data = randomBytes(300_000);
  const { id, size } = await store.write(Readable.from([data.subarray(0, 1000), data.subarray(1000)]));
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(size, data.length);
  assert.ok(existsSync(join(dir, 'blobs', id.slice(0, 2), id.slice(2, 4), id)));
  assert.deepEqual(await read(id), data);
  assert.equal(await store.size(id), data.length);
  assert.equal(await store.has(id), true);
  assert.deepEqual(tmpFiles(), []);
});

test('accepts buffers, async iterables, strings, and empty bodies', async () => {
  const a = await store.write(Buffer.from('hello'));
  assert.equal((await read(a.id)).toString(), 'hello');
  const b = await store.write(
    (async function* () {
      yield new TextEncoder().encode('ab');
      yield new TextEncoder().encode('cd');
    })(),
  );
  assert.equal((await read(b.id)).toString(), 'abcd');
  const c = await store.write(Readable.from(['str', 'ing'], { objectMode: false }));
  assert.equal((await read(c.id)).toString(), 'string');
  const empty = await store.write(Readable.from([]));
  assert.equal(empty.size, 0);
  assert.equal((await read(empty.id)).length, 0);
});

test('onChunk sees every byte in order (callers hash while streaming)', async () => {
  const data = randomBytes(200_000);
  const hash = createHash('sha256');
  const { id } = await store.write(Readable.from([data.subarray(0, 7), data.subarray(7)]), {
    onChunk: (c) => hash.update(c),
  });
  assert.equal(hash.digest('hex'), createHash('sha256').update(data).digest('hex'));
  assert.deepEqual(await read(id), data);
});

test('ranges are inclusive byte ranges', async () => {
  const { id } = await store.write(Buffer.from('0123456789'));
  assert.equal((await read(id, { start: 0, end: 0 })).toString(), '0');
  assert.equal((await read(id, { start: 3, end: 6 })).toString(), '3456');
  assert.equal((await read(id, { start: 8, end: 100 })).toString(), '89');
  await assert.rejects(store.read(id, { start: 5, end: 4 }), RangeError);
  await assert.rejects(store.read(id, { start: -1, end: 4 }), RangeError);
});

test('concurrent writes all land intact', async () => {
  const bodies = Array.from({ length: 64 }, (_, i) => randomBytes(1000 + i * 517));
  const results = await Promise.all(bodies.map((b) => store.write(Readable.from([b]))));
  assert.equal(new Set(results.map((r) => r.id)).size, bodies.length);
  for (const [i, r] of results.entries()) {
    assert.equal(r.size, bodies[i]!.length);
    assert.deepEqual(await read(r.id), bodies[i]);
  }
  assert.deepEqual(tmpFiles(), []);
});

test('a source error or abort removes the temp file and publishes nothing', async () => {
  const before = new Set(await collect(store.listIds()));
  const failing = new PassThrough();
  const pending = store.write(failing);
  failing.write(randomBytes(100_000));
  await new Promise((r) => setImmediate(r));
  failing.destroy(new Error('client went away'));
  await assert.rejects(pending, /client went away/);

  const controller = new AbortController();
  const slow = new PassThrough();
  const aborted = store.write(slow, { signal: controller.signal });
  slow.write(randomBytes(50_000));
  await new Promise((r) => setImmediate(r));
  controller.abort();
  await assert.rejects(aborted, { name: 'AbortError' });

  await assert.rejects(store.write(Buffer.alloc(11), { maxBytes: 10 }), BlobTooLargeError);
  const body = new PassThrough();
  const limited = store.write(body, { maxBytes: 10 });
  body.write(Buffer.alloc(8));
  body.write(Buffer.alloc(8));
  await assert.rejects(limited, BlobTooLargeError);

  assert.deepEqual(tmpFiles(), []);
  assert.deepEqual(new Set(await collect(store.listIds())), before);
});

test('delete is idempotent; missing blobs are BlobNotFoundError', async () => {
  const { id } = await store.write(Buffer.from('x'));
  await store.delete(id);
  await store.delete(id);
  assert.equal(await store.has(id), false);
  await assert.rejects(store.read(id), BlobNotFoundError);
  await assert.rejects(store.size(id), BlobNotFoundError);
  await assert.rejects(store.copy(id), BlobNotFoundError);
  assert.deepEqual(tmpFiles(), []);
});

test('ids that are not ours (../, absolute paths, keys) never reach the filesystem', async () => {
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'keep me');
  const { id } = await store.write(Buffer.from('real'));
  const evil = [
    '../victim.txt',
    '../../victim.txt',
    victim,
    `${id.slice(0, 2)}/${id.slice(2, 4)}/${id}`,
    `${id}/../${id}`,
    id.toUpperCase(),
    `${id}\0`,
    'tmp',
    '',
  ];
  for (const bad of evil) {
    await assert.rejects(store.read(bad), BlobNotFoundError, bad);
    await assert.rejects(store.size(bad), BlobNotFoundError, bad);
    await assert.rejects(store.copy(bad), BlobNotFoundError, bad);
    await assert.rejects(store.concat([id, bad]), BlobNotFoundError, bad);
    assert.equal(await store.has(bad), false);
    await store.delete(bad);
  }
  assert.equal(await readFile(victim, 'utf8'), 'keep me');
  assert.equal((await read(id)).toString(), 'real');
  assert.deepEqual(tmpFiles(), []);
});

test('copy makes an independent blob', async () => {
  const { id } = await store.write(Buffer.from('original'));
  const copy = await store.copy(id);
  assert.notEqual(copy.id, id);
  assert.equal(copy.size, 8);
  await store.delete(id);
  assert.equal((await read(copy.id)).toString(), 'original');
});

test('concat joins parts in order; a missing part fails cleanly', async () => {
  const parts = await Promise.all(['alpha-', 'beta-', '', 'gamma'].map((s) => store.write(Buffer.from(s))));
  const hash = createHash('md5');
  const joined = await store.concat(
    parts.map((p) => p.id),
    { onChunk: (c) => hash.update(c) },
  );
  assert.equal(joined.size, 'alpha-beta-gamma'.length);
  assert.equal((await read(joined.id)).toString(), 'alpha-beta-gamma');
  assert.equal(hash.digest('hex'), createHash('md5').update('alpha-beta-gamma').digest('hex'));
  assert.equal((await read(parts[0]!.id)).toString(), 'alpha-', 'parts are left alone');

  const gone = await store.write(Buffer.from('gone'));
  await store.delete(gone.id);
  await assert.rejects(store.concat([parts[0]!.id, gone.id]), BlobNotFoundError);
  assert.deepEqual(tmpFiles(), []);
  const empty = await store.concat([]);
  assert.equal(empty.size, 0);
});

test('listIds yields every blob; open() sweeps stale temp files', async () => {
  const root = join(dir, 'other');
  const s = await FsBlobStore.open(root);
  const ids = new Set<string>();
  for (let i = 0; i < 20; i++) ids.add((await s.write(Buffer.from(String(i)))).id);
  writeFileSync(join(root, 'tmp', 'leftover.tmp'), 'partial');
  writeFileSync(join(root, 'not-a-blob'), 'x');
  assert.deepEqual(new Set(await collect(s.listIds())), ids);
  assert.ok((await s.mtimeMs([...ids][0]!)) > 0);

  const reopened = await FsBlobStore.open(root);
  assert.deepEqual(readdirSync(join(root, 'tmp')), []);
  assert.deepEqual(new Set(await collect(reopened.listIds())), ids);

  // With an age threshold only old temp files go (a writer may be busy with a new one).
  writeFileSync(join(root, 'tmp', 'old.tmp'), 'x');
  writeFileSync(join(root, 'tmp', 'new.tmp'), 'x');
  const old = new Date(Date.now() - 3_600_000);
  await utimes(join(root, 'tmp', 'old.tmp'), old, old);
  assert.equal(await reopened.sweepTemp(60_000), 1);
  assert.deepEqual(readdirSync(join(root, 'tmp')), ['new.tmp']);
});

test('fsync writes work the same', async () => {
  const s = await FsBlobStore.open(join(dir, 'synced'), { fsync: true });
  const { id } = await s.write(Buffer.from('durable'));
  assert.equal((await buffer(await s.read(id))).toString(), 'durable');
  const c = await s.concat([id, id]);
  assert.equal((await buffer(await s.read(c.id))).toString(), 'durabledurable');
  const cp = await s.copy(id, { fsync: true });
  assert.equal(await s.size(cp.id), 7);
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('an HTTP upload cut off mid-body leaves no temp file and no blob', async () => {
  const { createServer, request } = await import('node:http');
  const before = new Set(await collect(store.listIds()));
  // Wrapped in an object: resolving with a bare promise would wait for the write itself.
  let onSettled!: (w: { done: Promise<unknown> }) => void;
  const settled = new Promise<{ done: Promise<unknown> }>((r) => (onSettled = r));
  const server = createServer((req, res) => {
    onSettled({
      done: store.write(req).then(
        () => res.end('stored'),
        (e: Error) => e,
      ),
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const req = request({ host: '127.0.0.1', port, method: 'PUT', headers: { 'content-length': '1000000' } });
  req.on('error', () => {});
  req.write(randomBytes(300_000));
  const writing = await settled; // the server is streaming into its temp file
  while (tmpFiles().length === 0) await new Promise((r) => setImmediate(r));
  req.destroy();
  const outcome = await writing.done;
  server.close();
  assert.ok(outcome instanceof Error, 'the write failed');
  assert.deepEqual(tmpFiles(), []);
  assert.deepEqual(new Set(await collect(store.listIds())), before);
});

test('consecutive blobs share a shard directory (no mkdir per write) yet ids stay random', async () => {
  const s = await FsBlobStore.open(join(dir, 'shards'));
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push((await s.write(Buffer.from('x'))).id);
  assert.equal(new Set(ids.map((id) => id.slice(0, 4))).size, 1);
  assert.equal(new Set(ids.map((id) => id.slice(4))).size, 5);
  assert.deepEqual(readdirSync(join(dir, 'shards')).sort(), [ids[0]!.slice(0, 2), 'tmp'].sort());
});
