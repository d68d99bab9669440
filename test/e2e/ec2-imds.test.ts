/**
 * The instance metadata service handler: IMDSv2 tokens, the meta-data tree, user data, the
 * identity document, and role credentials that work against STS, for an instance launched
 * through the API with an instance profile.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  EC2Client,
  DescribeImagesCommand,
  RunInstancesCommand,
  waitUntilInstanceRunning,
} from '@aws-sdk/client-ec2';
import {
  IAMClient,
  CreateRoleCommand,
  CreateInstanceProfileCommand,
  AddRoleToInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { InstanceMetadataService } from '../../src/services/ec2/imds.ts';
import { openEc2Repository } from '../../src/services/ec2/store.ts';
import { startTestServer, sdkConfig, type TestServer } from '../support/server.ts';

let server: TestServer;
let imds: InstanceMetadataService;
let id: string;

before(async () => {
  server = await startTestServer(['--machines=metadata']);
  const iam = new IAMClient(sdkConfig(server));
  const trust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  };
  await iam.send(
    new CreateRoleCommand({ RoleName: 'app-role', AssumeRolePolicyDocument: JSON.stringify(trust) }),
  );
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'app' }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'app', RoleName: 'app-role' }));
  const ec2 = new EC2Client(sdkConfig(server, server.credentials, 'eu-west-1'));
  const ami = (
    await ec2.send(
      new DescribeImagesCommand({
        Owners: ['amazon'],
        Filters: [{ Name: 'name', Values: ['al2023-*x86_64'] }],
      }),
    )
  ).Images![0]!.ImageId;
  const r = await ec2.send(
    new RunInstancesCommand({
      ImageId: ami,
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.micro',
      IamInstanceProfile: { Name: 'app' },
      UserData: Buffer.from('#cloud-config\n').toString('base64'),
    }),
  );
  id = r.Instances![0]!.InstanceId!;
  await waitUntilInstanceRunning(
    { client: ec2, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
    { InstanceIds: [id] },
  );
  imds = new InstanceMetadataService(openEc2Repository(server.backend), server.backend);
});
after(async () => server.stop());

const get = (path: string, token?: string) =>
  imds.handle(id, { method: 'GET', path, headers: token ? { 'x-aws-ec2-metadata-token': token } : {} });

test('IMDSv2: al2023 requires a token; tokens come from PUT with a TTL', async () => {
  assert.equal(
    (await get('/latest/meta-data/instance-id')).status,
    401,
    'HttpTokens=required for al2023 images',
  );
  assert.equal(
    (await imds.handle(id, { method: 'PUT', path: '/latest/api/token', headers: {} })).status,
    400,
  );
  const proxied = await imds.handle(id, {
    method: 'PUT',
    path: '/latest/api/token',
    headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60', 'x-forwarded-for': '10.0.0.1' },
  });
  assert.equal(proxied.status, 403);
  const t = await imds.handle(id, {
    method: 'PUT',
    path: '/latest/api/token',
    headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
  });
  assert.equal(t.status, 200);
  assert.equal((await get('/latest/meta-data/instance-id', t.body)).body, id);
  assert.equal((await get('/latest/meta-data/instance-id', 'forged')).status, 401);
});

test('meta-data tree, user data and the identity document', async () => {
  const token = (
    await imds.handle(id, {
      method: 'PUT',
      path: '/latest/api/token',
      headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '600' },
    })
  ).body;
  const root = (await get('/latest/meta-data/', token)).body.split('\n');
  assert.ok(root.includes('instance-id') && root.includes('placement/') && root.includes('iam/'));
  assert.match((await get('/latest/meta-data/placement/availability-zone', token)).body, /^eu-west-1[a-c]$/);
  assert.equal((await get('/latest/meta-data/placement/region', token)).body, 'eu-west-1');
  assert.match((await get('/latest/meta-data/local-ipv4', token)).body, /^172\.31\./);
  assert.equal((await get('/latest/user-data', token)).body, '#cloud-config\n');
  const identity = JSON.parse((await get('/latest/dynamic/instance-identity/document', token)).body);
  assert.deepEqual(
    [identity.instanceId, identity.region, identity.accountId, identity.instanceType],
    [id, 'eu-west-1', '000000000000', 't3.micro'],
  );
  assert.equal((await get('/latest/meta-data/no-such-thing', token)).status, 404);
});

test('role credentials from iam/security-credentials work against STS as the instance session', async () => {
  const token = (
    await imds.handle(id, {
      method: 'PUT',
      path: '/latest/api/token',
      headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '600' },
    })
  ).body;
  assert.equal((await get('/latest/meta-data/iam/security-credentials/', token)).body, 'app-role');
  const creds = JSON.parse((await get('/latest/meta-data/iam/security-credentials/app-role', token)).body);
  assert.equal(creds.Code, 'Success');
  const sts = new STSClient(
    sdkConfig(server, {
      accessKeyId: creds.AccessKeyId,
      secretAccessKey: creds.SecretAccessKey,
      sessionToken: creds.Token,
    } as never),
  );
  const me = await sts.send(new GetCallerIdentityCommand({}));
  assert.equal(me.Arn, `arn:aws:sts::000000000000:assumed-role/app-role/${id}`);
  const again = JSON.parse((await get('/latest/meta-data/iam/security-credentials/app-role', token)).body);
  assert.equal(again.AccessKeyId, creds.AccessKeyId, 'cached until close to expiry');
});
