/**
 * The listing seek against a naive model: random keys (unicode beyond the BMP included, where
 * UTF-16 and UTF-8 orders differ), prefixes and delimiters, paged by markers, must list what
 * sorting and rolling up every key would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteDatabase } from '../../src/store/sqlite/database.ts';
import { SqliteS3Repository } from '../../src/services/s3/store/sqlite.ts';
import { compareKeys, prefixUpperBound } from '../../src/services/s3/store/key-order.ts';

async function repo() {
  const db = SqliteDatabase.open(':memory:');
  const r = new SqliteS3Repository(db);
  await r.createBucket({ name: 'b', accountId: '000000000000', region: 'us-east-1', createdAt: 0 });
  return r;
}

async function put(r: SqliteS3Repository, key: string) {
  await r.putObject({
    bucket: 'b',
    key,
    blobId: `blob-${key}`,
    size: 1,
    etag: '"x"',
    lastModified: 0,
    storageClass: 'STANDARD',
    owner: '000000000000',
    attrs: {},
  });
}

function naive(keys: string[], prefix: string, delimiter: string | undefined): string[] {
  const out: string[] = [];
  for (const k of [...keys].sort(compareKeys)) {
    if (!k.startsWith(prefix)) continue;
    const i = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
    const entry = i >= 0 ? k.slice(0, i + delimiter!.length) : k;
    if (out[out.length - 1] !== entry) out.push(entry);
  }
  return out;
}

async function listAll(
  r: SqliteS3Repository,
  prefix: string,
  delimiter: string | undefined,
  maxKeys: number,
): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  for (let guard = 0; guard < 10000; guard++) {
    const page = await r.listObjects('b', {
      prefix,
      ...(delimiter ? { delimiter } : {}),
      ...(after !== undefined ? { after } : {}),
      maxKeys,
    });
    const entries = [...page.contents.map((c) => c.key), ...page.commonPrefixes].sort(compareKeys);
    assert.ok(entries.length <= maxKeys);
    out.push(...entries);
    if (!page.truncated) return out;
    after = page.last;
  }
  throw new Error('no end');
}

test('prefixUpperBound is the least string above every extension of the prefix', () => {
  assert.equal(prefixUpperBound(''), undefined);
  assert.equal(prefixUpperBound('a/'), 'a0');
  assert.equal(prefixUpperBound('a\u{10ffff}'), 'b');
  assert.equal(prefixUpperBound('\u{d7ff}'), '\u{e000}');
  assert.ok(compareKeys('a\u{10000}', 'a\u{ffff}') > 0, 'code point order, not UTF-16');
});

test('paged listings equal the naive model for random keys, prefixes and delimiters', async () => {
  const r = await repo();
  const alphabet = ['a', 'b', '/', '-', 'é', '\u{ff5e}', '\u{1f600}', 'z', '.'];
  let seed = 42;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const keys = new Set<string>();
  while (keys.size < 400) {
    let k = '';
    const len = 1 + rnd(7);
    for (let i = 0; i < len; i++) k += alphabet[rnd(alphabet.length)];
    keys.add(k);
  }
  for (const k of keys) await put(r, k);
  const all = [...keys];
  for (const prefix of ['', 'a', 'a/', '/', 'é', '\u{1f600}', 'zz', 'nothing']) {
    for (const delimiter of [undefined, '/', '-', 'ab']) {
      for (const maxKeys of [1, 3, 1000]) {
        assert.deepEqual(
          await listAll(r, prefix, delimiter, maxKeys),
          naive(all, prefix, delimiter),
          `${prefix}|${delimiter}|${maxKeys}`,
        );
      }
    }
  }
});

test('a marker inside a common prefix continues after that prefix', async () => {
  const r = await repo();
  for (const k of ['p/1', 'p/2', 'q', 'r/1']) await put(r, k);
  const page = await r.listObjects('b', { prefix: '', delimiter: '/', after: 'p/1', maxKeys: 10 });
  assert.deepEqual([page.contents.map((c) => c.key), page.commonPrefixes], [['q'], ['r/']]);
  await assert.rejects(
    r.putObject({
      bucket: 'gone',
      key: 'k',
      blobId: 'x',
      size: 0,
      etag: '"x"',
      lastModified: 0,
      storageClass: 'STANDARD',
      owner: '0',
      attrs: {},
    }),
    /not found/,
  );
  const zero = await r.listObjects('b', { prefix: '', maxKeys: 0 });
  assert.deepEqual([zero.contents.length, zero.truncated], [0, false]);
});
