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
  {
    version: 3,
    name: 'versioning: bucket state, version ids, noncurrent versions and delete markers',
    // s3_objects keeps only the current version (when it is not a delete marker), so unversioned
    // reads, writes and listings are untouched. s3_versions holds the rest, newest first per key
    // (seq grows per key); version_id 'null' is the null version. A key with no s3_objects row
    // and versions has a delete marker as its newest s3_versions row.
    up: `
      ALTER TABLE s3_buckets ADD COLUMN versioning TEXT;
      ALTER TABLE s3_objects ADD COLUMN version_id TEXT;
      CREATE TABLE s3_versions (
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        version_id TEXT NOT NULL,
        delete_marker INTEGER NOT NULL,
        blob_id TEXT,
        size INTEGER NOT NULL,
        etag TEXT,
        last_modified INTEGER NOT NULL,
        storage_class TEXT NOT NULL,
        owner TEXT NOT NULL,
        checksum_algorithm TEXT,
        checksum_type TEXT,
        content_type TEXT,
        attrs TEXT,
        tags TEXT,
        PRIMARY KEY (bucket, key, seq DESC)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX s3_versions_id ON s3_versions(bucket, key, version_id);
      CREATE INDEX s3_versions_blob ON s3_versions(blob_id);
    `,
  },
];
