/**
 * S3Repository on SQLite: prepared statements only, one transaction per mutation. Object-level
 * writes (the hot path) share group commits; bucket-level ones commit alone, as they must
 * invalidate the bucket cache around a commit that happens now.
 */
import type { SqliteDatabase } from '../../../store/sqlite/database.ts';
import { NotFoundError } from '../../../store/errors.ts';
import { S3_MIGRATIONS } from './schema.ts';
import { SqliteVersions } from './sqlite-versions.ts';
import { compareKeys, prefixUpperBound } from './key-order.ts';
import type {
  BucketRecord,
  ListPage,
  ListQuery,
  ListedObject,
  ObjectRecord,
  PartRecord,
  S3Repository,
  Tag,
  UploadRecord,
  VersionQuery,
  VersionRecord,
  VersioningStatus,
} from './repository.ts';
import {
  type BucketRow,
  json,
  LIST_COLUMNS,
  type ObjectRow,
  type PartRow,
  toBucket,
  toListed,
  toObject,
  toPart,
  toUpload,
  type UploadAttrs,
  type UploadRow,
} from './sqlite-rows.ts';

export class SqliteS3Repository implements S3Repository {
  /**
   * Bucket rows by name: read on every request (authorization and handler), written rarely and
   * only through this repository (one server process per data dir), so they are cached.
   */
  private readonly buckets = new Map<string, BucketRecord | null>();

  private readonly versions: SqliteVersions;

  constructor(private readonly db: SqliteDatabase) {
    db.migrate('s3', S3_MIGRATIONS);
    this.versions = new SqliteVersions(db);
  }

  private s<P extends unknown[] = unknown[], R = unknown>(sql: string) {
    return this.db.statement<P, R>(sql);
  }

  async createBucket(b: BucketRecord) {
    this.buckets.delete(b.name);
    return this.db.transaction(() => {
      const existing = this.s<[string], BucketRow>('SELECT * FROM s3_buckets WHERE name = ?').get(b.name);
      if (existing) return { created: false as const, existing: toBucket(existing) };
      this.s(
        'INSERT INTO s3_buckets (name, account_id, region, created_at, acl, tags, policy, object_ownership) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(
        b.name,
        b.accountId,
        b.region,
        b.createdAt,
        b.acl ?? null,
        json(b.tags),
        b.policy ?? null,
        b.objectOwnership ?? null,
      );
      return { created: true as const };
    });
  }

  async getBucket(name: string) {
    let b = this.buckets.get(name);
    if (b === undefined) {
      const r = this.s<[string], BucketRow>('SELECT * FROM s3_buckets WHERE name = ?').get(name);
      b = r ? toBucket(r) : null;
      if (this.buckets.size > 10_000) this.buckets.clear();
      this.buckets.set(name, b);
    }
    return b ?? undefined;
  }

  async listBuckets(
    accountId: string,
    q: { prefix?: string; after?: string; region?: string; limit: number },
  ) {
    const prefix = q.prefix ?? '';
    const upper = prefixUpperBound(prefix);
    const start = q.after !== undefined && q.after >= prefix ? q.after : prefix;
    const op = q.after !== undefined && q.after >= prefix ? '>' : '>=';
    const rows = this.s<unknown[], BucketRow>(
      `SELECT * FROM s3_buckets WHERE account_id = ? AND name ${op} ? ${upper !== undefined ? 'AND name < ?' : ''}
       ${q.region ? 'AND region = ?' : ''} ORDER BY name LIMIT ?`,
    ).all(
      accountId,
      start,
      ...(upper !== undefined ? [upper] : []),
      ...(q.region ? [q.region] : []),
      q.limit,
    );
    return rows.map(toBucket);
  }

