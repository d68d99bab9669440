/**
 * RunInstances' BlockDeviceMappings (SDK v3 and boto3, metadata driver): the root volume's size,
 * type, performance and encryption; more EBS volumes made at launch, tagged, listed and released
 * at termination; NoDevice and instance store entries; AWS's refusals; launch templates,
 * GetLaunchTemplateData and CreateImage with every attached volume.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateImageCommand,
  CreateLaunchTemplateCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  GetLaunchTemplateDataCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  waitUntilImageAvailable,
  waitUntilInstanceRunning,
  waitUntilInstanceTerminated,
  type BlockDeviceMapping,
  type Instance,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { errorOf, launch, useEc2Server, wait } from '../support/ec2.ts';
import { python } from '../support/clients.ts';

let snapshot: string;

const { server, ec2, ami } = useEc2Server({
  setup: async () => {
    const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [ami()] }))).Images![0]!;
    assert.equal(image.RootDeviceName, '/dev/xvda');
    snapshot = image.BlockDeviceMappings![0]!.Ebs!.SnapshotId!;
  },
});

const run = (mappings: BlockDeviceMapping[], extra: Partial<RunInstancesCommandInput> = {}) =>
  launch(ec2, ami(), { BlockDeviceMappings: mappings, ...extra });

const instance = async (id: string) =>
  (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!;

/** The instance's volumes by device name, as DescribeVolumes shows them. */
async function volumes(inst: Instance) {
  const ids = inst.BlockDeviceMappings!.map((b) => b.Ebs!.VolumeId!);
  const listed = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: ids }))).Volumes!;
  return Object.fromEntries(listed.map((v) => [v.Attachments![0]!.Device!, v]));
}

const terminate = async (id: string) => {
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  await waitUntilInstanceTerminated({ client: ec2, ...wait }, { InstanceIds: [id] });
};

test('the root device and further EBS volumes follow BlockDeviceMappings; tags, termination', async () => {
  const launched = await run(
    [
      {
        DeviceName: '/dev/xvda',
        Ebs: {
          VolumeSize: 20,
          VolumeType: 'gp3',
          Iops: 4000,
          Throughput: 250,
          DeleteOnTermination: false,
          Encrypted: true,
          KmsKeyId: 'alias/data',
        },
      },
      { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10, VolumeType: 'io1', Iops: 500 } },
      { DeviceName: '/dev/sdg', Ebs: { VolumeSize: 5, DeleteOnTermination: false } },
      { DeviceName: '/dev/sdh', NoDevice: '' },
      { DeviceName: '/dev/sdi', VirtualName: 'ephemeral0' },
    ],
    { TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'app', Value: 'db' }] }] },
  );
  const id = launched.InstanceId!;
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [id] });
  const inst = await instance(id);
  assert.deepEqual(
    inst.BlockDeviceMappings!.map((b) => [b.DeviceName, b.Ebs!.DeleteOnTermination, b.Ebs!.Status]),
    [
      ['/dev/xvda', false, 'attached'],
      ['/dev/sdf', true, 'attached'],
      ['/dev/sdg', false, 'attached'],
    ],
  );
  assert.deepEqual(
    launched.BlockDeviceMappings!.map((b) => b.DeviceName),
    ['/dev/xvda', '/dev/sdf', '/dev/sdg'],
  );
  const v = await volumes(inst);
  const view = (d: string) => [
    v[d]!.Size,
    v[d]!.VolumeType,
    v[d]!.Iops,
    v[d]!.Throughput,
    v[d]!.Encrypted,
    v[d]!.KmsKeyId,
    v[d]!.State,
    v[d]!.AvailabilityZone,
    v[d]!.Tags,
  ];
  const zone = inst.Placement!.AvailabilityZone;
  const tags = [{ Key: 'app', Value: 'db' }];
  assert.deepEqual(view('/dev/xvda'), [20, 'gp3', 4000, 250, true, 'alias/data', 'in-use', zone, tags]);
  assert.deepEqual(view('/dev/sdf'), [10, 'io1', 500, undefined, false, undefined, 'in-use', zone, tags]);
  assert.deepEqual(view('/dev/sdg'), [5, 'gp2', 100, undefined, false, undefined, 'in-use', zone, tags]);
  assert.equal(v['/dev/xvda']!.SnapshotId, snapshot);
  await terminate(id);
  const left = (
    await ec2.send(
      new DescribeVolumesCommand({ VolumeIds: [v['/dev/xvda']!.VolumeId!, v['/dev/sdg']!.VolumeId!] }),
    )
  ).Volumes!;
  assert.deepEqual(left.map((x) => [x.Size, x.State, x.Attachments]).sort(), [
    [20, 'available', []],
    [5, 'available', []],
  ]);
  assert.equal(
    (await errorOf(ec2.send(new DescribeVolumesCommand({ VolumeIds: [v['/dev/sdf']!.VolumeId!] })))).name,
    'InvalidVolume.NotFound',
  );
});

