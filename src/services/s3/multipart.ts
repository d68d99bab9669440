/** Multipart uploads: create, upload (and copy) parts, abort, list parts and uploads. */
import { randomBytes } from 'node:crypto';
import { InvalidArgument, InvalidRequest, NoSuchUpload } from '../../generated/s3/errors.ts';
import type {
  AbortMultipartUploadOutput,
  AbortMultipartUploadRequest,
  CreateMultipartUploadOutput,
  CreateMultipartUploadRequest,
  ListMultipartUploadsOutput,
  ListMultipartUploadsRequest,
  ListPartsOutput,
  ListPartsRequest,
  UploadPartCopyOutput,
  UploadPartCopyRequest,
  UploadPartOutput,
  UploadPartRequest,
} from '../../generated/s3/types.ts';
import type { ChecksumAlgorithm } from '../../protocol/streaming/checksums.ts';
import type { HandlerContext } from '../handler.ts';
import { md5Etag, type S3Env, recordedTime } from './env.ts';
import { storeBody } from './body.ts';
import { copyBlob, readCopySource } from './copy.ts';
import { attrsFrom, DEFAULT_CONTENT_TYPE } from './object-headers.ts';
import {
  checkEncryption,
  checkKey,
  checkMetadata,
  checkRedirectLocation,
  parseTaggingHeader,
  storageClassOf,
} from './validation.ts';
import { checkGrantees, checkObjectAcl } from './acl.ts';
import { checkKmsSignature, checkNoSseHeader, sseAttrs, sseMembers } from './sse.ts';
import { checkPartCustomerKey, customerKeyWrite } from './sse-c.ts';
import { encoderOf } from './listing.ts';
import type { ChecksumType, PartRecord, UploadRecord } from './store/repository.ts';

export const MAX_PART_SIZE = 5 * 1024 ** 3;
const ALGORITHMS = new Set(['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256']);

const noSuchUpload = (uploadId: string) =>
  new NoSuchUpload(
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    {
      UploadId: uploadId,
    },
  );

export async function requireUpload(
  env: S3Env,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<UploadRecord> {
  await env.bucket(bucket);
  const u = await env.repo.getUpload(uploadId);
  if (!u || u.bucket !== bucket || u.key !== key) throw noSuchUpload(uploadId);
  return u;
}

/** The encryption an upload's answers carry (keys named by its initiator's account). */
export async function uploadSse(env: S3Env, upload: UploadRecord) {
  const { region } = await env.bucket(upload.bucket);
  return sseMembers(upload.attrs, { accountId: upload.owner, region });
}

function checkPartNumber(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 10000) {
    throw new InvalidArgument('Part number must be an integer between 1 and 10000, inclusive', {
      ArgumentName: 'partNumber',
      ArgumentValue: String(n),
    });
  }
}

