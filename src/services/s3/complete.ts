/**
 * CompleteMultipartUpload: the listed parts (ascending, existing, ETags matching, all but the
 * last at least 5 MiB) are concatenated into the object's blob; the ETag is the MD5 of the
 * parts' binary MD5s with "-N"; checksums are composite (checksum of the parts' checksums,
 * "-N") or full-object (computed over the whole object while concatenating). An upload created
 * without a checksum algorithm gets S3's default, a full-object CRC64NVME.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../../errors.ts';
import { EntityTooSmall, InvalidPart, InvalidPartOrder, InvalidRequest } from '../../generated/s3/errors.ts';
import type {
  CompleteMultipartUploadOutput,
  CompleteMultipartUploadRequest,
} from '../../generated/s3/types.ts';
import {
  ChecksumTracker,
  isValidChecksum,
  type ChecksumAlgorithm,
} from '../../protocol/streaming/checksums.ts';
import type { BlobInfo, BlobWriteOptions } from '../../blob/blob-store.ts';
import type { HandlerContext } from '../handler.ts';
import { recordedTime, type S3Env } from './env.ts';
import { writeCheck } from './conditions.ts';
import { checksumMembers, DEFAULT_CHECKSUM } from './object-headers.ts';
import { requireUpload, uploadSse } from './multipart.ts';
import { objectOwner } from './acl.ts';
import type { ObjectRecord, PartRecord, StoredChecksum } from './store/repository.ts';

export const MIN_PART_SIZE = 5 * 1024 * 1024;

const unquote = (s: string) => s.trim().replace(/^"(.*)"$/, '$1');

const MEMBER: Record<string, string> = {
  CRC32: 'ChecksumCRC32',
  CRC32C: 'ChecksumCRC32C',
  CRC64NVME: 'ChecksumCRC64NVME',
  SHA1: 'ChecksumSHA1',
  SHA256: 'ChecksumSHA256',
};

function malformed(): AwsError {
  return new AwsError(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
    400,
  );
}

function compositeOf(algorithm: ChecksumAlgorithm, parts: PartRecord[]): string {
  const t = new ChecksumTracker({ algorithms: [algorithm] });
  for (const p of parts) t.update(Buffer.from(p.checksum ?? '', 'base64'));
  return `${t.finish().checksums[algorithm]}-${parts.length}`;
}

function objectChecksumOf(
  input: CompleteMultipartUploadRequest,
  algorithm: ChecksumAlgorithm,
  type: string | undefined,
): string | undefined {
  const given = (input as unknown as Record<string, unknown>)[MEMBER[algorithm]!] as string | undefined;
  if (given === undefined) return undefined;
  const m = /^(.*?)(-\d+)?$/.exec(given.trim())!;
  if (!isValidChecksum(algorithm, m[1]!) || (m[2] !== undefined && type !== 'COMPOSITE'))
    throw new InvalidRequest(`Value for x-amz-checksum-${algorithm.toLowerCase()} header is invalid.`);
  return given.trim();
}

/** A named composite checksum may leave out its "-<parts>" suffix. */
const sameChecksum = (given: string, c: StoredChecksum) =>
  given === c.value || (c.type === 'COMPOSITE' && `${given}-${c.value.split('-')[1]}` === c.value);

