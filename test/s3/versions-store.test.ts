/**
 * Versioned storage against a naive model: random writes, delete markers and deletes by version
 * id on a bucket whose versioning is switched between Enabled and Suspended (null versions), then ListObjectVersions paged by key and version-id markers (with
 * prefixes and delimiters) must list what the model does, and the current object must be the
 * newest non-marker version.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteDatabase } from '../../src/store/sqlite/database.ts';
import { SqliteS3Repository } from '../../src/services/s3/store/sqlite.ts';
import { compareKeys } from '../../src/services/s3/store/key-order.ts';
import type { ObjectRecord } from '../../src/services/s3/store/repository.ts';

interface ModelVersion {
  id: string;
  marker: boolean;
}

const KEYS = ['a', 'a/b', 'a/c/d', 'b', 'b/x', 'c', 'é', '😀'];

let seed = 42;
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};

const record = (key: string, n: number): ObjectRecord => ({
  bucket: 'b',
  key,
  blobId: `blob-${n}`,
  size: n,
  etag: `"${n}"`,
  lastModified: n,
  storageClass: 'STANDARD',
  owner: '000000000000',
  attrs: {},
});

for (const s0 of [42, 7, 99, 1234, 2026]) {
  test(`versions match a model through puts, delete markers and deletes by id (seed ${s0})`, async () => {
    seed = s0;
    const db = SqliteDatabase.open(':memory:');
    const r = new SqliteS3Repository(db);
    await r.createBucket({ name: 'b', accountId: '000000000000', region: 'us-east-1', createdAt: 0 });
    await r.setBucketVersioning('b', 'Enabled');
    const model = new Map<string, ModelVersion[]>();
    let suspended = false;
    for (let i = 0; i < 300; i++) {
      const key = KEYS[rand(KEYS.length)]!;
      const vs = model.get(key) ?? [];
      const op = rand(12);
      // A suspended bucket's writes replace the key's null version.
      const dropNull = () => {
        if (!suspended) return;
        const n = vs.findIndex((v) => v.id === 'null');
        if (n >= 0) vs.splice(n, 1);
      };
      if (op < 6) {
        const rec = record(key, i);
        await r.putObject(rec);
        dropNull();
        vs.unshift({ id: rec.versionId!, marker: false });
        assert.equal(rec.versionId === 'null', suspended);
      } else if (op < 8) {
        const m = await r.putDeleteMarker('b', key, '000000000000', i);
        dropNull();
        vs.unshift({ id: m.versionId, marker: true });
      } else if (op < 9) {
        suspended = !suspended;
        await r.setBucketVersioning('b', suspended ? 'Suspended' : 'Enabled');
      } else if (vs.length) {
        const j = rand(vs.length);
        const d = await r.deleteVersion('b', key, vs[j]!.id);
        assert.ok(d.removed);
        vs.splice(j, 1);
      }
      if (vs.length) model.set(key, vs);
      else model.delete(key);
    }
    // The current object is the newest version unless that is a delete marker.
    for (const key of KEYS) {
      const vs = model.get(key);
      const cur = await r.getObject('b', key);
      if (!vs || vs[0]!.marker) assert.equal(cur, undefined, key);
      else assert.equal(cur ? (cur.versionId ?? 'null') : undefined, vs[0]!.id, key);
    }
    const sorted = [...model.keys()].sort(compareKeys);
    for (const [prefix, delimiter] of [
      ['', undefined],
      ['', '/'],
      ['a', '/'],
      ['a/', undefined],
    ] as const) {
      const want: string[] = [];
      const seenPrefixes = new Set<string>();
      for (const key of sorted) {
        if (!key.startsWith(prefix)) continue;
        const i = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
        if (i >= 0) {
          const cp = key.slice(0, i + 1);
          if (!seenPrefixes.has(cp)) want.push(`P:${cp}`);
          seenPrefixes.add(cp);
          continue;
        }
        model.get(key)!.forEach((v, n) => want.push(`${key}:${v.id}:${v.marker}:${n === 0}`));
      }
      for (const maxKeys of [1, 2, 3, 1000]) {
        const got: string[] = [];
        let keyMarker: string | undefined;
        let versionIdMarker: string | undefined;
        for (let pages = 0; pages < 1000; pages++) {
          const page = await r.listVersions('b', {
            prefix,
            ...(delimiter ? { delimiter } : {}),
            ...(keyMarker !== undefined ? { keyMarker } : {}),
            ...(versionIdMarker !== undefined ? { versionIdMarker } : {}),
            maxKeys,
          });
          assert.ok(page.versions.length + page.commonPrefixes.length <= maxKeys);
          // Entries in listing order: versions and prefixes are interleaved by key.
          const entries = [
            ...page.versions.map((v) => ({
              k: v.key,
              s: `${v.key}:${v.versionId}:${v.deleteMarker}:${v.isLatest}`,
            })),
            ...page.commonPrefixes.map((p) => ({ k: p, s: `P:${p}` })),
          ].sort((x, y) => compareKeys(x.k, y.k));
          got.push(...entries.map((e) => e.s));
          if (!page.truncated) break;
          keyMarker = page.nextKeyMarker;
          versionIdMarker = page.nextVersionIdMarker;
        }
        assert.deepEqual(got, want, `prefix=${prefix} delimiter=${delimiter} maxKeys=${maxKeys}`);
      }
    }
  });
}