/** The upload's algorithm and checksum type, validated as S3 does. */
function checksumSetup(
  algorithm: string | undefined,
  type: string | undefined,
): { algorithm?: ChecksumAlgorithm; type?: ChecksumType } {
  if (algorithm === undefined) {
    if (type !== undefined) {
      throw new InvalidRequest(
        'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.',
      );
    }
    return {};
  }
  const a = algorithm.toUpperCase();
  if (!ALGORITHMS.has(a))
    throw new InvalidRequest(
      'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]',
    );
  const t = (type ?? (a === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE')) as ChecksumType;
  if (t !== 'FULL_OBJECT' && t !== 'COMPOSITE')
    throw new InvalidRequest('Value for x-amz-checksum-type header is invalid.');
  if (t === 'FULL_OBJECT' && (a === 'SHA1' || a === 'SHA256')) {
    throw new InvalidRequest(
      `The FULL_OBJECT checksum type cannot be used with the ${a.toLowerCase()} checksum algorithm.`,
    );
  }
  if (t === 'COMPOSITE' && a === 'CRC64NVME') {
    throw new InvalidRequest(
      'The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.',
    );
  }
  return { algorithm: a as ChecksumAlgorithm, type: t };
}

const CHECKSUM_MEMBER: Record<string, string> = {
  CRC32: 'ChecksumCRC32',
  CRC32C: 'ChecksumCRC32C',
  CRC64NVME: 'ChecksumCRC64NVME',
  SHA1: 'ChecksumSHA1',
  SHA256: 'ChecksumSHA256',
};

export const partChecksumMember = (
  algorithm: string | undefined,
  value: string | undefined,
): Record<string, string> =>
  algorithm && value && CHECKSUM_MEMBER[algorithm] ? { [CHECKSUM_MEMBER[algorithm]!]: value } : {};

/** The algorithm of the checksum a request carries (header or announced trailer). */
function suppliedAlgorithm(headers: Record<string, string>): string | undefined {
  const trailer = headers['x-amz-trailer']?.trim().toLowerCase();
  const names = trailer ? [trailer] : Object.keys(headers);
  for (const name of names) {
    const alg = name.startsWith('x-amz-checksum-')
      ? name.slice('x-amz-checksum-'.length).toUpperCase()
      : undefined;
    if (alg && ALGORITHMS.has(alg)) return alg;
  }
  return undefined;
}

/**
 * Who started an upload: an account's root is named as the owner is (canonical ID), an IAM
 * principal by its ARN (ListParts and ListMultipartUploads references, Initiator).
 */
function initiatorOf(arn: string, owner: { ID?: string }) {
  return { ID: arn.endsWith(':root') ? owner.ID : arn };
}

export function multipartHandlers(env: S3Env) {
  async function savePart(part: PartRecord): Promise<void> {
    const r = await env.repo.putPart(part);
    if (!r.ok) {
      env.free([part.blobId]);
      throw noSuchUpload(part.uploadId);
    }
    env.free(r.freed);
  }

  return {
    async CreateMultipartUpload(
      input: CreateMultipartUploadRequest,
      ctx: HandlerContext,
    ): Promise<CreateMultipartUploadOutput> {
      const bucket = await env.bucket(input.Bucket);
      const acl = checkObjectAcl(bucket, input.ACL, ctx.request.headers);
      await checkGrantees(env, acl);
      checkKey(input.Key);
      checkMetadata(input.Metadata);
      checkRedirectLocation(input.WebsiteRedirectLocation);
      checkEncryption(input.ServerSideEncryption, input.SSEKMSKeyId);
      checkKmsSignature(ctx.request, input.ServerSideEncryption);
      const who = { principalArn: ctx.principal.arn, action: 's3:PutObject', key: input.Key };
      await customerKeyWrite(env, bucket, input, who);
      const storageClass = storageClassOf(input.StorageClass);
      const tags = parseTaggingHeader(input.Tagging);
      const cs = checksumSetup(input.ChecksumAlgorithm, input.ChecksumType);
      const uploadId = randomBytes(32).toString('base64url');
      const scope = { accountId: ctx.accountId, region: bucket.region };
      const attrs = {
        ...attrsFrom(input),
        ...sseAttrs(input, scope, await env.defaultEncryption(bucket)),
        ...(acl ? { acl } : {}),
      };
      await env.repo.createUpload({
        uploadId,
        bucket: input.Bucket,
        key: input.Key,
        initiated: recordedTime(ctx.now),
        owner: ctx.accountId,
        initiator: ctx.principal.arn,
        storageClass,
        ...(cs.algorithm ? { checksumAlgorithm: cs.algorithm, checksumType: cs.type! } : {}),
        contentType: input.ContentType ?? DEFAULT_CONTENT_TYPE,
        attrs,
        ...(tags?.length ? { tags } : {}),
      });
      return {
        Bucket: input.Bucket,
        Key: input.Key,
        UploadId: uploadId,
        ...sseMembers(attrs, scope),
        ...(cs.algorithm ? { ChecksumAlgorithm: cs.algorithm as never, ChecksumType: cs.type as never } : {}),
      };
    },

    async UploadPart(input: UploadPartRequest, ctx: HandlerContext): Promise<UploadPartOutput> {
      const versionId = ctx.request.query.get('versionId');
      if (versionId !== null) {
        throw new InvalidArgument('This operation does not accept a version-id.', {
          ArgumentName: 'versionId',
          ArgumentValue: versionId,
        });
      }
      checkPartNumber(input.PartNumber);
      checkNoSseHeader(ctx.request.headers);
      const upload = await requireUpload(env, input.Bucket, input.Key, input.UploadId);
      await checkPartCustomerKey(env, upload, input, ctx.principal.arn);
      const algorithm = upload.checksumAlgorithm as ChecksumAlgorithm | undefined;
      const sent = suppliedAlgorithm(ctx.request.headers);
      if (algorithm && sent && sent !== algorithm) {
        throw new InvalidRequest(
          `Checksum Type mismatch occurred, expected checksum Type: ${algorithm.toLowerCase()}, actual checksum Type: ${sent.toLowerCase()}`,
        );
      }
      const body = await storeBody(env.blobs, ctx, {
        ...(input.Body ? { body: input.Body } : {}),
        ...(algorithm ? { algorithms: [algorithm] } : {}),
        maxBytes: MAX_PART_SIZE,
      });
      const checksum = algorithm ? body.checksums[algorithm] : undefined;
      const etag = md5Etag(body.md5);
      await savePart({
        uploadId: input.UploadId,
        partNumber: input.PartNumber,
        blobId: body.blobId,
        size: body.size,
        etag,
        lastModified: recordedTime(ctx.now),
        ...(checksum ? { checksum } : {}),
      });
      // A part of an upload created without an algorithm may still carry a checksum (SDKs send
      // CRC32 by default): S3 checks it and answers with it, but keeps none for the part.
      const answered = algorithm ? { algorithm, value: checksum } : body.supplied;
      return {
        ETag: etag,
        ...(await uploadSse(env, upload)),
        ...partChecksumMember(answered?.algorithm, answered?.value),
      } as UploadPartOutput;
    },

    async UploadPartCopy(input: UploadPartCopyRequest, ctx: HandlerContext): Promise<UploadPartCopyOutput> {
      checkPartNumber(input.PartNumber);
      const upload = await requireUpload(env, input.Bucket, input.Key, input.UploadId);
      await checkPartCustomerKey(env, upload, input, ctx.principal.arn);
      const src = await readCopySource(env, input);
      let range: { start: number; end: number } | undefined;
      if (input.CopySourceRange !== undefined) {
        const m = /^bytes=(\d+)-(\d+)$/.exec(input.CopySourceRange.trim());
        if (!m) {
          throw new InvalidArgument(
            'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
            {
              ArgumentName: 'x-amz-copy-source-range',
              ArgumentValue: input.CopySourceRange,
            },
          );
        }
        range = { start: Number(m[1]), end: Number(m[2]) };
        if (range.end < range.start || range.end >= src.size) {
          throw new InvalidArgument(`Range specified is not valid for source object of size: ${src.size}`, {
            ArgumentName: 'x-amz-copy-source-range',
            ArgumentValue: input.CopySourceRange,
          });
        }
      }
      const algorithm = upload.checksumAlgorithm as ChecksumAlgorithm | undefined;
      const copied = await copyBlob(env, src, range, algorithm ? [algorithm] : []);
      const checksum = algorithm ? copied.checksums[algorithm] : undefined;
      const etag = md5Etag(copied.md5);
      const lastModified = recordedTime(ctx.now);
      await savePart({
        uploadId: input.UploadId,
        partNumber: input.PartNumber,
        blobId: copied.blobId,
        size: copied.size,
        etag,
        lastModified,
        ...(checksum ? { checksum } : {}),
      });
      return {
        CopyPartResult: {
          ETag: etag,
          LastModified: new Date(lastModified),
          ...partChecksumMember(algorithm, checksum),
        },
        ...(await uploadSse(env, upload)),
        ...(src.versionId !== undefined ? { CopySourceVersionId: src.versionId } : {}),
      } as UploadPartCopyOutput;
    },

    async AbortMultipartUpload(
      input: AbortMultipartUploadRequest,
      _ctx: HandlerContext,
    ): Promise<AbortMultipartUploadOutput> {
      await requireUpload(env, input.Bucket, input.Key, input.UploadId);
      const r = await env.repo.abortUpload(input.UploadId);
      if (!r.ok) throw noSuchUpload(input.UploadId);
      env.free(r.freed);
      return {};
    },

    async ListParts(input: ListPartsRequest, _ctx: HandlerContext): Promise<ListPartsOutput> {
      const upload = await requireUpload(env, input.Bucket, input.Key, input.UploadId);
      if (input.MaxParts !== undefined && (input.MaxParts < 0 || input.MaxParts > 2147483647)) {
        throw new InvalidArgument('Argument max-parts must be an integer between 0 and 2147483647', {
          ArgumentName: 'max-parts',
          ArgumentValue: String(input.MaxParts),
        });
      }
      const max = Math.min(input.MaxParts ?? 1000, 1000);
      const marker = Number(input.PartNumberMarker ?? 0) || 0;
      const rows = await env.repo.listParts(input.UploadId, marker, max + 1);
      const parts = rows.slice(0, max);
      const truncated = rows.length > max;
      const owner = await env.owner(upload.owner);
      return {
        Bucket: input.Bucket,
        Key: input.Key,
        UploadId: input.UploadId,
        PartNumberMarker: marker as never,
        ...(parts.length ? { NextPartNumberMarker: parts[parts.length - 1]!.partNumber as never } : {}),
        MaxParts: max,
        IsTruncated: truncated,
        Parts: parts.map((p) => ({
          PartNumber: p.partNumber,
          LastModified: new Date(p.lastModified),
          ETag: p.etag,
          Size: p.size,
          ...partChecksumMember(upload.checksumAlgorithm, p.checksum),
        })),
        Initiator: initiatorOf(upload.initiator, owner),
        Owner: owner,
        StorageClass: upload.storageClass,
        ...(upload.checksumAlgorithm
          ? { ChecksumAlgorithm: upload.checksumAlgorithm, ChecksumType: upload.checksumType }
          : {}),
      } as ListPartsOutput;
    },

    async ListMultipartUploads(
      input: ListMultipartUploadsRequest,
      _ctx: HandlerContext,
    ): Promise<ListMultipartUploadsOutput> {
      await env.bucket(input.Bucket);
      if (input.MaxUploads !== undefined && (input.MaxUploads < 0 || input.MaxUploads > 2147483647))
        throw new InvalidArgument('Argument max-uploads must be an integer between 0 and 2147483647', {
          ArgumentName: 'max-uploads',
          ArgumentValue: String(input.MaxUploads),
        });
      const enc = encoderOf(input.EncodingType);
      const max = Math.min(input.MaxUploads ?? 1000, 1000);
      const prefix = input.Prefix ?? '';
      const delimiter = input.Delimiter || undefined;
      const keyMarker = input.KeyMarker || undefined;
      // Unfinished uploads are few; with a delimiter they are rolled up here rather than by seeking.
      const rows = await env.repo.listUploads(input.Bucket, {
        prefix,
        ...(input.KeyMarker ? { keyMarker: input.KeyMarker } : {}),
        ...(input.UploadIdMarker ? { uploadIdMarker: input.UploadIdMarker } : {}),
        limit: delimiter ? 100_000 : max + 1,
      });
      const uploads: typeof rows = [];
      const prefixes: string[] = [];
      let truncated = false;
      /** The page's last entry: an upload, or a common prefix (a string). */
      let last: (typeof rows)[number] | string | undefined;
      for (const u of rows) {
        const i = delimiter ? u.key.indexOf(delimiter, prefix.length) : -1;
        const cp = i >= 0 ? u.key.slice(0, i + delimiter!.length) : undefined;
        if (cp !== undefined && prefixes[prefixes.length - 1] === cp) continue;
        // A key marker that is (or lies inside) a common prefix has had that prefix already.
        if (
          cp !== undefined &&
          keyMarker !== undefined &&
          Buffer.compare(Buffer.from(cp), Buffer.from(keyMarker)) <= 0
        )
          continue;
        if (uploads.length + prefixes.length >= max) {
          truncated = true;
          break;
        }
        if (cp !== undefined) prefixes.push(cp);
        else uploads.push(u);
        last = cp ?? u;
      }
      const out = [];
      for (const u of uploads) {
        const owner = await env.owner(u.owner);
        out.push({
          UploadId: u.uploadId,
          Key: enc(u.key),
          Initiated: new Date(u.initiated),
          StorageClass: u.storageClass,
          Owner: owner,
          Initiator: initiatorOf(u.initiator, owner),
          ...(u.checksumAlgorithm
            ? { ChecksumAlgorithm: u.checksumAlgorithm, ChecksumType: u.checksumType }
            : {}),
        });
      }
      return {
        Bucket: input.Bucket,
        KeyMarker: enc(input.KeyMarker ?? ''),
        UploadIdMarker: input.UploadIdMarker ?? '',
        // Ending on a common prefix, the next page starts past it (the prefix is the key marker).
        ...(truncated && typeof last === 'string' ? { NextKeyMarker: enc(last) } : {}),
        ...(truncated && last && typeof last !== 'string'
          ? { NextKeyMarker: enc(last.key), NextUploadIdMarker: last.uploadId }
          : {}),
        Prefix: enc(prefix),
        ...(input.Delimiter ? { Delimiter: enc(input.Delimiter) } : {}),
        MaxUploads: max,
        IsTruncated: truncated,
        Uploads: out,
        ...(prefixes.length ? { CommonPrefixes: prefixes.map((p) => ({ Prefix: enc(p) })) } : {}),
        ...(input.EncodingType ? { EncodingType: input.EncodingType } : {}),
      } as ListMultipartUploadsOutput;
    },
  };
}
