/** Objects: PutObject, GetObject, HeadObject (deletes: versions/handlers.ts, for every bucket). */
import { Readable } from 'node:stream';
import { AwsError } from '../../errors.ts';
import { InvalidArgument } from '../../generated/s3/errors.ts';
import type {
  GetObjectOutput,
  GetObjectRequest,
  HeadObjectOutput,
  HeadObjectRequest,
  PutObjectOutput,
  PutObjectRequest,
} from '../../generated/s3/types.ts';
import { BlobNotFoundError, type ByteRange } from '../../blob/blob-store.ts';
import type { HandlerContext } from '../handler.ts';
import { md5Etag, type S3Env, recordedTime } from './env.ts';
import { storeBody } from './body.ts';
import { checkReadConditions, writeCheck } from './conditions.ts';
import { contentRange, parseRange } from './ranges.ts';
import {
  applyResponseOverrides,
  attrsFrom,
  checkOverridesSigned,
  checksumMembers,
  DEFAULT_CHECKSUM,
  DEFAULT_CONTENT_TYPE,
  objectOutput,
} from './object-headers.ts';
import {
  checkEncryption,
  checkKey,
  checkMetadata,
  checkRedirectLocation,
  parseTaggingHeader,
  storageClassOf,
} from './validation.ts';
import { checkGrantees, checkObjectAcl, objectOwner } from './acl.ts';
import { checkKmsSignature, checkNoSseHeader, sseAttrs, sseMembers } from './sse.ts';
import { checkCustomerKeyRead, customerKeyWrite } from './sse-c.ts';
import { partChecksumMember } from './multipart.ts';
import type { ObjectRecord, StoredChecksum } from './store/repository.ts';

export const EMPTY = (): Readable => Readable.from([]);

/** A small blob's bytes in one piece (written out with the head), any other blob as a stream. */
export async function readBody(env: S3Env, blobId: string, range?: ByteRange): Promise<Buffer | Readable> {
  return (await env.blobs.readBytes?.(blobId, range)) ?? env.blobs.read(blobId, range);
}

/** The byte range of part `n` of a multipart object (PartNumber reads). */
function partRange(o: ObjectRecord, n: number): { range: ByteRange | undefined; count: number } {
  const parts = o.attrs.parts;
  if (!parts) {
    if (n !== 1)
      throw new AwsError('InvalidPartNumber', 'The requested partnumber is not satisfiable', 416, {
        PartNumberRequested: String(n),
        ActualPartCount: '1',
      });
    return { range: o.size ? { start: 0, end: o.size - 1 } : undefined, count: 1 };
  }
  if (n > parts.length) {
    throw new AwsError('InvalidPartNumber', 'The requested partnumber is not satisfiable', 416, {
      PartNumberRequested: String(n),
      ActualPartCount: String(parts.length),
    });
  }
  let start = 0;
  for (let i = 0; i < n - 1; i++) start += parts[i]!.size;
  return { range: { start, end: start + parts[n - 1]!.size - 1 }, count: parts.length };
}

interface ReadPlan {
  out: Record<string, unknown>;
  range: ByteRange | undefined;
  object: ObjectRecord;
}

