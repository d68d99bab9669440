/**
 * ACL grants: canned ACLs and x-amz-grant-* headers turned into grant lists, whether a list is
 * public (AllUsers / AuthenticatedUsers), and the policy statements a list amounts to, so the
 * authorizer evaluates ACLs beside the bucket policy (as S3 does where Object Ownership
 * allows ACLs).
 */
import { AwsError } from '../../../errors.ts';
import type { Grant } from '../../../generated/s3/types.ts';

export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTH_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
/**
 * The canonical user (once shown as "za-team") that the aws-exec-read canned ACL grants READ, so
 * EC2 can fetch AMI bundles: the id S3 answers in such ACLs (EC2 AMI tools and S3 ACL auditors
 * carry it). It is no Stratus account's, yet S3 accepts it in grants.
 */
export const EC2_BUNDLE_READER = '6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c';
const GROUPS = new Set([ALL_USERS, AUTH_USERS, LOG_DELIVERY]);
const PERMISSIONS = new Set(['FULL_CONTROL', 'WRITE', 'WRITE_ACP', 'READ', 'READ_ACP']);

export const GRANT_HEADERS: [string, Grant['Permission']][] = [
  ['x-amz-grant-full-control', 'FULL_CONTROL'],
  ['x-amz-grant-read', 'READ'],
  ['x-amz-grant-read-acp', 'READ_ACP'],
  ['x-amz-grant-write', 'WRITE'],
  ['x-amz-grant-write-acp', 'WRITE_ACP'],
];

const user = (ID: string, Permission: Grant['Permission']): Grant => ({
  Grantee: { Type: 'CanonicalUser', ID },
  Permission,
});
const group = (URI: string, Permission: Grant['Permission']): Grant => ({
  Grantee: { Type: 'Group', URI },
  Permission,
});

/** The grants of a canned ACL; owner and bucketOwner are canonical ids. */
export function cannedGrants(acl: string, owner: string, bucketOwner: string): Grant[] {
  const grants = [user(owner, 'FULL_CONTROL')];
  switch (acl) {
    case 'public-read':
      grants.push(group(ALL_USERS, 'READ'));
      break;
    case 'public-read-write':
      grants.push(group(ALL_USERS, 'READ'), group(ALL_USERS, 'WRITE'));
      break;
    case 'authenticated-read':
      grants.push(group(AUTH_USERS, 'READ'));
      break;
    case 'log-delivery-write':
      grants.push(group(LOG_DELIVERY, 'WRITE'), group(LOG_DELIVERY, 'READ_ACP'));
      break;
    case 'aws-exec-read':
      grants.push(user(EC2_BUNDLE_READER, 'READ'));
      break;
    case 'bucket-owner-read':
      if (bucketOwner !== owner) grants.push(user(bucketOwner, 'READ'));
      break;
    case 'bucket-owner-full-control':
      if (bucketOwner !== owner) grants.push(user(bucketOwner, 'FULL_CONTROL'));
      break;
  }
  return grants;
}

/** The stored ACL (a canned name or a JSON grant list) as grants. */
export function storedGrants(acl: string | undefined, owner: string, bucketOwner: string): Grant[] {
  if (acl === undefined) return [user(owner, 'FULL_CONTROL')];
  if (acl.startsWith('[')) return JSON.parse(acl) as Grant[];
  return cannedGrants(acl, owner, bucketOwner);
}

/** x-amz-grant-*: `id="…", uri="…", emailAddress="…"` lists. */
export function headerGrants(headers: Record<string, string>): Grant[] | undefined {
  let grants: Grant[] | undefined;
  for (const [name, permission] of GRANT_HEADERS) {
    const v = headers[name];
    if (v === undefined) continue;
    grants ??= [];
    for (const m of v.matchAll(/(id|uri|emailAddress)\s*=\s*"?([^",]*)"?/gi)) {
      const kind = m[1]!.toLowerCase();
      const value = m[2]!.trim();
      if (kind === 'id') grants.push(user(value, permission));
      else if (kind === 'uri') grants.push(group(value, permission));
      else
        grants.push({
          Grantee: { Type: 'AmazonCustomerByEmail', EmailAddress: value },
          Permission: permission,
        });
    }
  }
  return grants;
}

/**
 * A canonical id in a grant header S3 cannot use (malformed, or no account's): InvalidArgument
 * 'Invalid id' naming the header's `id` argument, as S3 answered versitygw#1384's CreateBucket.
 */
export const invalidHeaderId = (id: string) =>
  new AwsError('InvalidArgument', 'Invalid id', 400, { ArgumentName: 'id', ArgumentValue: id });

/** Header grants' canonical ids must be well formed (checked before checkGrants' other rules). */
export function checkHeaderIds(grants: Grant[]): void {
  for (const g of grants) {
    const id = g.Grantee?.Type === 'CanonicalUser' ? (g.Grantee.ID ?? '') : undefined;
    if (id !== undefined && !/^[0-9a-f]{64}$/.test(id)) throw invalidHeaderId(id);
  }
}