  async deleteBucket(name: string) {
    this.buckets.delete(name);
    return this.db.transaction(() => {
      const exists = this.s<[string], { name: string }>('SELECT name FROM s3_buckets WHERE name = ?').get(
        name,
      );
      if (!exists) return { result: 'missing' as const, freed: [] };
      const one = this.s<[string], { key: string }>(
        'SELECT key FROM s3_objects WHERE bucket = ? LIMIT 1',
      ).get(name);
      if (one || this.versions.hasVersions(name)) return { result: 'not-empty' as const, freed: [] };
      const freed = this.s<[string], { blob_id: string }>(
        'SELECT p.blob_id FROM s3_parts p JOIN s3_uploads u ON u.upload_id = p.upload_id WHERE u.bucket = ?',
      )
        .all(name)
        .map((r) => r.blob_id);
      this.s(
        'DELETE FROM s3_parts WHERE upload_id IN (SELECT upload_id FROM s3_uploads WHERE bucket = ?)',
      ).run(name);
      this.s('DELETE FROM s3_uploads WHERE bucket = ?').run(name);
      this.s('DELETE FROM s3_buckets WHERE name = ?').run(name);
      return { result: 'deleted' as const, freed };
    });
  }

  async setBucketTags(name: string, tags: Tag[] | undefined) {
    this.buckets.delete(name);
    this.s('UPDATE s3_buckets SET tags = ? WHERE name = ?').run(tags ? JSON.stringify(tags) : null, name);
  }

  async setBucketPolicy(name: string, policy: string | undefined) {
    this.buckets.delete(name);
    this.s('UPDATE s3_buckets SET policy = ? WHERE name = ?').run(policy ?? null, name);
  }

  async setBucketAcl(name: string, acl: string | undefined) {
    this.buckets.delete(name);
    this.s('UPDATE s3_buckets SET acl = ? WHERE name = ?').run(acl ?? null, name);
  }

  async setObjectAcl(bucket: string, key: string, acl: string | undefined, versionId?: string) {
    if (versionId !== undefined) return this.versions.setAcl(bucket, key, versionId, acl);
    const r =
      acl === undefined
        ? this.s(
            "UPDATE s3_objects SET attrs = json_remove(COALESCE(attrs, '{}'), '$.acl') WHERE bucket = ? AND key = ?",
          ).run(bucket, key)
        : this.s(
            "UPDATE s3_objects SET attrs = json_set(COALESCE(attrs, '{}'), '$.acl', ?) WHERE bucket = ? AND key = ?",
          ).run(acl, bucket, key);
    return r.changes > 0;
  }

  async setObjectOwnership(name: string, ownership: string | undefined) {
    this.buckets.delete(name);
    this.s('UPDATE s3_buckets SET object_ownership = ? WHERE name = ?').run(ownership ?? null, name);
  }

  private getObjectSync(bucket: string, key: string): ObjectRecord | undefined {
    const r = this.s<[string, string], ObjectRow>(
      'SELECT * FROM s3_objects WHERE bucket = ? AND key = ?',
    ).get(bucket, key);
    return r ? toObject(r) : undefined;
  }

  async getObject(bucket: string, key: string) {
    return this.getObjectSync(bucket, key);
  }

  async getObjectTags(bucket: string, key: string) {
    const r = this.s<[string, string], { tags: string | null }>(
      'SELECT tags FROM s3_objects WHERE bucket = ? AND key = ?',
    ).get(bucket, key);
    if (!r) return undefined;
    return r.tags ? (JSON.parse(r.tags) as Tag[]) : [];
  }

