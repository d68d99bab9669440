/** What every S3 handler works with: the repository, the blob store and a few shared helpers. */
import { createHash } from 'node:crypto';
import type { BlobInfo, BlobStore } from '../../blob/blob-store.ts';
import type { ChecksumResult } from '../../protocol/streaming/checksums.ts';
import { openHasher, type HashJobOptions } from '../../protocol/streaming/hash-offload.ts';
import type { AccountsRepository } from '../../accounts/repository.ts';
import {
  InvalidArgument,
  MethodNotAllowed,
  NoSuchBucket,
  NoSuchKey,
  NoSuchVersion,
} from '../../generated/s3/errors.ts';
import { NotFoundError } from '../../store/errors.ts';
import type { HandlerContext } from '../handler.ts';
import type { BucketRecord, ObjectRecord, S3Repository } from './store/repository.ts';
import type { BucketEncryptionDefault } from './sse.ts';

/** S3 stopped returning DisplayName on 21 November 2025 (Owner and Grantee references). */
export interface Owner {
  ID: string;
}

export class S3Env {
  private readonly owners = new Map<string, Owner>();
  /** Canonical user ids by account (a hash each; asked several times per object request). */
  private readonly canonicalIds = new Map<string, string>();
  /** Object rows a request has read (authorization, then its handler), by the request's facts. */
  private readonly reads = new WeakMap<object, Map<string, Promise<ObjectRecord | undefined>>>();

  /**
   * The bucket's configured default encryption, which writes without encryption headers take.
   * The bucket features (access/bucket-settings.ts) keep the configuration and set this.
   */
  defaultEncryption: (b: BucketRecord) => Promise<BucketEncryptionDefault | undefined> = async () =>
    undefined;

  /** Whether the bucket refuses SSE-C writes (BlockedEncryptionTypes; set with defaultEncryption). */
  sseCBlocked: (b: BucketRecord) => Promise<boolean> = async () => false;

  constructor(
    readonly repo: S3Repository,
    readonly blobs: BlobStore,
    private readonly accounts: AccountsRepository,
  ) {}

  /** S3's canonical user id of an account (64 hex characters, stable per account). */
  canonicalId(accountId: string): string {
    let id = this.canonicalIds.get(accountId);
    if (id === undefined) {
      id = createHash('sha256').update(`stratus-canonical-user:${accountId}`).digest('hex');
      if (this.canonicalIds.size >= 10_000) this.canonicalIds.clear();
      this.canonicalIds.set(accountId, id);
    }
    return id;
  }

  async owner(accountId: string): Promise<Owner> {
    let o = this.owners.get(accountId);
    if (!o) {
      o = { ID: this.canonicalId(accountId) };
      this.owners.set(accountId, o);
    }
    return o;
  }

  /** The account owner whose canonical id this is (ACL grantees), if any account has it. */
  async ownerByCanonicalId(id: string): Promise<Owner | undefined> {
    for (const o of this.owners.values()) if (o.ID === id) return o;
    for (const a of await this.accounts.list()) if (this.canonicalId(a.id) === id) return this.owner(a.id);
    return undefined;
  }

  async bucket(name: string): Promise<BucketRecord> {
    const b = await this.repo.getBucket(name);
    if (!b) throw new NoSuchBucket('The specified bucket does not exist', { BucketName: name });
    return b;
  }

  /**
   * The current object as this request first read it: authorization (tags, existence) and the
   * handler share one row read instead of three.
   */
  currentObject(ctx: HandlerContext, bucket: string, key: string): Promise<ObjectRecord | undefined> {
    let seen = this.reads.get(ctx.request);
    if (!seen) this.reads.set(ctx.request, (seen = new Map()));
    const id = `${bucket}/${key}`;
    let row = seen.get(id);
    if (!row) seen.set(id, (row = this.repo.getObject(bucket, key)));
    return row;
  }