test('refusals: sizes, types, device names, duplicates, missing parts; nothing is launched', async () => {
  const before = (await ec2.send(new DescribeInstancesCommand({}))).Reservations!.length;
  const refused = async (mappings: BlockDeviceMapping[]) => errorOf(run(mappings));
  assert.deepEqual(await refused([{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 4 } }]), {
    name: 'InvalidBlockDeviceMapping',
    message: `Volume of size 4GB is smaller than  snapshot '${snapshot}', expect size >= 8GB`,
  });
  assert.deepEqual(
    await refused([{ DeviceName: '/dev/xvda', Ebs: { VolumeType: 'st1', VolumeSize: 500 } }]),
    {
      name: 'InvalidParameterCombination',
      message: 'The parameter iops is not supported for st1 volumes.',
    },
  );
  assert.deepEqual(await refused([{ DeviceName: '/dev/xvda', Ebs: { Iops: 3000 } }]), {
    name: 'InvalidParameterCombination',
    message: 'The parameter iops is not supported for gp2 volumes.',
  });
  assert.deepEqual(await refused([{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10, VolumeType: 'io2' } }]), {
    name: 'InvalidParameterCombination',
    message: 'The parameter iops must be specified for io2 volumes.',
  });
  assert.deepEqual(
    await refused([{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 70000, VolumeType: 'gp3' } }]),
    {
      name: 'InvalidParameterValue',
      message: 'Volume of size 70000GB is too large; maximum is 65536GB',
    },
  );
  assert.deepEqual(
    await refused([
      { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 1 } },
      { DeviceName: 'sdf', Ebs: { VolumeSize: 2 } },
    ]),
    {
      name: 'InvalidBlockDeviceMapping',
      message: "The device 'sdf' is used in more than one block-device mapping",
    },
  );
  assert.deepEqual(await refused([{ DeviceName: 'xvda', Ebs: { VolumeSize: 30 } }]), {
    name: 'InvalidBlockDeviceMapping',
    message: "The device 'xvda' is used in more than one block-device mapping",
  });
  assert.deepEqual(await refused([{ Ebs: { VolumeSize: 30 } }]), {
    name: 'InvalidBlockDeviceMapping',
    message: 'Missing device name',
  });
  assert.deepEqual(await refused([{ DeviceName: '/dev/foo', Ebs: { VolumeSize: 30 } }]), {
    name: 'InvalidBlockDeviceMapping',
    message: 'Invalid device name /dev/foo',
  });
  assert.deepEqual(await refused([{ DeviceName: '/dev/sdf', VirtualName: 'scratch' }]), {
    name: 'MissingParameter',
    message: 'The request must contain the parameter ebs',
  });
  assert.deepEqual(
    await refused([
      { DeviceName: '/dev/sdf', Ebs: { VolumeType: 'gp3' } },
      { DeviceName: '/dev/sdg', Ebs: { DeleteOnTermination: true } },
    ]),
    {
      name: 'InvalidBlockDeviceMapping',
      message: 'Either snapshot ID or volume size must be provided for: /dev/sdf, /dev/sdg',
    },
  );
  assert.deepEqual(
    await refused([{ DeviceName: '/dev/sdf', Ebs: { SnapshotId: 'snap-0123456789abcdef0' } }]),
    {
      name: 'InvalidSnapshot.NotFound',
      message: "The snapshot 'snap-0123456789abcdef0' does not exist.",
    },
  );
  assert.equal((await ec2.send(new DescribeInstancesCommand({}))).Reservations!.length, before);
});

