/** What the bucket-feature handlers share: the S3 core's env and the bucket configuration store. */
import type { S3Env } from '../env.ts';
import type { BucketRecord } from '../store/repository.ts';
import type { AccountsRepository } from '../../../accounts/repository.ts';
import type { BucketConfigStore } from './config-store.ts';

export interface PublicAccessBlock {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}

/** New buckets have every setting on, as on AWS since April 2023. */
export const DEFAULT_PUBLIC_ACCESS_BLOCK: PublicAccessBlock = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

export class FeatureEnv {
  private canonical = new Map<string, string>();
  /** Ids not found, with when: each reloads the account list at most once a second. */
  private misses = new Map<string, number>();

  constructor(
    readonly s3: S3Env,
    readonly config: BucketConfigStore,
    private readonly accounts: AccountsRepository,
  ) {}

  /** The account whose canonical user id this is (ACL grantees). */
  async accountOfCanonical(id: string): Promise<string | undefined> {
    const hit = this.canonical.get(id);
    if (hit) return hit;
    const missed = this.misses.get(id);
    if (missed !== undefined && Date.now() - missed < 1000) return undefined;
    const next = new Map<string, string>();
    for (const a of await this.accounts.list()) next.set(this.s3.canonicalId(a.id), a.id);
    this.canonical = next;
    if (!next.has(id)) {
      if (this.misses.size > 10_000) this.misses.clear();
      this.misses.set(id, Date.now());
    }
    return next.get(id);
  }

  /** The bucket's public access block (null: deleted, nothing blocked). */
  async publicAccessBlock(b: BucketRecord): Promise<PublicAccessBlock | null> {
    const v = await this.config.get<PublicAccessBlock>(b, 'public-access-block');
    return v === undefined ? DEFAULT_PUBLIC_ACCESS_BLOCK : v;
  }
}
