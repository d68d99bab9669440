import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapConflict, SqliteDatabase } from '../../src/store/sqlite/database.ts';
import { ConflictError } from '../../src/store/errors.ts';

test('opens with WAL, synchronous=NORMAL, foreign keys, a busy timeout, owner-only file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-db-'));
  try {
    const path = join(dir, 'sub', 'stratus.db');
    const db = SqliteDatabase.open(path);
    assert.equal(db.raw.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.raw.pragma('synchronous', { simple: true }), 1); // NORMAL
    assert.equal(db.raw.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(db.raw.pragma('busy_timeout', { simple: true }), 5000);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    db.close();
    assert.equal(db.isOpen, false);
    db.close(); // idempotent
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('statements are prepared once per SQL text', () => {
  const db = SqliteDatabase.open(':memory:');
  const a = db.statement('SELECT 1');
  assert.equal(db.statement('SELECT 1'), a);
  assert.notEqual(db.statement('SELECT 2'), a);
  db.close();
});

test('transactions commit, roll back on throw, nest as savepoints, refuse async bodies', () => {
  const db = SqliteDatabase.open(':memory:');
  db.raw.exec('CREATE TABLE t (v INTEGER PRIMARY KEY)');
  const insert = db.statement<[number]>('INSERT INTO t (v) VALUES (?)');
  const count = () => db.raw.prepare('SELECT count(*) FROM t').pluck().get();
  assert.equal(
    db.transaction(() => {
      insert.run(1);
      return 'ok';
    }),
    'ok',
  );
  assert.throws(() =>
    db.transaction(() => {
      insert.run(2);
      throw new Error('boom');
    }),
  );
  assert.equal(count(), 1);
  db.transaction(() => {
    insert.run(3);
    assert.throws(() =>
      db.transaction(() => {
        insert.run(4);
        throw new Error('inner');
      }),
    );
  });
  assert.deepEqual(db.raw.prepare('SELECT v FROM t ORDER BY v').pluck().all(), [1, 3]);
  assert.throws(() => db.transaction((async () => insert.run(5)) as () => unknown), /promise/i);
  db.close();
});

test('mapConflict turns unique violations into ConflictError', () => {
  const db = SqliteDatabase.open(':memory:');
  db.raw.exec('CREATE TABLE u (name TEXT UNIQUE)');
  db.raw.exec("INSERT INTO u VALUES ('x')");
  assert.throws(
    () => mapConflict(() => db.raw.exec("INSERT INTO u VALUES ('x')")),
    (e: unknown) => e instanceof ConflictError && e.constraint === 'u.name',
  );
  assert.throws(() => mapConflict(() => db.raw.exec('INSERT INTO nowhere VALUES (1)')), /no such table/);
  db.close();
});

test('foreign keys are enforced', () => {
  const db = SqliteDatabase.open(':memory:');
  db.raw.exec('CREATE TABLE p (id TEXT PRIMARY KEY); CREATE TABLE c (p TEXT REFERENCES p(id))');
  assert.throws(() => db.raw.exec("INSERT INTO c VALUES ('missing')"), /FOREIGN KEY/);
  db.close();
});

test('background checkpoints: the WAL reaches the database file while the writer never checkpoints', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-db-'));
  try {
    const path = join(dir, 'stratus.db');
    const db = SqliteDatabase.open(path, { backgroundCheckpoints: true });
    assert.equal(db.raw.pragma('wal_autocheckpoint', { simple: true }), 16_384);
    db.raw.exec('CREATE TABLE t (data BLOB)');
    const insert = db.raw.prepare('INSERT INTO t VALUES (?)');
    const before = statSync(path).size;
    // ~2 MiB: far below the writer's own autocheckpoint, so only the worker can move it.
    for (let i = 0; i < 500; i++) insert.run(Buffer.alloc(4000, i));
    const deadline = Date.now() + 10_000;
    while (statSync(path).size < before + 1_000_000 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    assert.ok(statSync(path).size >= before + 1_000_000, `database file ${statSync(path).size} bytes`);
    assert.equal(db.raw.prepare('SELECT count(*) FROM t').pluck().get(), 500);
    db.close();
    await db.released(); // the worker has let go of the file: it may be removed now
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('groupTransaction: calls of one turn commit together, in order; a throw undoes only its own writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-db-'));
  try {
    const path = join(dir, 'stratus.db');
    const db = SqliteDatabase.open(path);
    db.raw.exec('CREATE TABLE t (n INTEGER PRIMARY KEY)');
    const insert = (n: number) => () => db.raw.prepare('INSERT INTO t VALUES (?)').run(n).changes;
    const results = await Promise.allSettled([
      db.groupTransaction(insert(1)),
      db.groupTransaction(() => {
        insert(2)();
        insert(1)(); // duplicate: this call's row 2 is undone with it
      }),
      db.groupTransaction(() => db.raw.prepare('SELECT count(*) FROM t').pluck().get()),
      db.groupTransaction(insert(3)),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
    );
    assert.equal((results[2] as PromiseFulfilledResult<number>).value, 1); // sees the earlier call
    // Settled means committed: another connection sees the rows.
    const other = SqliteDatabase.open(path);
    assert.deepEqual(other.raw.prepare('SELECT n FROM t ORDER BY n').pluck().all(), [1, 3]);
    other.close();
    // close() commits what is still waiting.
    const late = db.groupTransaction(insert(4));
    db.close();
    assert.equal(await late, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pageSize applies to a new database file only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-db-'));
  try {
    const path = join(dir, 'a.db');
    const db = SqliteDatabase.open(path, { pageSize: 16_384 });
    db.raw.exec('CREATE TABLE t (x)');
    assert.equal(db.raw.pragma('page_size', { simple: true }), 16_384);
    db.close();
    const again = SqliteDatabase.open(path, { pageSize: 4096 });
    assert.equal(again.raw.pragma('page_size', { simple: true }), 16_384);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cacheKiB bounds the page cache (better-sqlite3 would give every connection 16 MB)', () => {
  const db = SqliteDatabase.open(':memory:');
  assert.equal(db.raw.pragma('cache_size', { simple: true }), -16_000);
  db.close();
  const small = SqliteDatabase.open(':memory:', { cacheKiB: 2048 });
  assert.equal(small.raw.pragma('cache_size', { simple: true }), -2048);
  small.close();
});