  private insertObject(o: ObjectRecord): void {
    this.s(
      `INSERT OR REPLACE INTO s3_objects (bucket, key, blob_id, size, etag, last_modified, storage_class, owner,
         checksum_algorithm, checksum_type, content_type, attrs, tags, version_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      o.bucket,
      o.key,
      o.blobId,
      o.size,
      o.etag,
      o.lastModified,
      o.storageClass,
      o.owner,
      o.attrs.checksum?.algorithm ?? null,
      o.attrs.checksum?.type ?? null,
      o.contentType ?? null,
      json(o.attrs),
      o.tags && o.tags.length ? JSON.stringify(o.tags) : null,
      o.versionId === undefined || o.versionId === 'null' ? null : o.versionId,
    );
  }

  async putObject(record: ObjectRecord, check?: (existing: ObjectRecord | undefined) => void) {
    return this.db.groupTransaction(() => {
      // The bucket may have been deleted while the body streamed.
      const mode = this.versions.mode(record.bucket);
      if (mode === false) throw new NotFoundError('bucket', record.bucket);
      const old = this.s<[string, string], { blob_id: string }>(
        'SELECT blob_id FROM s3_objects WHERE bucket = ? AND key = ?',
      ).get(record.bucket, record.key);
      if (check) check(old ? this.getObjectSync(record.bucket, record.key) : undefined);
      if (mode) {
        const freed = this.versions.prepareWrite(record, mode);
        this.insertObject(record);
        return freed;
      }
      this.insertObject(record);
      return old && old.blob_id !== record.blobId ? [old.blob_id] : [];
    });
  }

  async deleteObjects(bucket: string, keys: readonly string[]) {
    return this.db.groupTransaction(() => {
      const deleted: string[] = [];
      const freed: string[] = [];
      const del = this.s<[string, string], { blob_id: string }>(
        'DELETE FROM s3_objects WHERE bucket = ? AND key = ? RETURNING blob_id',
      );
      for (const key of keys) {
        const r = del.get(bucket, key);
        if (r) {
          deleted.push(key);
          freed.push(r.blob_id);
        }
      }
      return { deleted, freed };
    });
  }

  async setObjectTags(bucket: string, key: string, tags: Tag[] | undefined) {
    const r = this.s('UPDATE s3_objects SET tags = ? WHERE bucket = ? AND key = ?').run(
      tags && tags.length ? JSON.stringify(tags) : null,
      bucket,
      key,
    );
    return r.changes > 0;
  }

  async hasObjects(bucket: string) {
    return !!this.s<[string], { key: string }>('SELECT key FROM s3_objects WHERE bucket = ? LIMIT 1').get(
      bucket,
    );
  }

  /**
   * One page by seeking: rows are read lazily from the (bucket, key) index; a key that rolls up
   * into a common prefix ends the scan and the next scan starts past everything under that
   * prefix, so neither the bucket's size nor a prefix's size costs anything.
   */
  async listObjects(bucket: string, q: ListQuery): Promise<ListPage> {
    const { prefix, delimiter, maxKeys } = q;
    // max-keys=0: S3 answers an empty page that is not truncated.
    if (maxKeys <= 0) return { contents: [], commonPrefixes: [], truncated: false };
    const upper = prefixUpperBound(prefix);
    let cursor = prefix;
    let inclusive = true;
    if (q.after !== undefined && compareKeys(q.after, prefix) >= 0) {
      cursor = q.after;
      inclusive = false;
      // A marker inside a common prefix continues after that whole prefix.
      if (delimiter && q.after.startsWith(prefix)) {
        const i = q.after.indexOf(delimiter, prefix.length);
        if (i >= 0) {
          const next = prefixUpperBound(q.after.slice(0, i + delimiter.length));
          if (next === undefined) return { contents: [], commonPrefixes: [], truncated: false };
          cursor = next;
          inclusive = true;
        }
      }
    }
    if (upper !== undefined && compareKeys(cursor, upper) >= 0)
      return { contents: [], commonPrefixes: [], truncated: false };
    const contents: ListedObject[] = [];
    const commonPrefixes: string[] = [];
    let last: string | undefined;
    let count = 0;
    for (;;) {
      const sql = `SELECT ${LIST_COLUMNS} FROM s3_objects WHERE bucket = ? AND key ${inclusive ? '>=' : '>'} ? ${
        upper !== undefined ? 'AND key < ?' : ''
      } ORDER BY key`;
      const params: unknown[] = upper !== undefined ? [bucket, cursor, upper] : [bucket, cursor];
      let reseek: string | undefined;
      let exhausted = true;
      for (const row of this.s<unknown[], ObjectRow>(sql).iterate(...params)) {
        if (count >= maxKeys) {
          return { contents, commonPrefixes, truncated: true, ...(last !== undefined ? { last } : {}) };
        }
        if (delimiter) {
          const i = row.key.indexOf(delimiter, prefix.length);
          if (i >= 0) {
            const cp = row.key.slice(0, i + delimiter.length);
            commonPrefixes.push(cp);
            count++;
            last = cp;
            reseek = prefixUpperBound(cp);
            exhausted = reseek === undefined;
            break; // leaves the iterator (better-sqlite3 resets the statement)
          }
        }
        contents.push(toListed(row));
        count++;
        last = row.key;
      }
      if (exhausted || reseek === undefined) break;
      cursor = reseek;
      inclusive = true;
      if (upper !== undefined && compareKeys(cursor, upper) >= 0) break;
    }
    return { contents, commonPrefixes, truncated: false, ...(last !== undefined ? { last } : {}) };
  }

  async createUpload(u: UploadRecord) {
    const attrs: UploadAttrs = {
      attrs: u.attrs,
      ...(u.contentType !== undefined ? { contentType: u.contentType } : {}),
      ...(u.tags ? { tags: u.tags } : {}),
    };
    this.s(
      `INSERT INTO s3_uploads (upload_id, bucket, key, initiated, owner, initiator, storage_class, checksum_algorithm, checksum_type, attrs)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      u.uploadId,
      u.bucket,
      u.key,
      u.initiated,
      u.owner,
      u.initiator,
      u.storageClass,
      u.checksumAlgorithm ?? null,
      u.checksumType ?? null,
      JSON.stringify(attrs),
    );
  }

