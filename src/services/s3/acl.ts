/**
 * ACLs as buckets created since April 2023 have them: Object Ownership BucketOwnerEnforced
 * (ACLs disabled) unless CreateBucket says otherwise. Writes naming an ACL other than
 * bucket-owner-full-control are refused then; ACL reads answer the owner's FULL_CONTROL.
 */
import {
  AccessControlListNotSupported,
  InvalidArgument,
  InvalidBucketAclWithObjectOwnership,
  InvalidRequest,
  OwnershipControlsNotFoundError,
} from '../../generated/s3/errors.ts';
import type {
  GetBucketAclOutput,
  GetBucketAclRequest,
  GetBucketOwnershipControlsOutput,
  GetBucketOwnershipControlsRequest,
  GetObjectAclOutput,
  GetObjectAclRequest,
  Grant,
} from '../../generated/s3/types.ts';
import type { HandlerContext } from '../handler.ts';
import type { S3Env } from './env.ts';
import type { BucketRecord } from './store/repository.ts';
import {
  checkGrants,
  checkHeaderIds,
  EC2_BUNDLE_READER,
  headerGrants,
  invalidHeaderId,
  storedGrants,
} from './access/acl-grants.ts';

const OWNERSHIPS = new Set(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']);
const GRANT_HEADERS = [
  'x-amz-grant-full-control',
  'x-amz-grant-read',
  'x-amz-grant-read-acp',
  'x-amz-grant-write',
  'x-amz-grant-write-acp',
];

export const aclsDisabled = (b: BucketRecord) =>
  (b.objectOwnership ?? 'BucketOwnerEnforced') === 'BucketOwnerEnforced';

const hasGrants = (headers: Record<string, string>) => GRANT_HEADERS.some((h) => headers[h] !== undefined);

/** CreateBucket: the ownership to store; refuses ACLs the ownership does not allow. */
export function bucketOwnership(
  ownership: string | undefined,
  acl: string | undefined,
  headers: Record<string, string>,
): string | undefined {
  const o = ownership ?? 'BucketOwnerEnforced';
  if (!OWNERSHIPS.has(o))
    throw new InvalidBucketAclWithObjectOwnership(`Invalid x-amz-object-ownership header: ${o}`);
  if (o === 'BucketOwnerEnforced' && ((acl !== undefined && acl !== 'private') || hasGrants(headers))) {
    throw new InvalidBucketAclWithObjectOwnership(
      "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
    );
  }
  return o === 'BucketOwnerEnforced' ? undefined : o;
}

/** Canned ACLs a bucket takes (aws-exec-read applies to buckets and objects: S3's canned ACL table). */
export const BUCKET_CANNED = new Set([
  'private',
  'aws-exec-read',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'log-delivery-write',
]);
export const OBJECT_CANNED = new Set([
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
]);

const GRANTEE = /^\s*(id|uri|emailAddress)\s*=\s*("[^"]*"|[^",]*)\s*$/i;

/** x-amz-grant-* values must be lists of `id=…`, `uri=…` or `emailAddress=…`. */
export function checkGrantHeaders(headers: Record<string, string>): void {
  for (const name of GRANT_HEADERS) {
    const v = headers[name];
    if (v !== undefined && !v.split(',').every((part) => GRANTEE.test(part)))
      throw new InvalidArgument('Argument format not recognized', { ArgumentName: name, ArgumentValue: v });
  }
}

/**
 * x-amz-grant-* headers as the grant list to store (JSON), or undefined without any: exactly
 * the grantees named (the owner keeps full control only if named), as S3 stores them.
 */
function grantList(headers: Record<string, string>): string | undefined {
  checkGrantHeaders(headers);
  const grants = headerGrants(headers);
  if (!grants) return undefined;
  checkHeaderIds(grants);
  checkGrants(grants);
  return JSON.stringify(grants);
}

/**
 * The header grants of a write (an ACL grantList stored) must name accounts S3 has: an unknown
 * canonical id is refused as a malformed one is, before anything is written.
 */
export async function checkGrantees(env: S3Env, acl: string | undefined): Promise<void> {
  if (!acl?.startsWith('[')) return;
  for (const g of JSON.parse(acl) as Grant[]) {
    const id = g.Grantee?.Type === 'CanonicalUser' ? g.Grantee.ID : undefined;
    if (id !== undefined && id !== EC2_BUNDLE_READER && !(await env.ownerByCanonicalId(id)))
      throw invalidHeaderId(id);
  }
}

