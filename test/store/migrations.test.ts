import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDatabase, type SqliteMigration } from '../../src/store/sqlite/database.ts';
import { SchemaTooNewError, StoreError } from '../../src/store/errors.ts';

const v1: SqliteMigration = { version: 1, name: 'things', up: 'CREATE TABLE things (id TEXT PRIMARY KEY)' };
const v2: SqliteMigration = {
  version: 2,
  name: 'colour',
  up: "ALTER TABLE things ADD COLUMN colour TEXT DEFAULT 'red'",
};

test('applies pending migrations once, per service, and records them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-mig-'));
  try {
    const path = join(dir, 'db');
    let db = SqliteDatabase.open(path);
    assert.equal(db.migrate('alpha', [v1]), 1);
    assert.equal(db.migrate('alpha', [v1]), 0);
    assert.equal(db.migrate('beta', [{ ...v1, up: 'CREATE TABLE beta_things (id TEXT)' }]), 1);
    db.raw.prepare("INSERT INTO things (id) VALUES ('x')").run();
    db.close();

    db = SqliteDatabase.open(path);
    assert.equal(db.schemaVersion('alpha'), 1);
    assert.equal(db.migrate('alpha', [v1, v2]), 1);
    assert.equal(db.schemaVersion('alpha'), 2);
    assert.equal(db.schemaVersion('beta'), 1);
    assert.equal(db.raw.prepare("SELECT colour FROM things WHERE id = 'x'").pluck().get(), 'red');
    const rows = db.raw
      .prepare('SELECT service, version, name FROM schema_migrations ORDER BY service, version')
      .all();
    assert.deepEqual(rows, [
      { service: 'alpha', version: 1, name: 'things' },
      { service: 'alpha', version: 2, name: 'colour' },
      { service: 'beta', version: 1, name: 'things' },
    ]);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing migration rolls back entirely and is not recorded', () => {
  const db = SqliteDatabase.open(':memory:');
  db.migrate('svc', [v1]);
  const broken: SqliteMigration = {
    version: 2,
    name: 'broken',
    up: 'CREATE TABLE half (id TEXT); INSERT INTO nowhere VALUES (1);',
  };
  assert.throws(() => db.migrate('svc', [v1, broken]), /no such table: nowhere/);
  assert.equal(db.schemaVersion('svc'), 1);
  assert.equal(db.raw.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get(), 0);
  db.close();
});

test('function migrations can move data', () => {
  const db = SqliteDatabase.open(':memory:');
  db.migrate('svc', [
    v1,
    {
      version: 2,
      name: 'seed',
      up: (raw) => {
        const insert = raw.prepare('INSERT INTO things (id) VALUES (?)');
        for (const id of ['a', 'b']) insert.run(id);
      },
    },
  ]);
  assert.equal(db.raw.prepare('SELECT count(*) FROM things').pluck().get(), 2);
  db.close();
});

test('refuses misnumbered lists, bad service names and databases from the future', () => {
  const db = SqliteDatabase.open(':memory:');
  assert.throws(() => db.migrate('svc', [v2]), StoreError);
  assert.throws(() => db.migrate('svc', [v1, v1]), /numbered/);
  assert.throws(() => db.migrate('Bad Name', [v1]), /Invalid migration service name/);
  db.migrate('svc', [v1, v2]);
  assert.throws(() => db.migrate('svc', [v1]), SchemaTooNewError);
  db.close();
});
