/**
 * Volumes made with CreateVolume or by RunInstances' block device mappings besides the root (root
 * volumes live in their instance's document; both are joined in instance-volumes.ts): size, IOPS and throughput bounds per volume type, attach/detach with
 * device names, delete. Termination detaches or deletes them (releaseVolumes); an attachment to an
 * instance that is gone anyway is dropped when read.
 */
import {
  IncorrectState,
  InvalidAttachmentNotFound,
  InvalidParameterCombination,
  InvalidParameterValue,
  InvalidVolumeZoneMismatch,
  InvalidZoneNotFound,
  MissingParameter,
  OperationNotPermitted,
  VolumeInUse,
} from '../../generated/ec2/errors.ts';
import type { Tag } from '../../generated/ec2/types.ts';
import type { ServiceHandlers } from '../handler.ts';
import { INSTANCE_ERRORS, mustGet, requireParam, scopeOf, tagsFor, type Ec2Env } from './env.ts';
import { newId, nowIso } from './ids.ts';
import type { InstanceDoc } from './instance-model.ts';
import type { Scope } from './store.ts';

export interface Attachment {
  InstanceId: string;
  Device: string;
  AttachTime: string;
  DeleteOnTermination: boolean;
  State: 'attached';
  VolumeId: string;
}

export interface VolumeDoc {
  VolumeId: string;
  Size: number;
  SnapshotId: string;
  AvailabilityZone: string;
  State: 'available' | 'in-use';
  CreateTime: string;
  Attachments: Attachment[];
  Encrypted: boolean;
  KmsKeyId?: string;
  VolumeType: string;
  Iops?: number;
  Throughput?: number;
  MultiAttachEnabled: boolean;
  Tags: Tag[];
}

export const VOLUME_ERRORS = {
  malformed: 'InvalidVolumeID.Malformed',
  notFound: 'InvalidVolume.NotFound',
  notFoundMessage: (id: string) => `The volume '${id}' does not exist.`,
};

/** Sizes (GiB) and IOPS per type, as the CreateVolume API reference lists them. */
const TYPES: Record<string, { size: [number, number]; iops?: [number, number]; perGiB?: number }> = {
  gp2: { size: [1, 16384] },
  gp3: { size: [1, 65536], iops: [3000, 80000], perGiB: 500 },
  io1: { size: [4, 16384], iops: [100, 64000], perGiB: 50 },
  io2: { size: [4, 65536], iops: [100, 256000], perGiB: 1000 },
  st1: { size: [125, 16384] },
  sc1: { size: [125, 16384] },
  standard: { size: [1, 1024] },
};

/** gp2's baseline: 3 IOPS per GiB, at least 100, at most 16,000 (EBS volume types). */
export const gp2Iops = (size: number) => Math.min(16000, Math.max(100, size * 3));

/** Device names AttachVolume and RunInstances' BlockDeviceMappings take (`/dev/` optional). */
export const EBS_DEVICE = /^(\/dev\/)?(sd[a-z]([1-9]|1[0-5])?|xvd[a-z]{1,2}[0-9]?|hd[a-z][0-9]?)$/;

/** Size, IOPS and throughput against the bounds of the volume type (CreateVolume, RunInstances). */
export function checkVolume(
  type: string,
  size: number,
  iops: number | undefined,
  throughput: number | undefined,
): void {
  const spec = TYPES[type];
  if (!spec) throw new InvalidParameterValue(`Value (${type}) for parameter volumeType is invalid.`);
  if (size < spec.size[0])
    throw new InvalidParameterValue(`Volume of size ${size}GB is too small; minimum is ${spec.size[0]}GB`);
  if (size > spec.size[1])
    throw new InvalidParameterValue(`Volume of size ${size}GB is too large; maximum is ${spec.size[1]}GB`);
  if (iops !== undefined && !spec.iops)
    throw new InvalidParameterCombination(`The parameter iops is not supported for ${type} volumes.`);
  if (iops === undefined && (type === 'io1' || type === 'io2'))
    throw new InvalidParameterCombination(`The parameter iops must be specified for ${type} volumes.`);
  if (throughput !== undefined && type !== 'gp3')
    throw new InvalidParameterCombination(`The parameter throughput is not supported for ${type} volumes.`);
  if (iops !== undefined && spec.iops) {
    if (iops < spec.iops[0])
      throw new InvalidParameterValue(`Volume iops of ${iops} is too low; minimum is ${spec.iops[0]}.`);
    if (iops > spec.iops[1])
      throw new InvalidParameterValue(`Volume iops of ${iops} is too high; maximum is ${spec.iops[1]}.`);
    if (iops / size > spec.perGiB!)
      throw new InvalidParameterValue(
        `Iops to volume size ratio of ${(iops / size).toFixed(6)} is too high; maximum is ${spec.perGiB}`,
      );
  }
  if (throughput !== undefined && (throughput < 125 || throughput > 2000))
    throw new InvalidParameterValue(
      `Throughput (MiBps) of ${throughput} is invalid; it must be between 125 and 2000.`,
    );
}

