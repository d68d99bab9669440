/**
 * The SQLite database layer: one connection per process (better-sqlite3 is synchronous, and one
 * connection serializes writers without lock contention), a cache of prepared statements,
 * transactions and per-service migrations. Repositories wrap it behind async interfaces.
 */
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  checkpointInBackground,
  FALLBACK_AUTOCHECKPOINT_PAGES,
  stopCheckpointing,
} from '../../background-thread.ts';
import { ConflictError } from '../errors.ts';
import { currentVersion, ensureMigrationsTable, migrate, type SqliteMigration } from './migrations.ts';

export interface SqliteOpenOptions {
  /** How long a writer waits for another process's write lock before SQLITE_BUSY (ms). */
  busyTimeoutMs?: number;
  readonly?: boolean;
  /**
   * Checkpoint the WAL from a worker thread instead of inside commits (src/background-thread.ts): for
   * the server's databases, where a commit is on a request's path.
   */
  backgroundCheckpoints?: boolean;
  /** Page size of a new database file (an existing one keeps its own). SQLite's default: 4096. */
  pageSize?: number;
  /**
   * The connection's page cache, in KiB. better-sqlite3 builds SQLite with 16 MB per connection,
   * which a file of bulk data (small bodies, the audit trail) fills and keeps in memory.
   */
  cacheKiB?: number;
}

export type Statement<P extends unknown[] = unknown[], R = unknown> = BetterSqlite3.Statement<P, R>;

export class SqliteDatabase {
  /** The better-sqlite3 handle, for what this class does not wrap (iterate, pluck, backup). */
  readonly raw: BetterSqlite3.Database;
  private readonly statements = new Map<string, Statement<any, any>>();
  /** The file checkpointed in the background, if it is. */
  private checkpointed?: string;
  /** Writes waiting for this turn's group commit. */
  private group: PendingWrite[] = [];
  /** The statements transaction() runs, prepared on first use. */
  private control?: Record<
    'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo',
    BetterSqlite3.Statement
  >;
  private readonly closers: (() => void | Promise<void>)[] = [];
  /** Work on this file that outlives close() (the background worker letting go of it). */
  private releases: Promise<unknown>[] = [];

  private constructor(raw: BetterSqlite3.Database) {
    this.raw = raw;
  }

