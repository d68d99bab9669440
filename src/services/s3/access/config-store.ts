/**
 * Bucket sub-resources beside the S3 core's bucket row: public access block, website, CORS,
 * encryption, notification, and those of subresources/ (accelerate, request payment, logging,
 * replication, the Id-keyed analytics/inventory/metrics/intelligent-tiering sets). One JSON value per (bucket, kind), stamped with the bucket's
 * creation time so a value left by a deleted bucket never applies to a new bucket of that name.
 * A stored `null` means "deleted" where absence means "the default" (public access block).
 */
import type { SqliteDatabase, SqliteMigration } from '../../../store/sqlite/database.ts';
import type { StoreBackend } from '../../../store/backend.ts';
import { unsupportedBackend } from '../../../store/backend.ts';
import type { BucketRecord } from '../store/repository.ts';

export type ConfigKind =
  | 'public-access-block'
  | 'website'
  | 'cors'
  | 'encryption'
  | 'notification'
  // subresources/: stored and answered, never acted on
  | 'accelerate'
  | 'request-payment'
  | 'logging'
  | 'replication'
  | 'analytics'
  | 'inventory'
  | 'metrics'
  | 'intelligent-tiering';

export interface BucketConfigStore {
  /** undefined: never set; null: deleted. */
  get<T>(bucket: BucketRecord, kind: ConfigKind): Promise<T | null | undefined>;
  /** Stores a value; null records a deletion; undefined forgets it (back to the default). */
  put(bucket: BucketRecord, kind: ConfigKind, value: unknown): Promise<void>;
  /**
   * Drops every document of a deleted bucket. The creation-time stamp has one-second resolution,
   * so a bucket deleted and created again within the second would otherwise inherit them.
   */
  forget(bucket: string): Promise<void>;
}

const MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'bucket configuration documents',
    up: `CREATE TABLE s3_bucket_config (
      bucket TEXT NOT NULL,
      kind TEXT NOT NULL,
      bucket_created_at INTEGER NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (bucket, kind)
    ) WITHOUT ROWID`,
  },
];

interface Row {
  bucket_created_at: number;
  value: string;
}

class SqliteBucketConfigStore implements BucketConfigStore {
  /** Read on every request of a bucket (authorization, CORS): cached; one server per data dir writes. */
  private readonly cache = new Map<string, { createdAt: number; value: unknown } | null>();

  constructor(private readonly db: SqliteDatabase) {
    db.migrate('s3-config', MIGRATIONS);
  }

  async get<T>(bucket: BucketRecord, kind: ConfigKind): Promise<T | null | undefined> {
    const id = `${bucket.name}\n${kind}`;
    let hit = this.cache.get(id);
    if (hit === undefined) {
      const r = this.db
        .statement<[string, string], Row>(
          'SELECT bucket_created_at, value FROM s3_bucket_config WHERE bucket = ? AND kind = ?',
        )
        .get(bucket.name, kind);
      hit = r ? { createdAt: r.bucket_created_at, value: JSON.parse(r.value) } : null;
      if (this.cache.size > 20_000) this.cache.clear();
      this.cache.set(id, hit);
    }
    if (!hit || hit.createdAt !== bucket.createdAt) return undefined;
    return hit.value as T | null;
  }

  async put(bucket: BucketRecord, kind: ConfigKind, value: unknown): Promise<void> {
    this.cache.delete(`${bucket.name}\n${kind}`);
    if (value === undefined) {
      this.db.statement('DELETE FROM s3_bucket_config WHERE bucket = ? AND kind = ?').run(bucket.name, kind);
      return;
    }
    this.db
      .statement(
        'INSERT OR REPLACE INTO s3_bucket_config (bucket, kind, bucket_created_at, value) VALUES (?, ?, ?, ?)',
      )
      .run(bucket.name, kind, bucket.createdAt, JSON.stringify(value));
  }

  async forget(bucket: string): Promise<void> {
    for (const id of this.cache.keys()) if (id.startsWith(`${bucket}\n`)) this.cache.delete(id);
    this.db.statement('DELETE FROM s3_bucket_config WHERE bucket = ?').run(bucket);
  }
}

export function openBucketConfigStore(backend: StoreBackend): BucketConfigStore {
  switch (backend.kind) {
    case 'sqlite':
      return new SqliteBucketConfigStore(backend.db);
    default:
      return unsupportedBackend(backend.kind);
  }
}
