/** What S3 operations ask of IAM: actions, ARNs, condition keys, bucket owner and policy. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteDatabase } from '../../src/store/sqlite/database.ts';
import { SqliteS3Repository } from '../../src/services/s3/store/sqlite.ts';
import { S3Env } from '../../src/services/s3/env.ts';
import { s3Authz } from '../../src/services/s3/authz.ts';
import type { HandlerContext } from '../../src/services/handler.ts';
import type { AccountsRepository } from '../../src/accounts/repository.ts';

async function setup() {
  const repo = new SqliteS3Repository(SqliteDatabase.open(':memory:'));
  await repo.createBucket({ name: 'mine', accountId: '000000000000', region: 'us-east-1', createdAt: 0 });
  await repo.createBucket({
    name: 'theirs',
    accountId: '111111111111',
    region: 'us-east-1',
    createdAt: 0,
    policy: '{"Version":"2012-10-17","Statement":[]}',
  });
  await repo.putObject({
    bucket: 'mine',
    key: 'tagged',
    blobId: 'b',
    size: 1,
    etag: '"e"',
    lastModified: 0,
    storageClass: 'STANDARD',
    owner: '000000000000',
    attrs: {},
    tags: [{ Key: 'team', Value: 'ops' }],
  });
  const env = new S3Env(repo, {} as never, { get: async () => undefined } as unknown as AccountsRepository);
  return s3Authz(env);
}

function ctx(headers: Record<string, string> = {}): HandlerContext {
  return {
    requestId: 'r',
    service: 's3',
    operation: 'x',
    region: 'us-east-1',
    accountId: '000000000000',
    principal: {
      type: 'Root',
      accountId: '000000000000',
      arn: 'arn:aws:iam::000000000000:root',
      userId: '000000000000',
    } as never,
    request: {
      method: 'GET',
      headers,
      query: new URLSearchParams(),
      sourceIp: '127.0.0.1',
      secure: false,
      userAgent: '',
      host: '',
    },
    now: new Date(),
  };
}

test('bucket and object operations map to their IAM actions and ARNs', async () => {
  const authz = await setup();
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['ListBuckets', {}, 's3:ListAllMyBuckets', 'arn:aws:s3:::*'],
    ['CreateBucket', { Bucket: 'new' }, 's3:CreateBucket', 'arn:aws:s3:::new'],
    ['HeadBucket', { Bucket: 'mine' }, 's3:ListBucket', 'arn:aws:s3:::mine'],
    ['ListObjectsV2', { Bucket: 'mine' }, 's3:ListBucket', 'arn:aws:s3:::mine'],
    ['DeleteBucketTagging', { Bucket: 'mine' }, 's3:PutBucketTagging', 'arn:aws:s3:::mine'],
    ['ListMultipartUploads', { Bucket: 'mine' }, 's3:ListBucketMultipartUploads', 'arn:aws:s3:::mine'],
    ['GetObject', { Bucket: 'mine', Key: 'a/b' }, 's3:GetObject', 'arn:aws:s3:::mine/a/b'],
    ['HeadObject', { Bucket: 'mine', Key: 'a/b' }, 's3:GetObject', 'arn:aws:s3:::mine/a/b'],
    ['UploadPart', { Bucket: 'mine', Key: 'k' }, 's3:PutObject', 'arn:aws:s3:::mine/k'],
    ['ListParts', { Bucket: 'mine', Key: 'k' }, 's3:ListMultipartUploadParts', 'arn:aws:s3:::mine/k'],
    ['AbortMultipartUpload', { Bucket: 'mine', Key: 'k' }, 's3:AbortMultipartUpload', 'arn:aws:s3:::mine/k'],
    ['GetObjectTagging', { Bucket: 'mine', Key: 'k' }, 's3:GetObjectTagging', 'arn:aws:s3:::mine/k'],
  ];
  for (const [op, input, action, resource] of cases) {
    const [r] = await authz(op, input, ctx());
    assert.deepEqual([r!.action, r!.resource], [action, resource], op);
  }
});

test('condition keys, owner account and bucket policy', async () => {
  const authz = await setup();
  const [list] = await authz(
    'ListObjects',
    { Bucket: 'theirs', Prefix: 'p/', Delimiter: '/', MaxKeys: 5 },
    ctx(),
  );
  assert.equal(list!.resourceAccountId, '111111111111');
  assert.ok(list!.resourcePolicy?.includes('Statement'));
  assert.deepEqual(
    [
      list!.context!['s3:prefix'],
      list!.context!['s3:delimiter'],
      list!.context!['s3:max-keys'],
      list!.context!['aws:SecureTransport'],
    ],
    ['p/', '/', 5, false],
  );
  const [get] = await authz('GetObject', { Bucket: 'mine', Key: 'tagged' }, ctx());
  assert.equal(get!.context!['s3:ExistingObjectTag/team'], 'ops');
  assert.equal(get!.resourceAccountId, '000000000000');
  const [put] = await authz(
    'PutObject',
    { Bucket: 'mine', Key: 'k' },
    ctx({
      'x-amz-acl': 'public-read',
      'x-amz-tagging': 'env=prod',
      'x-amz-server-side-encryption': 'AES256',
    }),
  );
  assert.deepEqual(
    [
      put!.context!['s3:x-amz-acl'],
      put!.context!['s3:RequestObjectTag/env'],
      put!.context!['s3:x-amz-server-side-encryption'],
    ],
    ['public-read', 'prod', 'AES256'],
  );
  const copy = await authz(
    'CopyObject',
    { Bucket: 'mine', Key: 'dst', CopySource: 'theirs/src%20key' },
    ctx(),
  );
  assert.deepEqual(
    copy.map((r) => [r.action, r.resource, r.resourceAccountId]),
    [
      ['s3:PutObject', 'arn:aws:s3:::mine/dst', '000000000000'],
      ['s3:GetObject', 'arn:aws:s3:::theirs/src key', '111111111111'],
    ],
  );
  const del = await authz(
    'DeleteObjects',
    { Bucket: 'mine', Delete: { Objects: [{ Key: 'a' }, { Key: 'b' }] } },
    ctx(),
  );
  assert.deepEqual(
    del.map((r) => r.resource),
    ['arn:aws:s3:::mine/a', 'arn:aws:s3:::mine/b'],
  );
  const [missing] = await authz('GetObject', { Bucket: 'nobody', Key: 'k' }, ctx());
  assert.equal(
    missing!.resourceAccountId,
    '000000000000',
    'a missing bucket answers NoSuchBucket, not AccessDenied',
  );
  await assert.rejects(
    authz('GetObject', { Bucket: 'theirs', Key: 'k', ExpectedBucketOwner: '000000000000' }, ctx()),
    /Access Denied/,
  );
});