export function completeHandlers(env: S3Env) {
  return {
    async CompleteMultipartUpload(
      input: CompleteMultipartUploadRequest,
      ctx: HandlerContext,
    ): Promise<CompleteMultipartUploadOutput> {
      const upload = await requireUpload(env, input.Bucket, input.Key, input.UploadId);
      const requested = input.MultipartUpload?.Parts ?? [];
      if (requested.length === 0) throw malformed();
      let prev = 0;
      for (const p of requested) {
        if (p.PartNumber === undefined || p.ETag === undefined) throw malformed();
        if (p.PartNumber <= prev) throw new InvalidPartOrder(undefined, { UploadId: input.UploadId });
        prev = p.PartNumber;
      }
      const stored = await env.repo.getParts(
        input.UploadId,
        requested.map((p) => p.PartNumber!),
      );
      const algorithm = upload.checksumAlgorithm as ChecksumAlgorithm | undefined;
      const parts: PartRecord[] = [];
      requested.forEach((p, i) => {
        const part = stored.get(p.PartNumber!);
        if (!part || unquote(part.etag) !== unquote(p.ETag!)) {
          throw new InvalidPart(undefined, {
            UploadId: input.UploadId,
            PartNumber: String(p.PartNumber),
            ETag: p.ETag!,
          });
        }
        if (i < requested.length - 1 && part.size < MIN_PART_SIZE) {
          throw new EntityTooSmall(undefined, {
            ProposedSize: String(part.size),
            MinSizeAllowed: String(MIN_PART_SIZE),
            PartNumber: String(p.PartNumber),
            ETag: p.ETag!,
          });
        }
        if (algorithm && upload.checksumType === 'COMPOSITE') {
          const given = (p as Record<string, unknown>)[MEMBER[algorithm]!] as string | undefined;
          if (given === undefined) {
            throw new InvalidRequest(
              `The upload was created using a ${algorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${p.PartNumber} in the request.`,
            );
          }
          if (given !== part.checksum) {
            throw new InvalidPart(undefined, {
              UploadId: input.UploadId,
              PartNumber: String(p.PartNumber),
              ETag: p.ETag!,
            });
          }
        }
        parts.push(part);
      });
      // The object's checksum the request names (x-amz-checksum-<algorithm>): a composite one
      // may carry its "-<parts>" suffix. Checked once the object's own is known.
      // (An upload created without an algorithm gets S3's default full-object CRC64NVME.)
      const given = objectChecksumOf(
        input,
        algorithm ?? DEFAULT_CHECKSUM,
        upload.checksumType ?? 'FULL_OBJECT',
      );
      // A checksum type named on completion must be the upload's (CompleteMultipartUpload reference).
      if (algorithm && input.ChecksumType !== undefined && input.ChecksumType !== upload.checksumType)
        throw new AwsError(
          'BadDigest',
          `The upload was created using the ${upload.checksumType} checksum mode. The complete request must use the same checksum mode.`,
          400,
        );
      const size = parts.reduce((n, p) => n + p.size, 0);
      if (input.MpuObjectSize !== undefined && Number(input.MpuObjectSize) !== size) {
        throw new InvalidRequest(
          `The provided 'x-amz-mp-object-size' header value ${input.MpuObjectSize} does not match what was computed: ${size}`,
        );
      }
      const check = writeCheck(input.IfMatch, input.IfNoneMatch, input.Key);
      if (check) check(await env.repo.getObject(input.Bucket, input.Key));

      const md5s = createHash('md5');
      for (const p of parts) md5s.update(Buffer.from(unquote(p.etag), 'hex'));
      const etag = `"${md5s.digest('hex')}-${parts.length}"`;

      // A full-object checksum is computed over the bytes as they are joined: the upload's, or
      // for an upload created without one S3's default, a full-object CRC64NVME (which a value
      // sent with the request does not replace).
      const fullAlgorithm: ChecksumAlgorithm | undefined = !algorithm
        ? DEFAULT_CHECKSUM
        : upload.checksumType === 'FULL_OBJECT'
          ? algorithm
          : undefined;
      const join = (onChunk?: BlobWriteOptions['onChunk']) =>
        env.blobs.concat(
          parts.map((p) => p.blobId),
          onChunk ? { onChunk } : {},
        );
      let blob: BlobInfo;
      let checksum: StoredChecksum | undefined;
      if (fullAlgorithm) {
        const hashing = { algorithms: [fullAlgorithm], md5: false, sha256: false };
        const { info, sums } = await env.writeHashed(hashing, size, join);
        blob = info;
        checksum = { algorithm: fullAlgorithm, value: sums.checksums[fullAlgorithm]!, type: 'FULL_OBJECT' };
      } else {
        blob = await join();
        if (algorithm) checksum = { algorithm, value: compositeOf(algorithm, parts), type: 'COMPOSITE' };
      }
      if (checksum && given !== undefined && !sameChecksum(given, checksum)) {
        env.free([blob.id]);
        throw new AwsError(
          'BadDigest',
          `The ${checksum.algorithm.toLowerCase()} you specified did not match the calculated checksum.`,
          400,
        );
      }
      const record: ObjectRecord = {
        bucket: input.Bucket,
        key: input.Key,
        blobId: blob.id,
        size: blob.size,
        etag,
        lastModified: recordedTime(ctx.now),
        storageClass: upload.storageClass,
        // The object is written now: BucketOwnerPreferred hands it to the bucket owner when the
        // upload was created with bucket-owner-full-control (the upload keeps its initiator's).
        owner: objectOwner(await env.bucket(input.Bucket), upload.attrs.acl, upload.owner),
        ...(upload.contentType !== undefined ? { contentType: upload.contentType } : {}),
        attrs: {
          ...upload.attrs,
          ...(checksum ? { checksum } : {}),
          parts: parts.map((p) => ({ size: p.size, ...(p.checksum ? { checksum: p.checksum } : {}) })),
        },
        ...(upload.tags?.length ? { tags: upload.tags } : {}),
      };
      let result: { ok: boolean; freed: string[] };
      try {
        result = await env.repo.completeUpload(input.UploadId, record, check);
      } catch (e) {
        env.free([blob.id]);
        throw e;
      }
      if (!result.ok) {
        env.free([blob.id]);
        await requireUpload(env, input.Bucket, input.Key, input.UploadId);
      }
      env.free(result.freed);
      return {
        Location: `http://${input.Bucket}.s3.amazonaws.com/${encodeURIComponent(input.Key).replace(/%2F/g, '/')}`,
        Bucket: input.Bucket,
        Key: input.Key,
        ETag: etag,
        ...(await uploadSse(env, upload)),
        ...checksumMembers(checksum),
        ...(record.versionId !== undefined ? { VersionId: record.versionId } : {}),
      } as CompleteMultipartUploadOutput;
    },
  };
}