async function planRead(
  env: S3Env,
  input: GetObjectRequest | HeadObjectRequest,
  isGet: boolean,
  /** The request, to reuse the row its authorization read; none on a retry (read afresh). */
  ctx?: HandlerContext,
): Promise<ReadPlan> {
  const o = await env.object(input.Bucket, input.Key, input.VersionId, isGet ? 'GET' : 'HEAD', ctx);
  checkCustomerKeyRead(o.attrs.ssecKeyMd5, input);
  if (ctx) checkKmsSignature(ctx.request, o.attrs.sse);
  checkReadConditions(input, o);
  const { region } = await env.bucket(input.Bucket);
  // HEAD answers x-amz-tagging-count as GET does (botocore's HeadObjectOutput.TagCount).
  const out = objectOutput(o, { checksums: input.ChecksumMode === 'ENABLED', tagCount: true, region });
  let range: ByteRange | undefined;
  if (input.PartNumber !== undefined) {
    if (input.Range !== undefined)
      throw new InvalidArgument('Cannot specify both Range header and partNumber query parameter', {
        ArgumentName: 'partNumber',
      });
    if (input.PartNumber < 1 || input.PartNumber > 10000) {
      throw new InvalidArgument('Part number must be an integer between 1 and 10000, inclusive', {
        ArgumentName: 'partNumber',
        ArgumentValue: String(input.PartNumber),
      });
    }
    const p = partRange(o, input.PartNumber);
    range = p.range;
    out.PartsCount = p.count;
    if (o.attrs.parts) {
      // A part read answers the part's own checksum (with the object's checksum type), never the
      // whole object's; a part kept without one answers none.
      const type = out.ChecksumType;
      for (const k of Object.keys(out)) if (k.startsWith('Checksum')) delete out[k];
      const part = o.attrs.parts[input.PartNumber - 1]!;
      if (input.ChecksumMode === 'ENABLED' && part.checksum && o.attrs.checksum)
        Object.assign(out, partChecksumMember(o.attrs.checksum.algorithm, part.checksum), {
          ChecksumType: type,
        });
    }
  } else {
    range = parseRange(input.Range, o.size);
    // A ranged read has no checksum of its own: S3 sends none (clients would fail to validate).
    if (range) for (const k of Object.keys(out)) if (k.startsWith('Checksum')) delete out[k];
  }
  if (range) {
    out.ContentRange = contentRange(range, o.size);
    out.ContentLength = range.end - range.start + 1;
    out.StatusCode = 206;
  } else {
    out.ContentLength = o.size;
  }
  return { out, range, object: o };
}

export function objectHandlers(env: S3Env) {
  return {
    async PutObject(input: PutObjectRequest, ctx: HandlerContext): Promise<PutObjectOutput> {
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
      const check = writeCheck(input.IfMatch, input.IfNoneMatch, input.Key);
      // Fail fast before reading the body; checked again inside the commit.
      if (check) check(await env.repo.getObject(input.Bucket, input.Key));
      const body = await storeBody(env.blobs, ctx, {
        ...(input.Body ? { body: input.Body } : {}),
        defaultAlgorithm: DEFAULT_CHECKSUM,
      });
      const scope = { accountId: ctx.accountId, region: bucket.region };
      const given = body.supplied ?? body.defaulted;
      const checksum: StoredChecksum | undefined = given ? { ...given, type: 'FULL_OBJECT' } : undefined;
      const record: ObjectRecord = {
        bucket: input.Bucket,
        key: input.Key,
        blobId: body.blobId,
        size: body.size,
        etag: md5Etag(body.md5),
        lastModified: recordedTime(ctx.now),
        storageClass,
        owner: objectOwner(bucket, acl, ctx.accountId),
        contentType: input.ContentType ?? DEFAULT_CONTENT_TYPE,
        attrs: {
          ...attrsFrom(input),
          ...sseAttrs(input, scope, await env.defaultEncryption(bucket)),
          ...(checksum ? { checksum } : {}),
          ...(acl ? { acl } : {}),
        },
        ...(tags?.length ? { tags } : {}),
      };
      await env.commit(record, check);
      return {
        ETag: record.etag,
        ...sseMembers(record.attrs, scope),
        ...checksumMembers(checksum),
        ...(record.versionId !== undefined ? { VersionId: record.versionId } : {}),
      } as PutObjectOutput;
    },

    async GetObject(input: GetObjectRequest, ctx: HandlerContext): Promise<GetObjectOutput> {
      checkOverridesSigned(ctx.principal, input as unknown as Record<string, unknown>);
      checkNoSseHeader(ctx.request.headers);
      for (let attempt = 0; ; attempt++) {
        const { out, range, object } = await planRead(env, input, true, attempt ? undefined : ctx);
        applyResponseOverrides(out, input as unknown as Record<string, unknown>);
        try {
          out.Body = object.size === 0 ? EMPTY() : await readBody(env, object.blobId, range);
          return out as GetObjectOutput;
        } catch (e) {
          // A concurrent overwrite freed the blob between the row read and the open: read again.
          if (!(e instanceof BlobNotFoundError) || attempt >= 2) throw e;
        }
      }
    },

    async HeadObject(input: HeadObjectRequest, ctx: HandlerContext): Promise<HeadObjectOutput> {
      checkNoSseHeader(ctx.request.headers);
      const { out } = await planRead(env, input, false, ctx);
      applyResponseOverrides(out, input as unknown as Record<string, unknown>);
      return out as HeadObjectOutput;
    },
  };
}