/** The IOPS and throughput a volume gets: gp2's baseline, gp3's defaults, io1/io2's as given. */
export function performance(
  type: string,
  size: number,
  iops: number | undefined,
  throughput: number | undefined,
): { Iops?: number; Throughput?: number } {
  return {
    Iops: type === 'gp2' ? gp2Iops(size) : (iops ?? (type === 'gp3' ? 3000 : undefined)),
    Throughput: type === 'gp3' ? (throughput ?? 125) : undefined,
  };
}

/** Standalone volumes, attachments to instances that are gone dropped. */
export async function standaloneVolumes(env: Ec2Env, scope: Scope): Promise<VolumeDoc[]> {
  const live = new Set(
    (await env.repo.list<InstanceDoc>(scope, 'instance'))
      .filter((i) => i.State.Name !== 'terminated')
      .map((i) => i.InstanceId),
  );
  return (await env.repo.list<VolumeDoc>(scope, 'volume')).map((v) => settle(v, live));
}

function settle(v: VolumeDoc, live: Set<string>): VolumeDoc {
  const Attachments = v.Attachments.filter((a) => live.has(a.InstanceId));
  return { ...v, Attachments, State: Attachments.length ? 'in-use' : 'available' };
}

/** A volume by id: a standalone one (attachments settled), or the root volume of an instance. */
async function volume(
  env: Ec2Env,
  scope: Scope,
  id: string | undefined,
): Promise<{ vol: VolumeDoc; root?: undefined } | { vol?: undefined; root: InstanceDoc }> {
  requireParam(id, 'VolumeId');
  try {
    await mustGet<VolumeDoc>(env, scope, id, 'vol', VOLUME_ERRORS);
  } catch (e) {
    const root = await rootOwner(env, scope, id!);
    if (root) return { root };
    throw e;
  }
  return { vol: (await standaloneVolumes(env, scope)).find((v) => v.VolumeId === id)! };
}

async function rootOwner(env: Ec2Env, scope: Scope, id: string): Promise<InstanceDoc | undefined> {
  return (await env.repo.list<InstanceDoc>(scope, 'instance')).find(
    (i) => i.State.Name !== 'terminated' && i.BlockDeviceMappings.some((b) => b.Ebs.VolumeId === id),
  );
}

const attachmentOut = (a: Attachment) => ({ ...a, State: 'attaching' });

