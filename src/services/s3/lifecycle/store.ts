/**
 * Lifecycle configurations, one per bucket, stamped with the bucket's creation time so a
 * configuration left by a deleted bucket never applies to a new bucket of the same name.
 */
import type { SqliteDatabase, SqliteMigration } from '../../../store/sqlite/database.ts';
import type { StoreBackend } from '../../../store/backend.ts';
import { unsupportedBackend } from '../../../store/backend.ts';
import type { BucketRecord } from '../store/repository.ts';
import type { StoredLifecycle } from './rules.ts';

export interface LifecycleStore {
  get(bucket: BucketRecord): Promise<StoredLifecycle | undefined>;
  /** undefined deletes. */
  put(bucket: BucketRecord, value: StoredLifecycle | undefined): Promise<void>;
  /** Every stored configuration (for the sweeper), with the bucket stamp to re-check. */
  all(): Promise<{ bucket: string; createdAt: number; value: StoredLifecycle }[]>;
}

const MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'bucket lifecycle configurations',
    up: `CREATE TABLE s3_lifecycle (
      bucket TEXT PRIMARY KEY,
      bucket_created_at INTEGER NOT NULL,
      value TEXT NOT NULL
    ) WITHOUT ROWID`,
  },
];

interface Row {
  bucket: string;
  bucket_created_at: number;
  value: string;
}

class SqliteLifecycleStore implements LifecycleStore {
  /** Read on object reads and writes (x-amz-expiration): cached; one server per data dir writes. */
  private readonly cache = new Map<string, { createdAt: number; value: StoredLifecycle } | null>();

  constructor(private readonly db: SqliteDatabase) {
    db.migrate('s3-lifecycle', MIGRATIONS);
  }

  async get(bucket: BucketRecord) {
    let hit = this.cache.get(bucket.name);
    if (hit === undefined) {
      const r = this.db
        .statement<[string], Row>('SELECT * FROM s3_lifecycle WHERE bucket = ?')
        .get(bucket.name);
      hit = r ? { createdAt: r.bucket_created_at, value: JSON.parse(r.value) as StoredLifecycle } : null;
      if (this.cache.size > 20_000) this.cache.clear();
      this.cache.set(bucket.name, hit);
    }
    return hit && hit.createdAt === bucket.createdAt ? hit.value : undefined;
  }

  async put(bucket: BucketRecord, value: StoredLifecycle | undefined) {
    this.cache.delete(bucket.name);
    if (value === undefined) {
      this.db.statement('DELETE FROM s3_lifecycle WHERE bucket = ?').run(bucket.name);
      return;
    }
    this.db
      .statement('INSERT OR REPLACE INTO s3_lifecycle (bucket, bucket_created_at, value) VALUES (?, ?, ?)')
      .run(bucket.name, bucket.createdAt, JSON.stringify(value));
  }

  async all() {
    return this.db
      .statement<[], Row>('SELECT * FROM s3_lifecycle ORDER BY bucket')
      .all()
      .map((r) => ({
        bucket: r.bucket,
        createdAt: r.bucket_created_at,
        value: JSON.parse(r.value) as StoredLifecycle,
      }));
  }
}

export function openLifecycleStore(backend: StoreBackend): LifecycleStore {
  switch (backend.kind) {
    case 'sqlite':
      return new SqliteLifecycleStore(backend.db);
    default:
      return unsupportedBackend(backend.kind);
  }
}
