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
import type { Owner, S3Env } from './env.ts';
import type { BucketRecord } from './store/repository.ts';

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

export const BUCKET_CANNED = new Set(['private', 'public-read', 'public-read-write', 'authenticated-read']);
export const OBJECT_CANNED = new Set([
  ...BUCKET_CANNED,
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
 * Object writes (PUT, copy, multipart, POST) naming an ACL: refused on a bucket with ACLs
 * disabled; elsewhere a canned ACL must be one S3 knows, and not come with grant headers.
 */
export function checkObjectAcl(
  bucket: BucketRecord,
  acl: string | undefined,
  headers: Record<string, string>,
): void {
  if (aclsDisabled(bucket)) {
    if ((acl !== undefined && acl !== 'bucket-owner-full-control') || hasGrants(headers)) {
      throw new AccessControlListNotSupported('The bucket does not allow ACLs');
    }
    return;
  }
  if (acl !== undefined && !OBJECT_CANNED.has(acl))
    throw new InvalidArgument('', { ArgumentName: 'x-amz-acl', ArgumentValue: acl });
  if (acl !== undefined && hasGrants(headers))
    throw new InvalidRequest('Specifying both Canned ACLs and Header Grants is not allowed');
  checkGrantHeaders(headers);
}

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

function grantsOf(owner: Owner, acl: string | undefined): Grant[] {
  // A full grant list written by PutBucketAcl/PutObjectAcl (access/acl-write.ts).
  if (acl?.startsWith('[')) return JSON.parse(acl) as Grant[];
  const grants: Grant[] = [
    {
      Grantee: {
        Type: 'CanonicalUser',
        ID: owner.ID,
        ...(owner.DisplayName ? { DisplayName: owner.DisplayName } : {}),
      },
      Permission: 'FULL_CONTROL',
    },
  ];
  const group = (URI: string, Permission: Grant['Permission']) =>
    grants.push({ Grantee: { Type: 'Group', URI }, Permission });
  if (acl === 'public-read' || acl === 'public-read-write') group(ALL_USERS, 'READ');
  if (acl === 'public-read-write') group(ALL_USERS, 'WRITE');
  if (acl === 'authenticated-read') group(AUTH_USERS, 'READ');
  return grants;
}

export function aclHandlers(env: S3Env) {
  return {
    async GetBucketAcl(input: GetBucketAclRequest, _ctx: HandlerContext): Promise<GetBucketAclOutput> {
      const b = await env.bucket(input.Bucket);
      const owner = await env.owner(b.accountId);
      return { Owner: owner, Grants: grantsOf(owner, aclsDisabled(b) ? undefined : b.acl) };
    },

    async GetObjectAcl(input: GetObjectAclRequest, _ctx: HandlerContext): Promise<GetObjectAclOutput> {
      const b = await env.bucket(input.Bucket);
      const o = await env.object(input.Bucket, input.Key, input.VersionId);
      const owner = await env.owner(aclsDisabled(b) ? b.accountId : o.owner);
      return { Owner: owner, Grants: grantsOf(owner, aclsDisabled(b) ? undefined : o.attrs.acl) };
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
