/**
 * Access keys end to end: at most two per user, secrets shown once, Active/Inactive/deleted keys
 * on every service (each in its own words), last use, GetAccessKeyInfo, and keys surviving a
 * restart.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  IAMClient,
  CreateUserCommand,
  CreateAccessKeyCommand,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand, GetAccessKeyInfoCommand } from '@aws-sdk/client-sts';
import { S3Client, ListBucketsCommand } from '@aws-sdk/client-s3';
import { EC2Client, DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { startTestServer, sdkConfig, type TestServer } from '../support/server.ts';
import { errorName, errorOf } from '../support/errors.ts';
import { python } from '../support/clients.ts';

let server: TestServer;
let iam: IAMClient;
before(async () => {
  server = await startTestServer();
  iam = new IAMClient(sdkConfig(server));
});
let restartedDir: string | undefined;
after(async () => {
  await server.stop();
  if (restartedDir) rmSync(restartedDir, { recursive: true, force: true });
});

type Key = { accessKeyId: string; secretAccessKey: string };

async function newKey(user: string): Promise<Key> {
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: user }));
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
}

test('two keys at most, secrets only at creation, the key signs as its user', async () => {
  const { User } = await iam.send(new CreateUserCommand({ UserName: 'kim' }));
  const a = await newKey('kim');
  const b = await newKey('kim');
  assert.match(a.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
  assert.equal(a.secretAccessKey.length, 40);
  const third = await python(
    `out(call(boto3.client("iam", config=NO_RETRY).create_access_key, UserName="kim"))`,
    server.env(),
  );
  assert.deepEqual(third, {
    error: 'LimitExceeded',
    message: 'Cannot exceed quota for AccessKeysPerUser: 2',
    status: 409,
  });
  const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'kim' }));
  assert.deepEqual(
    listed.AccessKeyMetadata!.map((k) => k.AccessKeyId).sort(),
    [a.accessKeyId, b.accessKeyId].sort(),
  );
  assert.ok(listed.AccessKeyMetadata!.every((k) => !('SecretAccessKey' in k) && k.Status === 'Active'));
  const me = await new STSClient(sdkConfig(server, a)).send(new GetCallerIdentityCommand({}));
  assert.deepEqual([me.Arn, me.UserId, me.Account], [User!.Arn, User!.UserId, '000000000000']);
  const info = await new STSClient(sdkConfig(server)).send(
    new GetAccessKeyInfoCommand({ AccessKeyId: a.accessKeyId }),
  );
  assert.equal(info.Account, '000000000000');
});

test('last use: N/A before, then the signing service and region', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'lu' }));
  const k = await newKey('lu');
  const before = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.accessKeyId }));
  assert.equal(before.UserName, 'lu');
  assert.deepEqual(before.AccessKeyLastUsed, { ServiceName: 'N/A', Region: 'N/A' });
  await new STSClient(sdkConfig(server, k, 'eu-west-1')).send(new GetCallerIdentityCommand({}));
  const after = (await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.accessKeyId })))
    .AccessKeyLastUsed!;
  assert.equal(after.ServiceName, 'sts');
  assert.equal(after.Region, 'eu-west-1');
  assert.ok(after.LastUsedDate instanceof Date);
  // IAM is global (signed for us-east-1); a use counts even when the call is then denied.
  await new IAMClient(sdkConfig(server, k)).send(new ListUsersCommand({})).catch(() => {});
  const iamUse = (await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.accessKeyId })))
    .AccessKeyLastUsed!;
  assert.deepEqual([iamUse.ServiceName, iamUse.Region], ['iam', 'us-east-1']);
});

test('last use of a key that does not exist: AccessDenied in AWS words', async () => {
  const e = await errorOf(iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' })));
  assert.deepEqual(
    [e.name, e.status, e.message],
    [
      'AccessDenied',
      403,
      'User: arn:aws:iam::000000000000:root is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key AKIAIOSFODNN7EXAMPLE',
    ],
  );
});

test('inactive and deleted keys are refused by every service in its own words', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'rot' }));
  const k = await newKey('rot');
  const all = async () => [
    await errorName(new STSClient(sdkConfig(server, k)).send(new GetCallerIdentityCommand({}))),
    await errorName(new IAMClient(sdkConfig(server, k)).send(new ListUsersCommand({}))),
    await errorName(new S3Client(sdkConfig(server, k)).send(new ListBucketsCommand({}))),
    await errorName(new EC2Client(sdkConfig(server, k)).send(new DescribeRegionsCommand({}))),
    await errorName(new CloudTrailClient(sdkConfig(server, k)).send(new DescribeTrailsCommand({}))),
  ];
  await iam.send(
    new UpdateAccessKeyCommand({ UserName: 'rot', AccessKeyId: k.accessKeyId, Status: 'Inactive' }),
  );
  assert.equal(
    (await iam.send(new ListAccessKeysCommand({ UserName: 'rot' }))).AccessKeyMetadata![0]!.Status,
    'Inactive',
  );
  assert.deepEqual(await all(), [
    'InvalidClientTokenId',
    'InvalidClientTokenId',
    'InvalidAccessKeyId',
    'AuthFailure',
    'UnrecognizedClientException',
  ]);
  await iam.send(
    new UpdateAccessKeyCommand({ UserName: 'rot', AccessKeyId: k.accessKeyId, Status: 'Active' }),
  );
  await new STSClient(sdkConfig(server, k)).send(new GetCallerIdentityCommand({}));
  await iam.send(new DeleteAccessKeyCommand({ UserName: 'rot', AccessKeyId: k.accessKeyId }));
  assert.deepEqual(await all(), [
    'InvalidClientTokenId',
    'InvalidClientTokenId',
    'InvalidAccessKeyId',
    'AuthFailure',
    'UnrecognizedClientException',
  ]);
  const gone = await python(
    `out(call(boto3.client("iam", config=NO_RETRY).delete_access_key, UserName="rot", AccessKeyId="${k.accessKeyId}"))`,
    server.env(),
  );
  assert.deepEqual(gone, {
    error: 'NoSuchEntity',
    message: `The Access Key with id ${k.accessKeyId} cannot be found.`,
    status: 404,
  });
});

test('keys and their last use survive a restart', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'persist' }));
  const k = await newKey('persist');
  await new STSClient(sdkConfig(server, k)).send(new GetCallerIdentityCommand({}));
  const dir = server.dataDir;
  // close() flushes buffered key uses; the restarted server reads keys and uses from disk.
  await server.close();
  server = await startTestServer([], dir);
  restartedDir = dir;
  iam = new IAMClient(sdkConfig(server));
  const me = await new STSClient(sdkConfig(server, k)).send(new GetCallerIdentityCommand({}));
  assert.match(me.Arn!, /:user\/persist$/);
  const used = (await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.accessKeyId })))
    .AccessKeyLastUsed!;
  assert.equal(used.ServiceName, 'sts');
});

test('users rotate their own keys under a ${aws:username} policy, and only their own', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'self' }));
  await iam.send(new CreateUserCommand({ UserName: 'someone-else' }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'self',
      PolicyName: 'own-keys',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'iam:CreateAccessKey',
              'iam:ListAccessKeys',
              'iam:UpdateAccessKey',
              'iam:DeleteAccessKey',
            ],
            Resource: 'arn:aws:iam::000000000000:user/${aws:username}',
          },
        ],
      }),
    }),
  );
  const first = await newKey('self');
  const own = new IAMClient(sdkConfig(server, first));
  const { AccessKey } = await own.send(new CreateAccessKeyCommand({}));
  assert.equal(AccessKey!.UserName, 'self');
  const listed = await own.send(new ListAccessKeysCommand({}));
  assert.equal(listed.AccessKeyMetadata!.length, 2);
  await own.send(new UpdateAccessKeyCommand({ AccessKeyId: first.accessKeyId, Status: 'Inactive' }));
  const second = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  const next = new IAMClient(sdkConfig(server, second));
  await next.send(new DeleteAccessKeyCommand({ AccessKeyId: first.accessKeyId }));
  assert.equal(
    await errorName(next.send(new CreateAccessKeyCommand({ UserName: 'someone-else' }))),
    'AccessDenied',
  );
});
