/**
 * EC2 instances end to end on the metadata driver: RunInstances and its errors, the state
 * machine through the SDK v3 and boto3 waiters, console output, attributes, status, tags,
 * images made from instances, and everything surviving a server restart.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EC2Client,
  RunInstancesCommand,
  DescribeInstancesCommand,
  StopInstancesCommand,
  StartInstancesCommand,
  TerminateInstancesCommand,
  GetConsoleOutputCommand,
  ModifyInstanceAttributeCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstanceStatusCommand,
  CreateImageCommand,
  CopyImageCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  ModifyImageAttributeCommand,
  DescribeImageAttributeCommand,
  CreateKeyPairCommand,
  CreateTagsCommand,
  ModifyInstanceMetadataOptionsCommand,
  MonitorInstancesCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
  waitUntilInstanceTerminated,
  waitUntilImageAvailable,
} from '@aws-sdk/client-ec2';
import { IAMClient, CreateInstanceProfileCommand } from '@aws-sdk/client-iam';
import { createAccount } from '../../src/accounts/accounts.ts';
import { startTestServer, sdkConfig, type TestServer } from '../support/server.ts';
import { errorOf, wait } from '../support/ec2.ts';

let server: TestServer;
let ec2: EC2Client;
let ami: string;

// Our own data dir, so the restart test can start a second server on it.
const dataDir = mkdtempSync(join(tmpdir(), 'stratus-ec2-'));
before(async () => {
  server = await startTestServer(['--machines=metadata'], dataDir);
  ec2 = new EC2Client(sdkConfig(server, server.credentials, 'us-west-2'));
  const images = await ec2.send(
    new DescribeImagesCommand({ Filters: [{ Name: 'product-code', Values: ['aw0evgkw8e5c1q413zgy5pjce'] }] }),
  );
  ami = images.Images![0]!.ImageId!;
});
after(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('RunInstances: counts, addresses, names, tags; the SDK v3 waiters see running, stopped, terminated', async () => {
  await ec2.send(new CreateKeyPairCommand({ KeyName: 'k1' }));
  const r = await ec2.send(
    new RunInstancesCommand({
      ImageId: ami,
      MinCount: 2,
      MaxCount: 3,
      InstanceType: 't3.small',
      KeyName: 'k1',
      UserData: Buffer.from('#!/bin/sh\necho hello\n').toString('base64'),
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] }],
    }),
  );
  assert.match(r.ReservationId!, /^r-[0-9a-f]{17}$/);
  assert.equal(r.Instances!.length, 3);
  const ids = r.Instances!.map((i) => i.InstanceId!);
  for (const [n, i] of r.Instances!.entries()) {
    assert.equal(i.State!.Name, 'pending');
    assert.equal(i.State!.Code, 0);
    assert.deepEqual(i.StateReason, { Code: 'pending', Message: 'pending' });
    assert.equal(i.AmiLaunchIndex, n);
    assert.match(i.PrivateIpAddress!, /^172\.31\./);
    assert.equal(
      i.PrivateDnsName,
      `ip-${i.PrivateIpAddress!.replaceAll('.', '-')}.us-west-2.compute.internal`,
    );
    assert.match(i.PublicIpAddress!, /^127\./);
    assert.equal(
      i.PublicDnsName,
      `ec2-${i.PublicIpAddress!.replaceAll('.', '-')}.us-west-2.compute.amazonaws.com`,
    );
    assert.equal(i.SecurityGroups![0]!.GroupName, 'default');
  }
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: ids });
  const named = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag:Name', Values: ['web'] },
        { Name: 'instance-state-name', Values: ['running'] },
      ],
    }),
  );
  assert.equal(named.Reservations![0]!.Instances!.length, 3);
  const stop = await ec2.send(new StopInstancesCommand({ InstanceIds: [ids[0]!] }));
  assert.deepEqual(
    [stop.StoppingInstances![0]!.PreviousState!.Name, stop.StoppingInstances![0]!.CurrentState!.Name],
    ['running', 'stopping'],
  );
  await waitUntilInstanceStopped({ client: ec2, ...wait }, { InstanceIds: [ids[0]!] });
  const stopped = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [ids[0]!] }))).Reservations![0]!
    .Instances![0]!;
  assert.equal(stopped.State!.Code, 80);
  assert.equal(stopped.StateReason!.Code, 'Client.UserInitiatedShutdown');
  assert.match(stopped.StateTransitionReason!, /^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/);
  assert.equal(stopped.PublicIpAddress, undefined);
  await ec2.send(new StartInstancesCommand({ InstanceIds: [ids[0]!] }));
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [ids[0]!] });
  const restarted = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [ids[0]!] })))
    .Reservations![0]!.Instances![0]!;
  assert.match(restarted.PublicIpAddress!, /^127\./);
  assert.equal(restarted.PrivateIpAddress, r.Instances![0]!.PrivateIpAddress);
  const term = await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
  assert.ok(
    term.TerminatingInstances!.every(
      (t) => t.CurrentState!.Name === 'shutting-down' && t.CurrentState!.Code === 32,
    ),
  );
  await waitUntilInstanceTerminated({ client: ec2, ...wait }, { InstanceIds: ids });
  const gone = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }))).Reservations!.flatMap(
    (x) => x.Instances!,
  );
  assert.ok(
    gone.every((i) => i.State!.Code === 48),
    'terminated instances stay visible',
  );
  // As AWS shows them: no network placement or private address any more.
  for (const i of gone) {
    assert.equal(i.SubnetId, undefined);
    assert.equal(i.VpcId, undefined);
    assert.equal(i.PrivateIpAddress, undefined);
    assert.equal(i.PrivateDnsName, '');
  }
  const inVpc = await ec2.send(
    new DescribeInstancesCommand({
      InstanceIds: ids,
      Filters: [{ Name: 'vpc-id', Values: [r.Instances![0]!.VpcId!] }],
    }),
  );
  assert.equal(inVpc.Reservations!.length, 0);
  assert.equal(
    (await errorOf(ec2.send(new StartInstancesCommand({ InstanceIds: [ids[0]!] })))).name,
    'IncorrectInstanceState',
  );
});

test('tags written while the machine boots are kept, and so is the state the machine reached', async () => {
  const r = await ec2.send(
    new RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 1, InstanceType: 't2.micro' }),
  );
  const id = r.Instances![0]!.InstanceId!;
  // Keep changing the instance across its pending → running transition (the driver's half second).
  for (let round = 0; round < 12; round++) {
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        ec2.send(
          new CreateTagsCommand({ Resources: [id], Tags: [{ Key: `k${round * 4 + i}`, Value: 'v' }] }),
        ),
      ),
    );
    await new Promise((res) => setTimeout(res, 50));
  }
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [id] });
  const doc = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!
    .Instances![0]!;
  assert.equal(doc.Tags!.length, 48);
  assert.equal(doc.State!.Name, 'running');
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
});

test('RunInstances errors as AWS words them', async () => {
  const base = { ImageId: ami, MinCount: 1, MaxCount: 1 };
  assert.deepEqual(
    await errorOf(ec2.send(new RunInstancesCommand({ ...base, InstanceType: 't2.gigantic' as never }))),
    {
      name: 'InvalidParameterValue',
      message: "Invalid value 't2.gigantic' for InstanceType.",
    },
  );
  assert.deepEqual(
    await errorOf(ec2.send(new RunInstancesCommand({ ...base, InstanceType: 't2.micro', KeyName: 'nope' }))),
    {
      name: 'InvalidKeyPair.NotFound',
      message: "The key pair 'nope' does not exist",
    },
  );
  assert.equal(
    (
      await errorOf(
        ec2.send(new RunInstancesCommand({ ...base, SecurityGroupIds: ['sg-0123456789abcdef0'] })),
      )
    ).name,
    'InvalidGroup.NotFound',
  );
  assert.equal(
    (await errorOf(ec2.send(new RunInstancesCommand({ ...base, SecurityGroups: ['nope'] })))).name,
    'InvalidGroup.NotFound',
  );
  assert.equal(
    (await errorOf(ec2.send(new RunInstancesCommand({ ...base, SubnetId: 'subnet-0123456789abcdef0' }))))
      .name,
    'InvalidSubnetID.NotFound',
  );
  assert.equal(
    (await errorOf(ec2.send(new RunInstancesCommand({ ...base, ImageId: 'ami-00000000000000000' })))).name,
    'InvalidAMIID.NotFound',
  );
  assert.equal(
    (await errorOf(ec2.send(new RunInstancesCommand({ ...base, MinCount: 3, MaxCount: 2 })))).name,
    'InvalidParameterValue',
  );
  assert.equal(
    (await errorOf(ec2.send(new RunInstancesCommand({ ...base, UserData: '%%%not base64' })))).name,
    'InvalidParameterValue',
  );
  const arm = (
    await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: 'architecture', Values: ['arm64'] }] }))
  ).Images![0]!.ImageId;
  assert.equal(
    (await errorOf(ec2.send(new RunInstancesCommand({ ...base, ImageId: arm, InstanceType: 't3.micro' }))))
      .name,
    'InvalidParameterValue',
  );
  assert.equal(
    (await errorOf(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })))).name,
    'InvalidInstanceID.NotFound',
  );
  assert.equal(
    (await errorOf(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['bogus'] })))).name,
    'InvalidInstanceID.Malformed',
  );
});

test('ClientToken makes RunInstances idempotent; attributes; termination protection; group in use', async () => {
  const { GroupId } = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: 'app', Description: 'app' }),
  );
  const req = {
    ImageId: ami,
    MinCount: 1,
    MaxCount: 1,
    InstanceType: 't2.micro' as const,
    ClientToken: 'once',
    SecurityGroupIds: [GroupId!],
    DisableApiTermination: true,
  };
  const a = await ec2.send(new RunInstancesCommand(req));
  const b = await ec2.send(new RunInstancesCommand(req));
  assert.equal(a.Instances![0]!.InstanceId, b.Instances![0]!.InstanceId);
  const id = a.Instances![0]!.InstanceId!;
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [id] });
  assert.equal(
    (await errorOf(ec2.send(new DeleteSecurityGroupCommand({ GroupId })))).name,
    'DependencyViolation',
  );
  assert.equal(
    (await errorOf(ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] })))).name,
    'OperationNotPermitted',
  );
  const change = await errorOf(
    ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: 't2.small' } })),
  );
  assert.equal(change.name, 'IncorrectInstanceState');
  await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
  await waitUntilInstanceStopped({ client: ec2, ...wait }, { InstanceIds: [id] });
  await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: 't2.small' } }));
  const t = await ec2.send(
    new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'instanceType' }),
  );
  assert.equal(t.InstanceType!.Value, 't2.small');
  await ec2.send(
    new ModifyInstanceAttributeCommand({ InstanceId: id, DisableApiTermination: { Value: false } }),
  );
  const md = await ec2.send(
    new ModifyInstanceMetadataOptionsCommand({
      InstanceId: id,
      HttpTokens: 'required',
      HttpPutResponseHopLimit: 2,
    }),
  );
  assert.equal(md.InstanceMetadataOptions!.HttpTokens, 'required');
  await ec2.send(new MonitorInstancesCommand({ InstanceIds: [id] }));
  const described = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!
    .Instances![0]!;
  assert.deepEqual(
    [
      described.MetadataOptions!.HttpTokens,
      described.MetadataOptions!.HttpPutResponseHopLimit,
      described.Monitoring!.State,
    ],
    ['required', 2, 'enabled'],
  );
  const status = await ec2.send(
    new DescribeInstanceStatusCommand({ InstanceIds: [id], IncludeAllInstances: true }),
  );
  assert.equal(status.InstanceStatuses![0]!.InstanceState!.Name, 'stopped');
  assert.deepEqual(
    (await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [id] }))).InstanceStatuses,
    [],
  );
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  await waitUntilInstanceTerminated({ client: ec2, ...wait }, { InstanceIds: [id] });
  await ec2.send(new DeleteSecurityGroupCommand({ GroupId }));
});

test('images: copy across regions, launch permissions for another account, deregister', async () => {
  const r = await ec2.send(
    new RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 1, InstanceType: 't2.micro' }),
  );
  const id = r.Instances![0]!.InstanceId!;
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [id] });
  const { ImageId } = await ec2.send(
    new CreateImageCommand({ InstanceId: id, Name: 'shared-image', NoReboot: true }),
  );
  await waitUntilImageAvailable({ client: ec2, ...wait }, { ImageIds: [ImageId!] });
  const east = new EC2Client(sdkConfig(server, server.credentials, 'eu-west-1'));
  const copy = await east.send(
    new CopyImageCommand({ SourceImageId: ImageId, SourceRegion: 'us-west-2', Name: 'shared-image-copy' }),
  );
  await waitUntilImageAvailable({ client: east, ...wait }, { ImageIds: [copy.ImageId!] });
  const copied = (await east.send(new DescribeImagesCommand({ ImageIds: [copy.ImageId!] }))).Images![0]!;
  assert.equal(copied.SourceImageId, ImageId);
  const other = await createAccount(server.accounts, 'image-friend');
  const friend = new EC2Client(
    sdkConfig(
      server,
      {
        accessKeyId: other.rootCredential.accessKeyId,
        secretAccessKey: other.rootCredential.secretAccessKey,
      },
      'us-west-2',
    ),
  );
  assert.equal(
    (await errorOf(friend.send(new DescribeImagesCommand({ ImageIds: [ImageId!] })))).name,
    'InvalidAMIID.NotFound',
  );
  await ec2.send(
    new ModifyImageAttributeCommand({ ImageId, LaunchPermission: { Add: [{ UserId: other.account.id }] } }),
  );
  const perms = await ec2.send(new DescribeImageAttributeCommand({ ImageId, Attribute: 'launchPermission' }));
  assert.deepEqual(perms.LaunchPermissions, [{ UserId: other.account.id }]);
  const seen = await friend.send(new DescribeImagesCommand({ ExecutableUsers: ['self'] }));
  assert.deepEqual(
    seen.Images!.map((i) => i.ImageId),
    [ImageId],
  );
  assert.equal((await errorOf(friend.send(new DeregisterImageCommand({ ImageId })))).name, 'AuthFailure');
  await ec2.send(new DeregisterImageCommand({ ImageId }));
  assert.equal(
    (await errorOf(ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] })))).name,
    'InvalidAMIID.NotFound',
  );
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
});

test('IamInstanceProfile is checked against IAM: known profiles by name or ARN, unknown ones refused', async () => {
  const iam = new IAMClient(sdkConfig(server));
  const { InstanceProfile } = await iam.send(
    new CreateInstanceProfileCommand({ InstanceProfileName: 'app-profile' }),
  );
  const base = { ImageId: ami, MinCount: 1, MaxCount: 1, InstanceType: 't2.micro' as const };
  const r = await ec2.send(new RunInstancesCommand({ ...base, IamInstanceProfile: { Name: 'app-profile' } }));
  assert.deepEqual(r.Instances![0]!.IamInstanceProfile, {
    Arn: InstanceProfile!.Arn,
    Id: InstanceProfile!.InstanceProfileId,
  });
  const byArn = await ec2.send(
    new RunInstancesCommand({ ...base, IamInstanceProfile: { Arn: InstanceProfile!.Arn } }),
  );
  assert.equal(byArn.Instances![0]!.IamInstanceProfile!.Arn, InstanceProfile!.Arn);
  const bad = await errorOf(
    ec2.send(new RunInstancesCommand({ ...base, IamInstanceProfile: { Name: 'no-such-profile' } })),
  );
  assert.deepEqual(bad, {
    name: 'InvalidParameterValue',
    message:
      'Value (no-such-profile) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name',
  });
  const ids = [r.Instances![0]!.InstanceId!, byArn.Instances![0]!.InstanceId!];
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
  await waitUntilInstanceTerminated({ client: ec2, ...wait }, { InstanceIds: ids });
});

test('instances, keys and networks survive a restart; stopped stays stopped', async () => {
  const r = await ec2.send(
    new RunInstancesCommand({ ImageId: ami, MinCount: 2, MaxCount: 2, InstanceType: 't2.micro' }),
  );
  const [a, b] = r.Instances!.map((i) => i.InstanceId!);
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [a!, b!] });
  await ec2.send(new StopInstancesCommand({ InstanceIds: [b!] }));
  await waitUntilInstanceStopped({ client: ec2, ...wait }, { InstanceIds: [b!] });
  const before = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [a!] }))).Reservations![0]!
    .Instances![0]!;
  await server.stop();
  server = await startTestServer(['--machines=metadata'], dataDir);
  ec2 = new EC2Client(sdkConfig(server, server.credentials, 'us-west-2'));
  const after = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [a!, b!] }))).Reservations![0]!
    .Instances!;
  assert.deepEqual(
    after.map((i) => i.State!.Name),
    ['running', 'stopped'],
  );
  assert.equal(after[0]!.PrivateIpAddress, before.PrivateIpAddress);
  const console = await ec2.send(new GetConsoleOutputCommand({ InstanceId: a }));
  assert.ok(console.Output);
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [a!, b!] }));
  await waitUntilInstanceTerminated({ client: ec2, ...wait }, { InstanceIds: [a!, b!] });
});
