/** CopyObject: metadata and tagging directives, copy-source conditions, copies onto themselves. */
import {
  AccessDenied,
  InvalidArgument,
  InvalidRequest,
  MethodNotAllowed,
} from '../../generated/s3/errors.ts';
import type { CopyObjectOutput, CopyObjectRequest } from '../../generated/s3/types.ts';
import type { ChecksumAlgorithm } from '../../protocol/streaming/checksums.ts';
import type { ByteRange } from '../../blob/blob-store.ts';
import type { HandlerContext } from '../handler.ts';
import { md5Etag, type S3Env, recordedTime } from './env.ts';
import { checkReadConditions, COPY_SOURCE_NAMES, writeCheck } from './conditions.ts';
import { parseCopySource } from './copy-source.ts';
import { attrsFrom, checksumMembers, DEFAULT_CHECKSUM, DEFAULT_CONTENT_TYPE } from './object-headers.ts';
import {
  checkEncryption,
  checkKey,
  checkMetadata,
  checkRedirectLocation,
  parseTaggingHeader,
  storageClassOf,
} from './validation.ts';
import { checkGrantees, checkObjectAcl, objectOwner } from './acl.ts';
import { checkKmsSignature, sseAttrs, sseMembers } from './sse.ts';
import { checkCustomerKeyRead, copySourceKey, customerKeyWrite, type CopySourceKeyRequest } from './sse-c.ts';
import type { ObjectRecord, StoredChecksum } from './store/repository.ts';

