/**
 * Volumes seen from their instances and instances seen from their volumes, so that
 * DescribeInstances, DescribeInstanceAttribute, DescribeVolumes and termination agree.
 * Root volumes live in their instance's document (BlockDeviceMappings, _volumeSize, _rootVolume,
 * _volumeTags); CreateVolume'd volumes and those RunInstances adds live in their own documents
 * with their attachments (ebs-volumes.ts, block-devices.ts).
 */
import { InvalidInstanceAttributeValue } from '../../generated/ec2/errors.ts';
import type { Tag } from '../../generated/ec2/types.ts';
import { performance, standaloneVolumes, type Attachment, type VolumeDoc } from './ebs-volumes.ts';
import type { Ec2Env } from './env.ts';
import type { InstanceDoc } from './instance-model.ts';
import type { Ec2Repository, Scope } from './store.ts';

type Mapping = InstanceDoc['BlockDeviceMappings'][number];

/** The volumes an instance's own document holds (its root volume), as DescribeVolumes shows them. */
export function ownVolumes(i: InstanceDoc): VolumeDoc[] {
  const size = i._volumeSize ?? 8;
  // Documents from before BlockDeviceMappings were honoured: gp2, unencrypted.
  const root = i._rootVolume ?? { VolumeType: 'gp2', Encrypted: false, SnapshotId: '' };
  return i.BlockDeviceMappings.map((b) => ({
    VolumeId: b.Ebs.VolumeId,
    Size: size,
    SnapshotId: root.SnapshotId,
    AvailabilityZone: i.Placement.AvailabilityZone,
    State: 'in-use',
    CreateTime: i.LaunchTime,
    Attachments: [
      {
        AttachTime: b.Ebs.AttachTime,
        Device: b.DeviceName,
        InstanceId: i.InstanceId,
        State: 'attached',
        VolumeId: b.Ebs.VolumeId,
        DeleteOnTermination: b.Ebs.DeleteOnTermination,
      },
    ],
    Encrypted: root.Encrypted,
    ...(root.KmsKeyId !== undefined ? { KmsKeyId: root.KmsKeyId } : {}),
    VolumeType: root.VolumeType,
    ...performance(root.VolumeType, size, root.Iops, root.Throughput),
    MultiAttachEnabled: false,
    Tags: (i._volumeTags?.[b.Ebs.VolumeId] ?? []) as Tag[],
  }));
}

/** Every volume of a scope: those inside live instances, then CreateVolume'd ones. */
export async function allVolumes(env: Ec2Env, scope: Scope, instances: InstanceDoc[]): Promise<VolumeDoc[]> {
  const live = instances.filter((i) => i.State.Name !== 'terminated');
  return [...live.flatMap(ownVolumes), ...(await standaloneVolumes(env, scope))];
}

/** Block device entries for the CreateVolume'd volumes attached to an instance, in attach order. */
function attachedMappings(volumes: VolumeDoc[], instanceId: string): Mapping[] {
  return volumes
    .flatMap((v) => v.Attachments.filter((a) => a.InstanceId === instanceId))
    .sort((a, b) => a.AttachTime.localeCompare(b.AttachTime))
    .map((a) => ({
      DeviceName: a.Device,
      Ebs: {
        AttachTime: a.AttachTime,
        DeleteOnTermination: a.DeleteOnTermination,
        Status: 'attached',
        VolumeId: a.VolumeId,
      },
    }));
}

/**
 * Instances with every attached EBS volume in BlockDeviceMappings (AWS lists volumes attached
 * after launch there too), for DescribeInstances, its filters and DescribeInstanceAttribute.
 */
export async function withAttachedVolumes(
  env: Ec2Env,
  scope: Scope,
  docs: InstanceDoc[],
): Promise<InstanceDoc[]> {
  if (!docs.length) return docs;
  const volumes = await standaloneVolumes(env, scope);
  return docs.map((d) => {
    const extra = attachedMappings(volumes, d.InstanceId);
    return extra.length ? { ...d, BlockDeviceMappings: [...d.BlockDeviceMappings, ...extra] } : d;
  });
}

/**
 * ModifyInstanceAttribute's BlockDeviceMappings: DeleteOnTermination of attached devices (true
 * when left out, per the API reference). Device names must match an attachment exactly; the
 * errors are Eucalyptus' AWS-compatible ones. Changes `doc` (root) and writes volume documents.
 */
