/**
 * What each S3 operation asks of IAM (Service Authorization Reference): action, resource ARN,
 * condition keys, the bucket owner as the resource account and the bucket policy.
 */
import { AccessDenied, NoSuchBucket } from '../../generated/s3/errors.ts';
import type { AuthzMapper, AuthzRequest, ConditionValue } from '../authz.ts';
import type { HandlerContext } from '../handler.ts';
import type { S3Env } from './env.ts';
import { parseCopySource } from './copy-source.ts';
import type { Tag } from './store/repository.ts';

const BUCKET_ACTIONS: Record<string, string> = {
  HeadBucket: 's3:ListBucket',
  ListObjects: 's3:ListBucket',
  ListObjectsV2: 's3:ListBucket',
  GetBucketLocation: 's3:GetBucketLocation',
  DeleteBucket: 's3:DeleteBucket',
  PutBucketTagging: 's3:PutBucketTagging',
  GetBucketTagging: 's3:GetBucketTagging',
  DeleteBucketTagging: 's3:PutBucketTagging',
  ListMultipartUploads: 's3:ListBucketMultipartUploads',
  GetBucketAcl: 's3:GetBucketAcl',
  GetBucketVersioning: 's3:GetBucketVersioning',
  PutBucketVersioning: 's3:PutBucketVersioning',
  PutBucketLifecycleConfiguration: 's3:PutLifecycleConfiguration',
  GetBucketLifecycleConfiguration: 's3:GetLifecycleConfiguration',
  DeleteBucketLifecycle: 's3:PutLifecycleConfiguration',
  PutObjectLockConfiguration: 's3:PutBucketObjectLockConfiguration',
  GetObjectLockConfiguration: 's3:GetBucketObjectLockConfiguration',
  ListObjectVersions: 's3:ListBucketVersions',
  GetBucketOwnershipControls: 's3:GetBucketOwnershipControls',
};

const OBJECT_ACTIONS: Record<string, string> = {
  PutObject: 's3:PutObject',
  PostObject: 's3:PutObject',
  CreateMultipartUpload: 's3:PutObject',
  UploadPart: 's3:PutObject',
  CompleteMultipartUpload: 's3:PutObject',
  GetObject: 's3:GetObject',
  HeadObject: 's3:GetObject',
  DeleteObject: 's3:DeleteObject',
  PutObjectTagging: 's3:PutObjectTagging',
  GetObjectTagging: 's3:GetObjectTagging',
  DeleteObjectTagging: 's3:DeleteObjectTagging',
  AbortMultipartUpload: 's3:AbortMultipartUpload',
  ListParts: 's3:ListMultipartUploadParts',
  GetObjectAcl: 's3:GetObjectAcl',
  RestoreObject: 's3:RestoreObject',
};

const VERSION_ACTIONS: Record<string, string> = {
  's3:GetObject': 's3:GetObjectVersion',
  's3:DeleteObject': 's3:DeleteObjectVersion',
  's3:GetObjectTagging': 's3:GetObjectVersionTagging',
  's3:PutObjectTagging': 's3:PutObjectVersionTagging',
  's3:DeleteObjectTagging': 's3:DeleteObjectVersionTagging',
  's3:GetObjectAcl': 's3:GetObjectVersionAcl',
  's3:PutObjectAcl': 's3:PutObjectVersionAcl',
  's3:GetObjectAttributes': 's3:GetObjectVersionAttributes',
};

const GRANT_KEYS = ['read', 'write', 'read-acp', 'write-acp', 'full-control'].map((p) => `x-amz-grant-${p}`);

/** s3:x-amz-acl and s3:x-amz-grant-* (writes that set an ACL): the request's headers as sent. */
export function aclContext(h: Record<string, string>, into: Record<string, ConditionValue>): void {
  if (h['x-amz-acl'] !== undefined) into['s3:x-amz-acl'] = h['x-amz-acl'];
  for (const k of GRANT_KEYS) if (h[k] !== undefined) into[`s3:${k}`] = h[k];
}

/**
 * The keys every S3 action has: aws:SecureTransport, and how the request was signed
 * (s3:authType REST-HEADER | REST-QUERY-STRING | POST, s3:signatureversion AWS | AWS4-HMAC-SHA256,
 * s3:x-amz-content-sha256), which "deny Signature Version 2" policies test. Anonymous requests
 * have neither signing key.
 */
export function requestContext(ctx: HandlerContext): Record<string, ConditionValue> {
  const c: Record<string, ConditionValue> = { 'aws:SecureTransport': ctx.request.secure };
  const h = ctx.request.headers;
  const q = ctx.request.query;
  const auth = h.authorization;
  const fields = ctx.post?.fields;
  let version: string | undefined;
  if (auth !== undefined) {
    c['s3:authType'] = 'REST-HEADER';
    version = auth.startsWith('AWS4-') ? 'AWS4-HMAC-SHA256' : auth.startsWith('AWS ') ? 'AWS' : undefined;
  } else if (q.has('X-Amz-Algorithm') || q.has('Signature')) {
    c['s3:authType'] = 'REST-QUERY-STRING';
    version = q.has('X-Amz-Algorithm') ? 'AWS4-HMAC-SHA256' : 'AWS';
  } else if (fields && (fields.has('x-amz-signature') || fields.has('signature'))) {
    c['s3:authType'] = 'POST';
    version = fields.has('x-amz-signature') ? 'AWS4-HMAC-SHA256' : 'AWS';
  }
  if (version !== undefined && ctx.principal.type !== 'Anonymous') c['s3:signatureversion'] = version;
  if (h['x-amz-content-sha256'] !== undefined) c['s3:x-amz-content-sha256'] = h['x-amz-content-sha256'];
  return c;
}