export function ebsVolumeHandlers(env: Ec2Env): ServiceHandlers {
  return {
    async CreateVolume(input, ctx) {
      const scope = scopeOf(ctx);
      const zones = new Set(
        (await env.repo.list<{ AvailabilityZone: string }>(scope, 'subnet')).map((s) => s.AvailabilityZone),
      );
      const zone: string | undefined = input.AvailabilityZone;
      if (!zone) throw new MissingParameter('The request must contain the parameter availabilityZone');
      if (!zones.has(zone)) throw new InvalidZoneNotFound(`The zone '${zone}' does not exist.`);
      if (input.Size === undefined && !input.SnapshotId)
        throw new MissingParameter('The request must contain the parameter size or snapshotId');
      const type: string = input.VolumeType ?? 'gp2';
      const size = Number(input.Size ?? 8);
      checkVolume(type, size, input.Iops, input.Throughput);
      if (input.MultiAttachEnabled && type !== 'io1' && type !== 'io2')
        throw new InvalidParameterCombination(
          `The parameter multiAttachEnabled is not supported for ${type} volumes.`,
        );
      const doc: VolumeDoc = {
        VolumeId: newId('vol'),
        Size: size,
        SnapshotId: input.SnapshotId ?? '',
        AvailabilityZone: zone,
        State: 'available',
        CreateTime: nowIso(),
        Attachments: [],
        Encrypted: Boolean(input.Encrypted),
        VolumeType: type,
        ...performance(type, size, input.Iops, input.Throughput),
        MultiAttachEnabled: Boolean(input.MultiAttachEnabled),
        Tags: tagsFor(input.TagSpecifications, 'volume') as Tag[],
      };
      await env.repo.put(scope, 'volume', doc.VolumeId, doc);
      // CreateVolume answers 'creating'; the metadata volume is ready at once.
      return {
        ...doc,
        State: 'creating',
        Attachments: undefined,
        Tags: doc.Tags.length ? doc.Tags : undefined,
      };
    },

    async AttachVolume(input, ctx) {
      const scope = scopeOf(ctx);
      requireParam(input.Device, 'Device');
      const { vol } = await volume(env, scope, input.VolumeId);
      const inst = await mustGet<InstanceDoc>(env, scope, input.InstanceId, 'i', INSTANCE_ERRORS);
      const device: string = input.Device;
      if (!EBS_DEVICE.test(device))
        throw new InvalidParameterValue(
          `Value (${device}) for parameter device is invalid. ${device} is not a valid EBS device name.`,
        );
      if (!vol) throw new VolumeInUse(`${input.VolumeId} is already attached to an instance`);
      if (vol.Attachments.length && !vol.MultiAttachEnabled)
        throw new VolumeInUse(`${vol.VolumeId} is already attached to an instance`);
      if (['terminated', 'shutting-down'].includes(inst.State.Name))
        throw new IncorrectState(`Instance '${inst.InstanceId}' is not 'running'.`);
      if (vol.AvailabilityZone !== inst.Placement.AvailabilityZone)
        throw new InvalidVolumeZoneMismatch(
          `The volume '${vol.VolumeId}' is not in the same availability zone as instance '${inst.InstanceId}'`,
        );
      const used = [
        ...inst.BlockDeviceMappings.map((b) => b.DeviceName),
        ...(await standaloneVolumes(env, scope)).flatMap((v) =>
          v.Attachments.filter((a) => a.InstanceId === inst.InstanceId).map((a) => a.Device),
        ),
      ];
      const bare = (d: string) => d.replace(/^\/dev\//, '');
      if (used.some((d) => bare(d) === bare(device)))
        throw new InvalidParameterValue(
          `Invalid value '${device}' for unixDevice. Attachment point ${device} is already in use`,
        );
      const a: Attachment = {
        InstanceId: inst.InstanceId,
        Device: device,
        AttachTime: nowIso(),
        DeleteOnTermination: false,
        State: 'attached',
        VolumeId: vol.VolumeId,
      };
      vol.Attachments.push(a);
      vol.State = 'in-use';
      await env.repo.put(scope, 'volume', vol.VolumeId, vol);
      return attachmentOut(a);
    },

    async DetachVolume(input, ctx) {
      const scope = scopeOf(ctx);
      const { vol, root } = await volume(env, scope, input.VolumeId);
      if (root) {
        // DetachVolume's reference: a root volume cannot be detached while its instance runs.
        // Stratus keeps root volumes inside their instance and does not detach them at all.
        const id = input.VolumeId as string;
        throw new OperationNotPermitted(
          root.State.Name === 'stopped'
            ? `Detaching the root volume '${id}' of instance '${root.InstanceId}' is not supported by Stratus`
            : `Unable to detach root volume '${id}' from instance '${root.InstanceId}'`,
        );
      }
      if (!vol.Attachments.length)
        throw new IncorrectState(`Volume '${vol.VolumeId}' is in the 'available' state.`);
      const a = vol.Attachments.find(
        (x) =>
          (input.InstanceId === undefined || x.InstanceId === input.InstanceId) &&
          (input.Device === undefined || x.Device === input.Device),
      );
      if (!a)
        throw new InvalidAttachmentNotFound(
          `Attachment point ${input.Device ?? ''} for volume ${vol.VolumeId} of instance ${input.InstanceId ?? ''} not found`,
        );
      vol.Attachments = vol.Attachments.filter((x) => x !== a);
      vol.State = vol.Attachments.length ? 'in-use' : 'available';
      await env.repo.put(scope, 'volume', vol.VolumeId, vol);
      return { ...attachmentOut(a), State: 'detaching' };
    },

    async DeleteVolume(input, ctx) {
      const scope = scopeOf(ctx);
      const { vol, root } = await volume(env, scope, input.VolumeId);
      const owner = root?.InstanceId ?? vol?.Attachments[0]?.InstanceId;
      if (owner) throw new VolumeInUse(`Volume ${input.VolumeId} is currently attached to ${owner}`);
      await env.repo.delete(scope, vol!.VolumeId);
      return {};
    },

    async ModifyVolume(input, ctx) {
      const scope = scopeOf(ctx);
      const { vol } = await volume(env, scope, input.VolumeId);
      if (!vol)
        throw new OperationNotPermitted(
          `Modifying root volume '${input.VolumeId}' is not supported by Stratus`,
        );
      const type: string = input.VolumeType ?? vol.VolumeType;
      const size = Number(input.Size ?? vol.Size);
      // Elastic Volumes only grow (ModifyVolume API reference: a smaller size is refused).
      if (size < vol.Size) throw new InvalidParameterValue(`New size cannot be smaller than existing size`);
      const keepIops = input.VolumeType === undefined || TYPES[type]?.iops ? vol.Iops : undefined;
      const iops = input.Iops ?? (TYPES[type]?.iops ? keepIops : undefined);
      const throughput = type === 'gp3' ? (input.Throughput ?? vol.Throughput) : input.Throughput;
      checkVolume(type, size, iops, throughput);
      const original = { ...vol };
      Object.assign(vol, {
        VolumeType: type,
        Size: size,
        ...performance(type, size, iops, throughput),
      });
      await env.repo.put(scope, 'volume', vol.VolumeId, vol);
      return {
        VolumeModification: {
          VolumeId: vol.VolumeId,
          ModificationState: 'modifying',
          TargetSize: vol.Size,
          TargetVolumeType: vol.VolumeType,
          TargetIops: vol.Iops,
          TargetThroughput: vol.Throughput,
          TargetMultiAttachEnabled: vol.MultiAttachEnabled,
          OriginalSize: original.Size,
          OriginalVolumeType: original.VolumeType,
          OriginalIops: original.Iops,
          OriginalThroughput: original.Throughput,
          OriginalMultiAttachEnabled: original.MultiAttachEnabled,
          Progress: 0,
          StartTime: nowIso(),
        },
      };
    },
  };
}
