/**
 * EBS volumes through SDK v3 (metadata driver): CreateVolume bounds per type, attach and detach
 * with device names, root volumes, DeleteVolume of an attached volume, ModifyVolume, tags.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttachVolumeCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  DeleteVolumeCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  DetachVolumeCommand,
  ModifyVolumeCommand,
  type CreateVolumeCommandInput,
} from '@aws-sdk/client-ec2';
import { errorOf, launch, useEc2Server } from '../support/ec2.ts';

const { ec2, ami } = useEc2Server();
const create = (input: Partial<CreateVolumeCommandInput>) =>
  ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', ...input }));

test('CreateVolume: sizes, IOPS and throughput per volume type', async () => {
  const gp3 = await create({ Size: 100, VolumeType: 'gp3' });
  assert.match(gp3.VolumeId!, /^vol-[0-9a-f]{17}$/);
  assert.deepEqual([gp3.State, gp3.Size, gp3.Iops, gp3.Throughput], ['creating', 100, 3000, 125]);
  const gp2 = await create({ Size: 10 });
  assert.deepEqual([gp2.VolumeType, gp2.Iops], ['gp2', 100]);
  assert.deepEqual(await errorOf(create({ Size: 3, VolumeType: 'io1', Iops: 100 })), {
    name: 'InvalidParameterValue',
    message: 'Volume of size 3GB is too small; minimum is 4GB',
  });
  assert.deepEqual(await errorOf(create({ Size: 16385, VolumeType: 'gp2' })), {
    name: 'InvalidParameterValue',
    message: 'Volume of size 16385GB is too large; maximum is 16384GB',
  });
  assert.equal((await errorOf(create({ Size: 100, VolumeType: 'st1' }))).name, 'InvalidParameterValue');
  assert.deepEqual(await errorOf(create({ Size: 100, VolumeType: 'io1' })), {
    name: 'InvalidParameterCombination',
    message: 'The parameter iops must be specified for io1 volumes.',
  });
  assert.equal(
    (await errorOf(create({ Size: 100, VolumeType: 'gp2', Iops: 3000 }))).name,
    'InvalidParameterCombination',
  );
  assert.equal(
    (await errorOf(create({ Size: 100, VolumeType: 'io1', Throughput: 200, Iops: 1000 }))).name,
    'InvalidParameterCombination',
  );
  assert.deepEqual(await errorOf(create({ Size: 20, VolumeType: 'gp3', Iops: 15000 })), {
    name: 'InvalidParameterValue',
    message: 'Iops to volume size ratio of 750.000000 is too high; maximum is 500',
  });
  assert.equal(
    (await errorOf(create({ Size: 10, VolumeType: 'gp3', Throughput: 2001 }))).name,
    'InvalidParameterValue',
  );
  assert.equal((await errorOf(create({}))).name, 'MissingParameter');
  assert.equal(
    (await errorOf(create({ Size: 10, AvailabilityZone: 'us-east-1z' }))).name,
    'InvalidZone.NotFound',
  );
  const listed = await ec2.send(new DescribeVolumesCommand({ VolumeIds: [gp3.VolumeId!] }));
  assert.deepEqual(
    listed.Volumes!.map((v) => [v.State, v.VolumeType, v.Size]),
    [['available', 'gp3', 100]],
  );
});

test('attach, detach and delete: device names, volumes in use, root volumes', async () => {
  const inst = await launch(ec2, ami(), { Placement: { AvailabilityZone: 'us-east-1a' } });
  const id = inst.InstanceId!;
  const rootDevice = inst.RootDeviceName!;
  const vol = (
    await create({
      Size: 10,
      TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'k', Value: 'v' }] }],
    })
  ).VolumeId!;
  const attach = (Device: string, VolumeId = vol) =>
    ec2.send(new AttachVolumeCommand({ VolumeId, InstanceId: id, Device }));
  assert.deepEqual(await errorOf(attach('/dev/sdz9x')), {
    name: 'InvalidParameterValue',
    message: 'Value (/dev/sdz9x) for parameter device is invalid. /dev/sdz9x is not a valid EBS device name.',
  });
  assert.deepEqual(await errorOf(attach(rootDevice)), {
    name: 'InvalidParameterValue',
    message: `Invalid value '${rootDevice}' for unixDevice. Attachment point ${rootDevice} is already in use`,
  });
  const att = await attach('/dev/sdf');
  assert.deepEqual([att.State, att.Device, att.InstanceId], ['attaching', '/dev/sdf', id]);
  assert.deepEqual(await errorOf(attach('/dev/sdg')), {
    name: 'VolumeInUse',
    message: `${vol} is already attached to an instance`,
  });
  const other = (await create({ Size: 10 })).VolumeId!;
  assert.equal((await errorOf(attach('/dev/sdf', other))).name, 'InvalidParameterValue');
  const elsewhere = (await create({ Size: 10, AvailabilityZone: 'us-east-1b' })).VolumeId!;
  assert.equal((await errorOf(attach('/dev/sdh', elsewhere))).name, 'InvalidVolume.ZoneMismatch');
  const d = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [vol] }))).Volumes![0]!;
  assert.deepEqual(
    [d.State, d.Attachments!.map((a) => [a.InstanceId, a.Device, a.State]), d.Tags],
    ['in-use', [[id, '/dev/sdf', 'attached']], [{ Key: 'k', Value: 'v' }]],
  );
  assert.deepEqual(await errorOf(ec2.send(new DeleteVolumeCommand({ VolumeId: vol }))), {
    name: 'VolumeInUse',
    message: `Volume ${vol} is currently attached to ${id}`,
  });
  const root = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!
    .Instances![0]!.BlockDeviceMappings![0]!.Ebs!.VolumeId!;
  assert.equal(
    (await errorOf(ec2.send(new DetachVolumeCommand({ VolumeId: root })))).name,
    'OperationNotPermitted',
  );
  assert.equal((await errorOf(ec2.send(new DeleteVolumeCommand({ VolumeId: root })))).name, 'VolumeInUse');
  const det = await ec2.send(new DetachVolumeCommand({ VolumeId: vol }));
  assert.deepEqual([det.State, det.Device], ['detaching', '/dev/sdf']);
  assert.deepEqual(await errorOf(ec2.send(new DetachVolumeCommand({ VolumeId: vol }))), {
    name: 'IncorrectState',
    message: `Volume '${vol}' is in the 'available' state.`,
  });
  await ec2.send(new CreateTagsCommand({ Resources: [vol], Tags: [{ Key: 'k2', Value: 'v2' }] }));
  await ec2.send(new DeleteVolumeCommand({ VolumeId: vol }));
  assert.equal(
    (await errorOf(ec2.send(new DescribeVolumesCommand({ VolumeIds: [vol] })))).name,
    'InvalidVolume.NotFound',
  );
});

test('ModifyVolume: grows and changes type within the new type bounds; never shrinks', async () => {
  const vol = (await create({ Size: 100, VolumeType: 'gp2' })).VolumeId!;
  const m = await ec2.send(
    new ModifyVolumeCommand({ VolumeId: vol, VolumeType: 'gp3', Size: 200, Iops: 6000 }),
  );
  assert.deepEqual(
    [
      m.VolumeModification!.OriginalVolumeType,
      m.VolumeModification!.TargetVolumeType,
      m.VolumeModification!.TargetSize,
      m.VolumeModification!.TargetIops,
    ],
    ['gp2', 'gp3', 200, 6000],
  );
  assert.deepEqual(await errorOf(ec2.send(new ModifyVolumeCommand({ VolumeId: vol, Size: 50 }))), {
    name: 'InvalidParameterValue',
    message: 'New size cannot be smaller than existing size',
  });
  assert.equal(
    (await errorOf(ec2.send(new ModifyVolumeCommand({ VolumeId: vol, VolumeType: 'gp2', Iops: 5000 })))).name,
    'InvalidParameterCombination',
  );
});