/** CreateBucket (ACLs allowed by bucketOwnership): the canned ACL or header grants to store. */
export function createBucketAcl(
  acl: string | undefined,
  headers: Record<string, string>,
): string | undefined {
  if (acl !== undefined && hasGrants(headers))
    throw new InvalidRequest('Specifying both Canned ACLs and Header Grants is not allowed');
  return acl ?? grantList(headers);
}

/**
 * Object writes (PUT, copy, multipart, POST) naming an ACL: refused on a bucket with ACLs
 * disabled; elsewhere a canned ACL must be one S3 knows, and not come with grant headers.
 * Returns the ACL to store with the object: the canned name or the header grants (nothing on
 * a bucket with ACLs disabled, where the bucket owner's full control is all there is).
 */
export function checkObjectAcl(
  bucket: BucketRecord,
  acl: string | undefined,
  headers: Record<string, string>,
): string | undefined {
  if (aclsDisabled(bucket)) {
    if ((acl !== undefined && acl !== 'bucket-owner-full-control') || hasGrants(headers)) {
      throw new AccessControlListNotSupported('The bucket does not allow ACLs');
    }
    return undefined;
  }
  if (acl !== undefined && !OBJECT_CANNED.has(acl))
    throw new InvalidArgument('', { ArgumentName: 'x-amz-acl', ArgumentValue: acl });
  if (acl !== undefined && hasGrants(headers))
    throw new InvalidRequest('Specifying both Canned ACLs and Header Grants is not allowed');
  return acl ?? grantList(headers);
}

/**
 * Who owns a new object: its writer, except that BucketOwnerPreferred hands the objects written
 * with the bucket-owner-full-control canned ACL to the bucket owner.
 */
export const objectOwner = (bucket: BucketRecord, acl: string | undefined, writer: string): string =>
  bucket.objectOwnership === 'BucketOwnerPreferred' && acl === 'bucket-owner-full-control'
    ? bucket.accountId
    : writer;

/**
 * The grants an ACL amounts to (owner and bucketOwner are account ids). A DisplayName a client
 * sent is not kept: S3 stopped returning display names on 21 November 2025.
 */
function grantsOf(env: S3Env, acl: string | undefined, owner: string, bucketOwner: string): Grant[] {
  return storedGrants(acl, env.canonicalId(owner), env.canonicalId(bucketOwner)).map((g) => {
    if (g.Grantee?.DisplayName === undefined) return g;
    const { DisplayName: _d, ...grantee } = g.Grantee;
    return { ...g, Grantee: grantee };
  });
}

export function aclHandlers(env: S3Env) {
  return {
    async GetBucketAcl(input: GetBucketAclRequest, _ctx: HandlerContext): Promise<GetBucketAclOutput> {
      const b = await env.bucket(input.Bucket);
      const owner = await env.owner(b.accountId);
      const acl = aclsDisabled(b) ? undefined : b.acl;
      return { Owner: owner, Grants: grantsOf(env, acl, b.accountId, b.accountId) };
    },

    async GetObjectAcl(input: GetObjectAclRequest, _ctx: HandlerContext): Promise<GetObjectAclOutput> {
      const b = await env.bucket(input.Bucket);
      const o = await env.object(input.Bucket, input.Key, input.VersionId);
      const ownerId = aclsDisabled(b) ? b.accountId : o.owner;
      const acl = aclsDisabled(b) ? undefined : o.attrs.acl;
      return { Owner: await env.owner(ownerId), Grants: grantsOf(env, acl, ownerId, b.accountId) };
    },

    async GetBucketOwnershipControls(
      input: GetBucketOwnershipControlsRequest,
      _ctx: HandlerContext,
    ): Promise<GetBucketOwnershipControlsOutput> {
      const b = await env.bucket(input.Bucket);
      // 'none': DeleteBucketOwnershipControls (access/bucket-settings.ts) left the bucket without any.
      if (b.objectOwnership === 'none')
        throw new OwnershipControlsNotFoundError(undefined, { BucketName: input.Bucket });
      return {
        OwnershipControls: { Rules: [{ ObjectOwnership: b.objectOwnership ?? 'BucketOwnerEnforced' }] },
      };
    },
  };
}