test("launch templates' mappings apply; GetLaunchTemplateData and CreateImage carry every volume", async () => {
  await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'with-disks',
      LaunchTemplateData: {
        ImageId: ami(),
        InstanceType: 't3.micro',
        BlockDeviceMappings: [
          { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 12, VolumeType: 'gp3' } },
          { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 30, VolumeType: 'gp3', Throughput: 300 } },
        ],
      },
    }),
  );
  const launched = await ec2.send(
    new RunInstancesCommand({
      MinCount: 1,
      MaxCount: 1,
      LaunchTemplate: { LaunchTemplateName: 'with-disks' },
    }),
  );
  const id = launched.Instances![0]!.InstanceId!;
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [id] });
  const v = await volumes(await instance(id));
  assert.deepEqual(
    Object.entries(v).map(([d, x]) => [d, x.Size, x.VolumeType, x.Throughput]),
    [
      ['/dev/xvda', 12, 'gp3', 125],
      ['/dev/sdf', 30, 'gp3', 300],
    ],
  );
  const data = (await ec2.send(new GetLaunchTemplateDataCommand({ InstanceId: id }))).LaunchTemplateData!;
  assert.deepEqual(data.BlockDeviceMappings, [
    {
      DeviceName: '/dev/xvda',
      Ebs: {
        DeleteOnTermination: true,
        Encrypted: false,
        Iops: 3000,
        SnapshotId: snapshot,
        Throughput: 125,
        VolumeSize: 12,
        VolumeType: 'gp3',
      },
    },
    {
      DeviceName: '/dev/sdf',
      Ebs: {
        DeleteOnTermination: true,
        Encrypted: false,
        Iops: 3000,
        Throughput: 300,
        VolumeSize: 30,
        VolumeType: 'gp3',
      },
    },
  ]);

  const imageId = (await ec2.send(new CreateImageCommand({ InstanceId: id, Name: 'two-disks' }))).ImageId!;
  await waitUntilImageAvailable({ client: ec2, ...wait }, { ImageIds: [imageId] });
  const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images![0]!;
  assert.deepEqual(
    image.BlockDeviceMappings!.map((b) => [
      b.DeviceName,
      b.Ebs!.VolumeSize,
      b.Ebs!.VolumeType,
      b.Ebs!.Throughput,
    ]),
    [
      ['/dev/xvda', 12, 'gp3', 125],
      ['/dev/sdf', 30, 'gp3', 300],
    ],
  );
  const dataSnapshot = image.BlockDeviceMappings![1]!.Ebs!.SnapshotId!;
  // The image's data volume comes with it; the request can resize it, but not below its snapshot.
  const copy = await launch(ec2, imageId, {
    BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 40 } }],
  });
  const cv = await volumes(copy);
  assert.deepEqual(
    Object.entries(cv).map(([d, x]) => [d, x.Size, x.SnapshotId]),
    [
      ['/dev/xvda', 12, image.BlockDeviceMappings![0]!.Ebs!.SnapshotId],
      ['/dev/sdf', 40, dataSnapshot],
    ],
  );
  const errored = await errorOf(
    ec2.send(
      new RunInstancesCommand({
        ImageId: imageId,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: 't3.micro',
        BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 20 } }],
      }),
    ),
  );
  assert.equal(
    errored.message,
    `Volume of size 20GB is smaller than  snapshot '${dataSnapshot}', expect size >= 30GB`,
  );
  await terminate(copy.InstanceId!);
  await terminate(id);
});

test('boto3: NoDevice leaves out an image device; a snapshot makes a volume of its size', async () => {
  const id = (await run([{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 6 } }])).InstanceId!;
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [id] });
  const imageId = (await ec2.send(new CreateImageCommand({ InstanceId: id, Name: 'boto-disks' }))).ImageId!;
  await waitUntilImageAvailable({ client: ec2, ...wait }, { ImageIds: [imageId] });
  const r = await python(
    `c = client("ec2", region_name="us-east-1")
img = c.describe_images(ImageIds=["${imageId}"])["Images"][0]
snap = img["BlockDeviceMappings"][1]["Ebs"]["SnapshotId"]
i = c.run_instances(ImageId="${imageId}", MinCount=1, MaxCount=1, InstanceType="t3.micro",
    BlockDeviceMappings=[{"DeviceName": "/dev/sdf", "NoDevice": ""},
                         {"DeviceName": "/dev/sdk", "Ebs": {"SnapshotId": snap}}])["Instances"][0]
vols = c.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [i["InstanceId"]]}])["Volumes"]
c.terminate_instances(InstanceIds=[i["InstanceId"]])
out(sorted([v["Attachments"][0]["Device"], v["Size"], v["SnapshotId"] == snap] for v in vols))`,
    server.env(),
  );
  assert.deepEqual(r, [
    ['/dev/sdk', 6, true],
    ['/dev/xvda', 8, false],
  ]);
  await terminate(id);
});
