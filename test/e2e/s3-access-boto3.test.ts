// The same access story through boto3 and `requests` (child processes), plus a cross-account
// grant that works only with both sides allowing, and the bucket settings boto3 reads
// (ownership controls, default encryption, notifications).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount } from '../../src/accounts/accounts.ts';
import { DEBIAN_PYTHON, hasDebianBoto3, python } from '../support/clients.ts';
import { startTestServer } from '../support/server.ts';
import { clientsFor, createBucket, createUser, doc, outcome, unique } from './enforcement-support.ts';
import { GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PutUserPolicyCommand } from '@aws-sdk/client-iam';

const server = await startTestServer();
after(() => server.stop());

for (const [label, interpreter] of [
  ['boto3 1.43', undefined],
  ['Debian boto3 1.26', hasDebianBoto3() ? DEBIAN_PYTHON : ''],
] as const)
  test(
    `${label} + requests: private, then public after turning off Block Public Access`,
    { skip: interpreter === '' ? 'no Debian boto3' : false },
    async () => {
      const bucket = unique('boto-public');
      const r = await python(
        `
import requests
s3 = client("s3")
b = ${JSON.stringify(bucket)}
s3.create_bucket(Bucket=b)
s3.put_object(Bucket=b, Key="index.html", Body=b"<h1>hi</h1>", ContentType="text/html")
url = ENDPOINT + "/" + b + "/index.html"
res = {"before": requests.get(url).status_code}
policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::" + b + "/*"}]})
res["blocked"] = call(s3.put_bucket_policy, Bucket=b, Policy=policy).get("error")
res["pab"] = call(s3.get_public_access_block, Bucket=b)["PublicAccessBlockConfiguration"]
s3.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
s3.put_bucket_policy(Bucket=b, Policy=policy)
res["status"] = s3.get_bucket_policy_status(Bucket=b)["PolicyStatus"]
got = requests.get(url)
res["after"] = [got.status_code, got.text, got.headers.get("content-type")]
res["head"] = requests.head(url).status_code
res["missing"] = requests.get(ENDPOINT + "/" + b + "/nope.html").status_code
res["policy"] = json.loads(s3.get_bucket_policy(Bucket=b)["Policy"]) == json.loads(policy)
out(res)
`,
        server.env(),
        interpreter,
      );
      assert.deepEqual(r, {
        before: 403,
        blocked: 'AccessDenied',
        pab: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
        status: { IsPublic: true },
        after: [200, '<h1>hi</h1>', 'text/html'],
        head: 200,
        // No s3:ListBucket for everyone: a missing key looks forbidden.
        missing: 403,
        policy: true,
      });
    },
  );

test('boto3: ownership controls, default encryption, notification configuration', async () => {
  const bucket = unique('boto-settings');
  const r = await python(
    `
s3 = client("s3")
b = ${JSON.stringify(bucket)}
s3.create_bucket(Bucket=b)
res = {}
res["own0"] = s3.get_bucket_ownership_controls(Bucket=b)["OwnershipControls"]["Rules"]
s3.put_bucket_ownership_controls(Bucket=b, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
res["own1"] = s3.get_bucket_ownership_controls(Bucket=b)["OwnershipControls"]["Rules"]
s3.delete_bucket_ownership_controls(Bucket=b)
res["own2"] = call(s3.get_bucket_ownership_controls, Bucket=b).get("error")
res["enc0"] = s3.get_bucket_encryption(Bucket=b)["ServerSideEncryptionConfiguration"]["Rules"]
s3.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/x"}, "BucketKeyEnabled": True}]})
res["enc1"] = s3.get_bucket_encryption(Bucket=b)["ServerSideEncryptionConfiguration"]["Rules"]
res["encBad"] = call(s3.put_bucket_encryption, Bucket=b, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256", "KMSMasterKeyID": "k"}}]}).get("error")
s3.delete_bucket_encryption(Bucket=b)
res["enc2"] = s3.get_bucket_encryption(Bucket=b)["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
res["put"] = s3.put_object(Bucket=b, Key="k", Body=b"x")["ServerSideEncryption"]
res["n0"] = call(s3.get_bucket_notification_configuration, Bucket=b)
s3.put_bucket_notification_configuration(Bucket=b, NotificationConfiguration={"EventBridgeConfiguration": {}, "QueueConfigurations": [{"Id": "q", "QueueArn": "arn:aws:sqs:us-east-1:000000000000:q", "Events": ["s3:ObjectCreated:*"]}]})
n1 = call(s3.get_bucket_notification_configuration, Bucket=b)
res["n1"] = [n1["QueueConfigurations"][0]["Events"], "EventBridgeConfiguration" in n1]
out(res)
`,
    server.env(),
  );
  assert.deepEqual(r, {
    own0: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    own1: [{ ObjectOwnership: 'ObjectWriter' }],
    own2: 'OwnershipControlsNotFoundError',
    // A new bucket blocks SSE-C (since April 2026); a rule that leaves the block out keeps it.
    enc0: [
      {
        ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
        BucketKeyEnabled: false,
        BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
      },
    ],
    enc1: [
      {
        ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/x' },
        BucketKeyEnabled: true,
        BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
      },
    ],
    encBad: 'InvalidArgument',
    enc2: { SSEAlgorithm: 'AES256' },
    put: 'AES256',
    n0: {},
    n1: [['s3:ObjectCreated:*'], true],
  });
});

test('a cross-account grant works only with both sides allowing', async () => {
  const rootA = clientsFor(server);
  const { rootCredential } = await createAccount(server.accounts, unique('owner-b'));
  const rootB = clientsFor(server, {
    accessKeyId: rootCredential.accessKeyId,
    secretAccessKey: rootCredential.secretAccessKey,
  });
  const bucket = await createBucket(rootB.s3, unique('shared'));
  await rootB.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'report.csv', Body: 'a,b' }));
  const dave = await createUser(rootA.iam, unique('dave'));
  const daveC = clientsFor(server, dave);
  const read = async () => {
    const o = await outcome(daveC.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'report.csv' })));
    return o === 'ok' ? 'ok' : o.code;
  };
  assert.equal(await read(), 'AccessDenied');
  // B's side only.
  await rootB.s3.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: doc({
        Effect: 'Allow',
        Principal: { AWS: dave.arn },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
      }),
    }),
  );
  assert.equal(await read(), 'AccessDenied');
  // Both sides.
  const name = dave.arn.split('/').pop()!;
  await rootA.iam.send(
    new PutUserPolicyCommand({
      UserName: name,
      PolicyName: 'read-b',
      PolicyDocument: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }),
    }),
  );
  assert.equal(await read(), 'ok');
  // A's side only (B's policy names someone else now).
  await rootB.s3.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: doc({
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::000000000000:root' },
        Action: 's3:ListBucket',
        Resource: `arn:aws:s3:::${bucket}`,
      }),
    }),
  );
  assert.equal(await read(), 'AccessDenied');
});
