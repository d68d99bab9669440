/**
 * S3's tables. Keys are TEXT compared with SQLite's BINARY collation (memcmp over UTF-8), so
 * index order is S3's lexicographic UTF-8 byte order and listing is a seek on (bucket, key).
 */
import type { SqliteMigration } from '../../../store/sqlite/database.ts';

export const S3_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'buckets, objects, multipart uploads and parts',
    up: `
      CREATE TABLE s3_buckets (
        name TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        acl TEXT,
        tags TEXT,
        -- The bucket policy (PutBucketPolicy, a later issue); handed to the authorizer.
        policy TEXT
      ) WITHOUT ROWID;
      CREATE INDEX s3_buckets_account ON s3_buckets(account_id, name);

      CREATE TABLE s3_objects (
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        blob_id TEXT NOT NULL,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified INTEGER NOT NULL,
        storage_class TEXT NOT NULL,
        owner TEXT NOT NULL,
        checksum_algorithm TEXT,
        checksum_type TEXT,
        content_type TEXT,
        attrs TEXT,
        tags TEXT,
        PRIMARY KEY (bucket, key)
      ) WITHOUT ROWID;
      CREATE INDEX s3_objects_blob ON s3_objects(blob_id);

      CREATE TABLE s3_uploads (
        upload_id TEXT PRIMARY KEY,
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        initiated INTEGER NOT NULL,
        owner TEXT NOT NULL,
        initiator TEXT NOT NULL,
        storage_class TEXT NOT NULL,
        checksum_algorithm TEXT,
        checksum_type TEXT,
        attrs TEXT
      ) WITHOUT ROWID;
      CREATE INDEX s3_uploads_key ON s3_uploads(bucket, key, initiated);

      CREATE TABLE s3_parts (
        upload_id TEXT NOT NULL,
        part_number INTEGER NOT NULL,
        blob_id TEXT NOT NULL,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified INTEGER NOT NULL,
        checksum TEXT,
        PRIMARY KEY (upload_id, part_number)
      ) WITHOUT ROWID;
      CREATE INDEX s3_parts_blob ON s3_parts(blob_id);
    `,
  },
  {
    version: 2,
    name: 'bucket object ownership',
    // NULL: BucketOwnerEnforced, the default of buckets created since April 2023 (ACLs disabled).
    up: 'ALTER TABLE s3_buckets ADD COLUMN object_ownership TEXT',
  },
];