  /**
   * The current object, or a given version. Versioned buckets report the null version as
   * 'null'; a delete marker answers as S3 does (404 with x-amz-delete-marker, or 405 by id).
   */
  async object(
    bucket: string,
    key: string,
    versionId?: string,
    method = 'GET',
    /** Reuse the row this request already read (see currentObject). */
    ctx?: HandlerContext,
  ): Promise<ObjectRecord> {
    if (versionId !== undefined) return this.version(bucket, key, versionId, method);
    const o = await (ctx ? this.currentObject(ctx, bucket, key) : this.repo.getObject(bucket, key));
    if (!o) {
      const b = await this.bucket(bucket);
      const latest = b.versioning ? await this.repo.latestVersion(bucket, key) : undefined;
      throw new NoSuchKey(
        'The specified key does not exist.',
        { Key: key },
        latest?.deleteMarker ? { 'x-amz-delete-marker': 'true', 'x-amz-version-id': latest.versionId } : {},
      );
    }
    if (o.versionId === undefined && (await this.repo.getBucket(bucket))?.versioning)
      return { ...o, versionId: 'null' };
    return o;
  }

  private async version(
    bucket: string,
    key: string,
    versionId: string,
    method: string,
  ): Promise<ObjectRecord> {
    await this.bucket(bucket);
    if (versionId === '')
      throw new InvalidArgument('Version id cannot be the empty string', {
        ArgumentName: 'versionId',
        ArgumentValue: '',
      });
    const v = await this.repo.getVersion(bucket, key, versionId);
    if (!v) {
      if (versionId !== 'null' && !/^[A-Za-z0-9._]{32}$/.test(versionId))
        throw new InvalidArgument('Invalid version id specified', {
          ArgumentName: 'versionId',
          ArgumentValue: versionId,
        });
      throw new NoSuchVersion('The specified version does not exist.', { Key: key, VersionId: versionId });
    }
    if (v.deleteMarker) {
      throw new MethodNotAllowed(
        'The specified method is not allowed against this resource.',
        { Method: method, ResourceType: 'DeleteMarker' },
        {
          'x-amz-delete-marker': 'true',
          'x-amz-version-id': v.versionId,
          'Last-Modified': new Date(v.lastModified).toUTCString(),
          Allow: 'DELETE',
        },
      );
    }
    return v;
  }

  /** Commits an object whose blob is written; the blob is freed when the commit fails. */
  async commit(record: ObjectRecord, check?: (existing: ObjectRecord | undefined) => void): Promise<void> {
    let freed: string[];
    try {
      freed = await this.repo.putObject(record, check);
    } catch (e) {
      this.free([record.blobId]);
      if (e instanceof NotFoundError)
        throw new NoSuchBucket('The specified bucket does not exist', { BucketName: record.bucket });
      throw e;
    }
    this.free(freed);
  }

  /**
   * Writes a blob (write() is given the onChunk to pass the blob store) while hashing its bytes,
   * on the background thread when `size` is large. A failed write gives the hashing up; a failed
   * hashing frees the written blob.
   */
  async writeHashed(
    hashing: HashJobOptions,
    size: number,
    write: (onChunk: (chunk: Uint8Array) => Promise<void> | undefined | void) => Promise<BlobInfo>,
  ): Promise<{ info: BlobInfo; sums: ChecksumResult }> {
    const hasher = openHasher(hashing, size);
    let info: BlobInfo;
    try {
      info = await write((c) => hasher.update(Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
    } catch (e) {
      hasher.abort?.();
      throw e;
    }
    try {
      return { info, sums: await hasher.finish() };
    } catch (e) {
      this.free([info.id]);
      throw e;
    }
  }

  /** Deletes blobs a commit no longer references; failures leave garbage for the GC, nothing worse. */
  free(ids: readonly string[]): void {
    for (const id of ids) this.blobs.delete(id).catch(() => {});
  }
}

export const md5Etag = (md5: Buffer): string => `"${md5.toString('hex')}"`;

/**
 * The time S3 records for a write: whole seconds, as its Last-Modified header, listings and copy
 * results all show (…T12:00:00.000Z), so they agree with each other and with If-Modified-Since.
 */
export const recordedTime = (now: Date): number => Math.floor(now.getTime() / 1000) * 1000;
