/**
 * Versioned-bucket storage on SQLite (schema migration 3). The current object stays in
 * s3_objects (so GET, PUT and listing of every bucket read one table); noncurrent versions and
 * delete markers live in s3_versions, newest first per key by `seq`. Everything here runs inside
 * the caller's transaction.
 */
import { randomBytes } from 'node:crypto';
import type { SqliteDatabase } from '../../../store/sqlite/database.ts';
import { compareKeys, prefixUpperBound } from './key-order.ts';
import type {
  ObjectRecord,
  Tag,
  VersionPage,
  VersionQuery,
  VersionRecord,
  VersioningStatus,
} from './repository.ts';

/** AWS-like opaque version ids: 32 characters of [A-Za-z0-9._]. */
export function newVersionId(): string {
  return randomBytes(24).toString('base64url').replace(/-/g, '.');
}

interface VersionRow {
  bucket: string;
  key: string;
  seq: number;
  version_id: string;
  delete_marker: number;
  blob_id: string | null;
  size: number;
  etag: string | null;
  last_modified: number;
  storage_class: string;
  owner: string;
  checksum_algorithm: string | null;
  checksum_type: string | null;
  content_type: string | null;
  attrs: string | null;
  tags: string | null;
}

/** An s3_objects row as this module reads it (the same columns plus version_id, minus seq). */
type CurrentRow = Omit<VersionRow, 'seq' | 'delete_marker' | 'version_id'> & { version_id: string | null };

const fromRow = (r: CurrentRow | VersionRow, isLatest: boolean): VersionRecord => ({
  bucket: r.bucket,
  key: r.key,
  blobId: r.blob_id ?? '',
  size: r.size,
  etag: r.etag ?? '',
  lastModified: r.last_modified,
  storageClass: r.storage_class,
  owner: r.owner,
  ...(r.content_type !== null ? { contentType: r.content_type } : {}),
  attrs: r.attrs ? JSON.parse(r.attrs) : {},
  ...(r.tags ? { tags: JSON.parse(r.tags) as Tag[] } : {}),
  versionId: r.version_id ?? 'null',
  deleteMarker: 'delete_marker' in r ? r.delete_marker === 1 : false,
  isLatest,
});

const COLUMNS =
  'bucket, key, blob_id, size, etag, last_modified, storage_class, owner, checksum_algorithm, checksum_type, content_type, attrs, tags';

export class SqliteVersions {
  constructor(private readonly db: SqliteDatabase) {}

  private s<P extends unknown[] = unknown[], R = unknown>(sql: string) {
    return this.db.statement<P, R>(sql);
  }

  mode(bucket: string): VersioningStatus | undefined | false {
    const r = this.s<[string], { versioning: string | null }>(
      'SELECT versioning FROM s3_buckets WHERE name = ?',
    ).get(bucket);
    if (!r) return false;
    return (r.versioning ?? undefined) as VersioningStatus | undefined;
  }

  private current(bucket: string, key: string): CurrentRow | undefined {
    return this.s<[string, string], CurrentRow>(
      `SELECT ${COLUMNS}, version_id FROM s3_objects WHERE bucket = ? AND key = ?`,
    ).get(bucket, key);
  }

  private newest(bucket: string, key: string): VersionRow | undefined {
    return this.s<[string, string], VersionRow>(
      'SELECT * FROM s3_versions WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1',
    ).get(bucket, key);
  }

  private nextSeq(bucket: string, key: string): number {
    return (this.newest(bucket, key)?.seq ?? 0) + 1;
  }

