/**
 * Limits of temporary credentials that no policy lifts: the packed size of session policies and
 * tags (PackedPolicyTooLarge), and what GetSessionToken / GetFederationToken credentials may not
 * call (IAM answers InvalidClientTokenId, without STS's closing period; STS AccessDenied).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IAMClient, CreateUserCommand, CreateRoleCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import {
  STSClient,
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  GetFederationTokenCommand,
  GetAccessKeyInfoCommand,
  DecodeAuthorizationMessageCommand,
} from '@aws-sdk/client-sts';
import { S3Client, ListBucketsCommand } from '@aws-sdk/client-s3';
import { useServer } from '../support/use-server.ts';
import { sdkConfig } from '../support/server.ts';
import { errorFields } from '../support/errors.ts';
import { python } from '../support/clients.ts';
import { createUserWithKeys, sessionCredentials as creds } from '../support/iam.ts';

const ACCT = '000000000000';
const ROLE = `arn:aws:iam::${ACCT}:role/tagged`;
let admin: { accessKeyId: string; secretAccessKey: string };

const allowAll = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});
const sts = (k: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
  new STSClient({ ...sdkConfig(server, k), maxAttempts: 1 });

const failure = (p: Promise<unknown>) => errorFields(p, 'name', 'message', 'status');

// Random, so nothing compresses: AWS packs tags before measuring them.
const noise = (n: number) => {
  const a = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let s = '';
  for (let i = 0; i < n; i++) s += a[Math.floor(Math.random() * a.length)];
  return s;
};
const bigTags = (n: number) => Array.from({ length: n }, () => ({ Key: noise(128), Value: noise(256) }));

const { server, iam } = useServer({
  async setup() {
    admin = await createUserWithKeys(iam, 'admin', allowAll, 'all');
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'tagged',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
              Action: ['sts:AssumeRole', 'sts:TagSession'],
            },
          ],
        }),
      }),
    );
  },
});

test('AssumeRole: session tags past the packed allowance are refused, nothing is issued', async () => {
  const ok = await sts(admin).send(
    new AssumeRoleCommand({
      RoleArn: ROLE,
      RoleSessionName: 'few',
      Tags: [
        { Key: 'team', Value: 'storage' },
        { Key: 'project', Value: noise(40) },
      ],
    }),
  );
  assert.ok(ok.PackedPolicySize! > 0 && ok.PackedPolicySize! <= 100);
  const e = await failure(
    sts(admin).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'many', Tags: bigTags(50) })),
  );
  assert.equal(e.name, 'PackedPolicyTooLargeException');
  assert.equal(e.status, 400);
  assert.match(e.message, /^Packed size of session tags consumes \d{3,}% of allotted space\.$/);
});

test('AssumeRole and GetFederationToken: an oversized session policy is refused', async () => {
  // Valid and within the model's 2,048 characters, but too large packed.
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: Array.from({ length: 7 }, (_, i) => ({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${noise(170)}${i}/*`,
    })),
  });
  assert.ok(policy.length <= 2048);
  for (const call of [
    sts(admin).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'pol', Policy: policy })),
    sts(admin).send(new GetFederationTokenCommand({ Name: 'pol', Policy: policy })),
  ]) {
    const e = await failure(call);
    assert.equal(e.name, 'PackedPolicyTooLargeException');
    assert.match(e.message, /^Packed policy consumes \d{3,}% of allotted space$/);
  }
  const e = await failure(
    sts(admin).send(new GetFederationTokenCommand({ Name: 'tags', Tags: bigTags(50) })),
  );
  assert.match(e.message, /^Packed size of session tags consumes \d{3,}%/);
});

test('GetFederationToken credentials: no IAM at all, no STS but GetCallerIdentity', async () => {
  const fed = creds(
    (await sts(admin).send(new GetFederationTokenCommand({ Name: 'fed', Policy: allowAll }))).Credentials!,
  );
  const fedIam = new IAMClient({ ...sdkConfig(server, fed), maxAttempts: 1 });
  for (const call of [
    fedIam.send(new ListUsersCommand({})),
    fedIam.send(new CreateUserCommand({ UserName: 'x' })),
  ]) {
    assert.deepEqual(await failure(call), {
      name: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid',
      status: 403,
    });
  }
  await new S3Client(sdkConfig(server, fed)).send(new ListBucketsCommand({}));
  assert.equal(
    (await sts(fed).send(new GetCallerIdentityCommand({}))).Arn,
    `arn:aws:sts::${ACCT}:federated-user/fed`,
  );
  assert.deepEqual(
    await failure(sts(fed).send(new GetAccessKeyInfoCommand({ AccessKeyId: admin.accessKeyId }))),
    { name: 'AccessDenied', message: 'Cannot call GetAccessKeyInfo with session credentials', status: 403 },
  );
  assert.equal(
    (await failure(sts(fed).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'fed' })))).name,
    'AccessDenied',
  );
});

test('GetSessionToken credentials without MFA: no IAM; STS only AssumeRole and GetCallerIdentity', async () => {
  const st = creds((await sts(admin).send(new GetSessionTokenCommand({}))).Credentials!);
  assert.deepEqual(
    await failure(new IAMClient({ ...sdkConfig(server, st), maxAttempts: 1 }).send(new ListUsersCommand({}))),
    {
      name: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid',
      status: 403,
    },
  );
  await sts(st).send(new GetCallerIdentityCommand({}));
  await sts(st).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'from-session' }));
  for (const [name, call] of [
    ['GetAccessKeyInfo', sts(st).send(new GetAccessKeyInfoCommand({ AccessKeyId: admin.accessKeyId }))],
    [
      'DecodeAuthorizationMessage',
      sts(st).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: 'x' })),
    ],
    ['GetFederationToken', sts(st).send(new GetFederationTokenCommand({ Name: 'n' }))],
  ] as const) {
    assert.deepEqual(await failure(call), {
      name: 'AccessDenied',
      message: `Cannot call ${name} with session credentials`,
      status: 403,
    });
  }
  // Role sessions are bound by policies only.
  const role = creds(
    (await sts(admin).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'role' }))).Credentials!,
  );
  assert.equal(
    (
      await failure(
        new IAMClient({ ...sdkConfig(server, role), maxAttempts: 1 }).send(new ListUsersCommand({})),
      )
    ).name,
    'AccessDenied',
  );
});

test('boto3 sees the IAM wording without a period and the STS wording with one', async () => {
  const out = await python(
    `import botocore.exceptions as be
res = []
for svc, fn in (("iam", "list_users"), ("sts", "get_caller_identity")):
    c = boto3.client(svc, aws_access_key_id="AKIAZZZZZZZZZZZZZZZZ", aws_secret_access_key="x" * 40, config=NO_RETRY)
    try:
        getattr(c, fn)()
    except be.ClientError as e:
        res.append(e.response["Error"]["Message"])
out(res)`,
    server.env(),
  );
  assert.deepEqual(out, [
    'The security token included in the request is invalid',
    'The security token included in the request is invalid.',
  ]);
});
