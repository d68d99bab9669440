// Assumed roles against every service: the role's policies decide for its sessions; session
// policies (inline Policy and PolicyArns) only narrow; assuming needs the caller's permission
// as well as the trust policy; the role's boundary caps its sessions too.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { startTestServer } from '../support/server.ts';
import {
  ALLOWED,
  DENIED,
  PROBE_ACTIONS,
  allowDoc,
  clientsFor,
  createBucket,
  createUser,
  doc,
  outcome,
  probe,
  unique,
  type Creds,
} from './enforcement-support.ts';

const server = await startTestServer();
after(() => server.stop());
const root = clientsFor(server);
const ACCOUNT = '000000000000';
const bucket = await createBucket(root.s3, unique('enforce-roles'));
const trustAccount = doc({
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
  Action: 'sts:AssumeRole',
});

async function role(policy?: string): Promise<string> {
  const name = unique('role');
  const r = await root.iam.send(
    new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustAccount }),
  );
  if (policy)
    await root.iam.send(
      new PutRolePolicyCommand({ RoleName: name, PolicyName: 'probe', PolicyDocument: policy }),
    );
  return r.Role!.Arn!;
}

// The operator may assume any role of the account.
const operator = await createUser(
  root.iam,
  unique('operator'),
  allowDoc('sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/*`),
);
const operatorClients = clientsFor(server, operator);

async function assume(roleArn: string, extra: Partial<AssumeRoleCommandInput> = {}): Promise<Creds> {
  const r = await operatorClients.sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'probe', ...extra }),
  );
  const c = r.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

test('a role session has the role policies: refused without, allowed with', async () => {
  const bare = await assume(await role());
  assert.deepEqual(await probe(clientsFor(server, bare), bucket, bare.accessKeyId), DENIED);
  const arn = await role(allowDoc(PROBE_ACTIONS));
  const full = await assume(arn);
  const c = clientsFor(server, full);
  assert.deepEqual(await probe(c, bucket, full.accessKeyId), ALLOWED);
  const o = await outcome(c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' })));
  const roleName = arn.split('/').pop();
  assert.equal(
    o !== 'ok' && o.message,
    `User: arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/probe is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${bucket}/k" because no identity-based policy allows the s3:GetObject action`,
  );
});

test('an inline session policy narrows the session', async () => {
  const arn = await role(allowDoc(PROBE_ACTIONS));
  const creds = await assume(arn, { Policy: allowDoc(['s3:ListBucket', 'ec2:Describe*', 'iam:*']) });
  const c = clientsFor(server, creds);
  assert.deepEqual(await probe(c, bucket, creds.accessKeyId), { ...DENIED, s3: 'ok', ec2: 'ok', iam: 'ok' });
  const o = await outcome(c.sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'again' })));
  assert.equal(o !== 'ok' && o.code, 'AccessDenied');
});

test('a session policy cannot widen the session', async () => {
  const arn = await role(allowDoc('s3:ListBucket'));
  const creds = await assume(arn, { Policy: allowDoc('*') });
  assert.deepEqual(await probe(clientsFor(server, creds), bucket, creds.accessKeyId), {
    ...DENIED,
    s3: 'ok',
  });
});

test('managed session policies (PolicyArns) narrow the session', async () => {
  const arn = await role(allowDoc(PROBE_ACTIONS));
  const p = await root.iam.send(
    new CreatePolicyCommand({
      PolicyName: unique('session'),
      PolicyDocument: allowDoc('cloudtrail:DescribeTrails'),
    }),
  );
  const creds = await assume(arn, {
    PolicyArns: [{ arn: p.Policy!.Arn! }, { arn: 'arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess' }],
  });
  const c = clientsFor(server, creds);
  const got = await probe(c, bucket, creds.accessKeyId);
  assert.deepEqual(got, { ...DENIED, cloudtrail: 'ok', ec2: 'ok' });
  const o = await outcome(c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' })));
  assert.match(
    o !== 'ok' ? o.message : '',
    /because no (identity-based|session) policy allows the s3:GetObject action$/,
  );
});

test('attached managed role policies and the role permissions boundary', async () => {
  const arn = await role();
  const name = arn.split('/').pop()!;
  await root.iam.send(
    new AttachRolePolicyCommand({ RoleName: name, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
  );
  let creds = await assume(arn);
  assert.deepEqual(await probe(clientsFor(server, creds), bucket, creds.accessKeyId), ALLOWED);
  await root.iam.send(
    new PutRolePermissionsBoundaryCommand({
      RoleName: name,
      PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess',
    }),
  );
  // Existing sessions are bounded at once (policies are read per request).
  assert.deepEqual(await probe(clientsFor(server, creds), bucket, creds.accessKeyId), {
    ...DENIED,
    ec2: 'ok',
  });
  creds = await assume(arn);
  assert.deepEqual(await probe(clientsFor(server, creds), bucket, creds.accessKeyId), {
    ...DENIED,
    ec2: 'ok',
  });
});

test('assuming a role needs the caller permission, and root may not assume roles', async () => {
  const arn = await role(allowDoc(PROBE_ACTIONS));
  const intern = await createUser(root.iam, unique('intern'));
  const o = await outcome(
    clientsFor(server, intern).sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'again' })),
  );
  assert.equal(o !== 'ok' && o.code, 'AccessDenied');
  assert.equal(o !== 'ok' && o.status, 403);
  const r = await outcome(root.sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'again' })));
  assert.equal(r !== 'ok' && r.code, 'AccessDenied');
});