  async getUpload(uploadId: string) {
    const r = this.s<[string], UploadRow>('SELECT * FROM s3_uploads WHERE upload_id = ?').get(uploadId);
    return r ? toUpload(r) : undefined;
  }

  async putPart(p: PartRecord) {
    return this.db.groupTransaction(() => {
      const up = this.s<[string], { upload_id: string }>(
        'SELECT upload_id FROM s3_uploads WHERE upload_id = ?',
      ).get(p.uploadId);
      if (!up) return { ok: false, freed: [] };
      const old = this.s<[string, number], { blob_id: string }>(
        'SELECT blob_id FROM s3_parts WHERE upload_id = ? AND part_number = ?',
      ).get(p.uploadId, p.partNumber);
      this.s(
        `INSERT OR REPLACE INTO s3_parts (upload_id, part_number, blob_id, size, etag, last_modified, checksum) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(p.uploadId, p.partNumber, p.blobId, p.size, p.etag, p.lastModified, p.checksum ?? null);
      return { ok: true, freed: old ? [old.blob_id] : [] };
    });
  }

  async listParts(uploadId: string, after: number, limit: number) {
    return this.s<[string, number, number], PartRow>(
      'SELECT * FROM s3_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?',
    )
      .all(uploadId, after, limit)
      .map(toPart);
  }

  async getParts(uploadId: string, numbers: readonly number[]) {
    const out = new Map<number, PartRecord>();
    const stmt = this.s<[string, number], PartRow>(
      'SELECT * FROM s3_parts WHERE upload_id = ? AND part_number = ?',
    );
    for (const n of numbers) {
      const r = stmt.get(uploadId, n);
      if (r) out.set(n, toPart(r));
    }
    return out;
  }

  async completeUpload(
    uploadId: string,
    record: ObjectRecord,
    check?: (existing: ObjectRecord | undefined) => void,
  ) {
    return this.db.transaction(() => {
      const up = this.s<[string], { upload_id: string }>(
        'SELECT upload_id FROM s3_uploads WHERE upload_id = ?',
      ).get(uploadId);
      if (!up) return { ok: false, freed: [] };
      const existing = this.getObjectSync(record.bucket, record.key);
      if (check) check(existing);
      const freed = this.s<[string], { blob_id: string }>('SELECT blob_id FROM s3_parts WHERE upload_id = ?')
        .all(uploadId)
        .map((r) => r.blob_id);
      const mode = this.versions.mode(record.bucket);
      if (mode) freed.push(...this.versions.prepareWrite(record, mode));
      else if (existing && existing.blobId !== record.blobId) freed.push(existing.blobId);
      this.insertObject(record);
      this.s('DELETE FROM s3_parts WHERE upload_id = ?').run(uploadId);
      this.s('DELETE FROM s3_uploads WHERE upload_id = ?').run(uploadId);
      return { ok: true, freed };
    });
  }

  async abortUpload(uploadId: string) {
    return this.db.transaction(() => {
      const up = this.s<[string], { upload_id: string }>(
        'SELECT upload_id FROM s3_uploads WHERE upload_id = ?',
      ).get(uploadId);
      if (!up) return { ok: false, freed: [] };
      const freed = this.s<[string], { blob_id: string }>('SELECT blob_id FROM s3_parts WHERE upload_id = ?')
        .all(uploadId)
        .map((r) => r.blob_id);
      this.s('DELETE FROM s3_parts WHERE upload_id = ?').run(uploadId);
      this.s('DELETE FROM s3_uploads WHERE upload_id = ?').run(uploadId);
      return { ok: true, freed };
    });
  }

  async listUploads(
    bucket: string,
    q: { prefix: string; keyMarker?: string; uploadIdMarker?: string; limit: number },
  ) {
    const upper = prefixUpperBound(q.prefix);
    const bound = upper !== undefined ? 'AND key < ?' : '';
    const ub = upper !== undefined ? [upper] : [];
    let rows: UploadRow[];
    if (q.keyMarker !== undefined && q.keyMarker !== '') {
      // After (key-marker, upload-id-marker): same key with a later upload, or a later key.
      const marker = q.uploadIdMarker
        ? this.s<[string], UploadRow>('SELECT * FROM s3_uploads WHERE upload_id = ?').get(q.uploadIdMarker)
        : undefined;
      if (marker && marker.key === q.keyMarker) {
        rows = this.s<unknown[], UploadRow>(
          `SELECT * FROM s3_uploads WHERE bucket = ? AND key >= ? ${bound} AND (key > ? OR initiated > ? OR (initiated = ? AND upload_id > ?))
           ORDER BY key, initiated, upload_id LIMIT ?`,
        ).all(
          bucket,
          q.prefix > q.keyMarker ? q.prefix : q.keyMarker,
          ...ub,
          q.keyMarker,
          marker.initiated,
          marker.initiated,
          marker.upload_id,
          q.limit,
        );
      } else {
        rows = this.s<unknown[], UploadRow>(
          `SELECT * FROM s3_uploads WHERE bucket = ? AND key > ? AND key >= ? ${bound} ORDER BY key, initiated, upload_id LIMIT ?`,
        ).all(bucket, q.keyMarker, q.prefix, ...ub, q.limit);
      }
    } else {
      rows = this.s<unknown[], UploadRow>(
        `SELECT * FROM s3_uploads WHERE bucket = ? AND key >= ? ${bound} ORDER BY key, initiated, upload_id LIMIT ?`,
      ).all(bucket, q.prefix, ...ub, q.limit);
    }
    return rows.map(toUpload);
  }

  async referencedBlobs(ids: readonly string[]) {
    const out = new Set<string>();
    const a = this.s<[string], { n: number }>('SELECT 1 AS n FROM s3_objects WHERE blob_id = ? LIMIT 1');
    const b = this.s<[string], { n: number }>('SELECT 1 AS n FROM s3_parts WHERE blob_id = ? LIMIT 1');
    for (const id of ids) if (a.get(id) || b.get(id) || this.versions.references(id)) out.add(id);
    return out;
  }

  async setBucketVersioning(name: string, status: VersioningStatus) {
    this.buckets.delete(name);
    this.s('UPDATE s3_buckets SET versioning = ? WHERE name = ?').run(status, name);
  }

  async getVersion(bucket: string, key: string, versionId: string) {
    return this.versions.getVersion(bucket, key, versionId);
  }

  async latestVersion(bucket: string, key: string) {
    return this.versions.latest(bucket, key);
  }

  async deleteVersion(bucket: string, key: string, versionId: string, check?: (v: VersionRecord) => void) {
    return this.db.groupTransaction(() => this.versions.deleteVersion(bucket, key, versionId, check));
  }

  async putDeleteMarker(bucket: string, key: string, owner: string, lastModified: number) {
    return this.db.groupTransaction(() => {
      const mode = this.versions.mode(bucket);
      if (mode === false) throw new NotFoundError('bucket', bucket);
      return this.versions.putDeleteMarker(bucket, key, owner, lastModified, mode ?? 'Suspended');
    });
  }

  async setVersionTags(bucket: string, key: string, versionId: string, tags: Tag[] | undefined) {
    return this.versions.setTags(bucket, key, versionId, tags && tags.length ? JSON.stringify(tags) : null);
  }

  async listVersions(bucket: string, q: VersionQuery) {
    return this.versions.listVersions(bucket, q);
  }
}
