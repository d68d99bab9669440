/**
 * Object Lock state: the bucket's configuration (stamped with the bucket's creation time) and
 * each locked version's retention and legal hold, keyed by (bucket, key, version id).
 */
import type { SqliteDatabase, SqliteMigration } from '../../../store/sqlite/database.ts';
import type { StoreBackend } from '../../../store/backend.ts';
import { unsupportedBackend } from '../../../store/backend.ts';
import type { BucketRecord } from '../store/repository.ts';

export interface DefaultRetentionRule {
  Mode: 'GOVERNANCE' | 'COMPLIANCE';
  Days?: number;
  Years?: number;
}

export interface BucketLock {
  rule?: DefaultRetentionRule;
}

export interface VersionLock {
  mode?: 'GOVERNANCE' | 'COMPLIANCE';
  /** Epoch ms. */
  retainUntil?: number;
  legalHold?: boolean;
}

export interface ObjectLockStore {
  bucket(b: BucketRecord): Promise<BucketLock | undefined>;
  setBucket(b: BucketRecord, lock: BucketLock): Promise<void>;
  version(bucket: string, key: string, versionId: string): Promise<VersionLock | undefined>;
  setVersion(bucket: string, key: string, versionId: string, lock: VersionLock): Promise<void>;
  forget(bucket: string, key: string, versionId: string): Promise<void>;
}

const MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'object lock: bucket configurations and version locks',
    up: `
      CREATE TABLE s3_lock_buckets (
        bucket TEXT PRIMARY KEY,
        bucket_created_at INTEGER NOT NULL,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE s3_lock_versions (
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        version_id TEXT NOT NULL,
        mode TEXT,
        retain_until INTEGER,
        legal_hold INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (bucket, key, version_id)
      ) WITHOUT ROWID;
    `,
  },
];

interface VersionRow {
  mode: string | null;
  retain_until: number | null;
  legal_hold: number;
}

class SqliteObjectLockStore implements ObjectLockStore {
  /** Read on every object read and write (lock headers): cached; one server per data dir writes. */
  private readonly buckets = new Map<string, { createdAt: number; value: BucketLock } | null>();

  constructor(private readonly db: SqliteDatabase) {
    db.migrate('s3-object-lock', MIGRATIONS);
  }

  async bucket(b: BucketRecord) {
    let hit = this.buckets.get(b.name);
    if (hit === undefined) {
      const r = this.db
        .statement<[string], { bucket_created_at: number; value: string }>(
          'SELECT bucket_created_at, value FROM s3_lock_buckets WHERE bucket = ?',
        )
        .get(b.name);
      hit = r ? { createdAt: r.bucket_created_at, value: JSON.parse(r.value) as BucketLock } : null;
      if (this.buckets.size > 20_000) this.buckets.clear();
      this.buckets.set(b.name, hit);
    }
    return hit && hit.createdAt === b.createdAt ? hit.value : undefined;
  }

  async setBucket(b: BucketRecord, lock: BucketLock) {
    this.buckets.delete(b.name);
    this.db
      .statement('INSERT OR REPLACE INTO s3_lock_buckets (bucket, bucket_created_at, value) VALUES (?, ?, ?)')
      .run(b.name, b.createdAt, JSON.stringify(lock));
  }

  async version(bucket: string, key: string, versionId: string) {
    const r = this.db
      .statement<[string, string, string], VersionRow>(
        'SELECT mode, retain_until, legal_hold FROM s3_lock_versions WHERE bucket = ? AND key = ? AND version_id = ?',
      )
      .get(bucket, key, versionId);
    if (!r) return undefined;
    return {
      ...(r.mode ? { mode: r.mode as VersionLock['mode'] } : {}),
      ...(r.retain_until !== null ? { retainUntil: r.retain_until } : {}),
      ...(r.legal_hold ? { legalHold: true } : {}),
    };
  }

  async setVersion(bucket: string, key: string, versionId: string, lock: VersionLock) {
    this.db
      .statement(
        'INSERT OR REPLACE INTO s3_lock_versions (bucket, key, version_id, mode, retain_until, legal_hold) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(bucket, key, versionId, lock.mode ?? null, lock.retainUntil ?? null, lock.legalHold ? 1 : 0);
  }

  async forget(bucket: string, key: string, versionId: string) {
    this.db
      .statement('DELETE FROM s3_lock_versions WHERE bucket = ? AND key = ? AND version_id = ?')
      .run(bucket, key, versionId);
  }
}

export function openObjectLockStore(backend: StoreBackend): ObjectLockStore {
  switch (backend.kind) {
    case 'sqlite':
      return new SqliteObjectLockStore(backend.db);
    default:
      return unsupportedBackend(backend.kind);
  }
}
