/**
 * Tags on the volumes and network interfaces instances bring (RunInstances TagSpecifications,
 * CreateTags/DeleteTags/DescribeTags, Describe* Tags and TagSet, the instance's life cycle), and
 * Describe* filter names as the API documents them (metadata driver, SDK v3).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateImageCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInstanceStatusCommand,
  DescribeInstanceTypesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVolumesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2';
import { errorOf, launch, useEc2Server, wait } from '../support/ec2.ts';

const { ec2, ami } = useEc2Server();

test('volumes and network interfaces: tagged at launch and later, listed, gone with the instance', async () => {
  const inst = await launch(ec2, ami(), {
    TagSpecifications: [
      { ResourceType: 'volume', Tags: [{ Key: 'disk', Value: 'root' }] },
      { ResourceType: 'network-interface', Tags: [{ Key: 'nic', Value: 'eth0' }] },
    ],
  });
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

test('snapshots of own images: CreateTags, DeleteTags and DescribeTags', async () => {
  const id = (await launch(ec2, ami())).InstanceId!;
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [id] });
  const { ImageId } = await ec2.send(
    new CreateImageCommand({
      InstanceId: id,
      Name: 'snap-tags',
      NoReboot: true,
      TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'made', Value: 'create-image' }] }],
    }),
  );
  const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images![0]!;
  const snap = image.BlockDeviceMappings![0]!.Ebs!.SnapshotId!;
  const snapTags = async () =>
    (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snap] }))).Snapshots![0]!.Tags;

  await ec2.send(new CreateTagsCommand({ Resources: [snap], Tags: [{ Key: 'backup', Value: 'daily' }] }));
  assert.deepEqual(await snapTags(), [
    { Key: 'made', Value: 'create-image' },
    { Key: 'backup', Value: 'daily' },
  ]);
  const rows = await ec2.send(
    new DescribeTagsCommand({ Filters: [{ Name: 'resource-type', Values: ['snapshot'] }] }),
  );
  assert.deepEqual(
    rows.Tags!.filter((t) => t.ResourceId === snap).map((t) => [t.Key, t.ResourceType]),
    [
      ['made', 'snapshot'],
      ['backup', 'snapshot'],
    ],
  );
  await ec2.send(new DeleteTagsCommand({ Resources: [snap], Tags: [{ Key: 'made' }] }));
  assert.deepEqual(await snapTags(), [{ Key: 'backup', Value: 'daily' }]);
  assert.deepEqual(
    await errorOf(
      ec2.send(
        new CreateTagsCommand({ Resources: ['snap-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'b' }] }),
      ),
    ),
    { name: 'InvalidSnapshot.NotFound', message: "The snapshot 'snap-0123456789abcdef0' does not exist." },
  );
});

test('documented filter names: accepted everywhere; with data where Stratus has it; unknown refused', async () => {
  const inst = await launch(ec2, ami());
  const instancesWith = async (Name: string, Values: string[]) =>
    (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name, Values }] }))).Reservations!.flatMap(
      (x) => x.Instances!.map((i) => i.InstanceId),
    );
  assert.deepEqual(await instancesWith('network-interface.private-ip-address', [inst.PrivateIpAddress!]), [
    inst.InstanceId,
  ]);
  assert.deepEqual(await instancesWith('network-interface.attachment.instance-id', [inst.InstanceId!]), [
    inst.InstanceId,
  ]);
  assert.ok(
    (await instancesWith('metadata-options.instance-metadata-tags', ['disabled'])).includes(inst.InstanceId),
  );
  // Linux only here: platform (windows) and spot requests match nothing, but are not refused.
  assert.deepEqual(await instancesWith('platform', ['windows']), []);
  assert.deepEqual(await instancesWith('spot-instance-request-id', ['*']), []);
  assert.deepEqual(await instancesWith('capacity-reservation-id', ['*']), []);

  const web = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'd' })))
    .GroupId!;
  const db = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'db', Description: 'd' }))).GroupId!;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: db,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: web }] },
      ],
    }),
  );
  const byRef = await ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'ip-permission.group-name', Values: ['web'] }] }),
  );
  assert.deepEqual(
    byRef.SecurityGroups!.map((g) => g.GroupId),
    [db],
  );
  const enis = await ec2.send(
    new DescribeNetworkInterfacesCommand({
      Filters: [{ Name: 'addresses.private-ip-address', Values: [inst.PrivateIpAddress!] }],
    }),
  );
  assert.deepEqual(
    enis.NetworkInterfaces!.map((n) => n.Attachment!.InstanceId),
    [inst.InstanceId],
  );

  const accepted: [string, () => Promise<unknown>][] = [
    ['kernel-id', () => instancesWith('kernel-id', ['x'])],
    ['tpm-support', () => instancesWith('tpm-support', ['x'])],
    [
      'parent-zone-id',
      () => ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'enable-dns64', Values: ['x'] }] })),
    ],
    [
      'event.code',
      () =>
        ec2.send(
          new DescribeInstanceStatusCommand({ Filters: [{ Name: 'event.description', Values: ['x'] }] }),
        ),
    ],
    [
      'requester-id',
      () =>
        ec2.send(
          new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'requester-id', Values: ['x'] }] }),
        ),
    ],
    [
      'snapshot-id',
      () => ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'snapshot-id', Values: ['x'] }] })),
    ],
    [
      'owner-alias',
      () => ec2.send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'owner-alias', Values: ['x'] }] })),
    ],
    [
      'nitro-enclaves-support',
      () =>
        ec2.send(
          new DescribeInstanceTypesCommand({ Filters: [{ Name: 'nitro-enclaves-support', Values: ['x'] }] }),
        ),
    ],
  ];
  for (const [name, call] of accepted) await assert.doesNotReject(call(), name);
  assert.deepEqual(await errorOf(instancesWith('no-such-filter', ['x'])), {
    name: 'InvalidParameterValue',
    message: "The filter 'no-such-filter' is invalid",
  });
  // A name documented for one call is not accepted by another.
  assert.equal(
    (await errorOf(ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'platform', Values: ['x'] }] }))))
      .name,
    'InvalidParameterValue',
  );
});
