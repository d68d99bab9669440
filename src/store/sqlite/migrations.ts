/**
 * Numbered, per-service schema migrations for SQLite. Each service (or shared component such as
 * 'accounts') owns a list of migrations under its own name; applied versions are recorded in
 * schema_migrations(service, version). Migrations are append-only: never edit a released one,
 * add the next number.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { SchemaTooNewError, StoreError } from '../errors.ts';

export interface SqliteMigration {
  /** 1, 2, 3, ... without gaps, in order. */
  readonly version: number;
  /** Short description, stored for humans reading schema_migrations. */
  readonly name: string;
  /** SQL script (may hold several statements) or a function for data migrations. */
  readonly up: string | ((db: BetterSqlite3.Database) => void);
}

const SERVICE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

export function ensureMigrationsTable(db: BetterSqlite3.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    service TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (service, version)
  ) WITHOUT ROWID`);
}

export function currentVersion(db: BetterSqlite3.Database, service: string): number {
  const row = db
    .prepare<[string], { v: number | null }>(
      'SELECT MAX(version) AS v FROM schema_migrations WHERE service = ?',
    )
    .get(service);
  return row?.v ?? 0;
}

function validate(service: string, migrations: readonly SqliteMigration[]): void {
  if (!SERVICE_NAME.test(service))
    throw new StoreError(`Invalid migration service name ${JSON.stringify(service)}`);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new StoreError(
        `Migrations of ${service} must be numbered 1, 2, 3...; found ${m.version} at position ${i + 1}`,
      );
  });
}

/**
 * Applies the pending migrations of one service, each in its own IMMEDIATE transaction together
 * with its schema_migrations row, so two processes opening the same data dir at once (server
 * and `stratus accounts create`) cannot apply one twice. Returns how many were applied.
 */
export function migrate(
  db: BetterSqlite3.Database,
  service: string,
  migrations: readonly SqliteMigration[],
): number {
  validate(service, migrations);
  ensureMigrationsTable(db);
  const latest = migrations.length;
  const record = db.prepare(
    'INSERT INTO schema_migrations (service, version, name, applied_at) VALUES (?, ?, ?, ?)',
  );
  let applied = 0;
  for (;;) {
    const done = db
      .transaction(() => {
        // Re-read inside the write lock: another process may have migrated meanwhile.
        const version = currentVersion(db, service);
        if (version > latest)
          throw new SchemaTooNewError(
            `The database has ${service} schema version ${version}, newer than this Stratus knows (${latest}); ` +
              'use a newer Stratus or another --data-dir',
          );
        if (version === latest) return true;
        const m = migrations[version]!;
        if (typeof m.up === 'string') db.exec(m.up);
        else m.up(db);
        record.run(service, m.version, m.name, new Date().toISOString());
        applied++;
        return false;
      })
      .immediate();
    if (done) return applied;
  }
}
