// IAM users against every service, through @aws-sdk/* v3: refused without a policy; allowed by
// inline, customer-managed, AWS-managed and group policies; an explicit deny overrides an
// allow; a permissions boundary caps what policies grant. Denials carry each service's code
// and AWS's message form.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  DeleteUserPolicyCommand,
  ListUsersCommand,
  PutGroupPolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { GetObjectCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startTestServer } from '../support/server.ts';
import { python } from '../support/clients.ts';
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
} from './enforcement-support.ts';

const server = await startTestServer();
after(() => server.stop());
const root = clientsFor(server);
const ACCOUNT = '000000000000';
const bucket = await createBucket(root.s3, unique('enforce-users'));
const everything = allowDoc(PROBE_ACTIONS);

test('a user without policies is refused by every service, in each service words', async () => {
  const name = unique('nobody');
  const creds = await createUser(root.iam, name);
  const c = clientsFor(server, creds);
  assert.deepEqual(await probe(c, bucket, creds.accessKeyId), DENIED);
  const arn = `arn:aws:iam::${ACCOUNT}:user/${name}`;
  const iam = await outcome(c.iam.send(new ListUsersCommand({})));
  assert.deepEqual(iam, {
    code: 'AccessDenied',
    status: 403,
    message: `User: ${arn} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${ACCOUNT}:user/ because no identity-based policy allows the iam:ListUsers action`,
  });
  const s3 = await outcome(c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' })));
  assert.deepEqual(s3, {
    code: 'AccessDenied',
    status: 403,
    message: `User: ${arn} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${bucket}/k" because no identity-based policy allows the s3:GetObject action`,
  });
  const list = await outcome(c.s3.send(new ListBucketsCommand({})));
  assert.equal(
    list !== 'ok' && list.message,
    `User: ${arn} is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action`,
  );
  // boto3 parses the same answers.
  const py = await python(
    `s = boto3.Session(aws_access_key_id=${JSON.stringify(creds.accessKeyId)}, aws_secret_access_key=${JSON.stringify(creds.secretAccessKey)}, region_name="us-east-1")
def c(svc): return s.client(svc, endpoint_url=ENDPOINT, config=NO_RETRY)
out({"iam": call(c("iam").list_users), "ec2": call(c("ec2").describe_vpcs), "ct": call(c("cloudtrail").describe_trails), "s3": call(c("s3").list_objects_v2, Bucket=${JSON.stringify(bucket)})})`,
    server.env(),
  );
  assert.equal(py.iam.error, 'AccessDenied');
  assert.equal(py.iam.status, 403);
  assert.equal(py.ec2.error, 'UnauthorizedOperation');
  assert.equal(
    py.ec2.message,
    `You are not authorized to perform this operation. User: ${arn} is not authorized to perform: ec2:DescribeVpcs because no identity-based policy allows the ec2:DescribeVpcs action`,
  );
  assert.equal(py.ct.error, 'AccessDeniedException');
  assert.equal(py.s3.error, 'AccessDenied');
});

test('an inline user policy allows exactly what it names', async () => {
  const name = unique('inline');
  const creds = await createUser(root.iam, name, everything);
  const c = clientsFor(server, creds);
  assert.deepEqual(await probe(c, bucket, creds.accessKeyId), ALLOWED);
  // Object-level actions were not granted.
  assert.equal(
    (await outcome(c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'x', Body: 'x' })))) !== 'ok',
    true,
  );
  // Removing the policy takes effect at once.
  await root.iam.send(new DeleteUserPolicyCommand({ UserName: name, PolicyName: 'inline' }));
  assert.deepEqual(await probe(c, bucket, creds.accessKeyId), DENIED);
});

test('customer-managed and AWS-managed policies attached to the user', async () => {
  const name = unique('managed');
  const creds = await createUser(root.iam, name);
  const c = clientsFor(server, creds);
  const p = await root.iam.send(
    new CreatePolicyCommand({
      PolicyName: unique('probe'),
      PolicyDocument: allowDoc(['iam:ListUsers', 'ec2:DescribeVpcs']),
    }),
  );
  await root.iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: p.Policy!.Arn! }));
  assert.deepEqual(await probe(c, bucket, creds.accessKeyId), { ...DENIED, iam: 'ok', ec2: 'ok' });
  await root.iam.send(
    new AttachUserPolicyCommand({
      UserName: name,
      PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    }),
  );
  assert.deepEqual(await probe(c, bucket, creds.accessKeyId), { ...DENIED, iam: 'ok', ec2: 'ok', s3: 'ok' });
});

