/**
 * PutBucketAcl and PutObjectAcl: a canned ACL, x-amz-grant-* headers or an AccessControlPolicy
 * body, stored as a grant list. Buckets with ACLs disabled (BucketOwnerEnforced) accept only
 * the owner's full control; Block Public Access's BlockPublicAcls refuses public grants.
 */
import { AwsError } from '../../../errors.ts';
import {
  AccessControlListNotSupported,
  AccessDenied,
  InvalidBucketAclWithObjectOwnership,
  MethodNotAllowed,
  NoSuchKey,
} from '../../../generated/s3/errors.ts';
import type {
  Grant,
  PutBucketAclRequest,
  PutObjectAclOutput,
  PutObjectAclRequest,
} from '../../../generated/s3/types.ts';
import type { HandlerContext } from '../../handler.ts';
import { aclsDisabled, BUCKET_CANNED, checkGrantHeaders, OBJECT_CANNED } from '../acl.ts';
import type { BucketRecord } from '../store/repository.ts';
import type { FeatureEnv } from './env.ts';
import {
  cannedGrants,
  checkGrants,
  checkHeaderIds,
  EC2_BUNDLE_READER,
  headerGrants,
  invalidHeaderId,
  isPublicGrant,
  storedGrants,
} from './acl-grants.ts';

type AclInput = Pick<PutBucketAclRequest, 'ACL' | 'AccessControlPolicy'>;

/**
 * PutObjectAcl on a key without a current object: NoSuchKey, or when the key's latest version is
 * a delete marker, 405 as S3 answers it (a marker has no ACL; only DELETE applies to it).
 */
async function missingObject(env: FeatureEnv, b: BucketRecord, key: string): Promise<Error> {
  const latest = b.versioning ? await env.s3.repo.latestVersion(b.name, key) : undefined;
  if (latest?.deleteMarker) {
    return new MethodNotAllowed(
      'The specified method is not allowed against this resource.',
      { Method: 'PUT', ResourceType: 'DeleteMarker' },
      { Allow: 'DELETE' },
    );
  }
  return new NoSuchKey('The specified key does not exist.', { Key: key });
}

function requestedGrants(
  input: AclInput,
  headers: Record<string, string>,
  canned: Set<string>,
  owner: string,
  bucketOwner: string,
): Grant[] {
  const fromHeaders = headerGrants(headers);
  if (input.ACL !== undefined && fromHeaders)
    throw new AwsError('InvalidRequest', 'Specifying both Canned ACLs and Header Grants is not allowed', 400);
  checkGrantHeaders(headers);
  if ((input.ACL !== undefined || fromHeaders) && input.AccessControlPolicy) {
    throw new AwsError('UnexpectedContent', 'This request does not support content', 400);
  }
  if (input.ACL !== undefined) {
    if (!canned.has(input.ACL))
      throw new AwsError('InvalidArgument', '', 400, { ArgumentName: 'x-amz-acl', ArgumentValue: input.ACL });
    return cannedGrants(input.ACL, owner, bucketOwner);
  }
  const grants = fromHeaders ?? input.AccessControlPolicy?.Grants;
  if (!grants)
    throw new AwsError(
      'MalformedACLError',
      'The XML you provided was not well-formed or did not validate against our published schema',
      400,
    );
  if (fromHeaders) checkHeaderIds(fromHeaders);
  checkGrants(grants);
  return grants.map((g) => ({ Grantee: { ...g.Grantee }, Permission: g.Permission }) as Grant);
}

/** Only the owner's full control: what a bucket with ACLs disabled accepts. */
const ownerOnly = (grants: Grant[], owner: string) =>
  grants.every(
    (g) => g.Grantee?.Type === 'CanonicalUser' && g.Grantee.ID === owner && g.Permission === 'FULL_CONTROL',
  );

/**
 * Disabling ACLs (BucketOwnerEnforced) needs a bucket ACL granting only the owner's full
 * control: grants to anyone else must move to the bucket policy first.
 */
export function checkOwnerOnlyAcl(env: FeatureEnv, b: BucketRecord): void {
  const owner = env.s3.canonicalId(b.accountId);
  if (!aclsDisabled(b) && !ownerOnly(storedGrants(b.acl, owner, owner), owner)) {
    throw new InvalidBucketAclWithObjectOwnership(
      "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
    );
  }
}

export function aclWriteHandlers(env: FeatureEnv) {
  async function admit(
    b: BucketRecord,
    grants: Grant[],
    owner: string,
    headers: Record<string, string>,
  ): Promise<boolean> {
    // A canonical id must be some account's: S3 answers an unknown one as it does a malformed one
    // (a grant header's naming the header's id argument).
    const fromHeaders = headerGrants(headers) !== undefined;
    for (const g of grants) {
      const id = g.Grantee?.Type === 'CanonicalUser' ? g.Grantee.ID : undefined;
      if (id === undefined || id === EC2_BUNDLE_READER || (await env.accountOfCanonical(id))) continue;
      if (fromHeaders) throw invalidHeaderId(id);
      throw new AwsError('InvalidArgument', 'Invalid id', 400, {
        ArgumentName: 'CanonicalUser/ID',
        ArgumentValue: id,
      });
    }
    if (aclsDisabled(b)) {
      if (!ownerOnly(grants, owner))
        throw new AccessControlListNotSupported('The bucket does not allow ACLs');
      return false;
    }
    const pab = await env.publicAccessBlock(b);
    if (pab?.BlockPublicAcls && grants.some(isPublicGrant)) throw new AccessDenied('Access Denied');
    return true;
  }

  return {
    async PutBucketAcl(input: PutBucketAclRequest, ctx: HandlerContext): Promise<void> {
      const b = await env.s3.bucket(input.Bucket);
      const owner = env.s3.canonicalId(b.accountId);
      const grants = requestedGrants(input, ctx.request.headers, BUCKET_CANNED, owner, owner);
      if (await admit(b, grants, owner, ctx.request.headers))
        await env.s3.repo.setBucketAcl(b.name, JSON.stringify(grants));
    },

    async PutObjectAcl(input: PutObjectAclRequest, ctx: HandlerContext): Promise<PutObjectAclOutput> {
      const b = await env.s3.bucket(input.Bucket);
      // A version named by id gets the ACL (a delete marker named so is GET's 405 with its headers).
      const o =
        input.VersionId !== undefined
          ? await env.s3.object(input.Bucket, input.Key, input.VersionId, 'PUT')
          : await env.s3.repo.getObject(input.Bucket, input.Key);
      if (!o) throw await missingObject(env, b, input.Key);
      const bucketOwner = env.s3.canonicalId(b.accountId);
      const owner = aclsDisabled(b) ? bucketOwner : env.s3.canonicalId(o.owner);
      const grants = requestedGrants(input, ctx.request.headers, OBJECT_CANNED, owner, bucketOwner);
      if (await admit(b, grants, owner, ctx.request.headers)) {
        const acl = JSON.stringify(grants);
        if (!(await env.s3.repo.setObjectAcl(input.Bucket, input.Key, acl, input.VersionId)))
          throw new NoSuchKey('The specified key does not exist.', { Key: input.Key });
      }
      return {};
    },
  };
}
