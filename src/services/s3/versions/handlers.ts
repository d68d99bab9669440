/**
 * Versioning: Put/GetBucketVersioning, ListObjectVersions, and DeleteObject/DeleteObjects for
 * versioned buckets (delete markers, deletes by version id). Unversioned buckets keep the
 * core's delete path untouched.
 */
import { AwsError } from '../../../errors.ts';
import { InvalidArgument, NoSuchKey } from '../../../generated/s3/errors.ts';
import type {
  DeleteObjectOutput,
  DeleteObjectRequest,
  DeleteObjectsOutput,
  DeleteObjectsRequest,
  GetBucketVersioningOutput,
  GetBucketVersioningRequest,
  ListObjectVersionsOutput,
  ListObjectVersionsRequest,
  PutBucketVersioningRequest,
} from '../../../generated/s3/types.ts';
import type { HandlerContext, ServiceHandlers } from '../../handler.ts';
import { VERSION_SEQUENCE } from '../../../protocol/s3/version-order.ts';
import { recordedTime, type Owner, type S3Env } from '../env.ts';
import { writeCheck } from '../conditions.ts';
import type { BucketRecord, VersionRecord, VersioningStatus } from '../store/repository.ts';

const MALFORMED = () =>
  new AwsError(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
    400,
  );

/** Refuses a delete of a version (object lock); set by the object-lock module. */
export type VersionGuard = (v: VersionRecord, ctx: HandlerContext, bypassGovernance: boolean) => void;

export interface DeleteResult {
  deleteMarker?: boolean;
  versionId?: string;
}

/** One key's delete with S3's versioning semantics; shared by DeleteObject and DeleteObjects. */
export async function deleteOne(
  env: S3Env,
  bucket: BucketRecord,
  key: string,
  versionId: string | undefined,
  ctx: HandlerContext,
  guard?: (v: VersionRecord) => void,
): Promise<DeleteResult> {
  if (versionId !== undefined) {
    if (versionId !== 'null' && !/^[A-Za-z0-9._]{32}$/.test(versionId))
      throw new InvalidArgument('Invalid version id specified', {
        ArgumentName: 'versionId',
        ArgumentValue: versionId,
      });
    const { removed, freed } = await env.repo.deleteVersion(bucket.name, key, versionId, guard);
    env.free(freed);
    return {
      ...(removed?.deleteMarker ? { deleteMarker: true } : {}),
      versionId,
    };
  }
  if (!bucket.versioning) {
    const { freed } = await env.repo.deleteObjects(bucket.name, [key]);
    env.free(freed);
    return {};
  }
  const r = await env.repo.putDeleteMarker(bucket.name, key, ctx.accountId, recordedTime(ctx.now));
  env.free(r.freed);
  return { deleteMarker: true, versionId: r.versionId };
}

