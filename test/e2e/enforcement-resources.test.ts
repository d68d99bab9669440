// Resource-level permissions and condition keys, as each service maps them: EC2 resource and
// request tags, CloudTrail trail ARNs, S3 object tags, IAM paths and resource tags, and
// federation tokens whose session policy narrows the issuing user.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateKeyPairCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
} from '@aws-sdk/client-ec2';
import { GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateUserCommand, GetUserCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { GetFederationTokenCommand } from '@aws-sdk/client-sts';
import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { startTestServer } from '../support/server.ts';
import {
  allowDoc,
  clientsFor,
  code,
  createBucket,
  createUser,
  doc,
  outcome,
  unique,
} from './enforcement-support.ts';

const server = await startTestServer();
after(() => server.stop());
const root = clientsFor(server);
const ACCOUNT = '000000000000';

test('EC2: request tags on create, resource tags on delete, matched against the caller own tags', async () => {
  const name = unique('ec2-blue');
  const policy = doc(
    { Effect: 'Allow', Action: 'ec2:CreateSecurityGroup', Resource: `arn:aws:ec2:*:${ACCOUNT}:vpc/*` },
    {
      Effect: 'Allow',
      Action: ['ec2:CreateSecurityGroup', 'ec2:CreateTags'],
      Resource: `arn:aws:ec2:*:${ACCOUNT}:security-group/*`,
      Condition: { StringEquals: { 'aws:RequestTag/team': '${aws:PrincipalTag/team}' } },
    },
    {
      Effect: 'Allow',
      Action: 'ec2:DeleteSecurityGroup',
      Resource: '*',
      Condition: { StringEquals: { 'ec2:ResourceTag/team': '${aws:PrincipalTag/team}' } },
    },
  );
  const creds = await createUser(root.iam, name, policy);
  await root.iam.send(new TagUserCommand({ UserName: name, Tags: [{ Key: 'team', Value: 'blue' }] }));
  const ec2 = clientsFor(server, creds).ec2;
  const create = (team?: string) =>
    ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: unique('grp'),
        Description: 'x',
        ...(team && {
          TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'team', Value: team }] }],
        }),
      }),
    );
  assert.equal(await code(create()), 'UnauthorizedOperation');
  assert.equal(await code(create('red')), 'UnauthorizedOperation');
  const mine = await create('blue');
  const theirs = await root.ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: unique('grp'),
      Description: 'x',
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'team', Value: 'red' }] }],
    }),
  );
  const refused = await outcome(ec2.send(new DeleteSecurityGroupCommand({ GroupId: theirs.GroupId })));
  assert.ok(refused !== 'ok');
  assert.equal(refused.code, 'UnauthorizedOperation');
  assert.match(
    refused.message,
    new RegExp(
      `on resource: arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/${theirs.GroupId} because no identity-based policy allows the ec2:DeleteSecurityGroup action\\. Encoded authorization failure message: `,
    ),
  );
  assert.equal(await code(ec2.send(new DeleteSecurityGroupCommand({ GroupId: mine.GroupId }))), 'ok');
});

test('CloudTrail: permissions on some trails only', async () => {
  const creds = await createUser(
    root.iam,
    unique('ct'),
    allowDoc('cloudtrail:GetTrailStatus', `arn:aws:cloudtrail:*:${ACCOUNT}:trail/dev-*`),
  );
  const ct = clientsFor(server, creds).cloudtrail;
  // Allowed: the handler answers (the trail does not exist); refused before it otherwise.
  assert.equal(
    await code(ct.send(new GetTrailStatusCommand({ Name: 'dev-audit' }))),
    'TrailNotFoundException',
  );
  const o = await outcome(ct.send(new GetTrailStatusCommand({ Name: 'prod-audit' })));
  assert.ok(o !== 'ok');
  assert.equal(o.code, 'AccessDeniedException');
  assert.equal(o.status, 400);
  assert.match(
    o.message,
    new RegExp(
      `is not authorized to perform: cloudtrail:GetTrailStatus on resource: arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/prod-audit because`,
    ),
  );
});

