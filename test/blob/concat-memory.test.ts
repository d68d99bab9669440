// concat streams part by part: joining 256 MiB of parts must not grow memory by anything close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '../../src/blob/fs/fs-blob-store.ts';

const PART = 4 * 1024 * 1024;
const PARTS = 64;

test('concat of many large parts keeps memory flat', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stratus-concat-'));
  try {
    const store = await FsBlobStore.open(dir);
    const chunk = Buffer.alloc(64 * 1024);
    const ids: string[] = [];
    const expected = createHash('sha256');
    for (let p = 0; p < PARTS; p++) {
      chunk.fill(p);
      // One reused buffer, yielded 64 times: the parts themselves cost no memory to make.
      const { id } = await store.write(
        (async function* () {
          for (let i = 0; i < PART / chunk.length; i++) {
            expected.update(chunk);
            yield chunk;
          }
        })(),
      );
      ids.push(id);
    }
    const rssBefore = process.resourceUsage().maxRSS * 1024;
    const actual = createHash('sha256');
    const { id, size } = await store.concat(ids, { onChunk: (c) => actual.update(c) });
    const grown = process.resourceUsage().maxRSS * 1024 - rssBefore;
    assert.equal(size, PART * PARTS);
    assert.equal(await store.size(id), PART * PARTS);
    assert.equal(actual.digest('hex'), expected.digest('hex'));
    // Buffering the whole result would grow the peak RSS by >= 256 MiB.
    assert.ok(grown < 96 * 1024 * 1024, `peak RSS grew by ${Math.round(grown / 1048576)} MiB`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
