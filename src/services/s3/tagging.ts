/** Object tagging (DeleteObjects: versions/handlers.ts, for every bucket). */
import type {
  DeleteObjectTaggingOutput,
  DeleteObjectTaggingRequest,
  GetObjectTaggingOutput,
  GetObjectTaggingRequest,
  PutObjectTaggingOutput,
  PutObjectTaggingRequest,
} from '../../generated/s3/types.ts';
import { NoSuchKey } from '../../generated/s3/errors.ts';
import type { HandlerContext } from '../handler.ts';
import type { S3Env } from './env.ts';
import { checkTags } from './validation.ts';
import type { Tag } from './store/repository.ts';

export function taggingHandlers(env: S3Env) {
  /** Tagging of one version: it must exist and not be a delete marker (env.object checks). */
  async function setVersionTags(
    input: { Bucket: string; Key: string; VersionId?: string },
    tags: Tag[] | undefined,
  ): Promise<{ VersionId: string }> {
    const o = await env.object(input.Bucket, input.Key, input.VersionId);
    const id = o.versionId ?? 'null';
    await env.repo.setVersionTags(input.Bucket, input.Key, id, tags);
    return { VersionId: id };
  }

  /**
   * x-amz-version-id of the current version a versionless request tags (versioned buckets; the
   * object's own 'null' before versioning), as GetObject would answer it.
   */
  async function currentVersion(input: { Bucket: string; Key: string }): Promise<{ VersionId?: string }> {
    const o = await env.object(input.Bucket, input.Key);
    return o.versionId !== undefined ? { VersionId: o.versionId } : {};
  }

  return {
    async PutObjectTagging(
      input: PutObjectTaggingRequest,
      _ctx: HandlerContext,
    ): Promise<PutObjectTaggingOutput> {
      await env.bucket(input.Bucket);
      const tags = checkTags((input.Tagging?.TagSet ?? []) as Tag[], 'object');
      if (input.VersionId !== undefined) return setVersionTags(input, tags);
      const current = await currentVersion(input);
      if (!(await env.repo.setObjectTags(input.Bucket, input.Key, tags)))
        throw new NoSuchKey(undefined, { Key: input.Key });
      return current;
    },

    async GetObjectTagging(
      input: GetObjectTaggingRequest,
      _ctx: HandlerContext,
    ): Promise<GetObjectTaggingOutput> {
      const o = await env.object(input.Bucket, input.Key, input.VersionId);
      return { TagSet: o.tags ?? [], ...(o.versionId !== undefined ? { VersionId: o.versionId } : {}) };
    },

    async DeleteObjectTagging(
      input: DeleteObjectTaggingRequest,
      _ctx: HandlerContext,
    ): Promise<DeleteObjectTaggingOutput> {
      await env.bucket(input.Bucket);
      if (input.VersionId !== undefined) return setVersionTags(input, undefined);
      const current = await currentVersion(input);
      if (!(await env.repo.setObjectTags(input.Bucket, input.Key, undefined)))
        throw new NoSuchKey(undefined, { Key: input.Key });
      return current;
    },
  };
}