export function versioningHandlers(env: S3Env, opts: { guard?: VersionGuard } = {}): ServiceHandlers {
  const guardOf = (ctx: HandlerContext, bypass: boolean | undefined) =>
    opts.guard ? (v: VersionRecord) => opts.guard!(v, ctx, bypass === true) : undefined;

  return {
    async PutBucketVersioning(input: PutBucketVersioningRequest, _ctx: HandlerContext): Promise<object> {
      const b = await env.bucket(input.Bucket);
      const c = input.VersioningConfiguration ?? {};
      if (c.Status !== undefined && c.Status !== 'Enabled' && c.Status !== 'Suspended') throw MALFORMED();
      if (c.MFADelete !== undefined && c.MFADelete !== 'Enabled' && c.MFADelete !== 'Disabled')
        throw MALFORMED();
      if (c.MFADelete === 'Enabled') {
        // MFA delete needs the root user's MFA over HTTPS; Stratus has no such device check.
        if (input.MFA === undefined)
          throw new AwsError(
            'InvalidRequest',
            'DevPay and Mfa are mutually exclusive authorization methods.',
            400,
          );
        throw new AwsError('AccessDenied', 'Mfa Authentication must be used for this request', 403);
      }
      if (c.Status !== undefined) await env.repo.setBucketVersioning(b.name, c.Status as VersioningStatus);
      return {};
    },

    async GetBucketVersioning(
      input: GetBucketVersioningRequest,
      _ctx: HandlerContext,
    ): Promise<GetBucketVersioningOutput> {
      const b = await env.bucket(input.Bucket);
      return b.versioning ? { Status: b.versioning } : {};
    },

    async DeleteObject(input: DeleteObjectRequest, ctx: HandlerContext): Promise<DeleteObjectOutput> {
      const b = await env.bucket(input.Bucket);
      if (input.IfMatch !== undefined) {
        const o = await env.repo.getObject(input.Bucket, input.Key);
        if (!o) throw new NoSuchKey(undefined, { Key: input.Key });
        writeCheck(input.IfMatch, undefined, input.Key)!(o);
      }
      const r = await deleteOne(
        env,
        b,
        input.Key,
        input.VersionId,
        ctx,
        guardOf(ctx, input.BypassGovernanceRetention),
      );
      return {
        ...(r.deleteMarker ? { DeleteMarker: true } : {}),
        ...(r.versionId !== undefined ? { VersionId: r.versionId } : {}),
      };
    },

    async DeleteObjects(input: DeleteObjectsRequest, ctx: HandlerContext): Promise<DeleteObjectsOutput> {
      const b = await env.bucket(input.Bucket);
      const objects = input.Delete?.Objects ?? [];
      if (objects.length === 0 || objects.length > 1000) throw MALFORMED();
      const deleted: NonNullable<DeleteObjectsOutput['Deleted']> = [];
      const errors: NonNullable<DeleteObjectsOutput['Errors']> = [];
      const guard = guardOf(ctx, input.BypassGovernanceRetention);
      for (const o of objects) {
        try {
          const r = await deleteOne(env, b, o.Key, o.VersionId, ctx, guard);
          deleted.push({
            Key: o.Key,
            ...(o.VersionId !== undefined ? { VersionId: o.VersionId } : {}),
            ...(r.deleteMarker ? { DeleteMarker: true } : {}),
            ...(r.deleteMarker && r.versionId !== undefined
              ? { DeleteMarkerVersionId: o.VersionId === undefined ? r.versionId : o.VersionId }
              : {}),
          });
        } catch (e) {
          if (!(e instanceof AwsError) || e.status >= 500) throw e;
          errors.push({
            Key: o.Key,
            ...(o.VersionId !== undefined ? { VersionId: o.VersionId } : {}),
            Code: e.code,
            Message: e.message,
          });
        }
      }
      // Deleting a key that does not exist succeeds too, as in S3. Quiet leaves the successes out,
      // but the (then empty) DeleteResult document is still sent: an empty list keeps the body.
      return {
        Deleted: input.Delete.Quiet ? [] : deleted,
        ...(errors.length ? { Errors: errors } : {}),
      };
    },

    async ListObjectVersions(
      input: ListObjectVersionsRequest,
      _ctx: HandlerContext,
    ): Promise<ListObjectVersionsOutput> {
      await env.bucket(input.Bucket);
      const maxKeys = maxKeysOf(input.MaxKeys);
      const enc = encoderOf(input.EncodingType);
      const prefix = input.Prefix ?? '';
      const delimiter = input.Delimiter || undefined;
      const keyMarker = input.KeyMarker || undefined;
      const versionIdMarker = input.VersionIdMarker || undefined;
      if (versionIdMarker !== undefined && keyMarker === undefined)
        throw new InvalidArgument('A version-id marker cannot be specified without a key marker.', {
          ArgumentName: 'version-id-marker',
          ArgumentValue: versionIdMarker,
        });
      if (
        versionIdMarker !== undefined &&
        versionIdMarker !== 'null' &&
        !/^[A-Za-z0-9._]{32}$/.test(versionIdMarker)
      )
        throw new InvalidArgument('Invalid version id specified', {
          ArgumentName: 'version-id-marker',
          ArgumentValue: versionIdMarker,
        });
      const page = await env.repo.listVersions(input.Bucket, {
        prefix,
        ...(delimiter ? { delimiter } : {}),
        ...(keyMarker !== undefined ? { keyMarker } : {}),
        ...(versionIdMarker !== undefined ? { versionIdMarker } : {}),
        maxKeys,
      });
      const owners = new Map<string, Owner>();
      for (const v of page.versions) if (!owners.has(v.owner)) owners.set(v.owner, await env.owner(v.owner));
      const versions = page.versions.filter((v) => !v.deleteMarker);
      const markers = page.versions.filter((v) => v.deleteMarker);
      return {
        [VERSION_SEQUENCE]: page.versions.map((v) => v.deleteMarker),
        IsTruncated: page.truncated,
        KeyMarker: enc(input.KeyMarker ?? ''),
        VersionIdMarker: input.VersionIdMarker ?? '',
        ...(page.truncated && page.nextKeyMarker !== undefined
          ? {
              NextKeyMarker: enc(page.nextKeyMarker),
              ...(page.nextVersionIdMarker !== undefined
                ? { NextVersionIdMarker: page.nextVersionIdMarker }
                : {}),
            }
          : {}),
        Versions: versions.map((v) => ({
          ETag: v.etag,
          ...(v.attrs.checksum
            ? { ChecksumAlgorithm: [v.attrs.checksum.algorithm], ChecksumType: v.attrs.checksum.type }
            : {}),
          Size: v.size,
          StorageClass: v.storageClass,
          Key: enc(v.key),
          VersionId: v.versionId,
          IsLatest: v.isLatest,
          LastModified: new Date(v.lastModified),
          Owner: owners.get(v.owner)!,
        })),
        DeleteMarkers: markers.map((v) => ({
          Owner: owners.get(v.owner)!,
          Key: enc(v.key),
          VersionId: v.versionId,
          IsLatest: v.isLatest,
          LastModified: new Date(v.lastModified),
        })),
        Name: input.Bucket,
        Prefix: enc(prefix),
        ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
        MaxKeys: maxKeys,
        CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
        ...(input.EncodingType ? { EncodingType: input.EncodingType } : {}),
      } as ListObjectVersionsOutput;
    },
  };
}

function maxKeysOf(v: number | undefined): number {
  if (v === undefined) return 1000;
  if (v < 0 || v > 2147483647) {
    throw new InvalidArgument('Argument maxKeys must be an integer between 0 and 2147483647', {
      ArgumentName: 'maxKeys',
      ArgumentValue: String(v),
    });
  }
  return Math.min(v, 1000);
}

function encoderOf(type: string | undefined): (s: string) => string {
  if (type === undefined) return (s) => s;
  if (type !== 'url') {
    throw new InvalidArgument('Invalid Encoding Method specified in Request', {
      ArgumentName: 'encoding-type',
      ArgumentValue: type,
    });
  }
  return (s) => encodeURIComponent(s).replace(/%2F/g, '/');
}