export async function setDeleteOnTermination(
  env: Ec2Env,
  scope: Scope,
  doc: InstanceDoc,
  mappings: { DeviceName?: string; Ebs?: { DeleteOnTermination?: boolean; VolumeId?: string } }[],
): Promise<void> {
  const volumes = await standaloneVolumes(env, scope);
  const changes: (() => Promise<void>)[] = [];
  for (const m of mappings) {
    const value = m.Ebs?.DeleteOnTermination ?? true;
    const own = doc.BlockDeviceMappings.find((b) => b.DeviceName === m.DeviceName);
    const vol = volumes.find((v) =>
      v.Attachments.some((a) => a.InstanceId === doc.InstanceId && a.Device === m.DeviceName),
    );
    const volumeId = own?.Ebs.VolumeId ?? vol?.VolumeId;
    if (!volumeId)
      throw new InvalidInstanceAttributeValue(`No device is currently mapped at ${m.DeviceName}`);
    if (m.Ebs?.VolumeId !== undefined && m.Ebs.VolumeId !== volumeId)
      throw new InvalidInstanceAttributeValue(`Invalid volume (${m.Ebs.VolumeId})`);
    if (own) own.Ebs.DeleteOnTermination = value;
    else
      changes.push(async () => {
        for (const a of vol!.Attachments) if (a.InstanceId === doc.InstanceId) a.DeleteOnTermination = value;
        await env.repo.put(scope, 'volume', vol!.VolumeId, vol);
      });
  }
  for (const change of changes) await change();
}

/**
 * What terminating an instance does to its volumes: those with DeleteOnTermination are deleted,
 * the others are detached and become `available` (a kept root volume gets its own document).
 * `doc` is the instance as it was before termination.
 */
export async function releaseVolumes(repo: Ec2Repository, scope: Scope, doc: InstanceDoc): Promise<void> {
  for (const v of ownVolumes(doc)) {
    if (v.Attachments[0]!.DeleteOnTermination) continue;
    await repo.put(scope, 'volume', v.VolumeId, { ...v, State: 'available', Attachments: [] });
  }
  for (const v of await repo.list<VolumeDoc>(scope, 'volume')) {
    const mine = v.Attachments.filter((a) => a.InstanceId === doc.InstanceId);
    if (!mine.length) continue;
    const Attachments = v.Attachments.filter((a) => a.InstanceId !== doc.InstanceId);
    // A Multi-Attach volume still attached elsewhere stays (deleted with the last instance only).
    if (!Attachments.length && mine.some((a) => a.DeleteOnTermination)) {
      await repo.delete(scope, v.VolumeId);
      continue;
    }
    await repo.put(scope, 'volume', v.VolumeId, {
      ...v,
      Attachments,
      State: Attachments.length ? 'in-use' : 'available',
    });
  }
}

/** An instance's EBS volumes with their attachment to it: the root first, then in attach order. */
export async function volumesOf(
  env: Ec2Env,
  scope: Scope,
  doc: InstanceDoc,
): Promise<{ volume: VolumeDoc; attachment: Attachment }[]> {
  const mine = (volume: VolumeDoc) =>
    volume.Attachments.filter((a) => a.InstanceId === doc.InstanceId).map((attachment) => ({
      volume,
      attachment,
    }));
  const attached = (await standaloneVolumes(env, scope))
    .flatMap(mine)
    .sort((a, b) => a.attachment.AttachTime.localeCompare(b.attachment.AttachTime));
  return [...ownVolumes(doc).flatMap(mine), ...attached];
}

/**
 * A volume's settings as an EBS block device (CreateImage's image, GetLaunchTemplateData): size,
 * type, encryption, and the IOPS and throughput it has (GetLaunchTemplateData's example shows a
 * gp2 volume's baseline IOPS too).
 */
export function ebsSettings(volume: VolumeDoc, deleteOnTermination: boolean): Record<string, unknown> {
  return {
    DeleteOnTermination: deleteOnTermination,
    Encrypted: volume.Encrypted,
    ...(volume.Iops !== undefined ? { Iops: volume.Iops } : {}),
    VolumeSize: volume.Size,
    VolumeType: volume.VolumeType,
    ...(volume.Throughput !== undefined ? { Throughput: volume.Throughput } : {}),
  };
}