/** Refuses grants S3 would not accept. */
export function checkGrants(grants: Grant[]): void {
  for (const g of grants) {
    if (!PERMISSIONS.has(g.Permission as string)) {
      throw new AwsError(
        'MalformedACLError',
        'The XML you provided was not well-formed or did not validate against our published schema',
        400,
      );
    }
    const t = g.Grantee?.Type;
    // S3 ended email grantees on 1 October 2025: such requests get 405 (the API references'
    // end-of-support notice; the message is S3's usual MethodNotAllowed one).
    if (t === 'AmazonCustomerByEmail' || g.Grantee?.EmailAddress !== undefined) {
      throw new AwsError(
        'MethodNotAllowed',
        'The specified method is not allowed against this resource.',
        405,
      );
    }
    if (t === 'Group') {
      const uri = g.Grantee?.URI ?? '';
      if (!GROUPS.has(uri))
        throw new AwsError('InvalidArgument', 'Invalid group uri', 400, {
          ArgumentName: 'uri',
          ArgumentValue: uri,
        });
    } else if (t === 'CanonicalUser') {
      const id = g.Grantee?.ID ?? '';
      if (!/^[0-9a-f]{64}$/.test(id))
        throw new AwsError('InvalidArgument', 'Invalid id', 400, {
          ArgumentName: 'CanonicalUser/ID',
          ArgumentValue: id,
        });
    } else {
      throw new AwsError(
        'MalformedACLError',
        'The XML you provided was not well-formed or did not validate against our published schema',
        400,
      );
    }
  }
}

export const isPublicGrant = (g: Grant) =>
  g.Grantee?.Type === 'Group' && (g.Grantee.URI === ALL_USERS || g.Grantee.URI === AUTH_USERS);

export const publicCanned = (acl: string | undefined) =>
  acl === 'public-read' || acl === 'public-read-write' || acl === 'authenticated-read';

const BUCKET_ACTIONS: Record<string, string[]> = {
  READ: ['s3:ListBucket', 's3:ListBucketVersions', 's3:ListBucketMultipartUploads'],
  WRITE: ['s3:PutObject', 's3:DeleteObject'],
  READ_ACP: ['s3:GetBucketAcl'],
  WRITE_ACP: ['s3:PutBucketAcl'],
};
const OBJECT_ACTIONS: Record<string, string[]> = {
  READ: ['s3:GetObject', 's3:GetObjectVersion'],
  READ_ACP: ['s3:GetObjectAcl', 's3:GetObjectVersionAcl'],
  WRITE_ACP: ['s3:PutObjectAcl', 's3:PutObjectVersionAcl'],
};

type Statement = Record<string, unknown>;

/**
 * Allow statements equivalent to grants on a bucket (key undefined) or an object. Canonical
 * users become their account's root (`accountOf`); unknown ids grant nothing.
 */
export function grantStatements(
  grants: Grant[],
  bucket: string,
  key: string | undefined,
  accountOf: (id: string) => string | undefined,
): Statement[] {
  const out: Statement[] = [];
  for (const g of grants) {
    const table = key === undefined ? BUCKET_ACTIONS : OBJECT_ACTIONS;
    const actions =
      g.Permission === 'FULL_CONTROL' ? Object.values(table).flat() : table[g.Permission as string];
    if (!actions?.length) continue;
    const resource =
      key === undefined
        ? [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`]
        : `arn:aws:s3:::${bucket}/${key}`;
    const st: Statement = { Effect: 'Allow', Action: actions, Resource: resource };
    if (g.Grantee?.Type === 'Group' && g.Grantee.URI === ALL_USERS) st.Principal = '*';
    else if (g.Grantee?.Type === 'Group' && g.Grantee.URI === AUTH_USERS) {
      st.Principal = '*';
      // Any signed caller: anonymous requests have no principal account.
      st.Condition = { Null: { 'aws:PrincipalAccount': 'false' } };
    } else if (g.Grantee?.Type === 'CanonicalUser') {
      const account = accountOf(g.Grantee.ID ?? '');
      if (!account) continue;
      st.Principal = { AWS: `arn:aws:iam::${account}:root` };
    } else continue;
    out.push(st);
  }
  return out;
}

/** A resource policy with extra statements appended (the policy may be absent). */
export function withStatements(policy: string | undefined, extra: Statement[]): string | undefined {
  if (!extra.length) return policy;
  if (!policy) return JSON.stringify({ Version: '2012-10-17', Statement: extra });
  const doc = JSON.parse(policy) as { Statement?: unknown };
  const list = Array.isArray(doc.Statement)
    ? doc.Statement
    : doc.Statement === undefined
      ? []
      : [doc.Statement];
  return JSON.stringify({ ...doc, Statement: [...list, ...extra] });
}