test('S3: existing object tags decide object reads; s3:prefix decides listings', async () => {
  const bucket = await createBucket(root.s3, unique('tagged'));
  await root.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'docs/public.txt',
      Body: 'p',
      Tagging: 'classification=public',
    }),
  );
  await root.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'docs/secret.txt',
      Body: 's',
      Tagging: 'classification=secret',
    }),
  );
  const creds = await createUser(
    root.iam,
    unique('reader'),
    doc(
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
        Condition: { StringEquals: { 's3:ExistingObjectTag/classification': 'public' } },
      },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: `arn:aws:s3:::${bucket}`,
        Condition: { StringLike: { 's3:prefix': 'docs/*' } },
      },
    ),
  );
  const s3 = clientsFor(server, creds).s3;
  assert.equal(await code(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'docs/public.txt' }))), 'ok');
  assert.equal(
    await code(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'docs/secret.txt' }))),
    'AccessDenied',
  );
  assert.equal(await code(s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'docs/' }))), 'ok');
  assert.equal(await code(s3.send(new ListObjectsV2Command({ Bucket: bucket }))), 'AccessDenied');
});

test('IAM: paths in resource ARNs and the tags of the user acted on', async () => {
  const blue = unique('blue');
  await root.iam.send(new CreateUserCommand({ UserName: blue, Path: '/team-blue/' }));
  const tagged = unique('tagged');
  await root.iam.send(new CreateUserCommand({ UserName: tagged, Tags: [{ Key: 'team', Value: 'blue' }] }));
  const other = unique('other');
  await root.iam.send(new CreateUserCommand({ UserName: other }));
  const creds = await createUser(
    root.iam,
    unique('lead'),
    doc(
      { Effect: 'Allow', Action: 'iam:GetUser', Resource: `arn:aws:iam::${ACCOUNT}:user/team-blue/*` },
      {
        Effect: 'Allow',
        Action: 'iam:GetUser',
        Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceTag/team': 'blue' } },
      },
    ),
  );
  const iam = clientsFor(server, creds).iam;
  assert.equal(await code(iam.send(new GetUserCommand({ UserName: blue }))), 'ok');
  assert.equal(await code(iam.send(new GetUserCommand({ UserName: tagged }))), 'ok');
  const o = await outcome(iam.send(new GetUserCommand({ UserName: other })));
  assert.ok(o !== 'ok');
  assert.equal(
    o.message,
    `User: ${creds.arn} is not authorized to perform: iam:GetUser on resource: arn:aws:iam::${ACCOUNT}:user/${other} because no identity-based policy allows the iam:GetUser action`,
  );
});

test('GetFederationToken: the session has what both the user and the session policy allow', async () => {
  const bucket = await createBucket(root.s3, unique('federated'));
  const name = unique('broker');
  const creds = await createUser(
    root.iam,
    name,
    allowDoc(['sts:GetFederationToken', 's3:ListBucket', 'ec2:DescribeVpcs']),
  );
  const fed = await clientsFor(server, creds).sts.send(
    new GetFederationTokenCommand({ Name: 'visitor', Policy: allowDoc(['s3:*', 'cloudtrail:*']) }),
  );
  const c = fed.Credentials!;
  const session = clientsFor(server, {
    accessKeyId: c.AccessKeyId!,
    secretAccessKey: c.SecretAccessKey!,
    sessionToken: c.SessionToken!,
  });
  assert.equal(await code(session.s3.send(new ListObjectsV2Command({ Bucket: bucket }))), 'ok');
  assert.equal(await code(session.ec2.send(new DescribeVpcsCommand({}))), 'UnauthorizedOperation');
  // Without a session policy a federation token allows nothing.
  const none = await clientsFor(server, creds).sts.send(new GetFederationTokenCommand({ Name: 'nothing' }));
  const n = none.Credentials!;
  const bare = clientsFor(server, {
    accessKeyId: n.AccessKeyId!,
    secretAccessKey: n.SecretAccessKey!,
    sessionToken: n.SessionToken!,
  });
  assert.equal(await code(bare.s3.send(new ListObjectsV2Command({ Bucket: bucket }))), 'AccessDenied');
});

test('EC2 DryRun: DryRunOperation when the caller may, UnauthorizedOperation when not', async () => {
  const allowed = await createUser(root.iam, unique('dry-yes'), allowDoc('ec2:CreateKeyPair'));
  const refused = await createUser(root.iam, unique('dry-no'));
  const dry = (c: ReturnType<typeof clientsFor>) =>
    code(c.ec2.send(new CreateKeyPairCommand({ KeyName: unique('kp'), DryRun: true })));
  assert.equal(await dry(clientsFor(server, allowed)), 'DryRunOperation');
  assert.equal(await dry(clientsFor(server, refused)), 'UnauthorizedOperation');
});