function tagContext(prefix: string, tags: Tag[] | undefined, into: Record<string, ConditionValue>): void {
  if (!tags) return;
  for (const t of tags) into[`${prefix}/${t.Key}`] = t.Value;
}

function requestTags(header: string | undefined): Tag[] | undefined {
  if (header === undefined) return undefined;
  return [...new URLSearchParams(header)].map(([Key, Value]) => ({ Key, Value }));
}

export function s3Authz(env: S3Env): AuthzMapper {
  async function owned(
    bucket: string | undefined,
    ctx: HandlerContext,
  ): Promise<Pick<AuthzRequest, 'resourceAccountId' | 'resourcePolicy' | 'canonicalUserId'>> {
    if (!bucket) return {};
    const b = await env.repo.getBucket(bucket);
    if (!b) {
      // Anonymous callers learn that a bucket does not exist (S3 answers them 404, and 403 for
      // one that exists); a signed request is the caller's own, and its handler answers NoSuchBucket.
      if (ctx.principal.type === 'Anonymous')
        throw new NoSuchBucket('The specified bucket does not exist', { BucketName: bucket });
      return { resourceAccountId: ctx.accountId };
    }
    if (!b.policy) return { resourceAccountId: b.accountId };
    const canonicalUserId =
      ctx.principal.type === 'Anonymous' ? undefined : env.canonicalId(ctx.principal.accountId);
    return { resourceAccountId: b.accountId, resourcePolicy: b.policy, canonicalUserId };
  }

  return async (operation, input: Record<string, any>, ctx) => {
    const h = ctx.request.headers;
    const common = requestContext(ctx);
    const bucket = input.Bucket as string | undefined;
    if (operation === 'ListBuckets')
      // AWS's own walkthroughs grant it on arn:aws:s3:::* (and "*" works too): the
      // request's resource must match both.
      return [{ action: 's3:ListAllMyBuckets', resource: 'arn:aws:s3:::*', context: common }];
    if (operation === 'CreateBucket') {
      const context: Record<string, ConditionValue> = {
        ...common,
        's3:LocationConstraint': input.CreateBucketConfiguration?.LocationConstraint,
      };
      aclContext(h, context);
      if (h['x-amz-object-ownership'] !== undefined)
        context['s3:x-amz-object-ownership'] = h['x-amz-object-ownership'];
      const create = { resource: `arn:aws:s3:::${bucket}`, context, resourceAccountId: ctx.accountId };
      // A bucket created with Object Lock also needs the lock and versioning permissions.
      const lock = input.ObjectLockEnabledForBucket
        ? [
            { action: 's3:PutBucketObjectLockConfiguration', ...create },
            { action: 's3:PutBucketVersioning', ...create },
          ]
        : [];
      return [{ action: 's3:CreateBucket', ...create }, ...lock];
    }
    const own = await owned(bucket, ctx);
    // x-amz-expected-bucket-owner: a bucket of another account is refused before anything else.
    if (
      input.ExpectedBucketOwner !== undefined &&
      own.resourceAccountId !== undefined &&
      input.ExpectedBucketOwner !== own.resourceAccountId
    ) {
      throw new AccessDenied();
    }
    const bucketAction = BUCKET_ACTIONS[operation];
    if (bucketAction) {
      const context = { ...common };
      if (operation.startsWith('ListObject')) {
        context['s3:prefix'] = input.Prefix ?? '';
        if (input.Delimiter !== undefined) context['s3:delimiter'] = input.Delimiter;
        if (input.MaxKeys !== undefined) context['s3:max-keys'] = input.MaxKeys;
      }
      return [{ action: bucketAction, resource: `arn:aws:s3:::${bucket}`, context, ...own }];
    }
    if (operation === 'DeleteObjects') {
      const objs = (input.Delete?.Objects ?? []) as { Key: string; VersionId?: string }[];
      return (objs.length ? objs : [{ Key: '' }]).map((o) => ({
        action: o.VersionId !== undefined ? 's3:DeleteObjectVersion' : 's3:DeleteObject',
        resource: `arn:aws:s3:::${bucket}/${o.Key}`,
        context: common,
        ...own,
      }));
    }
    const key = operation === 'PostObject' ? ctx.post?.key : (input.Key as string | undefined);
    const resource = `arn:aws:s3:::${bucket}/${key ?? ''}`;
    const context: Record<string, ConditionValue> = { ...common };
    const requests: AuthzRequest[] = [];
    if (
      operation === 'GetObject' ||
      operation === 'HeadObject' ||
      operation.endsWith('ObjectTagging') ||
      operation.endsWith('ObjectAcl') ||
      operation === 'GetObjectAttributes'
    ) {
      const object =
        bucket && input.Key !== undefined ? await env.currentObject(ctx, bucket, input.Key) : undefined;
      tagContext('s3:ExistingObjectTag', object ? (object.tags ?? []) : undefined, context);
    }
    if (operation === 'PostObject') {
      const f = ctx.post?.fields;
      // Form fields stand for the headers of a PUT.
      for (const k of [
        'acl',
        'x-amz-server-side-encryption',
        'x-amz-server-side-encryption-aws-kms-key-id',
        'x-amz-server-side-encryption-customer-algorithm',
      ]) {
        const v = f?.get(k);
        if (v !== undefined) context[k === 'acl' ? 's3:x-amz-acl' : `s3:${k}`] = v;
      }
    }
    if (operation === 'PutObjectAcl') aclContext(h, context);
    if (operation === 'PutObject' || operation === 'CopyObject' || operation === 'CreateMultipartUpload') {
      aclContext(h, context);
      // The encryption condition keys the Service Authorization Reference lists for object writes.
      for (const k of [
        'x-amz-server-side-encryption',
        'x-amz-server-side-encryption-aws-kms-key-id',
        'x-amz-server-side-encryption-customer-algorithm',
      ])
        if (h[k] !== undefined) context[`s3:${k}`] = h[k];
      if (h['x-amz-storage-class'] !== undefined)
        context['s3:x-amz-storage-class'] = h['x-amz-storage-class'];
      if (h['x-amz-metadata-directive'] !== undefined)
        context['s3:x-amz-metadata-directive'] = h['x-amz-metadata-directive'];
      for (const k of ['mode', 'retain-until-date', 'legal-hold'])
        if (h[`x-amz-object-lock-${k}`] !== undefined)
          context[`s3:object-lock-${k}`] = h[`x-amz-object-lock-${k}`];
      const tags = requestTags(h['x-amz-tagging']);
      tagContext('s3:RequestObjectTag', tags, context);
      if (tags) context['s3:RequestObjectTagKeys'] = tags.map((t) => t.Key);
    }
    // Object Lock settings a request asks for (Service Authorization Reference).
    if (operation === 'PutObjectRetention') {
      const r = input.Retention as { Mode?: string; RetainUntilDate?: Date | string } | undefined;
      if (r?.Mode !== undefined) context['s3:object-lock-mode'] = r.Mode;
      if (r?.RetainUntilDate !== undefined) {
        const until = new Date(r.RetainUntilDate);
        context['s3:object-lock-retain-until-date'] = until.toISOString();
        context['s3:object-lock-remaining-retention-days'] = Math.ceil(
          (until.getTime() - ctx.now.getTime()) / 86_400_000,
        );
      }
    }
    if (operation === 'PutObjectLegalHold' && input.LegalHold?.Status !== undefined)
      context['s3:object-lock-legal-hold'] = input.LegalHold.Status;
    if (operation === 'PutObjectTagging') {
      const tags = (input.Tagging?.TagSet ?? []) as Tag[];
      tagContext('s3:RequestObjectTag', tags, context);
      context['s3:RequestObjectTagKeys'] = tags.map((t) => t.Key);
    }
    if (operation === 'CopyObject' || operation === 'UploadPartCopy') {
      const src = typeof input.CopySource === 'string' ? safeSource(input.CopySource) : undefined;
      // s3:x-amz-copy-source: the source as bucket/key (a policy names it "bucket/public/*").
      if (src) context['s3:x-amz-copy-source'] = `${src.bucket}/${src.key}`;
      requests.push({ action: 's3:PutObject', resource, context, ...own });
      if (src) {
        requests.push({
          action: src.versionId !== undefined ? 's3:GetObjectVersion' : 's3:GetObject',
          resource: `arn:aws:s3:::${src.bucket}/${src.key}`,
          context: common,
          ...(await owned(src.bucket, ctx)),
        });
      }
      return requests;
    }
    if (operation === 'GetObjectAttributes') {
      return [
        { action: 's3:GetObject', resource, context, ...own },
        { action: 's3:GetObjectAttributes', resource, context, ...own },
      ];
    }
    let action = OBJECT_ACTIONS[operation] ?? `s3:${operation}`;
    // Reads and deletes of a given version are their own actions (s3:GetObjectVersion, ...).
    if (input.VersionId !== undefined && VERSION_ACTIONS[action]) {
      action = VERSION_ACTIONS[action];
      context['s3:versionid'] = input.VersionId;
    }
    // Object Lock's governance bypass is a permission of its own.
    if (input.BypassGovernanceRetention === true)
      return [
        { action, resource, context, ...own },
        { action: 's3:BypassGovernanceRetention', resource, context, ...own },
      ];
    return [{ action, resource, context, ...own }];
  };
}

function safeSource(raw: string) {
  try {
    return parseCopySource(raw);
  } catch {
    return undefined;
  }
}
