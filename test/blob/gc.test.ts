import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '../../src/blob/fs/fs-blob-store.ts';
import { blobPath } from '../../src/blob/fs/layout.ts';
import { collectOrphanBlobs } from '../../src/blob/gc.ts';

test('collectOrphanBlobs deletes old blobs no service references', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stratus-gc-'));
  try {
    const store = await FsBlobStore.open(dir);
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push((await store.write(Buffer.from(String(i)))).id);
    const old = new Date(Date.now() - 3_600_000);
    for (const id of ids.slice(0, 10)) await utimes(blobPath(dir, id), old, old);
    // Service A references 0-2, service B 3-5; 6-9 are old orphans; 10-11 are orphans too new to touch.
    const a = new Set(ids.slice(0, 3));
    const b = new Set(ids.slice(3, 6));
    const checks = [
      (c: readonly string[]) => new Set(c.filter((id) => a.has(id))),
      async (c: readonly string[]) => new Set(c.filter((id) => b.has(id))),
    ];
    const result = await collectOrphanBlobs(store, checks, { batchSize: 5 });
    assert.deepEqual(result, { scanned: 12, deleted: 4 });
    for (const [i, id] of ids.entries()) assert.equal(await store.has(id), !(i >= 6 && i < 10), `blob ${i}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('collectOrphanBlobs lets the event loop run between batches', async () => {
  // A store whose listing and checks never wait for I/O, like small.db's rows.
  const store = {
    async *listIds() {
      for (let i = 0; i < 2000; i++) yield `s${i}`;
    },
  } as unknown as FsBlobStore;
  let turns = 0;
  let counting = true;
  const count = () => {
    turns++;
    if (counting) setImmediate(count);
  };
  setImmediate(count);
  let batches = 0;
  const result = await collectOrphanBlobs(
    store,
    [
      (ids) => {
        batches++;
        return new Set(ids);
      },
    ],
    { batchSize: 500 },
  );
  counting = false;
  assert.deepEqual(result, { scanned: 2000, deleted: 0 });
  assert.equal(batches, 4);
  assert.ok(turns >= 3, `the event loop turned ${turns} times during 4 batches`);
});