export interface CopiedBlob {
  blobId: string;
  size: number;
  md5: Buffer;
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

/** Streams (a range of) a source object into a new blob, hashing on the way. */
export async function copyBlob(
  env: S3Env,
  src: ObjectRecord,
  range: ByteRange | undefined,
  algorithms: ChecksumAlgorithm[],
): Promise<CopiedBlob> {
  const empty = src.size === 0 || (range && range.end < range.start);
  const size = empty ? 0 : range ? range.end - range.start + 1 : src.size;
  // Large copies hash on the background thread, the source waiting when it falls behind.
  const { info, sums } = await env.writeHashed(
    { algorithms, md5: true, sha256: false },
    size,
    async (onChunk) =>
      env.blobs.write(empty ? new Uint8Array(0) : await env.blobs.read(src.blobId, range), {
        sizeHint: size,
        onChunk,
      }),
  );
  return { blobId: info.id, size: info.size, md5: sums.md5!, checksums: sums.checksums };
}

/** Copy-source conditions take the x-amz-copy-source-if-* headers (timestamps parsed by the protocol layer). */
export function copySourceConditions(input: {
  CopySourceIfMatch?: string | undefined;
  CopySourceIfNoneMatch?: string | undefined;
  CopySourceIfModifiedSince?: Date | undefined;
  CopySourceIfUnmodifiedSince?: Date | undefined;
}) {
  return {
    IfMatch: input.CopySourceIfMatch,
    IfNoneMatch: input.CopySourceIfNoneMatch,
    IfModifiedSince: input.CopySourceIfModifiedSince,
    IfUnmodifiedSince: input.CopySourceIfUnmodifiedSince,
  };
}

/**
 * The object a copy (CopyObject, UploadPartCopy) reads: x-amz-copy-source parsed, the version it
 * names resolved with the copy's own errors, the x-amz-copy-source-if-* conditions checked.
 */
export async function readCopySource(
  env: S3Env,
  input: Parameters<typeof copySourceConditions>[0] & {
    CopySource: string;
    ExpectedSourceBucketOwner?: string | undefined;
  } & CopySourceKeyRequest,
): Promise<ObjectRecord> {
  const source = parseCopySource(input.CopySource);
  // x-amz-source-expected-bucket-owner: a source bucket of another account is refused (403).
  if (
    input.ExpectedSourceBucketOwner !== undefined &&
    (await env.bucket(source.bucket)).accountId !== input.ExpectedSourceBucketOwner
  ) {
    throw new AccessDenied();
  }
  const versionId = source.versionId;
  if (versionId === '') {
    throw new InvalidArgument('Version id cannot be the empty string', {
      ArgumentName: 'x-amz-copy-source',
      ArgumentValue: '',
    });
  }
  if (versionId !== undefined && versionId !== 'null' && !VERSION_ID.test(versionId)) {
    throw new InvalidArgument('Invalid version id specified', {
      ArgumentName: 'x-amz-copy-source',
      ArgumentValue: input.CopySource,
    });
  }
  let src: ObjectRecord;
  try {
    src = await env.object(source.bucket, source.key, versionId);
  } catch (e) {
    // A delete marker named by id is a bad request here, not GET's 405 with the marker's headers.
    if (e instanceof MethodNotAllowed) {
      throw new InvalidRequest(
        'The source of a copy request may not specifically refer to a delete marker by version id.',
      );
    }
    throw e;
  }
  checkCustomerKeyRead(src.attrs.ssecKeyMd5, copySourceKey(input));
  checkReadConditions(copySourceConditions(input), src, COPY_SOURCE_NAMES);
  return src;
}

const VERSION_ID = /^[A-Za-z0-9._]{32}$/;
const ALGORITHMS = new Set(['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256']);

/**
 * CopyObject copies sources of up to 5 GiB; larger ones take a multipart copy (UploadPartCopy).
 * STRATUS_S3_MAX_COPY_SOURCE_BYTES lowers the limit so it can be tested without 5 GiB objects.
 */
function maxCopySourceBytes(): number {
  const v = Number(process.env.STRATUS_S3_MAX_COPY_SOURCE_BYTES);
  return Number.isSafeInteger(v) && v > 0 ? v : 5 * 1024 ** 3;
}

export function copyHandlers(env: S3Env) {
  return {
    async CopyObject(input: CopyObjectRequest, ctx: HandlerContext): Promise<CopyObjectOutput> {
      const bucket = await env.bucket(input.Bucket);
      const acl = checkObjectAcl(bucket, input.ACL, ctx.request.headers);
      await checkGrantees(env, acl);
      const scope = { accountId: ctx.accountId, region: bucket.region };
      checkKey(input.Key);
      checkEncryption(input.ServerSideEncryption, input.SSEKMSKeyId);
      checkKmsSignature(ctx.request, input.ServerSideEncryption);
      const who = { principalArn: ctx.principal.arn, action: 's3:CopyObject', key: input.Key };
      await customerKeyWrite(env, bucket, input, who);
      const source = parseCopySource(input.CopySource);
      const src = await readCopySource(env, input);
      const maxSource = maxCopySourceBytes();
      if (src.size > maxSource) {
        throw new InvalidRequest(
          `The specified copy source is larger than the maximum allowable size for a copy source: ${maxSource}`,
        );
      }
      const metaDirective = input.MetadataDirective ?? 'COPY';
      const tagDirective = input.TaggingDirective ?? 'COPY';
      if (metaDirective !== 'COPY' && metaDirective !== 'REPLACE') {
        throw new InvalidArgument('Unknown metadata directive.', {
          ArgumentName: 'x-amz-metadata-directive',
          ArgumentValue: metaDirective,
        });
      }
      if (tagDirective !== 'COPY' && tagDirective !== 'REPLACE') {
        throw new InvalidArgument('Unknown tagging directive.', {
          ArgumentName: 'x-amz-tagging-directive',
          ArgumentValue: tagDirective,
        });
      }
      const storageClass = input.StorageClass !== undefined ? storageClassOf(input.StorageClass) : 'STANDARD';
      const same = source.bucket === input.Bucket && source.key === input.Key;
      const bucketDefault = await env.defaultEncryption(bucket);
      // A copy takes the destination's encryption, not the source's: an in-place copy of an SSE-KMS
      // object changes it, and so (as AWS answers) does one in a bucket with configured encryption.
      const changes =
        metaDirective === 'REPLACE' ||
        input.StorageClass !== undefined ||
        input.WebsiteRedirectLocation !== undefined ||
        input.ServerSideEncryption !== undefined ||
        // SSE-C in place: a new customer key, or leaving SSE-C (S3's way to rotate the key).
        input.SSECustomerAlgorithm !== undefined ||
        src.attrs.ssecKeyMd5 !== undefined ||
        input.ChecksumAlgorithm !== undefined ||
        bucketDefault !== undefined ||
        (src.attrs.sse !== undefined && src.attrs.sse !== 'AES256');
      if (same && !changes) {
        throw new InvalidRequest(
          "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
        );
      }
      if (metaDirective === 'REPLACE') checkMetadata(input.Metadata);
      checkRedirectLocation(input.WebsiteRedirectLocation);
      const tags = tagDirective === 'REPLACE' ? (parseTaggingHeader(input.Tagging) ?? []) : src.tags;
      const check = writeCheck(input.IfMatch, input.IfNoneMatch, input.Key);

      const wanted =
        (input.ChecksumAlgorithm as string | undefined) ?? src.attrs.checksum?.algorithm ?? DEFAULT_CHECKSUM;
      const algorithm = wanted && ALGORITHMS.has(wanted) ? (wanted as ChecksumAlgorithm) : undefined;
      const copied = await copyBlob(env, src, undefined, algorithm ? [algorithm] : []);
      // The copy is a single-part object: its ETag is the MD5 of its bytes.
      const checksum: StoredChecksum | undefined = algorithm
        ? { algorithm, value: copied.checksums[algorithm]!, type: 'FULL_OBJECT' }
        : undefined;
      const attrs =
        metaDirective === 'REPLACE'
          ? attrsFrom(input)
          : {
              ...src.attrs,
              ...(input.WebsiteRedirectLocation !== undefined
                ? { websiteRedirectLocation: input.WebsiteRedirectLocation }
                : {}),
            };
      // The source's ACL stays with it: the copy has the request's, else private.
      for (const k of ['parts', 'checksum', 'sse', 'kmsKeyId', 'bucketKey', 'acl'] as const) delete attrs[k];
      if (acl) attrs.acl = acl;
      delete attrs.ssecKeyMd5;
      // The request's encryption, else the destination bucket's default (BucketKeyEnabled: the request's only).
      Object.assign(attrs, sseAttrs(input, scope, bucketDefault, false));
      const record: ObjectRecord = {
        bucket: input.Bucket,
        key: input.Key,
        blobId: copied.blobId,
        size: copied.size,
        etag: md5Etag(copied.md5),
        lastModified: recordedTime(ctx.now),
        storageClass,
        owner: objectOwner(bucket, acl, ctx.accountId),
        contentType:
          metaDirective === 'REPLACE'
            ? (input.ContentType ?? DEFAULT_CONTENT_TYPE)
            : (src.contentType ?? DEFAULT_CONTENT_TYPE),
        attrs: { ...attrs, ...(checksum ? { checksum } : {}) },
        ...(tags?.length ? { tags } : {}),
      };
      await env.commit(record, check);
      return {
        CopyObjectResult: {
          ETag: record.etag,
          LastModified: new Date(record.lastModified),
          ...checksumMembers(checksum),
        },
        ...sseMembers(record.attrs, scope),
        ...(record.versionId !== undefined ? { VersionId: record.versionId } : {}),
        ...(src.versionId !== undefined ? { CopySourceVersionId: src.versionId } : {}),
      } as CopyObjectOutput;
    },
  };
}