  /** Opens (creating if needed) the database file; ':memory:' for a private in-memory one. */
  static open(path: string, options: SqliteOpenOptions = {}): SqliteDatabase {
    if (path !== ':memory:' && !options.readonly) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      // Root secrets live in here: create the file owner-only (the -wal/-shm files inherit it).
      closeSync(openSync(path, 'a', 0o600));
    }
    // The busy timeout is set at construction so that even switching to WAL below waits for
    // another process opening the same file instead of failing with SQLITE_BUSY.
    const busyTimeoutMs = Math.trunc(options.busyTimeoutMs ?? 5000);
    const raw = new Database(path, { readonly: options.readonly ?? false, timeout: busyTimeoutMs });
    try {
      // WAL: readers never block the writer, and other processes (the CLI) can use the file
      // while the server runs. synchronous=NORMAL: a commit is written to the WAL (in the OS
      // page cache) before it returns, so it survives kill -9 of the process; it does not
      // fsync on every commit, so a power loss or kernel crash may lose the last commits
      // (never corrupt the file). Power-loss durability would need synchronous=FULL.
      // Only a file with no tables yet takes a page size, and only before it is in WAL mode.
      if (options.pageSize && !options.readonly) raw.pragma(`page_size = ${Math.trunc(options.pageSize)}`);
      if (!options.readonly) raw.pragma('journal_mode = WAL');
      raw.pragma('synchronous = NORMAL');
      raw.pragma('foreign_keys = ON');
      if (options.cacheKiB) raw.pragma(`cache_size = -${Math.trunc(options.cacheKiB)}`);
      if (!options.readonly) ensureMigrationsTable(raw);
    } catch (e) {
      raw.close();
      throw e;
    }
    const db = new SqliteDatabase(raw);
    if (options.backgroundCheckpoints && !options.readonly && path !== ':memory:') {
      raw.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
      db.checkpointed = resolve(path);
      checkpointInBackground(db.checkpointed);
    }
    return db;
  }

  /** A prepared statement, compiled once per SQL text and reused. */
  statement<P extends unknown[] = unknown[], R = unknown>(sql: string): Statement<P, R> {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.raw.prepare(sql);
      this.statements.set(sql, s);
    }
    return s as Statement<P, R>;
  }

  /**
   * Runs fn in a write transaction (BEGIN IMMEDIATE: takes the write lock up front, so it never
   * fails half-way with SQLITE_BUSY on upgrade). Nested calls become savepoints. fn must be
   * synchronous: a transaction never spans an await (a returned promise is refused).
   */
  transaction<T>(fn: () => T): T {
    // better-sqlite3's db.transaction(fn) builds four wrappers per call (measured: a sixth of a
    // small PUT's commit); the same BEGIN/SAVEPOINT protocol on statements prepared once.
    const c = (this.control ??= {
      begin: this.raw.prepare('BEGIN IMMEDIATE'),
      commit: this.raw.prepare('COMMIT'),
      rollback: this.raw.prepare('ROLLBACK'),
      savepoint: this.raw.prepare('SAVEPOINT stratus'),
      release: this.raw.prepare('RELEASE stratus'),
      rollbackTo: this.raw.prepare('ROLLBACK TO stratus'),
    });
    const nested = this.raw.inTransaction;
    (nested ? c.savepoint : c.begin).run();
    try {
      const result = fn();
      if (typeof (result as { then?: unknown } | null)?.then === 'function')
        throw new TypeError('Transaction function cannot return a promise');
      (nested ? c.release : c.commit).run();
      return result;
    } catch (e) {
      // SQLite may have rolled back by itself (SQLITE_FULL, SQLITE_IOERR...).
      if (this.raw.inTransaction) {
        if (nested) {
          c.rollbackTo.run();
          c.release.run();
        } else c.rollback.run();
      }
      throw e;
    }
  }

  /**
   * Group commit: runs fn in a write transaction shared with every other groupTransaction of
   * this event-loop turn, so concurrent requests pay one commit between them (measured on
   * 4 KiB objects: ~75 µs per object committed alone, ~13 µs in groups of 16). Each fn runs in
   * its own savepoint, in call order: a throw undoes only that fn's writes and rejects only its
   * promise. Promises settle after the commit, so a resolved write is as durable as one from
   * transaction(). fn must be synchronous, as for transaction().
   */
  groupTransaction<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending = { fn, resolve, reject } as PendingWrite;
      if (this.group.push(pending) === 1) setImmediate(this.commitGroup);
    });
  }

  private readonly commitGroup = (): void => {
    const batch = this.group;
    this.group = [];
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.transaction(() => {
        for (const { fn } of batch) {
          try {
            outcomes.push({ ok: true, value: this.transaction(fn) });
          } catch (e) {
            outcomes.push({ ok: false, value: e });
          }
        }
      });
    } catch (e) {
      for (const { reject } of batch) reject(e);
      return;
    }
    batch.forEach(({ resolve, reject }, i) => {
      const { ok, value } = outcomes[i]!;
      if (ok) resolve(value);
      else reject(value);
    });
  };

  /** Applies the service's pending migrations; returns how many ran. See migrations.ts. */
  migrate(service: string, migrations: readonly SqliteMigration[]): number {
    return migrate(this.raw, service, migrations);
  }

  /** The highest applied migration version of a service (0 = none). */
  schemaVersion(service: string): number {
    return currentVersion(this.raw, service);
  }

  /** The database file's path (':memory:' for an in-memory one). */
  get file(): string {
    return this.raw.name;
  }

  /**
   * Runs fn when this connection closes (before it does), e.g. to stop work on its file; a
   * promise it returns is part of released().
   */
  onClose(fn: () => void | Promise<void>): void {
    this.closers.push(fn);
  }

  /** Settles once close() is done and nothing else in this process holds the file. */
  async released(): Promise<void> {
    await Promise.allSettled(this.releases);
  }

  get isOpen(): boolean {
    return this.raw.open;
  }

  close(): void {
    if (!this.raw.open) return;
    if (this.group.length) this.commitGroup();
    for (const fn of this.closers.splice(0)) this.releases.push(Promise.resolve(fn()));
    this.statements.clear();
    this.control = undefined;
    if (this.checkpointed) this.releases.push(stopCheckpointing(this.checkpointed));
    // The last connection to close checkpoints the WAL and removes it on its own; an explicit
    // TRUNCATE checkpoint here could wait on the server's readers when the CLI closes.
    this.raw.close();
  }
}

/** True when e is a UNIQUE or PRIMARY KEY violation. */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Runs fn, turning a uniqueness violation into ConflictError whose `constraint` is what SQLite
 * names ('accounts.name', 'root_credentials.access_key_id').
 */
export function mapConflict<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const constraint = /constraint failed: (.+)$/.exec((e as Error).message)?.[1] ?? 'unique';
    throw new ConflictError(constraint, `Conflict on ${constraint}`, { cause: e });
  }
}

export type { SqliteMigration };

interface PendingWrite {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}
