// S3 condition keys a bucket policy can test (ceph/s3-tests' test_bucket_policy_put_obj_grant,
// test_bucket_policy_put_obj_copy_source, test_bucket_policy_get_obj_acl_existing_tag; the
// Service Authorization Reference's keys of PutObject, CopyObject, GetObjectAcl, PutBucketAcl and
// CreateBucket): another account's writes are allowed or refused by what their headers say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CopyObjectCommand,
  GetObjectCommand,
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  GetObjectAclCommand,
  ListBucketsCommand,
  PutBucketAclCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { useServer } from '../support/use-server.ts';
import { clientsFor, createUser, outcome, secondAccount, unique } from './enforcement-support.ts';

let alt: S3Client;
let altAccount = '';
let mainId = '';
const { server, s3, iam } = useServer({
  setup: async ({ server, s3 }) => {
    const second = await secondAccount(server, 'alt-conditions');
    alt = second.clients.s3;
    altAccount = second.accountId;
    mainId = (await s3.send(new ListBucketsCommand({}))).Owner!.ID!;
  },
});

const result = async (p: Promise<unknown>) => {
  const o = await outcome(p);
  return o === 'ok' ? 'ok' : o.code;
};

/** An ACL-enabled bucket whose policy lets the other account do `action` when `condition` holds. */
async function bucketFor(action: string, resource: string, condition?: object): Promise<string> {
  const bucket = unique('cond');
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: 'ObjectWriter' }));
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
  const statement = {
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${altAccount}:root` },
    Action: action,
    Resource: resource.replace('BUCKET', bucket),
    ...(condition ? { Condition: condition } : {}),
  };
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }),
    }),
  );
  return bucket;
}

test('s3:x-amz-grant-full-control: a write must grant the bucket owner full control', async () => {
  const bucket = await bucketFor('s3:PutObject', 'arn:aws:s3:::BUCKET/*', {
    StringEquals: { 's3:x-amz-grant-full-control': `id=${mainId}` },
  });
  const put = (extra: object) =>
    result(alt.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x', ...extra })));
  assert.equal(await put({}), 'AccessDenied');
  assert.equal(await put({ GrantFullControl: `id=${mainId}` }), 'ok');
  // The grant is the object's ACL: the bucket owner may read it.
  assert.equal(await result(s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'k' }))), 'ok');
});

test('s3:x-amz-copy-source: copies only from the allowed prefix', async () => {
  const source = await bucketFor('s3:GetObject', 'arn:aws:s3:::BUCKET/*');
  for (const key of ['public/foo', 'private/foo'])
    await s3.send(new PutObjectCommand({ Bucket: source, Key: key, Body: key }));
  const target = await bucketFor('s3:PutObject', 'arn:aws:s3:::BUCKET/*', {
    StringLike: { 's3:x-amz-copy-source': `${source}/public/*` },
  });
  const copy = (key: string) =>
    result(alt.send(new CopyObjectCommand({ Bucket: target, Key: 'new', CopySource: `${source}/${key}` })));
  assert.equal(await copy('public/foo'), 'ok');
  assert.equal(await copy('private/foo'), 'AccessDenied');
});

test('s3:ExistingObjectTag applies to GetObjectAcl', async () => {
  const bucket = await bucketFor('s3:GetObjectAcl', 'arn:aws:s3:::BUCKET/*', {
    StringEquals: { 's3:ExistingObjectTag/security': 'public' },
  });
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'pub', Body: 'x', Tagging: 'security=public' }));
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: 'priv', Body: 'x', Tagging: 'security=private' }),
  );
  const read = (key: string) => result(alt.send(new GetObjectAclCommand({ Bucket: bucket, Key: key })));
  assert.equal(await read('pub'), 'ok');
  assert.equal(await read('priv'), 'AccessDenied');
});

test('s3:x-amz-acl applies to PutBucketAcl', async () => {
  const bucket = await bucketFor('s3:PutBucketAcl', 'arn:aws:s3:::BUCKET', {
    StringEquals: { 's3:x-amz-acl': 'authenticated-read' },
  });
  const put = (ACL: 'private' | 'authenticated-read') =>
    result(alt.send(new PutBucketAclCommand({ Bucket: bucket, ACL })));
  assert.equal(await put('private'), 'AccessDenied');
  assert.equal(await put('authenticated-read'), 'ok');
});

test('s3:x-amz-object-ownership: an IAM policy may require buckets with ACLs disabled', async () => {
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 's3:CreateBucket',
        Resource: '*',
        Condition: { StringEquals: { 's3:x-amz-object-ownership': 'BucketOwnerEnforced' } },
      },
    ],
  });
  const user = await createUser(iam, unique('creator'), policy);
  const creator = clientsFor(server, user).s3;
  const create = (extra: object) =>
    result(creator.send(new CreateBucketCommand({ Bucket: unique('owned'), ...extra })));
  assert.equal(await create({}), 'AccessDenied');
  assert.equal(await create({ ObjectOwnership: 'ObjectWriter' }), 'AccessDenied');
  assert.equal(await create({ ObjectOwnership: 'BucketOwnerEnforced' }), 'ok');
});

test('s3:signatureversion and s3:authType: how a request was signed, for "deny SigV2" and "no presigned URLs" policies', async () => {
  const bucket = unique('cond-sig');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x' }));
  const deny = (key: string, value: string, op = 'StringNotEquals') => ({
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: `arn:aws:s3:::${bucket}/*`,
    Condition: { [op]: { [key]: value } },
  });
  const setPolicy = (statement: object) =>
    s3.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }),
      }),
    );
  const get = () => result(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' })));
  const presigned = async () =>
    (await fetch(await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'k' })))).status;

  await setPolicy(deny('s3:signatureversion', 'AWS4-HMAC-SHA256'));
  assert.equal(await get(), 'ok');
  assert.equal(await presigned(), 200);

  await setPolicy(deny('s3:authType', 'REST-QUERY-STRING', 'StringEquals'));
  assert.equal(await get(), 'ok');
  assert.equal(await presigned(), 403);
});

test('Object Lock condition keys: s3:object-lock-mode on writes, s3:object-lock-remaining-retention-days on PutObjectRetention', async () => {
  const bucket = unique('cond-lock');
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  const resource = `arn:aws:s3:::${bucket}/*`;
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:PutObject',
            Resource: resource,
            Condition: { StringEquals: { 's3:object-lock-mode': 'COMPLIANCE' } },
          },
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:PutObjectRetention',
            Resource: resource,
            Condition: { NumericGreaterThan: { 's3:object-lock-remaining-retention-days': '30' } },
          },
        ],
      }),
    }),
  );
  const inDays = (d: number) => new Date(Date.now() + d * 86_400_000);
  const put = (ObjectLockMode: 'COMPLIANCE' | 'GOVERNANCE') =>
    result(
      s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'k',
          Body: 'x',
          ObjectLockMode,
          ObjectLockRetainUntilDate: inDays(1),
        }),
      ),
    );
  assert.equal(await put('COMPLIANCE'), 'AccessDenied');
  assert.equal(await put('GOVERNANCE'), 'ok');
  const retain = (days: number) =>
    result(
      s3.send(
        new PutObjectRetentionCommand({
          Bucket: bucket,
          Key: 'k',
          Retention: { Mode: 'GOVERNANCE', RetainUntilDate: inDays(days) },
        }),
      ),
    );
  assert.equal(await retain(60), 'AccessDenied');
  assert.equal(await retain(10), 'ok');
});
