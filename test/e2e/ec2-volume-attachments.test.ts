/**
 * Volumes and the instances they are attached to, one view from both sides (SDK v3, metadata
 * driver): DescribeInstances' block devices, DescribeInstanceAttribute, ModifyInstanceAttribute's
 * DeleteOnTermination, termination (detach or delete), stop/start, DescribeVolumes filters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttachVolumeCommand,
  CreateVolumeCommand,
  DeleteVolumeCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  DetachVolumeCommand,
  ModifyInstanceAttributeCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
  waitUntilInstanceTerminated,
  type Filter,
} from '@aws-sdk/client-ec2';
import { errorOf, launch, useEc2Server, wait } from '../support/ec2.ts';

const { ec2, ami } = useEc2Server();

/** A running instance in us-east-1a, its root volume tagged role=`volumeTag` if given. */
async function runningInstance(
  volumeTag?: string,
): Promise<{ id: string; root: string; rootDevice: string }> {
  const inst = await launch(ec2, ami(), {
    Placement: { AvailabilityZone: 'us-east-1a' },
    ...(volumeTag
      ? { TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'role', Value: volumeTag }] }] }
      : {}),
  });
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [inst.InstanceId!] });
  return {
    id: inst.InstanceId!,
    root: inst.BlockDeviceMappings![0]!.Ebs!.VolumeId!,
    rootDevice: inst.RootDeviceName!,
  };
}

const newVolume = async (tag = 'data') =>
  (
    await ec2.send(
      new CreateVolumeCommand({
        AvailabilityZone: 'us-east-1a',
        Size: 10,
        VolumeType: 'gp3',
        TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'role', Value: tag }] }],
      }),
    )
  ).VolumeId!;

const attach = (VolumeId: string, InstanceId: string, Device: string) =>
  ec2.send(new AttachVolumeCommand({ VolumeId, InstanceId, Device }));

const instance = async (id: string) =>
  (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!;

/** [device, volume, DeleteOnTermination, status] of each block device, as DescribeInstances shows them. */
const devices = async (id: string) =>
  (await instance(id)).BlockDeviceMappings!.map((b) => [
    b.DeviceName,
    b.Ebs!.VolumeId,
    b.Ebs!.DeleteOnTermination,
    b.Ebs!.Status,
  ]);

const volumeIds = async (Filters: Filter[]) =>
  (await ec2.send(new DescribeVolumesCommand({ Filters }))).Volumes!.map((v) => v.VolumeId).sort();

test('DescribeInstances and DescribeInstanceAttribute list volumes attached after launch', async () => {
  const { id, root, rootDevice } = await runningInstance();
  const vol = await newVolume();
  await attach(vol, id, '/dev/sdf');
  assert.deepEqual(await devices(id), [
    [rootDevice, root, true, 'attached'],
    ['/dev/sdf', vol, false, 'attached'],
  ]);
  const data = (await instance(id)).BlockDeviceMappings![1]!.Ebs!;
  assert.ok(data.AttachTime instanceof Date);
  const attr = await ec2.send(
    new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'blockDeviceMapping' }),
  );
  assert.deepEqual(
    attr.BlockDeviceMappings!.map((b) => [b.DeviceName, b.Ebs!.VolumeId]),
    [
      [rootDevice, root],
      ['/dev/sdf', vol],
    ],
  );
  // DescribeInstances' block-device-mapping filters see the attached volume too.
  const byVolume = await ec2.send(
    new DescribeInstancesCommand({ Filters: [{ Name: 'block-device-mapping.volume-id', Values: [vol] }] }),
  );
  assert.deepEqual(
    byVolume.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId)),
    [id],
  );
  await ec2.send(new DetachVolumeCommand({ VolumeId: vol }));
  assert.deepEqual(await devices(id), [[rootDevice, root, true, 'attached']]);
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
});

test('ModifyInstanceAttribute sets DeleteOnTermination of attached devices, root included', async () => {
  const { id, root, rootDevice } = await runningInstance();
  const vol = await newVolume();
  await attach(vol, id, '/dev/sdg');
  await ec2.send(
    new ModifyInstanceAttributeCommand({
      InstanceId: id,
      BlockDeviceMappings: [
        { DeviceName: '/dev/sdg', Ebs: { DeleteOnTermination: true } },
        { DeviceName: rootDevice, Ebs: { DeleteOnTermination: false, VolumeId: root } },
      ],
    }),
  );
  assert.deepEqual(await devices(id), [
    [rootDevice, root, false, 'attached'],
    ['/dev/sdg', vol, true, 'attached'],
  ]);
  const attr = await ec2.send(
    new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'blockDeviceMapping' }),
  );
  assert.deepEqual(
    attr.BlockDeviceMappings!.map((b) => b.Ebs!.DeleteOnTermination),
    [false, true],
  );
  const mine = { Name: 'attachment.instance-id', Values: [id] };
  assert.deepEqual(await volumeIds([mine, { Name: 'attachment.delete-on-termination', Values: ['true'] }]), [
    vol,
  ]);
  assert.deepEqual(await volumeIds([mine, { Name: 'attachment.delete-on-termination', Values: ['false'] }]), [
    root,
  ]);
  // Eucalyptus' AWS-compatible answer for a device the instance does not have.
  assert.deepEqual(
    await errorOf(
      ec2.send(
        new ModifyInstanceAttributeCommand({
          InstanceId: id,
          BlockDeviceMappings: [{ DeviceName: '/dev/sdz', Ebs: { DeleteOnTermination: true } }],
        }),
      ),
    ),
    { name: 'InvalidInstanceAttributeValue', message: 'No device is currently mapped at /dev/sdz' },
  );
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
});

