/**
 * STS AssumeRole, GetSessionToken and GetFederationToken end to end: trust policies, durations,
 * chaining, external ids, session tags and policies, tampered and expired tokens (expiry through
 * the test-only clock offset and a restart on the same data dir).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  IAMClient,
  GetUserCommand,
  PutUserPolicyCommand,
  CreateRoleCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  STSClient,
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  GetFederationTokenCommand,
} from '@aws-sdk/client-sts';
import { S3Client, ListBucketsCommand } from '@aws-sdk/client-s3';
import { startTestServer, sdkConfig, type TestServer } from '../support/server.ts';
import { python, run, AWS_CLI_V1 } from '../support/clients.ts';
import { createUserWithKeys, sessionCredentials as creds } from '../support/iam.ts';

const ACCT = '000000000000';
let server: TestServer;
let iam: IAMClient;
let opKey: { accessKeyId: string; secretAccessKey: string };
const dirs: string[] = [];

const policy = (action: string | string[], resource = '*', condition?: object) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: action, Resource: resource, ...(condition && { Condition: condition }) },
    ],
  });
const trustOf = (principal: object, actions: string[] = ['sts:AssumeRole'], condition?: object) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: principal, Action: actions, ...(condition && { Condition: condition }) },
    ],
  });

const userWithKey = (name: string, inline?: string) => createUserWithKeys(iam, name, inline, 'p');

const sts = (
  k: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = server.credentials,
  extra: object = {},
) => new STSClient({ ...sdkConfig(server, k), ...extra });

async function failure(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (e: any) {
    return { name: e.name, message: e.message };
  }
  assert.fail('expected an error');
}

before(async () => {
  server = await startTestServer();
  dirs.push(server.dataDir);
  iam = new IAMClient(sdkConfig(server));
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'worker',
      AssumeRolePolicyDocument: trustOf({ AWS: `arn:aws:iam::${ACCT}:root` }),
      MaxSessionDuration: 3600,
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'worker',
      PolicyName: 'list',
      PolicyDocument: policy(['s3:ListAllMyBuckets', 'sts:AssumeRole', 'iam:GetUser']),
    }),
  );
  opKey = await userWithKey('operator', policy('sts:AssumeRole', `arn:aws:iam::${ACCT}:role/*`));
});
after(async () => {
  await server.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('root credentials may not assume roles', async () => {
  assert.deepEqual(
    await failure(
      sts().send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCT}:role/worker`, RoleSessionName: 'root' }),
      ),
    ),
    {
      name: 'AccessDenied',
      message: 'Roles may not be assumed by root accounts.',
    },
  );
});

test('DurationSeconds: 900 up to the role maximum', async () => {
  const arn = `arn:aws:iam::${ACCT}:role/worker`;
  assert.deepEqual(
    await failure(
      sts(opKey).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'ss', DurationSeconds: 7200 })),
    ),
    {
      name: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    },
  );
  const short = await failure(
    sts(opKey).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'ss', DurationSeconds: 120 })),
  );
  assert.equal(short.name, 'ValidationError');
  assert.match(short.message, /greater than or equal to 900/);
});

test('assumed-role credentials: identity, permissions of the role, token required and tamper-proof', async () => {
  const r = await sts(opKey).send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${ACCT}:role/worker`,
      RoleSessionName: 'nightly',
      DurationSeconds: 900,
    }),
  );
  assert.match(r.Credentials!.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
  assert.equal(r.AssumedRoleUser!.Arn, `arn:aws:sts::${ACCT}:assumed-role/worker/nightly`);
  assert.match(r.AssumedRoleUser!.AssumedRoleId!, /^AROA[A-Z2-7]{17}:nightly$/);
  const expiresIn = r.Credentials!.Expiration!.getTime() - Date.now();
  assert.ok(expiresIn > 880_000 && expiresIn <= 900_000, String(expiresIn));
  const c = creds(r.Credentials!);
  const me = await sts(c).send(new GetCallerIdentityCommand({}));
  assert.deepEqual([me.Arn, me.UserId], [r.AssumedRoleUser!.Arn, r.AssumedRoleUser!.AssumedRoleId]);
  await new S3Client(sdkConfig(server, c)).send(new ListBucketsCommand({}));
  const noUser = await failure(new IAMClient(sdkConfig(server, c)).send(new GetUserCommand({})));
  assert.deepEqual(noUser, {
    name: 'ValidationError',
    message: 'Must specify userName when calling with non-User credentials',
  });
  const bare = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
  assert.equal(
    (await failure(sts(bare).send(new GetCallerIdentityCommand({})))).name,
    'InvalidClientTokenId',
  );
  const forged = { ...c, sessionToken: c.sessionToken.slice(0, -8) + 'AAAAAAAA' };
  assert.equal(
    (await failure(sts(forged).send(new GetCallerIdentityCommand({})))).name,
    'InvalidClientTokenId',
  );
  assert.equal(
    (await failure(new S3Client(sdkConfig(server, forged)).send(new ListBucketsCommand({})))).name,
    'InvalidToken',
  );
  // A long-term (root) key sent with a made-up token: the token is what is wrong, not the key.
  const rootWithToken = { accessKeyId: 'test', secretAccessKey: 'test', sessionToken: 'bogus' };
  assert.equal(
    (await failure(new S3Client(sdkConfig(server, rootWithToken)).send(new ListBucketsCommand({})))).name,
    'InvalidToken',
  );
  assert.equal(
    (await failure(sts(rootWithToken).send(new GetCallerIdentityCommand({})))).name,
    'InvalidClientTokenId',
  );
});

test('a trust policy naming a user lets that user in without an identity policy; others are refused', async () => {
  const named = await userWithKey('named');
  const other = await userWithKey('other', policy('sts:AssumeRole'));
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'direct',
      AssumeRolePolicyDocument: trustOf({ AWS: `arn:aws:iam::${ACCT}:user/named` }),
    }),
  );
  const arn = `arn:aws:iam::${ACCT}:role/direct`;
  const ok = await sts(named).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'nn' }));
  assert.equal(ok.AssumedRoleUser!.Arn, `arn:aws:sts::${ACCT}:assumed-role/direct/nn`);
  const denied = await failure(
    sts(other).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'oo' })),
  );
  // STS gives no reason for an implicit deny (AWS's answers as widely reported, 2021-2025).
  assert.equal(denied.name, 'AccessDenied');
  assert.equal(
    denied.message,
    `User: arn:aws:iam::${ACCT}:user/other is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
  );
  const missing = await failure(
    sts(other).send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCT}:role/none`, RoleSessionName: 'oo' }),
    ),
  );
  assert.deepEqual(missing, {
    name: 'AccessDenied',
    message: `User: arn:aws:iam::${ACCT}:user/other is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCT}:role/none`,
  });
  // GetFederationToken without permission: no reason either.
  const fed = await failure(sts(named).send(new GetFederationTokenCommand({ Name: 'bob' })));
  assert.deepEqual(fed, {
    name: 'AccessDenied',
    message: `User: arn:aws:iam::${ACCT}:user/named is not authorized to perform: sts:GetFederationToken on resource: arn:aws:sts::${ACCT}:federated-user/bob`,
  });
});

test('ExternalId is the sts:ExternalId condition key', async () => {
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'vendor',
      AssumeRolePolicyDocument: trustOf({ AWS: ACCT }, ['sts:AssumeRole'], {
        StringEquals: { 'sts:ExternalId': 'shared-secret-42' },
      }),
    }),
  );
  const arn = `arn:aws:iam::${ACCT}:role/vendor`;
  assert.equal(
    (await failure(sts(opKey).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'vv' })))).name,
    'AccessDenied',
  );
  assert.equal(
    (
      await failure(
        sts(opKey).send(
          new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'vv', ExternalId: 'wrong-id' }),
        ),
      )
    ).name,
    'AccessDenied',
  );
  await sts(opKey).send(
    new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'vv', ExternalId: 'shared-secret-42' }),
  );
});

test('session tags need sts:TagSession in the trust policy and become principal tags', async () => {
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'tagged',
      AssumeRolePolicyDocument: trustOf({ AWS: ACCT }, ['sts:AssumeRole', 'sts:TagSession']),
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'tagged',
      PolicyName: 'by-tag',
      PolicyDocument: policy('s3:ListAllMyBuckets', '*', {
        StringEquals: { 'aws:PrincipalTag/team': 'blue' },
      }),
    }),
  );
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'operator',
      PolicyName: 'tag',
      PolicyDocument: policy(['sts:AssumeRole', 'sts:TagSession'], `arn:aws:iam::${ACCT}:role/*`),
    }),
  );
  const arn = `arn:aws:iam::${ACCT}:role/tagged`;
  const blue = await sts(opKey).send(
    new AssumeRoleCommand({
      RoleArn: arn,
      RoleSessionName: 'bb',
      Tags: [{ Key: 'team', Value: 'blue' }],
      TransitiveTagKeys: ['team'],
    }),
  );
  await new S3Client(sdkConfig(server, creds(blue.Credentials!))).send(new ListBucketsCommand({}));
  const red = await sts(opKey).send(
    new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'rr', Tags: [{ Key: 'team', Value: 'red' }] }),
  );
  assert.equal(
    (await failure(new S3Client(sdkConfig(server, creds(red.Credentials!))).send(new ListBucketsCommand({}))))
      .name,
    'AccessDenied',
  );
  await iam.send(
    new CreateRoleCommand({ RoleName: 'untaggable', AssumeRolePolicyDocument: trustOf({ AWS: ACCT }) }),
  );
  const noTagSession = await failure(
    sts(opKey).send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${ACCT}:role/untaggable`,
        RoleSessionName: 'xx',
        Tags: [{ Key: 'team', Value: 'blue' }],
      }),
    ),
  );
  assert.equal(noTagSession.name, 'AccessDenied');
  const bad = await failure(
    sts(opKey).send(
      new AssumeRoleCommand({
        RoleArn: arn,
        RoleSessionName: 'xx',
        Tags: [{ Key: 'a', Value: '1' }],
        TransitiveTagKeys: ['b'],
      }),
    ),
  );
  assert.equal(bad.name, 'InvalidParameterValue');
});

test('role chaining: at most one hour; session credentials cannot get session tokens', async () => {
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'second',
      AssumeRolePolicyDocument: trustOf({ AWS: `arn:aws:iam::${ACCT}:role/worker` }),
      MaxSessionDuration: 43200,
    }),
  );
  const first = creds(
    (
      await sts(opKey).send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCT}:role/worker`, RoleSessionName: 'one' }),
      )
    ).Credentials!,
  );
  const arn = `arn:aws:iam::${ACCT}:role/second`;
  assert.deepEqual(
    await failure(
      sts(first).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'two', DurationSeconds: 7200 })),
    ),
    {
      name: 'ValidationError',
      message:
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    },
  );
  const chained = await sts(first).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'two' }));
  assert.equal(chained.AssumedRoleUser!.Arn, `arn:aws:sts::${ACCT}:assumed-role/second/two`);
  assert.deepEqual(await failure(sts(first).send(new GetSessionTokenCommand({}))), {
    name: 'AccessDenied',
    message: 'Cannot call GetSessionToken with session credentials',
  });
});

test('GetSessionToken: the user itself, 900..129600 seconds', async () => {
  const k = await userWithKey('laptop', policy('s3:ListAllMyBuckets'));
  const tooLong = await failure(sts(k).send(new GetSessionTokenCommand({ DurationSeconds: 129601 })));
  assert.equal(tooLong.name, 'ValidationError');
  const r = await sts(k).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
  const c = creds(r.Credentials!);
  assert.match(c.accessKeyId, /^ASIA/);
  assert.equal((await sts(c).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${ACCT}:user/laptop`);
  await new S3Client(sdkConfig(server, c)).send(new ListBucketsCommand({}));
});

test('GetFederationToken: a federated user limited to its session policy', async () => {
  const k = await userWithKey('broker', policy(['sts:GetFederationToken', 's3:ListAllMyBuckets']));
  const allowed = await sts(k).send(
    new GetFederationTokenCommand({ Name: 'guest', Policy: policy('s3:ListAllMyBuckets') }),
  );
  assert.equal(allowed.FederatedUser!.Arn, `arn:aws:sts::${ACCT}:federated-user/guest`);
  assert.equal(allowed.FederatedUser!.FederatedUserId, `${ACCT}:guest`);
  const c = creds(allowed.Credentials!);
  assert.equal(
    (await sts(c).send(new GetCallerIdentityCommand({}))).Arn,
    `arn:aws:sts::${ACCT}:federated-user/guest`,
  );
  await new S3Client(sdkConfig(server, c)).send(new ListBucketsCommand({}));
  const chained = await failure(
    sts(c).send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCT}:role/worker`, RoleSessionName: 'fed' }),
    ),
  );
  assert.equal(chained.name, 'AccessDenied');
  const bare = creds((await sts(k).send(new GetFederationTokenCommand({ Name: 'nobody' }))).Credentials!);
  assert.equal(
    (await failure(new S3Client(sdkConfig(server, bare)).send(new ListBucketsCommand({})))).name,
    'AccessDenied',
  );
});

test('boto3 and the AWS CLI assume a role', async () => {
  const env = server.env({
    AWS_ACCESS_KEY_ID: opKey.accessKeyId,
    AWS_SECRET_ACCESS_KEY: opKey.secretAccessKey,
  });
  const boto = await python(
    `c = boto3.client("sts", config=NO_RETRY).assume_role(RoleArn="arn:aws:iam::${ACCT}:role/worker", RoleSessionName="py")["Credentials"]
s = boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
out(s.client("sts").get_caller_identity()["Arn"])`,
    env,
  );
  assert.equal(boto, `arn:aws:sts::${ACCT}:assumed-role/worker/py`);
  const cli = await run(
    AWS_CLI_V1,
    [
      'sts',
      'assume-role',
      '--role-arn',
      `arn:aws:iam::${ACCT}:role/worker`,
      '--role-session-name',
      'cli',
      '--output',
      'json',
    ],
    env,
  );
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(JSON.parse(cli.stdout).AssumedRoleUser.Arn, `arn:aws:sts::${ACCT}:assumed-role/worker/cli`);
});

test('temporary credentials survive a restart and expire (ExpiredToken)', async () => {
  const c = creds(
    (
      await sts(opKey).send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${ACCT}:role/worker`,
          RoleSessionName: 'late',
          DurationSeconds: 900,
        }),
      )
    ).Credentials!,
  );
  const dir = server.dataDir;
  await server.close();
  server = await startTestServer([], dir);
  assert.match((await sts(c).send(new GetCallerIdentityCommand({}))).Arn!, /assumed-role\/worker\/late$/);
  await server.close();
  const offset = 901_000;
  process.env.STRATUS_TEST_CLOCK_OFFSET_MS = String(offset);
  try {
    server = await startTestServer([], dir);
  } finally {
    delete process.env.STRATUS_TEST_CLOCK_OFFSET_MS;
  }
  // The client's clock moves with the server's, so the signature itself is current.
  const expired = await failure(sts(c, { systemClockOffset: offset }).send(new GetCallerIdentityCommand({})));
  assert.deepEqual(expired, {
    name: 'ExpiredToken',
    message: 'The security token included in the request is expired',
  });
  assert.equal(
    (
      await failure(
        new S3Client({ ...sdkConfig(server, c), systemClockOffset: offset }).send(new ListBucketsCommand({})),
      )
    ).name,
    'ExpiredToken',
  );
});
