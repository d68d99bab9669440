/** What every S3 handler works with: the repository, the blob store and a few shared helpers. */
import { createHash } from 'node:crypto';
import type { BlobStore } from '../../blob/blob-store.ts';
import type { AccountsRepository } from '../../accounts/repository.ts';
import { NoSuchBucket, NoSuchKey } from '../../generated/s3/errors.ts';
import { NotFoundError } from '../../store/errors.ts';
import type { BucketRecord, ObjectRecord, S3Repository } from './store/repository.ts';

export interface Owner {
  ID: string;
  DisplayName?: string;
}

export class S3Env {
  private readonly owners = new Map<string, Owner>();

  constructor(
    readonly repo: S3Repository,
    readonly blobs: BlobStore,
    private readonly accounts: AccountsRepository,
  ) {}

  /** S3's canonical user id of an account (64 hex characters, stable per account). */
  canonicalId(accountId: string): string {
    return createHash('sha256').update(`stratus-canonical-user:${accountId}`).digest('hex');
  }

  async owner(accountId: string): Promise<Owner> {
    let o = this.owners.get(accountId);
    if (!o) {
      const account = await this.accounts.get(accountId);
      o = { ID: this.canonicalId(accountId), ...(account ? { DisplayName: account.name } : {}) };
      this.owners.set(accountId, o);
    }
    return o;
  }

  async bucket(name: string): Promise<BucketRecord> {
    const b = await this.repo.getBucket(name);
    if (!b) throw new NoSuchBucket('The specified bucket does not exist', { BucketName: name });
    return b;
  }

  async object(bucket: string, key: string): Promise<ObjectRecord> {
    const o = await this.repo.getObject(bucket, key);
    if (!o) {
      await this.bucket(bucket);
      throw new NoSuchKey('The specified key does not exist.', { Key: key });
    }
    return o;
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

  /** Deletes blobs a commit no longer references; failures leave garbage for the GC, nothing worse. */
  free(ids: readonly string[]): void {
    for (const id of ids) this.blobs.delete(id).catch(() => {});
  }
}

export const md5Etag = (md5: Buffer): string => `"${md5.toString('hex')}"`;
