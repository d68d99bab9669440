/**
 * A write to a versioning-suspended bucket stores the "null" version, but S3 answers it without
 * x-amz-version-id (the PutObject reference's "versioning suspended" sample; ceph/s3-tests
 * test_versioning_bucket_atomic_upload_return_version_id and
 * test_versioning_bucket_multipart_upload_return_version_id, which also run against AWS).
 * ListObjectVersions and reads still name it "null".
 */
import type { HandlerContext, ServiceHandlers } from '../../handler.ts';

const WRITES = ['PutObject', 'CopyObject', 'CompleteMultipartUpload'] as const;

export function suspendedWriteAnswers(base: ServiceHandlers): ServiceHandlers {
  const out: ServiceHandlers = {};
  for (const op of WRITES) {
    const inner = base[op];
    if (!inner) continue;
    out[op] = async (input: unknown, ctx: HandlerContext) => {
      const answer = (await inner(input as never, ctx)) as { VersionId?: string };
      if (answer?.VersionId === 'null') delete answer.VersionId;
      return answer;
    };
  }
  return out;
}
