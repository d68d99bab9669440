/**
 * Attribute-based access to IAM users and roles: a tagged user's or role's tags are the condition
 * keys iam:ResourceTag/<key> and aws:ResourceTag/<key> (Service Authorization Reference, IAM: both
 * on the user and role resource types; IAM User Guide, "Controlling access to IAM resources"),
 * compared with the caller's aws:PrincipalTag/<key> (a user's tags, or a role session's tags over
 * the role's own).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient,
  CreateUserCommand,
  GetUserCommand,
  GetRoleCommand,
  CreateRoleCommand,
  PutRolePolicyCommand,
  TagUserCommand,
} from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { useServer } from '../support/use-server.ts';
import { sdkConfig } from '../support/server.ts';
import { errorName } from '../support/errors.ts';
import { createUserWithKeys, sessionCredentials, type Creds } from '../support/iam.ts';

const ACCT = '000000000000';
const policy = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
const sameTeam = policy({
  Effect: 'Allow',
  Action: ['iam:GetUser', 'iam:GetRole'],
  Resource: '*',
  Condition: { StringEquals: { 'iam:ResourceTag/team': '${aws:PrincipalTag/team}' } },
});
let blue: Creds;

const { server, iam } = useServer({
  async setup({ iam }) {
    blue = await createUserWithKeys(iam, 'blue-lead', sameTeam);
    await iam.send(new CreateUserCommand({ UserName: 'blue-dev', Tags: [{ Key: 'team', Value: 'blue' }] }));
    await iam.send(new CreateUserCommand({ UserName: 'red-dev', Tags: [{ Key: 'team', Value: 'red' }] }));
  },
});
const iamAs = (k: Creds) => new IAMClient({ ...sdkConfig(server, k), maxAttempts: 1 });
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'allowed',
    (e: Error) => e.name,
  );

test('iam:ResourceTag on users, against the caller user tags', async () => {
  await iam.send(new TagUserCommand({ UserName: 'blue-lead', Tags: [{ Key: 'team', Value: 'blue' }] }));
  const me = iamAs(blue);
  assert.equal(await outcome(me.send(new GetUserCommand({ UserName: 'blue-dev' }))), 'allowed');
  assert.equal(await outcome(me.send(new GetUserCommand({ UserName: 'red-dev' }))), 'AccessDenied');
});

test('iam:ResourceTag on roles, against a role session: session tags over the role tags', async () => {
  const trust = policy({
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
    Action: ['sts:AssumeRole', 'sts:TagSession'],
  });
  for (const [RoleName, team] of [
    ['green-ops', 'green'],
    ['blue-ops', 'blue'],
  ])
    await iam.send(
      new CreateRoleCommand({
        RoleName,
        AssumeRolePolicyDocument: trust,
        Tags: [{ Key: 'team', Value: team! }],
      }),
    );
  await iam.send(
    new PutRolePolicyCommand({ RoleName: 'green-ops', PolicyName: 'team', PolicyDocument: sameTeam }),
  );
  const caller = await createUserWithKeys(
    iam,
    'assumer',
    policy({ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: '*' }),
  );
  const sts = new STSClient({ ...sdkConfig(server, caller), maxAttempts: 1 });
  const session = async (tags?: { Key: string; Value: string }[]) =>
    iamAs(
      sessionCredentials(
        (
          await sts.send(
            new AssumeRoleCommand({
              RoleArn: `arn:aws:iam::${ACCT}:role/green-ops`,
              RoleSessionName: 'ops',
              Tags: tags,
            }),
          )
        ).Credentials!,
      ),
    );
  const plain = await session();
  assert.equal(await outcome(plain.send(new GetRoleCommand({ RoleName: 'green-ops' }))), 'allowed');
  assert.equal(await errorName(plain.send(new GetRoleCommand({ RoleName: 'blue-ops' }))), 'AccessDenied');
  const tagged = await session([{ Key: 'team', Value: 'blue' }]);
  assert.equal(await outcome(tagged.send(new GetRoleCommand({ RoleName: 'blue-ops' }))), 'allowed');
  assert.equal(await outcome(tagged.send(new GetUserCommand({ UserName: 'blue-dev' }))), 'allowed');
  assert.equal(await errorName(tagged.send(new GetRoleCommand({ RoleName: 'green-ops' }))), 'AccessDenied');
});
