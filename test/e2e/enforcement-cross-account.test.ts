// A second account (made with the accounts repository, as `stratus accounts create` does):
// cross-account access needs both sides — the caller's identity policy and the resource's
// policy (an S3 bucket policy, a role trust policy). Anonymous S3 callers get in only through
// a bucket policy naming "*".
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { createAccount } from '../../src/accounts/accounts.ts';
import { startTestServer } from '../support/server.ts';
import {
  DENIED,
  allowDoc,
  clientsFor,
  code,
  createBucket,
  createUser,
  doc,
  outcome,
  probe,
  unique,
} from './enforcement-support.ts';

const server = await startTestServer();
after(() => server.stop());
const A = '000000000000';
const rootA = clientsFor(server);
const { account, rootCredential } = await createAccount(server.accounts, unique('second'));
const B = account.id;
const rootB = clientsFor(server, {
  accessKeyId: rootCredential.accessKeyId,
  secretAccessKey: rootCredential.secretAccessKey,
});
const bucketB = await createBucket(rootB.s3, unique('account-b'));
await rootB.s3.send(new PutObjectCommand({ Bucket: bucketB, Key: 'public/readme.txt', Body: 'hello' }));
const bucketPolicies = 'PutBucketPolicy' in (server.app.handlers.s3 ?? {});
const noBucketPolicies = bucketPolicies ? false : 'S3 PutBucketPolicy is not implemented yet';

// In account A: alice may list B's bucket and assume B's roles; bob may do nothing.
const alice = await createUser(
  rootA.iam,
  unique('alice'),
  doc(
    { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucketB}` },
    { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${B}:role/*` },
  ),
);
const bob = await createUser(rootA.iam, unique('bob'));
const aliceC = clientsFor(server, alice);
const bobC = clientsFor(server, bob);
const list = (c: ReturnType<typeof clientsFor>) =>
  code(c.s3.send(new ListObjectsV2Command({ Bucket: bucketB })));

test('two accounts: each root is itself, and neither reaches into the other without a resource policy', async () => {
  const me = await rootB.sts.send(new GetCallerIdentityCommand({}));
  assert.equal(me.Account, B);
  assert.notEqual(B, A);
  const o = await outcome(rootA.s3.send(new ListObjectsV2Command({ Bucket: bucketB })));
  // S3 words cross-account denials without naming the caller.
  assert.deepEqual(o, { code: 'AccessDenied', status: 403, message: 'Access Denied' });
  assert.equal(await list(aliceC), 'AccessDenied');
});

test(
  'a bucket policy granting account A lets in callers A allows, and only them',
  { skip: noBucketPolicies },
  async () => {
    const grant = doc({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${A}:root` },
      Action: 's3:ListBucket',
      Resource: `arn:aws:s3:::${bucketB}`,
    });
    await rootB.s3.send(new PutBucketPolicyCommand({ Bucket: bucketB, Policy: grant }));
    assert.equal(await list(aliceC), 'ok');
    assert.equal(await list(bobC), 'AccessDenied');
    assert.equal(await list(rootA), 'ok');
    // Naming bob alone: alice is out, bob still lacks his own side.
    await rootB.s3.send(
      new PutBucketPolicyCommand({
        Bucket: bucketB,
        Policy: doc({
          Effect: 'Allow',
          Principal: { AWS: bob.arn },
          Action: 's3:ListBucket',
          Resource: `arn:aws:s3:::${bucketB}`,
        }),
      }),
    );
    assert.equal(await list(aliceC), 'AccessDenied');
    assert.equal(await list(bobC), 'AccessDenied');
  },
);

test(
  'anonymous requests: refused, then allowed by a bucket policy naming "*"',
  { skip: noBucketPolicies },
  async () => {
    const url = `${server.endpoint}/${bucketB}/public/readme.txt`;
    const before = await fetch(url);
    assert.equal(before.status, 403);
    assert.match(await before.text(), /<Code>AccessDenied<\/Code><Message>Access Denied<\/Message>/);
    // New buckets block public policies (AWS since April 2023): a deliberate step first.
    await rootB.s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucketB }));
    await rootB.s3.send(
      new PutBucketPolicyCommand({
        Bucket: bucketB,
        Policy: doc({
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${bucketB}/public/*`,
        }),
      }),
    );
    const after = await fetch(url);
    assert.equal(after.status, 200);
    assert.equal(await after.text(), 'hello');
    assert.equal((await fetch(`${server.endpoint}/${bucketB}?list-type=2`)).status, 403);
  },
);

test('anonymous requests without a bucket policy are refused', async () => {
  const r = await fetch(`${server.endpoint}/${bucketB}?list-type=2`);
  assert.equal(r.status, 403);
  assert.match(await r.text(), /<Code>AccessDenied<\/Code><Message>Access Denied<\/Message>/);
});

test('a role in B trusting A: assumed by callers A allows, acting in B with the role policies', async () => {
  const trust = doc({
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${A}:root` },
    Action: 'sts:AssumeRole',
  });
  const name = unique('cross');
  const role = await rootB.iam.send(
    new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }),
  );
  await rootB.iam.send(
    new PutRolePolicyCommand({
      RoleName: name,
      PolicyName: 'probe',
      PolicyDocument: allowDoc(['s3:ListBucket', 'ec2:DescribeVpcs'], '*'),
    }),
  );
  const arn = role.Role!.Arn!;
  assert.equal(
    await code(bobC.sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'bob' }))),
    'AccessDenied',
  );
  const r = await aliceC.sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'alice' }));
  const creds = {
    accessKeyId: r.Credentials!.AccessKeyId!,
    secretAccessKey: r.Credentials!.SecretAccessKey!,
    sessionToken: r.Credentials!.SessionToken!,
  };
  const c = clientsFor(server, creds);
  assert.equal((await c.sts.send(new GetCallerIdentityCommand({}))).Account, B);
  assert.deepEqual(await probe(c, bucketB, creds.accessKeyId), { ...DENIED, s3: 'ok', ec2: 'ok' });
  // A trust policy that does not name A: alice's own permission is not enough.
  const closed = unique('closed');
  const other = await rootB.iam.send(
    new CreateRoleCommand({
      RoleName: closed,
      AssumeRolePolicyDocument: doc({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${B}:root` },
        Action: 'sts:AssumeRole',
      }),
    }),
  );
  assert.equal(
    await code(
      aliceC.sts.send(new AssumeRoleCommand({ RoleArn: other.Role!.Arn!, RoleSessionName: 'alice' })),
    ),
    'AccessDenied',
  );
});

test('a bucket policy naming another account by its S3 canonical user id lets that account in', async () => {
  const bucket = await createBucket(rootB.s3, unique('canonical'));
  const list = (c: ReturnType<typeof clientsFor>) =>
    code(c.s3.send(new ListObjectsV2Command({ Bucket: bucket })));
  assert.equal(await list(rootA), 'AccessDenied');
  // Account A's canonical id, as S3 reports it for A's own bucket.
  const mine = await createBucket(rootA.s3, unique('canonical-a'));
  const acl = await rootA.s3.send(new GetBucketAclCommand({ Bucket: mine }));
  const canonicalA = acl.Owner!.ID!;
  await rootB.s3.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: doc({
        Effect: 'Allow',
        Principal: { CanonicalUser: canonicalA },
        Action: 's3:ListBucket',
        Resource: `arn:aws:s3:::${bucket}`,
      }),
    }),
  );
  assert.equal(await list(rootA), 'ok');
  // An IAM user of A still needs its own identity policy too (the account is named, not the user).
  assert.equal(await list(bobC), 'AccessDenied');
});
