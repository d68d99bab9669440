/** What the bucket-feature handlers share: the S3 core's env and the bucket configuration store. */
import type { S3Env } from '../env.ts';
import type { BucketRecord } from '../store/repository.ts';
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
  constructor(
    readonly s3: S3Env,
    readonly config: BucketConfigStore,
  ) {}

  /** The bucket's public access block (null: deleted, nothing blocked). */
  async publicAccessBlock(b: BucketRecord): Promise<PublicAccessBlock | null> {
    const v = await this.config.get<PublicAccessBlock>(b, 'public-access-block');
    return v === undefined ? DEFAULT_PUBLIC_ACCESS_BLOCK : v;
  }
}