test('termination detaches kept volumes and deletes the others; the kept root volume is available', async () => {
  const { id, root, rootDevice } = await runningInstance('root');
  const kept = await newVolume('kept');
  const dropped = await newVolume('dropped');
  await attach(kept, id, '/dev/sdf');
  await attach(dropped, id, '/dev/sdg');
  await ec2.send(
    new ModifyInstanceAttributeCommand({
      InstanceId: id,
      BlockDeviceMappings: [
        { DeviceName: '/dev/sdg', Ebs: { DeleteOnTermination: true } },
        { DeviceName: rootDevice, Ebs: { DeleteOnTermination: false } },
      ],
    }),
  );
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  await waitUntilInstanceTerminated({ client: ec2, ...wait }, { InstanceIds: [id] });
  assert.deepEqual((await instance(id)).BlockDeviceMappings, []);
  const left = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [root, kept] }))).Volumes!;
  assert.deepEqual(
    left.map((v) => [v.VolumeId, v.State, v.Attachments, v.Tags]).sort(),
    [
      [kept, 'available', [], [{ Key: 'role', Value: 'kept' }]],
      [root, 'available', [], [{ Key: 'role', Value: 'root' }]],
    ].sort(),
  );
  assert.deepEqual(await errorOf(ec2.send(new DescribeVolumesCommand({ VolumeIds: [dropped] }))), {
    name: 'InvalidVolume.NotFound',
    message: `The volume '${dropped}' does not exist.`,
  });
  // The old root volume is an ordinary volume now: it attaches elsewhere and can be deleted.
  const other = await runningInstance();
  await attach(root, other.id, '/dev/sdh');
  assert.deepEqual((await devices(other.id))[1], ['/dev/sdh', root, false, 'attached']);
  await ec2.send(new DetachVolumeCommand({ VolumeId: root }));
  await ec2.send(new DeleteVolumeCommand({ VolumeId: root }));
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [other.id] }));
});

test('stop and start keep attachments; devices in use on a stopped instance; DescribeVolumes filters', async () => {
  const { id, root, rootDevice } = await runningInstance('boot');
  const vol = await newVolume('logs');
  await attach(vol, id, '/dev/sdf');
  await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
  await waitUntilInstanceStopped({ client: ec2, ...wait }, { InstanceIds: [id] });
  assert.deepEqual(
    (await devices(id)).map((d) => d[1]),
    [root, vol],
  );
  const another = await newVolume();
  for (const device of [rootDevice, '/dev/sdf'])
    assert.deepEqual(await errorOf(attach(another, id, device)), {
      name: 'InvalidParameterValue',
      message: `Invalid value '${device}' for unixDevice. Attachment point ${device} is already in use`,
    });
  await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [id] });
  assert.deepEqual(
    (await devices(id)).map((d) => d[1]),
    [root, vol],
  );
  const mine = { Name: 'attachment.instance-id', Values: [id] };
  assert.deepEqual(await volumeIds([mine]), [root, vol].sort());
  assert.deepEqual(await volumeIds([mine, { Name: 'attachment.device', Values: ['/dev/sdf'] }]), [vol]);
  assert.deepEqual(
    await volumeIds([mine, { Name: 'attachment.status', Values: ['attached'] }]),
    [root, vol].sort(),
  );
  assert.deepEqual(await volumeIds([mine, { Name: 'status', Values: ['in-use'] }]), [root, vol].sort());
  assert.deepEqual(await volumeIds([mine, { Name: 'volume-type', Values: ['gp3'] }]), [vol]);
  assert.deepEqual(await volumeIds([mine, { Name: 'size', Values: ['10'] }]), [vol]);
  assert.deepEqual(await volumeIds([{ Name: 'tag:role', Values: ['boot', 'logs'] }]), [root, vol].sort());
  assert.deepEqual(
    await volumeIds([mine, { Name: 'availability-zone', Values: ['us-east-1a'] }]),
    [root, vol].sort(),
  );
  assert.deepEqual(await volumeIds([{ Name: 'volume-id', Values: [root] }]), [root]);
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  await waitUntilInstanceTerminated({ client: ec2, ...wait }, { InstanceIds: [id] });
  assert.deepEqual(await volumeIds([mine]), []);
  assert.deepEqual(
    await volumeIds([
      { Name: 'status', Values: ['available'] },
      { Name: 'tag:role', Values: ['logs'] },
    ]),
    [vol],
  );
});
