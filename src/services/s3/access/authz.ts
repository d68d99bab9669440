/**
 * The S3 core's AuthzMapper extended for the bucket sub-resources (policy, public access block,
 * ownership, website, CORS, encryption, notification, and those of subresources/) and Block Public Access's
 * RestrictPublicBuckets: a public bucket policy grants nothing to callers outside the bucket's
 * account (its Deny statements still apply).
 */
import { AccessDenied } from '../../../generated/s3/errors.ts';
import type { AuthzMapper, AuthzRequest } from '../../authz.ts';
import type { FeatureEnv } from './env.ts';
import { denyStatementsOnly, isPublicPolicy } from './public-policy.ts';
import { addAclGrants, checkPublicAclWrite } from './acl-authz.ts';
import { SUBRESOURCE_ACTIONS } from '../subresources/index.ts';
import { aclContext, requestContext } from '../authz.ts';

const BUCKET_ACTIONS: Record<string, string> = {
  PutBucketPolicy: 's3:PutBucketPolicy',
  GetBucketPolicy: 's3:GetBucketPolicy',
  DeleteBucketPolicy: 's3:DeleteBucketPolicy',
  GetBucketPolicyStatus: 's3:GetBucketPolicyStatus',
  PutPublicAccessBlock: 's3:PutBucketPublicAccessBlock',
  GetPublicAccessBlock: 's3:GetBucketPublicAccessBlock',
  DeletePublicAccessBlock: 's3:PutBucketPublicAccessBlock',
  PutBucketOwnershipControls: 's3:PutBucketOwnershipControls',
  DeleteBucketOwnershipControls: 's3:PutBucketOwnershipControls',
  PutBucketWebsite: 's3:PutBucketWebsite',
  GetBucketWebsite: 's3:GetBucketWebsite',
  DeleteBucketWebsite: 's3:DeleteBucketWebsite',
  PutBucketCors: 's3:PutBucketCORS',
  GetBucketCors: 's3:GetBucketCORS',
  DeleteBucketCors: 's3:PutBucketCORS',
  PutBucketEncryption: 's3:PutEncryptionConfiguration',
  GetBucketEncryption: 's3:GetEncryptionConfiguration',
  DeleteBucketEncryption: 's3:PutEncryptionConfiguration',
  PutBucketNotificationConfiguration: 's3:PutBucketNotification',
  GetBucketNotificationConfiguration: 's3:GetBucketNotification',
  PutBucketAcl: 's3:PutBucketAcl',
  ...SUBRESOURCE_ACTIONS,
};

/** The bucket owner's root may always manage the policy, whatever it says (lock-out protection). */
const POLICY_OPERATIONS = new Set(['PutBucketPolicy', 'GetBucketPolicy', 'DeleteBucketPolicy']);

export const FEATURE_OPERATIONS = Object.keys(BUCKET_ACTIONS);

export function withBucketFeatures(inner: AuthzMapper, env: FeatureEnv): AuthzMapper {
  const publicCache = new Map<string, boolean>();
  const isPublic = (text: string) => {
    let v = publicCache.get(text);
    if (v === undefined) {
      if (publicCache.size > 1000) publicCache.clear();
      publicCache.set(text, (v = isPublicPolicy(text)));
    }
    return v;
  };

  return async (operation, input: Record<string, any>, ctx) => {
    // A CORS preflight needs no permission: the bucket's CORS rules decide.
    if (operation === 'OptionsObject') return [];
    await checkPublicAclWrite(env, operation, input, ctx);
    let requests: AuthzRequest[];
    const action = BUCKET_ACTIONS[operation];
    if (action) {
      const bucket = input.Bucket as string;
      const b = await env.s3.repo.getBucket(bucket);
      if (input.ExpectedBucketOwner !== undefined && b && input.ExpectedBucketOwner !== b.accountId)
        throw new AccessDenied();
      const r: AuthzRequest = {
        action,
        resource: `arn:aws:s3:::${bucket}`,
        context: requestContext(ctx),
        resourceAccountId: b?.accountId ?? ctx.accountId,
      };
      if (operation === 'PutBucketAcl') aclContext(ctx.request.headers, r.context!);
      const ownerRoot = b && ctx.principal.type === 'Root' && ctx.principal.accountId === b.accountId;
      if (b?.policy && !(ownerRoot && POLICY_OPERATIONS.has(operation))) r.resourcePolicy = b.policy;
      requests = [r];
    } else {
      requests = await inner(operation, input, ctx);
      // A missing key is NoSuchKey only for callers who may list the bucket; others get
      // AccessDenied, so keys cannot be probed (S3's rule for GetObject and HeadObject).
      const first = requests[0];
      if (
        (operation === 'GetObject' || operation === 'HeadObject') &&
        first &&
        input.VersionId === undefined
      ) {
        const b = await env.s3.repo.getBucket(input.Bucket as string);
        if (b && !(await env.s3.currentObject(ctx, b.name, input.Key as string))) {
          const { context: _c, ...rest } = first;
          requests.push({
            ...rest,
            action: 's3:ListBucket',
            resource: `arn:aws:s3:::${b.name}`,
            context: requestContext(ctx),
          });
        }
      }
    }
    for (const r of requests) {
      if (
        r.resourcePolicy === undefined ||
        r.resourceAccountId === ctx.accountId ||
        !isPublic(r.resourcePolicy)
      )
        continue;
      const name = /^arn:aws:s3:::([^/]+)/.exec(r.resource)?.[1];
      const b = name ? await env.s3.repo.getBucket(name) : undefined;
      const pab = b ? await env.publicAccessBlock(b) : null;
      if (!pab?.RestrictPublicBuckets) continue;
      const denies = denyStatementsOnly(r.resourcePolicy);
      if (denies === undefined) delete r.resourcePolicy;
      else r.resourcePolicy = denies;
    }
    await addAclGrants(env, operation, input, requests, ctx);
    // aws:Referer (hot-link protection policies): the authorizer's global keys do not carry it.
    const referer = ctx.request.headers.referer;
    if (referer !== undefined) for (const r of requests) r.context = { ...r.context, 'aws:Referer': referer };
    return requests;
  };
}
