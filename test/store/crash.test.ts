// kill -9 in the middle of writes: every acknowledged write survives, no partial blob is visible.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { FsBlobStore } from '../../src/blob/fs/fs-blob-store.ts';
import { SqliteDatabase } from '../../src/store/sqlite/database.ts';

const writer = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));

function verifies(content: Buffer): boolean {
  if (content.length < 33) return false;
  const data = content.subarray(0, content.length - 32);
  return createHash('sha256')
    .update(data)
    .digest()
    .equals(content.subarray(content.length - 32));
}

async function runAndKill(dataDir: string, acksBeforeKill: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let acked = 0;
  let pending = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const m = /^ack (\d+)$/.exec(line);
      if (m) acked = Math.max(acked, Number(m[1]));
    }
    if (acked >= acksBeforeKill) child.kill('SIGKILL');
  });
  const signal = await exited;
  assert.equal(signal, 'SIGKILL', 'the writer died by SIGKILL, not on its own');
  return acked;
}

test('acknowledged writes survive SIGKILL and no partial blob is visible', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'stratus-crash-'));
  try {
    // Two rounds: the second starts from the state the first crash left.
    for (const target of [60, 45]) {
      const acked = await runAndKill(dataDir, target);
      assert.ok(acked >= target);

      const db = SqliteDatabase.open(join(dataDir, 'stratus.db'));
      const rows = db.raw.prepare('SELECT n, blob_id, size FROM items ORDER BY n').all() as {
        n: number;
        blob_id: string;
        size: number;
      }[];
      const present = new Set(rows.map((r) => r.n));
      for (let n = 1; n <= acked; n++) assert.ok(present.has(n), `acknowledged row ${n} survived`);
      const blobs = await FsBlobStore.open(join(dataDir, 'blobs'));
      assert.deepEqual(await readdir(join(dataDir, 'blobs', 'tmp')), [], 'temp files swept at open');
      for (const row of rows) {
        const content = await buffer(await blobs.read(row.blob_id));
        assert.equal(content.length, row.size);
        assert.ok(verifies(content), `blob of row ${row.n} is complete`);
      }
      // Orphans (blob written, row not yet committed) may exist, but none is partial.
      let seen = 0;
      for await (const id of blobs.listIds()) {
        seen++;
        assert.ok(verifies(await buffer(await blobs.read(id))), `blob ${id} is complete`);
      }
      assert.ok(seen >= rows.length);
      db.raw.exec('DELETE FROM items'); // the next writer numbers from 1 again
      db.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
