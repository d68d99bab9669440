/** Instance-profile role credentials (for the EC2 metadata service): trust in ec2.amazonaws.com required. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateRoleCommand,
  CreateInstanceProfileCommand,
  AddRoleToInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { instanceRoleCredentials } from '../../src/services/sts/instance-credentials.ts';
import { useServer } from '../support/use-server.ts';
import { sdkConfig } from '../support/server.ts';

const ACCT = '000000000000';
const { server, iam } = useServer();

async function profileFor(role: string, service: string): Promise<string> {
  const trust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  };
  await iam.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: JSON.stringify(trust) }));
  const { InstanceProfile } = await iam.send(
    new CreateInstanceProfileCommand({ InstanceProfileName: `${role}-profile` }),
  );
  await iam.send(
    new AddRoleToInstanceProfileCommand({ InstanceProfileName: `${role}-profile`, RoleName: role }),
  );
  return InstanceProfile!.Arn!;
}

test('a role trusting EC2 yields session credentials named after the instance', async () => {
  const arn = await profileFor('web-server', 'ec2.amazonaws.com');
  const creds = await instanceRoleCredentials(server.backend, {
    accountId: ACCT,
    instanceProfileArn: arn,
    instanceId: 'i-0123456789abcdef0',
    now: new Date(),
  });
  assert.ok(creds);
  assert.equal(creds.RoleName, 'web-server');
  const sts = new STSClient(
    sdkConfig(server, {
      accessKeyId: creds.AccessKeyId,
      secretAccessKey: creds.SecretAccessKey,
      sessionToken: creds.SessionToken,
    }),
  );
  assert.equal(
    (await sts.send(new GetCallerIdentityCommand({}))).Arn,
    `arn:aws:sts::${ACCT}:assumed-role/web-server/i-0123456789abcdef0`,
  );
});

test('no credentials when the role does not trust EC2 or the profile is unknown', async () => {
  const arn = await profileFor('lambda-only', 'lambda.amazonaws.com');
  const now = new Date();
  assert.equal(
    await instanceRoleCredentials(server.backend, {
      accountId: ACCT,
      instanceProfileArn: arn,
      instanceId: 'i-1',
      now,
    }),
    undefined,
  );
  const missing = `arn:aws:iam::${ACCT}:instance-profile/none`;
  assert.equal(
    await instanceRoleCredentials(server.backend, {
      accountId: ACCT,
      instanceProfileArn: missing,
      instanceId: 'i-1',
      now,
    }),
    undefined,
  );
});
