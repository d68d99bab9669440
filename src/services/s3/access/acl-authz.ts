/**
 * ACLs in authorization, where Object Ownership allows them: BlockPublicAcls refuses writes
 * carrying public grants (and CreateBucket with them), and the bucket's and object's grants
 * join the resource policy as Allow statements (IgnorePublicAcls drops the public ones).
 */
import { AwsError } from '../../../errors.ts';
import { AccessDenied } from '../../../generated/s3/errors.ts';
import type { AuthzRequest } from '../../authz.ts';
import type { HandlerContext } from '../../handler.ts';
import { aclsDisabled } from '../acl.ts';
import { parseCopySource } from '../copy-source.ts';
import type { FeatureEnv } from './env.ts';
import {
  grantStatements,
  headerGrants,
  isPublicGrant,
  publicCanned,
  storedGrants,
  withStatements,
} from './acl-grants.ts';

const OBJECT_WRITES = new Set(['PutObject', 'CopyObject', 'CreateMultipartUpload', 'PostObject']);
const OBJECT_ACL_READERS = new Set(['GetObject', 'HeadObject', 'GetObjectAcl', 'PutObjectAcl']);
const COPIES = new Set(['CopyObject', 'UploadPartCopy']);
const READS = new Set(['s3:GetObject', 's3:GetObjectVersion']);

function copySource(input: Record<string, any>) {
  try {
    return typeof input.CopySource === 'string' ? parseCopySource(input.CopySource) : undefined;
  } catch {
    return undefined;
  }
}

/** BlockPublicAcls at request time (before the handler): public ACLs on writes are refused. */
export async function checkPublicAclWrite(
  env: FeatureEnv,
  operation: string,
  input: Record<string, any>,
  ctx: HandlerContext,
): Promise<void> {
  const h = ctx.request.headers;
  const acl = operation === 'PostObject' ? ctx.post?.fields.get('acl') : h['x-amz-acl'];
  const wantsPublic = () => publicCanned(acl) || (headerGrants(h) ?? []).some(isPublicGrant);
  if (operation === 'CreateBucket') {
    const o = h['x-amz-object-ownership'];
    // New buckets block public access: a public ACL cannot come with them.
    if ((o === 'ObjectWriter' || o === 'BucketOwnerPreferred') && wantsPublic()) {
      throw new AwsError(
        'InvalidBucketAclWithBlockPublicAccessError',
        'Bucket cannot have public ACLs set with BlockPublicAccess enabled',
        400,
      );
    }
    return;
  }
  if (!OBJECT_WRITES.has(operation)) return;
  const b = await env.s3.repo.getBucket(input.Bucket as string);
  if (!b || aclsDisabled(b) || !wantsPublic()) return;
  const pab = await env.publicAccessBlock(b);
  if (pab?.BlockPublicAcls) throw new AccessDenied('Access Denied');
}

/** Adds the ACL grants of the bucket (and object) each request touches to its resource policy. */
export async function addAclGrants(
  env: FeatureEnv,
  operation: string,
  input: Record<string, any>,
  requests: AuthzRequest[],
  ctx: HandlerContext,
): Promise<void> {
  for (const r of requests) {
    const m = /^arn:aws:s3:::([^/]+)(?:\/(.*))?$/s.exec(r.resource);
    if (!m) continue;
    const b = await env.s3.repo.getBucket(m[1]!);
    if (!b || aclsDisabled(b)) continue;
    const pab = await env.publicAccessBlock(b);
    const bucketOwner = env.s3.canonicalId(b.accountId);
    let grants = storedGrants(b.acl, bucketOwner, bucketOwner).map((g) => ({
      g,
      key: undefined as string | undefined,
    }));
    const key = m[2];
    // A copy's source read is granted by the source object's ACL.
    const source = COPIES.has(operation) && READS.has(r.action) ? copySource(input) : undefined;
    const reads = OBJECT_ACL_READERS.has(operation) && key === input.Key;
    if (key !== undefined && key !== '' && (reads || source)) {
      // A request naming a version is granted by that version's ACL.
      const versionId = source ? source.versionId : (input.VersionId as string | undefined);
      const o =
        versionId !== undefined
          ? await env.s3.repo.getVersion(b.name, key, versionId)
          : await env.s3.currentObject(ctx, b.name, key);
      if (o && !('deleteMarker' in o && o.deleteMarker))
        grants = grants.concat(
          storedGrants(o.attrs.acl, env.s3.canonicalId(o.owner), bucketOwner).map((g) => ({ g, key })),
        );
      // No such object: no object ACL to consult, and whoever may list the bucket learns it is
      // missing (404 NoSuchKey; s3-tests' test_object_raw_get_object_gone, run against AWS).
      else if (
        !o &&
        !source &&
        versionId === undefined &&
        (operation === 'GetObject' || operation === 'HeadObject')
      )
        grants = grants.concat(
          grants
            .filter(({ g }) => g.Permission === 'READ' || g.Permission === 'FULL_CONTROL')
            .map(({ g }) => ({ g: { ...g, Permission: 'READ' as const }, key })),
        );
    }
    if (pab?.IgnorePublicAcls) grants = grants.filter(({ g }) => !isPublicGrant(g));
    const accounts = new Map<string, string | undefined>();
    for (const { g } of grants) {
      const id = g.Grantee?.ID;
      if (id && !accounts.has(id)) accounts.set(id, await env.accountOfCanonical(id));
    }
    const statements = [
      ...grantStatements(
        grants.filter((x) => x.key === undefined).map((x) => x.g),
        b.name,
        undefined,
        (id) => accounts.get(id),
      ),
      ...(key
        ? grantStatements(
            grants.filter((x) => x.key !== undefined).map((x) => x.g),
            b.name,
            key,
            (id) => accounts.get(id),
          )
        : []),
    ];
    // The owner's own full control adds nothing its account does not already have.
    const extra = statements.filter(
      (s) => JSON.stringify(s.Principal) !== JSON.stringify({ AWS: `arn:aws:iam::${b.accountId}:root` }),
    );
    const merged = withStatements(r.resourcePolicy, extra);
    if (merged !== undefined) r.resourcePolicy = merged;
  }
}
