// ACLs where Object Ownership allows them, through @aws-sdk/client-s3: refused on buckets with
// ACLs disabled (the default), blocked while Block Public Access says so, and evaluated beside
// the bucket policy once allowed (anonymous reads, another account's canonical user).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutBucketAclCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { createAccount } from '../../src/accounts/accounts.ts';
import { startTestServer } from '../support/server.ts';
import { clientsFor, createBucket, outcome, unique } from './enforcement-support.ts';

const server = await startTestServer();
after(() => server.stop());
const { s3 } = clientsFor(server);
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const codeOf = async (p: Promise<unknown>) => {
  const o = await outcome(p);
  return o === 'ok' ? 'ok' : o.code;
};

test('ACLs disabled (BucketOwnerEnforced, the default): only the owner full control is accepted', async () => {
  const bucket = await createBucket(s3, unique('enforced'));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'v' }));
  assert.deepEqual(await outcome(s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'public-read' }))), {
    code: 'AccessControlListNotSupported',
    status: 400,
    message: 'The bucket does not allow ACLs',
  });
  assert.equal(await codeOf(s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'private' }))), 'ok');
  assert.equal(
    await codeOf(
      s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'k', ACL: 'bucket-owner-full-control' })),
    ),
    'ok',
  );
  assert.equal(
    await codeOf(s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'k', ACL: 'public-read' }))),
    'AccessControlListNotSupported',
  );
  const acl = await s3.send(new GetBucketAclCommand({ Bucket: bucket }));
  const owner = (await s3.send(new ListBucketsCommand({}))).Owner!.ID;
  assert.deepEqual(
    acl.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.ID, g.Permission]),
    [['CanonicalUser', owner, 'FULL_CONTROL']],
  );
  assert.equal(
    await codeOf(s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'missing', ACL: 'private' }))),
    'NoSuchKey',
  );
});

test('ObjectWriter: public ACLs blocked, then granting anonymous reads once Block Public Access is off', async () => {
  assert.equal(
    await codeOf(
      s3.send(
        new CreateBucketCommand({
          Bucket: unique('nope'),
          ObjectOwnership: 'ObjectWriter',
          ACL: 'public-read',
        }),
      ),
    ),
    'InvalidBucketAclWithBlockPublicAccessError',
  );
  const bucket = unique('writer');
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: 'ObjectWriter' }));
  assert.equal(
    await codeOf(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'pub.txt', Body: 'public', ACL: 'public-read' })),
    ),
    'AccessDenied',
  );
  assert.equal(
    await codeOf(s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'public-read' }))),
    'AccessDenied',
  );

  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'pub.txt', Body: 'public', ACL: 'public-read' }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'priv.txt', Body: 'private' }));
  const pub = await fetch(`${server.endpoint}/${bucket}/pub.txt`);
  assert.deepEqual([pub.status, await pub.text()], [200, 'public']);
  assert.equal((await fetch(`${server.endpoint}/${bucket}/priv.txt`)).status, 403);
  const acl = await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'pub.txt' }));
  assert.deepEqual(
    acl.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.URI ?? 'owner', g.Permission]),
    [
      ['CanonicalUser', 'owner', 'FULL_CONTROL'],
      ['Group', ALL_USERS, 'READ'],
    ],
  );
  // Bucket READ for everyone: anonymous listing; header grants.
  assert.equal((await fetch(`${server.endpoint}/${bucket}?list-type=2`)).status, 403);
  await s3.send(new PutBucketAclCommand({ Bucket: bucket, GrantRead: `uri="${ALL_USERS}"` }));
  const list = await fetch(`${server.endpoint}/${bucket}?list-type=2`);
  assert.equal(list.status, 200);
  assert.match(await list.text(), /<Key>priv.txt<\/Key>/);
  // IgnorePublicAcls: the public grants stop counting (and are still reported).
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: bucket,
      PublicAccessBlockConfiguration: { IgnorePublicAcls: true },
    }),
  );
  assert.equal((await fetch(`${server.endpoint}/${bucket}/pub.txt`)).status, 403);
  assert.equal((await fetch(`${server.endpoint}/${bucket}?list-type=2`)).status, 403);
  assert.equal(
    (await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'pub.txt' }))).Grants?.length,
    2,
  );
});

test("an object ACL naming another account's canonical user lets that account read it", async () => {
  const { account, rootCredential } = await createAccount(server.accounts, unique('reader'));
  const other = clientsFor(server, {
    accessKeyId: rootCredential.accessKeyId,
    secretAccessKey: rootCredential.secretAccessKey,
  });
  const otherId = (await other.s3.send(new ListBucketsCommand({}))).Owner!.ID!;
  assert.notEqual(account.id, '000000000000');
  const bucket = unique('grants');
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: 'BucketOwnerPreferred' }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'shared.txt', Body: 'for you' }));
  const read = () => codeOf(other.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'shared.txt' })));
  assert.equal(await read(), 'AccessDenied');
  const owner = (await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'shared.txt' }))).Owner!;
  await s3.send(
    new PutObjectAclCommand({
      Bucket: bucket,
      Key: 'shared.txt',
      AccessControlPolicy: {
        Owner: owner,
        Grants: [
          { Grantee: { Type: 'CanonicalUser', ID: owner.ID }, Permission: 'FULL_CONTROL' },
          { Grantee: { Type: 'CanonicalUser', ID: otherId }, Permission: 'READ' },
        ],
      },
    }),
  );
  assert.equal(await read(), 'ok');
  const grants = (await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'shared.txt' }))).Grants!;
  assert.deepEqual(
    grants.map((g) => [g.Grantee?.ID, g.Permission]),
    [
      [owner.ID, 'FULL_CONTROL'],
      [otherId, 'READ'],
    ],
  );
  // Malformed requests.
  assert.equal(
    await codeOf(
      s3.send(
        new PutObjectAclCommand({
          Bucket: bucket,
          Key: 'shared.txt',
          ACL: 'private',
          GrantRead: `id="${otherId}"`,
        }),
      ),
    ),
    'InvalidRequest',
  );
  assert.equal(
    await codeOf(
      s3.send(
        new PutObjectAclCommand({
          Bucket: bucket,
          Key: 'shared.txt',
          GrantRead: 'emailAddress="a@example.com"',
        }),
      ),
    ),
    // Email grantees ended on 1 October 2025: 405, whether the address is known or not.
    'MethodNotAllowed',
  );
  assert.equal(
    await codeOf(
      s3.send(
        new PutObjectAclCommand({
          Bucket: bucket,
          Key: 'shared.txt',
          GrantRead: 'uri="http://example.com/group"',
        }),
      ),
    ),
    'InvalidArgument',
  );
});

test('a missing key in a bucket whose ACL lets everyone list it is 404 NoSuchKey to anonymous callers', async () => {
  const bucket = unique('gone');
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: 'ObjectWriter' }));
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'foo', Body: 'x', ACL: 'public-read' }));
  const get = (key: string) => fetch(`${server.endpoint}/${bucket}/${key}`);
  assert.equal((await get('foo')).status, 200);
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'foo' }));
  // Private bucket ACL: nobody outside may learn which keys exist.
  assert.equal((await get('foo')).status, 403);
  await s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'public-read' }));
  const gone = await get('foo');
  assert.equal(gone.status, 404);
  assert.match(await gone.text(), /<Code>NoSuchKey<\/Code>/);
  assert.equal((await fetch(`${server.endpoint}/${bucket}/foo`, { method: 'HEAD' })).status, 404);
});
