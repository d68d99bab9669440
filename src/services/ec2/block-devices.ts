/**
 * RunInstances' BlockDeviceMappings (a launch template's arrive merged into the request) over the
 * image's own: the root volume's size, type, performance and encryption, further EBS volumes made
 * and attached at launch, NoDevice and instance store entries, and AWS's errors for the rest.
 * Root volumes live in their instance's document; the others are volume documents of their own
 * (ebs-volumes.ts), so that DetachVolume, ModifyVolume, tags and termination treat them as AWS does.
 */
import {
  InvalidBlockDeviceMapping,
  InvalidParameterCombination,
  InvalidSnapshotNotFound,
  MissingParameter,
} from '../../generated/ec2/errors.ts';
import type { Tag } from '../../generated/ec2/types.ts';
import { checkVolume, EBS_DEVICE, performance, type VolumeDoc } from './ebs-volumes.ts';
import type { Ec2Env } from './env.ts';
import { newId } from './ids.ts';
import type { ImageDoc } from './image-catalog.ts';
import type { InstanceDoc, RootVolume } from './instance-model.ts';
import type { Scope } from './store.ts';

interface EbsSettings {
  SnapshotId?: string;
  VolumeSize?: number;
  VolumeType?: string;
  Iops?: number;
  Throughput?: number;
  DeleteOnTermination?: boolean;
  Encrypted?: boolean;
  KmsKeyId?: string;
}

export interface MappingRequest {
  DeviceName?: string;
  VirtualName?: string;
  NoDevice?: string;
  Ebs?: EbsSettings;
}

/** One EBS volume a launch makes. */
export interface LaunchVolume extends RootVolume {
  DeviceName: string;
  Size: number;
  DeleteOnTermination: boolean;
}

export interface LaunchDevices {
  root: LaunchVolume;
  extra: LaunchVolume[];
}

/** Instance store volumes (BlockDeviceMapping's VirtualName: ephemeral0 to ephemeral23). */
const EPHEMERAL = /^ephemeral([0-9]|1[0-9]|2[0-3])$/;

