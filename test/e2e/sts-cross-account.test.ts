/**
 * Two accounts: a role in account B trusted by account A. A's user needs both B's trust and its
 * own permission; the session then acts in B with the role's permissions; IAM state is per account.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient,
  CreateUserCommand,
  CreateAccessKeyCommand,
  PutUserPolicyCommand,
  CreateRoleCommand,
  PutRolePolicyCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import {
  STSClient,
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetAccessKeyInfoCommand,
} from '@aws-sdk/client-sts';
import { createAccount } from '../../src/accounts/accounts.ts';
import { useServer } from '../support/use-server.ts';
import { errorName } from '../support/errors.ts';
import { sdkConfig } from '../support/server.ts';

const A = '000000000000';
let B: string;
let iamB: IAMClient;
let rootB: { accessKeyId: string; secretAccessKey: string };

const { server, iam: iamA } = useServer({
  async setup() {
    const created = await createAccount(server.accounts, 'partner');
    B = created.account.id;
    rootB = {
      accessKeyId: created.rootCredential.accessKeyId,
      secretAccessKey: created.rootCredential.secretAccessKey,
    };
    iamB = new IAMClient(sdkConfig(server, rootB));
  },
});

test('IAM entities are per account', async () => {
  await iamA.send(new CreateUserCommand({ UserName: 'same-name' }));
  await iamB.send(new CreateUserCommand({ UserName: 'same-name' }));
  const inB = (await iamB.send(new ListUsersCommand({}))).Users!;
  assert.deepEqual(
    inB.map((u) => u.Arn),
    [`arn:aws:iam::${B}:user/same-name`],
  );
});

test('cross-account AssumeRole needs the trust of B and the permission of A', async () => {
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: 'sts:AssumeRole' }],
  });
  await iamB.send(new CreateRoleCommand({ RoleName: 'from-a', AssumeRolePolicyDocument: trust }));
  await iamB.send(
    new PutRolePolicyCommand({
      RoleName: 'from-a',
      PolicyName: 'iam-read',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }],
      }),
    }),
  );
  await iamB.send(
    new CreateRoleCommand({
      RoleName: 'closed',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
  await iamA.send(new CreateUserCommand({ UserName: 'dev' }));
  const { AccessKey } = await iamA.send(new CreateAccessKeyCommand({ UserName: 'dev' }));
  const dev = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  const sts = new STSClient(sdkConfig(server, dev));
  const roleArn = `arn:aws:iam::${B}:role/from-a`;
  assert.equal(
    await errorName(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'x1' }))),
    'AccessDenied',
  );
  await iamA.send(
    new PutUserPolicyCommand({
      UserName: 'dev',
      PolicyName: 'assume',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${B}:role/*` }],
      }),
    }),
  );
  assert.equal(
    await errorName(
      sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${B}:role/closed`, RoleSessionName: 'x2' })),
    ),
    'AccessDenied',
  );
  const r = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'x3' }));
  assert.equal(r.AssumedRoleUser!.Arn, `arn:aws:sts::${B}:assumed-role/from-a/x3`);
  const c = {
    accessKeyId: r.Credentials!.AccessKeyId!,
    secretAccessKey: r.Credentials!.SecretAccessKey!,
    sessionToken: r.Credentials!.SessionToken!,
  };
  assert.equal((await new STSClient(sdkConfig(server, c)).send(new GetCallerIdentityCommand({}))).Account, B);
  const listed = (await new IAMClient(sdkConfig(server, c)).send(new ListUsersCommand({}))).Users!;
  assert.deepEqual(
    listed.map((u) => u.Arn),
    [`arn:aws:iam::${B}:user/same-name`],
  );
  const info = new STSClient(sdkConfig(server));
  assert.equal((await info.send(new GetAccessKeyInfoCommand({ AccessKeyId: c.accessKeyId }))).Account, B);
  assert.equal((await info.send(new GetAccessKeyInfoCommand({ AccessKeyId: rootB.accessKeyId }))).Account, B);
  assert.equal((await info.send(new GetAccessKeyInfoCommand({ AccessKeyId: dev.accessKeyId }))).Account, A);
});
