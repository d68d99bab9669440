/**
 * The PolicySource the request authorizer reads: identity policies of a user and its groups,
 * of a role for its sessions, boundaries, session policies, principal tags, trust policies, and
 * the cache that follows IAM writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserCommand,
  CreateGroupCommand,
  AddUserToGroupCommand,
  PutUserPolicyCommand,
  PutGroupPolicyCommand,
  AttachGroupPolicyCommand,
  PutUserPermissionsBoundaryCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  DeleteUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { policySource } from '../../src/services/iam/policy-source.ts';
import { useServer } from '../support/use-server.ts';
import { sdkConfig } from '../support/server.ts';

const ACCT = '000000000000';
const doc = (action: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

const { server, iam } = useServer();

test('a user: own and group policies (inline and managed), boundary, tags; refreshed after a write', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'ps-user', Tags: [{ Key: 'dept', Value: 'ops' }] }));
  await iam.send(new CreateGroupCommand({ GroupName: 'ps-group' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'ps-group', UserName: 'ps-user' }));
  await iam.send(
    new PutUserPolicyCommand({ UserName: 'ps-user', PolicyName: 'own', PolicyDocument: doc('s3:GetObject') }),
  );
  await iam.send(
    new PutGroupPolicyCommand({
      GroupName: 'ps-group',
      PolicyName: 'grp',
      PolicyDocument: doc('s3:PutObject'),
    }),
  );
  await iam.send(
    new AttachGroupPolicyCommand({
      GroupName: 'ps-group',
      PolicyArn: 'arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess',
    }),
  );
  await iam.send(
    new PutUserPermissionsBoundaryCommand({
      UserName: 'ps-user',
      PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3FullAccess',
    }),
  );
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'ps-user' }))).AccessKey!;
  const cred = await server.app.credentials.resolve(key.AccessKeyId!);
  const source = policySource(server.backend);
  const p = await source.forPrincipal(cred!.principal);
  assert.deepEqual(
    p.identity.map((x) => x.id),
    ['own', 'grp', 'arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess'],
  );
  assert.equal(p.identity[0]!.document, doc('s3:GetObject'));
  assert.equal(p.boundary?.id, 'arn:aws:iam::aws:policy/AmazonS3FullAccess');
  assert.equal(p.session, undefined);
  assert.deepEqual(p.tags, { dept: 'ops' });
  assert.equal(p.exists, true);
  assert.equal(await source.forPrincipal(cred!.principal), p, 'cached while nothing changes');
  await iam.send(new DeleteUserPolicyCommand({ UserName: 'ps-user', PolicyName: 'own' }));
  assert.deepEqual(
    (await source.forPrincipal(cred!.principal)).identity.map((x) => x.id),
    ['grp', 'arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess'],
  );
});

test('a role session: the role policies, session policies (inline and ARNs), role and session tags; the trust policy', async () => {
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: ACCT }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
  });
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'ps-role',
      AssumeRolePolicyDocument: trust,
      Tags: [{ Key: 'tier', Value: 'gold' }],
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({ RoleName: 'ps-role', PolicyName: 'r', PolicyDocument: doc('s3:*') }),
  );
  await iam.send(new CreateUserCommand({ UserName: 'ps-op' }));
  await iam.send(
    new PutUserPolicyCommand({ UserName: 'ps-op', PolicyName: 'a', PolicyDocument: doc('sts:*') }),
  );
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'ps-op' }))).AccessKey!;
  const sts = new STSClient(
    sdkConfig(server, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }),
  );
  const r = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${ACCT}:role/ps-role`,
      RoleSessionName: 'sess',
      Policy: doc('s3:GetObject'),
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }],
      Tags: [{ Key: 'team', Value: 'blue' }],
    }),
  );
  const cred = await server.app.credentials.resolve(
    r.Credentials!.AccessKeyId!,
    r.Credentials!.SessionToken!,
  );
  assert.equal(cred!.principal.type, 'AssumedRole');
  assert.equal(cred!.principal.role?.name, 'ps-role');
  const source = policySource(server.backend);
  const p = await source.forPrincipal(cred!.principal);
  assert.deepEqual(
    p.identity.map((x) => x.id),
    ['r'],
  );
  assert.deepEqual(
    p.session?.map((x) => x.id),
    ['session-policy', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
  );
  assert.deepEqual(p.tags, { tier: 'gold', team: 'blue' });
  await iam.send(new TagRoleCommand({ RoleName: 'ps-role', Tags: [{ Key: 'tier', Value: 'silver' }] }));
  assert.deepEqual((await source.forPrincipal(cred!.principal)).tags, { tier: 'silver', team: 'blue' });
  const role = await source.role(`arn:aws:iam::${ACCT}:role/ps-role`);
  assert.equal(role?.trustPolicy, trust);
  assert.equal(role?.maxSessionDuration, 3600);
  assert.equal(await source.role(`arn:aws:iam::${ACCT}:role/nope`), undefined);
});
