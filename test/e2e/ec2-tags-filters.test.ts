/**
 * Tags on the volumes and network interfaces instances bring (RunInstances TagSpecifications,
 * CreateTags/DeleteTags/DescribeTags, Describe* Tags and TagSet, the instance's life cycle), and
 * Describe* filter names as the API documents them (metadata driver, SDK v3).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  EC2Client,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeImagesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeTagsCommand,
  DescribeVolumesCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2';
import { startTestServer, sdkConfig, type TestServer } from '../support/server.ts';
import { errorFields } from '../support/errors.ts';

let server: TestServer;
let ec2: EC2Client;
let ami: string;
const wait = { maxWaitTime: 60, minDelay: 1, maxDelay: 1 };
const errorOf = (p: Promise<unknown>) => errorFields(p, 'name', 'message');

before(async () => {
  server = await startTestServer(['--machines=metadata']);
  ec2 = new EC2Client(sdkConfig(server, server.credentials, 'us-east-1'));
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  ami = images.Images!.find((i) => i.Architecture === 'x86_64')!.ImageId!;
});
after(() => server.stop());

test('volumes and network interfaces: tagged at launch and later, listed, gone with the instance', async () => {
  const r = await ec2.send(
    new RunInstancesCommand({
      ImageId: ami,
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.micro',
      TagSpecifications: [
        { ResourceType: 'volume', Tags: [{ Key: 'disk', Value: 'root' }] },
        { ResourceType: 'network-interface', Tags: [{ Key: 'nic', Value: 'eth0' }] },
      ],
    }),
  );
  const inst = r.Instances![0]!;
  const vol = inst.BlockDeviceMappings![0]!.Ebs!.VolumeId!;
  const eni = inst.NetworkInterfaces![0]!.NetworkInterfaceId!;
  const volumeTags = async () =>
    (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [vol] }))).Volumes![0]!.Tags;
  const eniTags = async () =>
    (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni] })))
      .NetworkInterfaces![0]!.TagSet;
  assert.deepEqual(await volumeTags(), [{ Key: 'disk', Value: 'root' }]);
  assert.deepEqual(await eniTags(), [{ Key: 'nic', Value: 'eth0' }]);
  assert.deepEqual(inst.Tags ?? [], [], 'the instance itself got none');

  await ec2.send(new CreateTagsCommand({ Resources: [vol, eni], Tags: [{ Key: 'team', Value: 'a' }] }));
  assert.deepEqual(await volumeTags(), [
    { Key: 'disk', Value: 'root' },
    { Key: 'team', Value: 'a' },
  ]);
  const described = await ec2.send(
    new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [vol, eni] }] }),
  );
  assert.deepEqual(described.Tags!.map((t) => [t.ResourceType, t.Key]).sort(), [
    ['network-interface', 'nic'],
    ['network-interface', 'team'],
    ['volume', 'disk'],
    ['volume', 'team'],
  ]);
  const byTag = await ec2.send(
    new DescribeVolumesCommand({ Filters: [{ Name: 'tag:team', Values: ['a'] }] }),
  );
  assert.deepEqual(
    byTag.Volumes!.map((v) => v.VolumeId),
    [vol],
  );
  await ec2.send(new DeleteTagsCommand({ Resources: [eni], Tags: [{ Key: 'team' }] }));
  assert.deepEqual(await eniTags(), [{ Key: 'nic', Value: 'eth0' }]);

  assert.deepEqual(
    await errorOf(
      ec2.send(
        new CreateTagsCommand({ Resources: ['vol-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'b' }] }),
      ),
    ),
    { name: 'InvalidVolume.NotFound', message: "The volume 'vol-0123456789abcdef0' does not exist." },
  );
  assert.deepEqual(
    await errorOf(
      ec2.send(
        new CreateTagsCommand({ Resources: ['eni-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'b' }] }),
      ),
    ),
    {
      name: 'InvalidNetworkInterfaceID.NotFound',
      message: "The networkInterface ID 'eni-0123456789abcdef0' does not exist",
    },
  );

  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [inst.InstanceId!] }));
  await waitUntilInstanceTerminated({ client: ec2, ...wait }, { InstanceIds: [inst.InstanceId!] });
  const left = await ec2.send(
    new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [vol, eni] }] }),
  );
  assert.deepEqual(left.Tags, []);
  assert.equal(
    (await errorOf(ec2.send(new CreateTagsCommand({ Resources: [vol], Tags: [{ Key: 'a', Value: 'b' }] }))))
      .name,
    'InvalidVolume.NotFound',
  );
});
