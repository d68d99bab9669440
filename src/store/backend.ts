/**
 * Which database a process uses. A repository factory switches on `kind` to pick its
 * implementation, so adding PostgreSQL later means one more member here and one more case in
 * each factory; services and handlers only ever see the async repository interfaces.
 */
import { join } from 'node:path';
import { SqliteDatabase, type SqliteOpenOptions } from './sqlite/database.ts';

export interface SqliteBackend {
  readonly kind: 'sqlite';
  readonly db: SqliteDatabase;
  /**
   * Another database file of the data dir (`<dataDir>/<file>`), opened once and closed with
   * the backend: for data kept apart from stratus.db (the audit trail). In memory, the same db.
   */
  sibling(file: string, options?: Pick<SqliteOpenOptions, 'pageSize' | 'cacheKiB'>): SqliteDatabase;
  close(): Promise<void>;
}

// export interface PostgresBackend { readonly kind: 'postgres'; readonly pool: ...; close(): Promise<void> }
export type StoreBackend = SqliteBackend;

export const DATABASE_FILE = 'stratus.db';

/** Opens `<dataDir>/stratus.db` (or ':memory:' when dataDir is ':memory:', for tests). */
export async function openSqliteBackend(dataDir: string): Promise<SqliteBackend> {
  const memory = dataDir === ':memory:';
  const db = SqliteDatabase.open(memory ? ':memory:' : join(dataDir, DATABASE_FILE), {
    backgroundCheckpoints: true,
  });
  const siblings = new Map<string, SqliteDatabase>();
  return {
    kind: 'sqlite',
    db,
    sibling(file, options = {}) {
      if (memory) return db;
      let other = siblings.get(file);
      if (!other?.isOpen) siblings.set(file, (other = SqliteDatabase.open(join(dataDir, file), options)));
      return other;
    },
    async close() {
      for (const other of siblings.values()) other.close();
      db.close();
      // The background worker lets go of the files too, before anyone may remove them.
      await Promise.all([db, ...siblings.values()].map((d) => d.released()));
    },
  };
}

/** The configured backend; only SQLite exists today. */
export async function openBackend(options: { dataDir: string }): Promise<StoreBackend> {
  return openSqliteBackend(options.dataDir);
}

/** For the default branch of a `switch (backend.kind)`: a compile error when a kind is unhandled. */
export function unsupportedBackend(kind: never): never {
  throw new Error(`Unsupported store backend ${String(kind)}`);
}