  /** Moves the current object into s3_versions (it becomes noncurrent). */
  private demote(c: CurrentRow): void {
    this.s(
      `INSERT INTO s3_versions (${COLUMNS}, seq, version_id, delete_marker) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
    ).run(
      c.bucket,
      c.key,
      c.blob_id,
      c.size,
      c.etag,
      c.last_modified,
      c.storage_class,
      c.owner,
      c.checksum_algorithm,
      c.checksum_type,
      c.content_type,
      c.attrs,
      c.tags,
      this.nextSeq(c.bucket, c.key),
      c.version_id ?? 'null',
    );
    this.s('DELETE FROM s3_objects WHERE bucket = ? AND key = ?').run(c.bucket, c.key);
  }

  /** After a removal: the newest remaining version becomes current unless it is a delete marker. */
  private promote(bucket: string, key: string): void {
    if (this.current(bucket, key)) return;
    const n = this.newest(bucket, key);
    if (!n || n.delete_marker) return;
    this.s(
      `INSERT INTO s3_objects (${COLUMNS}, version_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      n.bucket,
      n.key,
      n.blob_id,
      n.size,
      n.etag,
      n.last_modified,
      n.storage_class,
      n.owner,
      n.checksum_algorithm,
      n.checksum_type,
      n.content_type,
      n.attrs,
      n.tags,
      n.version_id === 'null' ? null : n.version_id,
    );
    this.s('DELETE FROM s3_versions WHERE bucket = ? AND key = ? AND seq = ?').run(bucket, key, n.seq);
  }

  /** Suspended buckets: a new null version replaces the old one wherever it is. */
  private dropNull(bucket: string, key: string, freed: string[]): void {
    const c = this.current(bucket, key);
    if (c && c.version_id === null) {
      this.s('DELETE FROM s3_objects WHERE bucket = ? AND key = ?').run(bucket, key);
      if (c.blob_id) freed.push(c.blob_id);
    }
    const v = this.s<[string, string], { blob_id: string | null }>(
      "DELETE FROM s3_versions WHERE bucket = ? AND key = ? AND version_id = 'null' RETURNING blob_id",
    ).get(bucket, key);
    if (v?.blob_id) freed.push(v.blob_id);
  }

  /**
   * Makes room for a new current version of a versioned bucket's key: the old current version
   * becomes noncurrent (or is replaced, when both are null versions). Sets record.versionId.
   */
  prepareWrite(record: ObjectRecord, mode: VersioningStatus): string[] {
    const freed: string[] = [];
    if (mode === 'Suspended') this.dropNull(record.bucket, record.key, freed);
    const c = this.current(record.bucket, record.key);
    if (c) this.demote(c);
    record.versionId = mode === 'Enabled' ? newVersionId() : 'null';
    return freed.filter((id) => id !== record.blobId);
  }

  putDeleteMarker(bucket: string, key: string, owner: string, lastModified: number, mode: VersioningStatus) {
    const freed: string[] = [];
    if (mode === 'Suspended') this.dropNull(bucket, key, freed);
    const c = this.current(bucket, key);
    if (c) this.demote(c);
    const versionId = mode === 'Enabled' ? newVersionId() : 'null';
    this.s(
      `INSERT INTO s3_versions (bucket, key, seq, version_id, delete_marker, size, last_modified, storage_class, owner)
       VALUES (?, ?, ?, ?, 1, 0, ?, 'STANDARD', ?)`,
    ).run(bucket, key, this.nextSeq(bucket, key), versionId, lastModified, owner);
    return { versionId, freed };
  }

  getVersion(bucket: string, key: string, versionId: string): VersionRecord | undefined {
    const c = this.current(bucket, key);
    if (c && (c.version_id ?? 'null') === versionId) return fromRow(c, true);
    const v = this.s<[string, string, string], VersionRow>(
      'SELECT * FROM s3_versions WHERE bucket = ? AND key = ? AND version_id = ?',
    ).get(bucket, key, versionId);
    if (!v) return undefined;
    return fromRow(v, !c && this.newest(bucket, key)?.seq === v.seq);
  }

  latest(bucket: string, key: string): VersionRecord | undefined {
    const c = this.current(bucket, key);
    if (c) return fromRow(c, true);
    const n = this.newest(bucket, key);
    return n ? fromRow(n, true) : undefined;
  }

  deleteVersion(bucket: string, key: string, versionId: string, check?: (v: VersionRecord) => void) {
    const found = this.getVersion(bucket, key, versionId);
    if (!found) return { removed: undefined, freed: [] };
    if (check) check(found);
    const c = this.current(bucket, key);
    if (c && (c.version_id ?? 'null') === versionId) {
      this.s('DELETE FROM s3_objects WHERE bucket = ? AND key = ?').run(bucket, key);
    } else {
      this.s('DELETE FROM s3_versions WHERE bucket = ? AND key = ? AND version_id = ?').run(
        bucket,
        key,
        versionId,
      );
    }
    this.promote(bucket, key);
    return { removed: found, freed: found.blobId ? [found.blobId] : [] };
  }

  setTags(bucket: string, key: string, versionId: string, tags: string | null): boolean {
    const c = this.s<[string | null, string, string, string], unknown>(
      "UPDATE s3_objects SET tags = ? WHERE bucket = ? AND key = ? AND COALESCE(version_id, 'null') = ?",
    ).run(tags, bucket, key, versionId);
    if (c.changes > 0) return true;
    const v = this.s<[string | null, string, string, string], unknown>(
      'UPDATE s3_versions SET tags = ? WHERE bucket = ? AND key = ? AND version_id = ? AND delete_marker = 0',
    ).run(tags, bucket, key, versionId);
    return v.changes > 0;
  }

  /** One version's ACL (attrs.acl), whether it is the current object or a noncurrent version. */
  setAcl(bucket: string, key: string, versionId: string, acl: string | undefined): boolean {
    const set =
      acl === undefined
        ? "json_remove(COALESCE(attrs, '{}'), '$.acl')"
        : "json_set(COALESCE(attrs, '{}'), '$.acl', ?)";
    const args = acl === undefined ? [] : [acl];
    const c = this.s<unknown[], unknown>(
      `UPDATE s3_objects SET attrs = ${set} WHERE bucket = ? AND key = ? AND COALESCE(version_id, 'null') = ?`,
    ).run(...args, bucket, key, versionId);
    if (c.changes > 0) return true;
    const v = this.s<unknown[], unknown>(
      `UPDATE s3_versions SET attrs = ${set} WHERE bucket = ? AND key = ? AND version_id = ? AND delete_marker = 0`,
    ).run(...args, bucket, key, versionId);
    return v.changes > 0;
  }

  hasVersions(bucket: string): boolean {
    return !!this.s<[string], { key: string }>('SELECT key FROM s3_versions WHERE bucket = ? LIMIT 1').get(
      bucket,
    );
  }

  references(blobId: string): boolean {
    return !!this.s<[string], { n: number }>('SELECT 1 AS n FROM s3_versions WHERE blob_id = ? LIMIT 1').get(
      blobId,
    );
  }

  /** The first key at or after `cursor` in either table (index seeks, no scan). */
  private nextKey(bucket: string, cursor: string, inclusive: boolean, upper: string | undefined) {
    const op = inclusive ? '>=' : '>';
    const bound = upper !== undefined ? 'AND key < ?' : '';
    const params = upper !== undefined ? [bucket, cursor, upper] : [bucket, cursor];
    const a = this.s<unknown[], { key: string }>(
      `SELECT key FROM s3_objects WHERE bucket = ? AND key ${op} ? ${bound} ORDER BY key LIMIT 1`,
    ).get(...params);
    const b = this.s<unknown[], { key: string }>(
      `SELECT key FROM s3_versions WHERE bucket = ? AND key ${op} ? ${bound} ORDER BY key LIMIT 1`,
    ).get(...params);
    if (!a) return b?.key;
    if (!b) return a.key;
    return compareKeys(a.key, b.key) <= 0 ? a.key : b.key;
  }

  /** Up to `limit` versions of a key, newest first, after the version `afterId` when given. */
  private versionsOf(bucket: string, key: string, limit: number, afterId?: string): VersionRecord[] {
    const out: VersionRecord[] = [];
    const c = this.current(bucket, key);
    let seqBelow = Number.MAX_SAFE_INTEGER;
    if (afterId !== undefined && !(c && (c.version_id ?? 'null') === afterId)) {
      const m = this.s<[string, string, string], { seq: number }>(
        'SELECT seq FROM s3_versions WHERE bucket = ? AND key = ? AND version_id = ?',
      ).get(bucket, key, afterId);
      seqBelow = m ? m.seq : 0;
    } else if (c && afterId === undefined) {
      out.push(fromRow(c, true));
    }
    const rows = this.s<[string, string, number, number], VersionRow>(
      'SELECT * FROM s3_versions WHERE bucket = ? AND key = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
    ).all(bucket, key, seqBelow, limit);
    const newestSeq = c ? undefined : this.newest(bucket, key)?.seq;
    for (const r of rows) out.push(fromRow(r, r.seq === newestSeq));
    return out.slice(0, limit);
  }

  listVersions(bucket: string, q: VersionQuery): VersionPage {
    const { prefix, delimiter, maxKeys } = q;
    const page: VersionPage = { versions: [], commonPrefixes: [], truncated: false };
    if (maxKeys <= 0) return page;
    const upper = prefixUpperBound(prefix);
    let cursor = prefix;
    let inclusive = true;
    let resumeKey: string | undefined;
    if (q.keyMarker !== undefined && compareKeys(q.keyMarker, prefix) >= 0) {
      cursor = q.keyMarker;
      inclusive = q.versionIdMarker !== undefined;
      if (inclusive) resumeKey = q.keyMarker;
      if (delimiter && q.keyMarker.startsWith(prefix)) {
        const i = q.keyMarker.indexOf(delimiter, prefix.length);
        if (i >= 0) {
          const next = prefixUpperBound(q.keyMarker.slice(0, i + delimiter.length));
          if (next === undefined) return page;
          cursor = next;
          inclusive = true;
          resumeKey = undefined;
        }
      }
    }
    let count = 0;
    for (;;) {
      if (upper !== undefined && compareKeys(cursor, upper) >= 0) break;
      const key = this.nextKey(bucket, cursor, inclusive, upper);
      if (key === undefined) break;
      if (delimiter) {
        const i = key.indexOf(delimiter, prefix.length);
        if (i >= 0) {
          const cp = key.slice(0, i + delimiter.length);
          if (count >= maxKeys) {
            page.truncated = true;
            break;
          }
          page.commonPrefixes.push(cp);
          count++;
          page.nextKeyMarker = cp;
          delete page.nextVersionIdMarker;
          const next = prefixUpperBound(cp);
          if (next === undefined) break;
          cursor = next;
          inclusive = true;
          continue;
        }
      }
      const after = key === resumeKey ? q.versionIdMarker : undefined;
      const vs = this.versionsOf(bucket, key, maxKeys - count + 1, after);
      for (const v of vs) {
        if (count >= maxKeys) {
          page.truncated = true;
          return page;
        }
        page.versions.push(v);
        count++;
        page.nextKeyMarker = v.key;
        page.nextVersionIdMarker = v.versionId;
      }
      cursor = key;
      inclusive = false;
    }
    return page;
  }
}
