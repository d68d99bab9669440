/**
 * Orphan blobs (left by a crash between a blob's write and its commit) are removed by the
 * server's background collector; blobs objects use, and young unreferenced ones, stay.
 * STRATUS_BLOB_GC_DELAY_SECONDS / _INTERVAL_SECONDS make it run at once and often here.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { FsBlobStore } from '../../src/blob/fs/fs-blob-store.ts';
import { SmallBlobs } from '../../src/blob/sqlite/small-blobs.ts';
import { blobPath } from '../../src/blob/fs/layout.ts';
import { startTestServer, sdkConfig, type TestServer } from '../support/server.ts';

const HOUR_AGO = Date.now() / 1000 - 3600;
const dir = mkdtempSync(join(tmpdir(), 'stratus-blob-gc-'));
const blobDir = join(dir, 'blobs');
let server: TestServer;
let s3: S3Client;
let oldFile: string;
let youngFile: string;
let oldSmall: string;

/** What a crash leaves: blobs written, never committed. Two an hour old, one just written. */
async function plantOrphans(): Promise<void> {
  const files = await FsBlobStore.open(blobDir);
  oldFile = (await files.write(Buffer.alloc(100_000, 1))).id;
  youngFile = (await files.write(Buffer.alloc(100_000, 2))).id;
  utimesSync(blobPath(blobDir, oldFile), HOUR_AGO, HOUR_AGO);
  const small = SmallBlobs.open(join(blobDir, 'small.db'));
  oldSmall = await small.put(Buffer.from('orphaned small body'));
  await small.close();
  const db = new Database(join(blobDir, 'small.db'));
  db.prepare('UPDATE small_blobs SET created_ms = ?').run(Math.floor(HOUR_AGO * 1000));
  db.close();
}

function smallExists(id: string): boolean {
  const db = new Database(join(blobDir, 'small.db'), { readonly: true });
  try {
    return !!db.prepare('SELECT 1 FROM small_blobs WHERE id = ?').get(Number(id.slice(1)));
  } finally {
    db.close();
  }
}

async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  await plantOrphans();
  const saved = { ...process.env };
  process.env.STRATUS_BLOB_GC_DELAY_SECONDS = '0.2';
  process.env.STRATUS_BLOB_GC_INTERVAL_SECONDS = '0.2';
  try {
    server = await startTestServer([], dir);
  } finally {
    process.env = saved;
  }
  s3 = new S3Client(sdkConfig(server));
});

after(async () => {
  s3.destroy();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('old orphans go; young orphans and the blobs objects use stay', async () => {
  await s3.send(new CreateBucketCommand({ Bucket: 'gc-bucket' }));
  const large = Buffer.alloc(200_000, 7);
  const files = await FsBlobStore.open(blobDir);
  const before = new Set<string>();
  for await (const id of files.listIds()) before.add(id);
  await s3.send(new PutObjectCommand({ Bucket: 'gc-bucket', Key: 'large', Body: large }));
  await s3.send(new PutObjectCommand({ Bucket: 'gc-bucket', Key: 'small', Body: 'kept small body' }));
  let stored: string | undefined;
  for await (const id of files.listIds()) if (!before.has(id)) stored = id;
  assert.ok(stored, "the large object's blob is a file");
  // As old as the orphans: only the reference keeps it.
  utimesSync(blobPath(blobDir, stored), HOUR_AGO, HOUR_AGO);

  await until(() => !existsSync(blobPath(blobDir, oldFile)) && !smallExists(oldSmall));
  // A few more rounds, then everything else is still there.
  await new Promise((r) => setTimeout(r, 600));
  assert.ok(existsSync(blobPath(blobDir, youngFile)), 'a blob younger than ten minutes is kept');
  assert.ok(existsSync(blobPath(blobDir, stored)), "an object's blob is kept");
  const got = await s3.send(new GetObjectCommand({ Bucket: 'gc-bucket', Key: 'large' }));
  assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), large);
  const small = await s3.send(new GetObjectCommand({ Bucket: 'gc-bucket', Key: 'small' }));
  assert.equal(await small.Body!.transformToString(), 'kept small body');
});