const bare = (device: string) => device.replace(/^\/dev\//, '');

/** Each entry on its own: a device name, and one of Ebs, NoDevice or an instance store name. */
function checkShape(m: MappingRequest): void {
  if (!m.DeviceName) throw new InvalidBlockDeviceMapping('Missing device name');
  if (!EBS_DEVICE.test(m.DeviceName))
    throw new InvalidBlockDeviceMapping(`Invalid device name ${m.DeviceName}`);
  if (m.NoDevice === undefined && !m.Ebs && !EPHEMERAL.test(m.VirtualName ?? ''))
    throw new MissingParameter('The request must contain the parameter ebs');
}

/**
 * One mapping per device. A request entry overrides the image's entry of exactly the same name;
 * names that differ only by `/dev/` (`xvda`, `/dev/xvda`) are two mappings of one device.
 */
function checkUnique(image: ImageDoc, requested: MappingRequest[]): void {
  const imageNames = new Map(image.BlockDeviceMappings.map((b) => [bare(b.DeviceName), b.DeviceName]));
  const seen = new Set<string>();
  for (const m of requested) {
    const key = bare(m.DeviceName!);
    const fromImage = imageNames.get(key);
    if (seen.has(key) || (fromImage !== undefined && fromImage !== m.DeviceName))
      throw new InvalidBlockDeviceMapping(
        `The device '${key}' is used in more than one block-device mapping`,
      );
    seen.add(key);
  }
}

/** A volume from its origin (the image's entry or a snapshot; nothing for a blank one) and the request. */
function settle(device: string, origin: EbsSettings, req: EbsSettings, isRoot: boolean): LaunchVolume {
  const snapshotSize = origin.SnapshotId ? origin.VolumeSize : undefined;
  const size = Number(req.VolumeSize ?? origin.VolumeSize);
  if (snapshotSize !== undefined && size < snapshotSize)
    // AWS's words, two spaces included (scylladb#6999, origin-ci-tool#153, karpenter#3302).
    throw new InvalidBlockDeviceMapping(
      `Volume of size ${size}GB is smaller than  snapshot '${origin.SnapshotId}', expect size >= ${snapshotSize}GB`,
    );
  const type = req.VolumeType ?? origin.VolumeType ?? 'gp2';
  // HDD volumes cannot boot; RunInstances says so in these words (aws/aws-sdk#542).
  if (isRoot && (type === 'st1' || type === 'sc1'))
    throw new InvalidParameterCombination(`The parameter iops is not supported for ${type} volumes.`);
  const sameType = req.VolumeType === undefined || req.VolumeType === origin.VolumeType;
  const iops = req.Iops ?? (sameType ? origin.Iops : undefined);
  const throughput = req.Throughput ?? (sameType ? origin.Throughput : undefined);
  checkVolume(type, size, iops, throughput);
  return {
    DeviceName: device,
    Size: size,
    VolumeType: type,
    ...performance(type, size, iops, throughput),
    // Encryption is never removed from a snapshot's data (EbsBlockDevice's Encrypted).
    Encrypted: Boolean(origin.Encrypted) || Boolean(req.Encrypted),
    ...(req.KmsKeyId !== undefined ? { KmsKeyId: req.KmsKeyId } : {}),
    SnapshotId: origin.SnapshotId ?? '',
    // The image's setting for its own devices; true for those the request adds (EC2 User Guide,
    // "Preserve data when an instance is terminated": data volumes attached at launch by the API).
    DeleteOnTermination: req.DeleteOnTermination ?? origin.DeleteOnTermination ?? true,
  };
}

/** The account's snapshots (those of its images, as DescribeSnapshots lists them) by id. */
async function ownSnapshots(env: Ec2Env, scope: Scope): Promise<Map<string, EbsSettings>> {
  const out = new Map<string, EbsSettings>();
  for (const image of await env.repo.list<ImageDoc>(scope, 'image'))
    for (const b of image.BlockDeviceMappings)
      if (b.Ebs?.SnapshotId) out.set(String(b.Ebs.SnapshotId), b.Ebs as EbsSettings);
  return out;
}

/**
 * The volumes a launch makes: the image's EBS entries (the request overriding or, with NoDevice,
 * leaving out those of the same name) and then the request's new devices. Instance store entries
 * are accepted and ignored (no instance type here has instance store).
 */
export async function launchDevices(
  env: Ec2Env,
  scope: Scope,
  image: ImageDoc,
  requested: MappingRequest[] = [],
): Promise<LaunchDevices> {
  requested.forEach(checkShape);
  checkUnique(image, requested);
  const byName = new Map(requested.map((m) => [m.DeviceName!, m]));
  const volumes: LaunchVolume[] = [];
  let root: LaunchVolume | undefined;
  for (const b of image.BlockDeviceMappings) {
    if (!b.Ebs) continue;
    const isRoot = b.DeviceName === image.RootDeviceName;
    const m = byName.get(b.DeviceName);
    // An instance needs its root device; NoDevice leaves out only the others.
    if (m?.NoDevice !== undefined && !isRoot) continue;
    const v = settle(b.DeviceName, b.Ebs as EbsSettings, m?.Ebs ?? {}, isRoot);
    if (isRoot) root = v;
    else volumes.push(v);
  }
  const fromImage = new Set(image.BlockDeviceMappings.map((b) => b.DeviceName));
  const added = requested.filter((m) => !fromImage.has(m.DeviceName!) && m.NoDevice === undefined && m.Ebs);
  const unsized = added.filter((m) => m.Ebs!.SnapshotId === undefined && m.Ebs!.VolumeSize === undefined);
  if (unsized.length)
    throw new InvalidBlockDeviceMapping(
      `Either snapshot ID or volume size must be provided for: ${unsized.map((m) => m.DeviceName).join(', ')}`,
    );
  const snapshots = added.some((m) => m.Ebs!.SnapshotId) ? await ownSnapshots(env, scope) : new Map();
  for (const m of added) {
    const id = m.Ebs!.SnapshotId;
    const snapshot = id === undefined ? {} : snapshots.get(id);
    if (!snapshot) throw new InvalidSnapshotNotFound(`The snapshot '${id}' does not exist.`);
    const origin: EbsSettings = id === undefined ? {} : { SnapshotId: id, VolumeSize: snapshot.VolumeSize };
    volumes.push(settle(m.DeviceName!, origin, m.Ebs!, false));
  }
  // Every image here has an EBS root; an image without one keeps the 8 GiB default.
  root ??= settle(image.RootDeviceName, { VolumeSize: 8 }, {}, true);
  return { root, extra: volumes };
}

/** What the instance document keeps of its root volume. */
export function rootVolumeOf(v: LaunchVolume): RootVolume {
  const { DeviceName: _d, Size: _s, DeleteOnTermination: _t, ...rest } = v;
  return rest;
}

/** Makes the launch's further volumes, attached to the new instance, with the launch's volume tags. */
export async function attachLaunchVolumes(
  env: Ec2Env,
  scope: Scope,
  doc: InstanceDoc,
  volumes: LaunchVolume[],
  tags: Tag[],
): Promise<void> {
  for (const v of volumes) {
    const id = newId('vol');
    const vol: VolumeDoc = {
      VolumeId: id,
      Size: v.Size,
      SnapshotId: v.SnapshotId,
      AvailabilityZone: doc.Placement.AvailabilityZone,
      State: 'in-use',
      CreateTime: doc.LaunchTime,
      Attachments: [
        {
          InstanceId: doc.InstanceId,
          Device: v.DeviceName,
          AttachTime: doc.LaunchTime,
          DeleteOnTermination: v.DeleteOnTermination,
          State: 'attached',
          VolumeId: id,
        },
      ],
      Encrypted: v.Encrypted,
      ...(v.KmsKeyId !== undefined ? { KmsKeyId: v.KmsKeyId } : {}),
      VolumeType: v.VolumeType,
      Iops: v.Iops,
      Throughput: v.Throughput,
      MultiAttachEnabled: false,
      Tags: tags,
    };
    await env.repo.put(scope, 'volume', id, vol);
  }
}