test('policies of the groups a user belongs to', async () => {
  const name = unique('member');
  const group = unique('readers');
  const creds = await createUser(root.iam, name);
  const c = clientsFor(server, creds);
  await root.iam.send(new CreateGroupCommand({ GroupName: group }));
  await root.iam.send(
    new PutGroupPolicyCommand({ GroupName: group, PolicyName: 'probe', PolicyDocument: everything }),
  );
  assert.deepEqual(await probe(c, bucket, creds.accessKeyId), DENIED);
  await root.iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: name }));
  assert.deepEqual(await probe(c, bucket, creds.accessKeyId), ALLOWED);
});

test('an explicit deny overrides any allow', async () => {
  const name = unique('denied');
  const creds = await createUser(root.iam, name);
  const c = clientsFor(server, creds);
  await root.iam.send(
    new AttachUserPolicyCommand({ UserName: name, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
  );
  assert.deepEqual(await probe(c, bucket, creds.accessKeyId), ALLOWED);
  await root.iam.send(
    new PutUserPolicyCommand({
      UserName: name,
      PolicyName: 'no-iam-no-s3',
      PolicyDocument: doc({ Effect: 'Deny', Action: ['iam:*', 's3:*'], Resource: '*' }),
    }),
  );
  assert.deepEqual(await probe(c, bucket, creds.accessKeyId), {
    ...ALLOWED,
    iam: 'AccessDenied',
    s3: 'AccessDenied',
  });
  const o = await outcome(c.iam.send(new ListUsersCommand({})));
  assert.equal(
    o !== 'ok' && o.message,
    `User: arn:aws:iam::${ACCOUNT}:user/${name} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${ACCOUNT}:user/ with an explicit deny in an identity-based policy`,
  );
});

test('a permissions boundary caps what the user policies grant', async () => {
  const name = unique('bounded');
  const creds = await createUser(root.iam, name);
  const c = clientsFor(server, creds);
  await root.iam.send(
    new AttachUserPolicyCommand({ UserName: name, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
  );
  await root.iam.send(
    new PutUserPermissionsBoundaryCommand({
      UserName: name,
      PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    }),
  );
  assert.deepEqual(await probe(c, bucket, creds.accessKeyId), { ...DENIED, s3: 'ok' });
  const o = await outcome(c.iam.send(new ListUsersCommand({})));
  assert.match(
    o !== 'ok' ? o.message : '',
    /because no permissions boundary allows the iam:ListUsers action$/,
  );
  // The boundary grants nothing by itself: without identity policies, S3 is refused too.
  const bare = unique('bounded-bare');
  const bareCreds = await createUser(root.iam, bare);
  await root.iam.send(
    new PutUserPermissionsBoundaryCommand({
      UserName: bare,
      PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    }),
  );
  assert.deepEqual(await probe(clientsFor(server, bareCreds), bucket, bareCreds.accessKeyId), DENIED);
});

test('policy variables and conditions: each user may read only its own prefix', async () => {
  const policy = doc({
    Effect: 'Allow',
    Action: ['s3:GetObject', 's3:PutObject'],
    Resource: `arn:aws:s3:::${bucket}/home/\${aws:username}/*`,
  });
  const name = unique('homed');
  const creds = await createUser(root.iam, name, policy);
  const c = clientsFor(server, creds);
  assert.equal(
    await outcome(c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `home/${name}/a`, Body: 'a' }))),
    'ok',
  );
  const other = await outcome(
    c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'home/someone-else/a', Body: 'a' })),
  );
  assert.equal(other !== 'ok' && other.code, 'AccessDenied');
});

test('ListBuckets is granted and denied on arn:aws:s3:::* as on "*" (the S3 walkthroughs write it so)', async () => {
  const byArn = await createUser(
    root.iam,
    unique('lister'),
    allowDoc('s3:ListAllMyBuckets', 'arn:aws:s3:::*'),
  );
  assert.equal(await outcome(clientsFor(server, byArn).s3.send(new ListBucketsCommand({}))), 'ok');
  const narrow = await createUser(
    root.iam,
    unique('narrow'),
    allowDoc('s3:ListAllMyBuckets', `arn:aws:s3:::${bucket}`),
  );
  const refused = await outcome(clientsFor(server, narrow).s3.send(new ListBucketsCommand({})));
  assert.equal(refused !== 'ok' && refused.code, 'AccessDenied');
  const denied = await createUser(
    root.iam,
    unique('denied-lister'),
    doc(
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', Action: 's3:ListAllMyBuckets', Resource: 'arn:aws:s3:::*' },
    ),
  );
  const out = await outcome(clientsFor(server, denied).s3.send(new ListBucketsCommand({})));
  assert.equal(out !== 'ok' && out.code, 'AccessDenied');
});
