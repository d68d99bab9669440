/**
 * Restores of archived objects, kept durably: one row per object generation (its blob id, which
 * every write of the object replaces), holding the times the restore was asked for, completes
 * and expires. State is computed from these times on each read, so no timer has to survive a
 * restart, and an overwritten or deleted object leaves a row that matches nothing.
 */
import type { SqliteDatabase, SqliteMigration } from '../../../store/sqlite/database.ts';
import type { StoreBackend } from '../../../store/backend.ts';
import { unsupportedBackend } from '../../../store/backend.ts';

export interface RestoreRecord {
  /** Epoch ms when the restore was asked for. */
  requestedAt: number;
  /** Epoch ms when the restored copy becomes readable. */
  completesAt: number;
  /** Days the restored copy lasts, counted from completion (or from a later extension). */
  days: number;
  /** Epoch ms when the restored copy goes away, once known (set at completion or extension). */
  expiresAt?: number;
}

export interface RestoreStore {
  get(bucket: string, key: string, blobId: string): Promise<RestoreRecord | undefined>;
  put(bucket: string, key: string, blobId: string, r: RestoreRecord): Promise<void>;
  /** Whether any restore row exists under this key (listings skip the object read when none). */
  any(bucket: string, key: string): Promise<boolean>;
  forget(bucket: string, key: string, blobId: string): Promise<void>;
}

const MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'restores of archived objects',
    up: `
      CREATE TABLE s3_restores (
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        blob_id TEXT NOT NULL,
        requested_at INTEGER NOT NULL,
        completes_at INTEGER NOT NULL,
        days INTEGER NOT NULL,
        expires_at INTEGER,
        PRIMARY KEY (bucket, key, blob_id)
      ) WITHOUT ROWID;
    `,
  },
];

interface Row {
  requested_at: number;
  completes_at: number;
  days: number;
  expires_at: number | null;
}

class SqliteRestoreStore implements RestoreStore {
  constructor(private readonly db: SqliteDatabase) {
    db.migrate('s3-restore', MIGRATIONS);
  }

  async get(bucket: string, key: string, blobId: string) {
    const r = this.db
      .statement<[string, string, string], Row>(
        'SELECT requested_at, completes_at, days, expires_at FROM s3_restores WHERE bucket = ? AND key = ? AND blob_id = ?',
      )
      .get(bucket, key, blobId);
    if (!r) return undefined;
    return {
      requestedAt: r.requested_at,
      completesAt: r.completes_at,
      days: r.days,
      ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}),
    };
  }

  async put(bucket: string, key: string, blobId: string, r: RestoreRecord) {
    this.db
      .statement(
        'INSERT OR REPLACE INTO s3_restores (bucket, key, blob_id, requested_at, completes_at, days, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(bucket, key, blobId, r.requestedAt, r.completesAt, r.days, r.expiresAt ?? null);
  }

  async any(bucket: string, key: string) {
    return !!this.db
      .statement<[string, string], { one: number }>(
        'SELECT 1 AS one FROM s3_restores WHERE bucket = ? AND key = ? LIMIT 1',
      )
      .get(bucket, key);
  }

  async forget(bucket: string, key: string, blobId: string) {
    this.db
      .statement('DELETE FROM s3_restores WHERE bucket = ? AND key = ? AND blob_id = ?')
      .run(bucket, key, blobId);
  }
}

export function openRestoreStore(backend: StoreBackend): RestoreStore {
  switch (backend.kind) {
    case 'sqlite':
      return new SqliteRestoreStore(backend.db);
    default:
      return unsupportedBackend(backend.kind);
  }
}
