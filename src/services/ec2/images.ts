/** DescribeImages over the public catalog and own/shared images; CreateImage, CopyImage, attributes. */
import { AwsError } from '../../errors.ts';
import {
  IncorrectInstanceState,
  InvalidAMIIDMalformed,
  InvalidAMIIDNotFound,
  InvalidAMINameDuplicate,
  InvalidAMINameMalformed,
  InvalidParameterValue,
  InvalidRegion,
  InvalidUserIDMalformed,
} from '../../generated/ec2/errors.ts';
import type { HandlerContext, ServiceHandlers } from '../handler.ts';
import { dryRun, INSTANCE_ERRORS, mustGet, requireParam, scopeOf, tagsFor, type Ec2Env } from './env.ts';
import { describeAll } from './describe.ts';
import { paginate } from './filters.ts';
import { derivedId, newId, nowIso } from './ids.ts';
import { catalogImages, type ImageDoc } from './image-catalog.ts';
import { regionInfo } from './regions.ts';
import type { Scope } from './store.ts';
import type { InstanceDoc } from './instance-model.ts';
import { ebsSettings, volumesOf } from './instance-volumes.ts';

const bdm = (i: ImageDoc) => i.BlockDeviceMappings;
const IMAGE_FILTERS = {
  architecture: (i: ImageDoc) => i.Architecture,
  'block-device-mapping.delete-on-termination': (i: ImageDoc) =>
    bdm(i).map((b) => b.Ebs?.DeleteOnTermination),
  'block-device-mapping.device-name': (i: ImageDoc) => bdm(i).map((b) => b.DeviceName),
  'block-device-mapping.snapshot-id': (i: ImageDoc) => bdm(i).map((b) => b.Ebs?.SnapshotId),
  'block-device-mapping.volume-size': (i: ImageDoc) => bdm(i).map((b) => b.Ebs?.VolumeSize),
  'block-device-mapping.volume-type': (i: ImageDoc) => bdm(i).map((b) => b.Ebs?.VolumeType),
  'block-device-mapping.encrypted': (i: ImageDoc) => bdm(i).map((b) => b.Ebs?.Encrypted),
  'boot-mode': (i: ImageDoc) => i.BootMode,
  'creation-date': (i: ImageDoc) => i.CreationDate,
  description: (i: ImageDoc) => i.Description,
  'ena-support': (i: ImageDoc) => i.EnaSupport,
  'free-tier-eligible': () => 'false',
  hypervisor: (i: ImageDoc) => i.Hypervisor,
  'image-allowed': () => 'true',
  'image-id': (i: ImageDoc) => i.ImageId,
  'image-type': (i: ImageDoc) => i.ImageType,
  'imds-support': (i: ImageDoc) => i.ImdsSupport,
  'is-public': (i: ImageDoc) => i.Public,
  'kernel-id': () => undefined,
  'manifest-location': (i: ImageDoc) => i.ImageLocation,
  name: (i: ImageDoc) => i.Name,
  'owner-alias': (i: ImageDoc) => i.ImageOwnerAlias,
  'owner-id': (i: ImageDoc) => i.OwnerId,
  platform: () => undefined,
  'platform-details': (i: ImageDoc) => i.PlatformDetails,
  'product-code': (i: ImageDoc) => i.ProductCodes.map((p) => p.ProductCodeId),
  'product-code.type': (i: ImageDoc) => i.ProductCodes.map((p) => p.ProductCodeType),
  'ramdisk-id': () => undefined,
  'root-device-name': (i: ImageDoc) => i.RootDeviceName,
  'root-device-type': (i: ImageDoc) => i.RootDeviceType,
  'source-image-id': (i: ImageDoc) => i.SourceImageId,
  'source-image-region': (i: ImageDoc) => i.SourceImageRegion,
  'source-instance-id': (i: ImageDoc) => i._sourceInstanceId,
  'sriov-net-support': (i: ImageDoc) => i.SriovNetSupport,
  state: (i: ImageDoc) => i.State,
  'state-reason-code': (i: ImageDoc) => i.StateReason?.Code,
  'state-reason-message': (i: ImageDoc) => i.StateReason?.Message,
  'usage-operation': (i: ImageDoc) => i.UsageOperation,
  'virtualization-type': (i: ImageDoc) => i.VirtualizationType,
};

const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;

function canLaunch(image: ImageDoc, account: string): boolean {
  return (
    image.OwnerId === account ||
    image._launchPermissions.some((p) => p.Group === 'all' || p.UserId === account)
  );
}

/** Per-account tags on images the account does not own (AWS keeps them per account). */
async function foreignTags(
  env: Ec2Env,
  scope: Scope,
): Promise<Map<string, { Key: string; Value: string }[]>> {
  const docs = await env.repo.list<{ id: string; Tags: { Key: string; Value: string }[] }>(scope, 'meta');
  return new Map(docs.filter((d) => d.id?.startsWith('tags:')).map((d) => [d.id.slice(5), d.Tags]));
}

/** Every image an account may see in a region: the catalog, its own, and those shared with it. */
export async function visibleImages(env: Ec2Env, scope: Scope): Promise<ImageDoc[]> {
  const others = (await env.repo.all<ImageDoc>('image'))
    .filter(
      (f) =>
        f.scope.region === scope.region &&
        (f.scope.account === scope.account || canLaunch(f.doc, scope.account)),
    )
    .map((f) => f.doc);
  const tags = await foreignTags(env, scope);
  return [...catalogImages(scope.region), ...others].map((i) =>
    i.OwnerId !== scope.account && tags.has(i.ImageId) ? { ...i, Tags: tags.get(i.ImageId)! } : i,
  );
}

/** An image the caller may launch, or InvalidAMIID.Malformed / NotFound. */
export async function launchableImage(
  env: Ec2Env,
  scope: Scope,
  imageId: string | undefined,
): Promise<ImageDoc> {
  const id = imageId ?? '';
  if (!AMI_ID.test(id)) throw new InvalidAMIIDMalformed(`Invalid id: "${id}" (expecting "ami-...")`);
  const image = (await visibleImages(env, scope)).find((i) => i.ImageId === id);
  if (!image) throw new InvalidAMIIDNotFound(`The image id '[${id}]' does not exist`);
  return image;
}

async function ownImage(env: Ec2Env, scope: Scope, imageId: string | undefined): Promise<ImageDoc> {
  const image = await launchableImage(env, scope, imageId);
  if (image.OwnerId !== scope.account)
    throw new AwsError('AuthFailure', `Not authorized for image:${image.ImageId}`, 400);
  return image;
}

const NAME = /^[a-zA-Z0-9()[\] ./\-'@_]{3,128}$/;

function checkName(name: string | undefined): string {
  requireParam(name, 'Name');
  if (!NAME.test(name!)) {
    throw new InvalidAMINameMalformed(
      "AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/' and '_'",
    );
  }
  return name!;
}

async function checkUnique(env: Ec2Env, scope: Scope, name: string): Promise<void> {
  const same = (await env.repo.list<ImageDoc>(scope, 'image')).find((i) => i.Name === name);
  if (same) throw new InvalidAMINameDuplicate(`AMI name ${name} is already in use by AMI ${same.ImageId}`);
}

/** CreateImage and CopyImage tag the image, its snapshots, or both. */
const IMAGE_TAGGABLE = ['image', 'snapshot'];

export function imageHandlers(env: Ec2Env, background: (p: Promise<unknown>) => void): ServiceHandlers {
  return {
    async DescribeImages(input, ctx) {
      const scope = scopeOf(ctx);
      let images = await describeAll(input, {
        operation: 'DescribeImages',
        ids: input.ImageIds,
        idsParam: 'imageIds',
        byIds: async (ids) => {
          const bad = ids.find((id) => !AMI_ID.test(id));
          if (bad) throw new InvalidAMIIDMalformed(`Invalid id: "${bad}" (expecting "ami-...")`);
          const visible = await visibleImages(env, scope);
          const missing = ids.filter((id) => !visible.some((i) => i.ImageId === id));
          if (missing.length)
            throw new InvalidAMIIDNotFound(`The image id '[${missing.join(', ')}]' does not exist`);
          return visible.filter((i) => ids.includes(i.ImageId));
        },
        all: () => visibleImages(env, scope),
        fields: IMAGE_FILTERS,
      });
      // Owners and ExecutableUsers only narrow (no errors), so after Filters is the same as before.
      if (input.Owners?.length) {
        const owners: string[] = input.Owners;
        images = images.filter((i) =>
          owners.some((o) =>
            o === 'self'
              ? i.OwnerId === scope.account
              : o === i.OwnerId || (i.ImageOwnerAlias !== undefined && o === i.ImageOwnerAlias),
          ),
        );
      }
      if (input.ExecutableUsers?.length) {
        const users: string[] = input.ExecutableUsers;
        images = images.filter((i) =>
          users.some((u) =>
            u === 'all'
              ? i.Public
              : u === 'self'
                ? i.OwnerId === scope.account || i._launchPermissions.some((p) => p.UserId === scope.account)
                : i._launchPermissions.some((p) => p.UserId === u),
          ),
        );
      }
      const { page, NextToken } = paginate(images, input, { min: 5, max: 1000 });
      return { Images: page, NextToken };
    },

    async CreateImage(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const name = checkName(input.Name);
      const instance = await mustGet<InstanceDoc>(env, scope, input.InstanceId, 'i', INSTANCE_ERRORS);
      if (!['running', 'stopped', 'stopping'].includes(instance.State.Name)) {
        throw new IncorrectInstanceState(
          `The instance '${instance.InstanceId}' is not in a state from which it can be imaged.`,
        );
      }
      await checkUnique(env, scope, name);
      const id = newId('ami');
      const image: ImageDoc = {
        ImageId: id,
        ImageLocation: `${scope.account}/${name}`,
        State: 'pending',
        OwnerId: scope.account,
        CreationDate: nowIso(),
        Public: false,
        ProductCodes: instance._productCodes ?? [],
        Architecture: instance.Architecture,
        ImageType: 'machine',
        Name: name,
        ...(input.Description !== undefined ? { Description: input.Description } : {}),
        RootDeviceName: instance.RootDeviceName,
        RootDeviceType: 'ebs',
        // Every attached EBS volume, each with a new snapshot (gp2's IOPS are not shown for images).
        BlockDeviceMappings: (await volumesOf(env, scope, instance)).map(({ volume, attachment }) => {
          const { Iops, ...rest } = ebsSettings(volume, attachment.DeleteOnTermination);
          return {
            DeviceName: attachment.Device,
            Ebs: { ...rest, ...(volume.VolumeType !== 'gp2' ? { Iops } : {}), SnapshotId: newId('snap') },
          };
        }),
        VirtualizationType: 'hvm',
        Hypervisor: 'xen',
        EnaSupport: true,
        SriovNetSupport: 'simple',
        PlatformDetails: 'Linux/UNIX',
        UsageOperation: 'RunInstances',
        SourceImageId: instance.ImageId,
        SourceImageRegion: scope.region,
        Tags: tagsFor(input.TagSpecifications, 'image', IMAGE_TAGGABLE) as ImageDoc['Tags'],
        _snapshotTags: tagsFor(input.TagSpecifications, 'snapshot', IMAGE_TAGGABLE) as ImageDoc['Tags'],
        _layers: instance._layers,
        _defaultUser: instance._defaultUser,
        _launchPermissions: [],
        _sourceInstanceId: instance.InstanceId,
      };
      await env.repo.put(scope, 'image', id, image);
      background(
        (async () => {
          try {
            const layer = await env.driver.createImage(instance.InstanceId);
            const kept = await env.exclusive(scope, async () => {
              const now = await env.repo.get<ImageDoc>(scope, id);
              if (now)
                await env.repo.put(scope, 'image', id, {
                  ...now,
                  State: 'available',
                  _layers: [...instance._layers, layer],
                });
              return Boolean(now);
            });
            // Deregistered while pending: the layer has no image.
            if (!kept) await env.driver.deleteLayer(layer);
          } catch (e) {
            await env.exclusive(scope, async () => {
              const now = await env.repo.get<ImageDoc>(scope, id);
              if (now)
                await env.repo.put(scope, 'image', id, {
                  ...now,
                  State: 'failed',
                  StateReason: {
                    Code: 'Server.InternalError',
                    Message: `Server.InternalError: ${(e as Error).message}`,
                  },
                });
            });
          }
        })(),
      );
      return { ImageId: id };
    },

    async DeregisterImage(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const image = await ownImage(env, scope, input.ImageId);
      await env.repo.delete(scope, image.ImageId);
      const top = image._layers[image._layers.length - 1];
      const shared = (await env.repo.all<ImageDoc>('image')).some((f) => f.doc._layers.includes(top!));
      if (top && image._layers.length > 1 && !shared) background(env.driver.deleteLayer(top));
      return { Return: true };
    },

    async CopyImage(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      requireParam(input.SourceRegion, 'SourceRegion');
      if (!regionInfo(input.SourceRegion)) throw new InvalidRegion(`Invalid region: ${input.SourceRegion}`);
      const name = checkName(input.Name);
      const source = await launchableImage(
        env,
        { account: scope.account, region: input.SourceRegion },
        input.SourceImageId,
      );
      await checkUnique(env, scope, name);
      const id = input.ClientToken
        ? derivedId('ami', scope.account, scope.region, input.ClientToken)
        : newId('ami');
      const existing = await env.repo.get<ImageDoc>(scope, id);
      if (existing) return { ImageId: id };
      const copy: ImageDoc = {
        ...source,
        ImageId: id,
        ImageLocation: `${scope.account}/${name}`,
        Name: name,
        Description: input.Description ?? source.Description,
        State: 'pending',
        OwnerId: scope.account,
        CreationDate: nowIso(),
        Public: false,
        ImageOwnerAlias: undefined,
        SourceImageId: source.ImageId,
        SourceImageRegion: input.SourceRegion,
        BlockDeviceMappings: source.BlockDeviceMappings.map((b) =>
          b.Ebs ? { ...b, Ebs: { ...b.Ebs, SnapshotId: newId('snap') } } : b,
        ),
        Tags: tagsFor(input.TagSpecifications, 'image', IMAGE_TAGGABLE) as ImageDoc['Tags'],
        _snapshotTags: tagsFor(input.TagSpecifications, 'snapshot', IMAGE_TAGGABLE) as ImageDoc['Tags'],
        _launchPermissions: [],
      };
      await env.repo.put(scope, 'image', id, copy);
      background(
        (async () => {
          await new Promise((r) => setTimeout(r, 200));
          await env.exclusive(scope, async () => {
            const now = await env.repo.get<ImageDoc>(scope, id);
            if (now) await env.repo.put(scope, 'image', id, { ...now, State: 'available' });
          });
        })(),
      );
      return { ImageId: id };
    },

    async DescribeImageAttribute(input, ctx: HandlerContext) {
      const scope = scopeOf(ctx);
      const image = await launchableImage(env, scope, input.ImageId);
      const out: Record<string, unknown> = { ImageId: image.ImageId };
      switch (input.Attribute) {
        case 'launchPermission':
          if (image.OwnerId !== scope.account)
            throw new AwsError('AuthFailure', `Not authorized for image:${image.ImageId}`, 400);
          out.LaunchPermissions = image._launchPermissions;
          break;
        case 'description':
          out.Description = image.Description !== undefined ? { Value: image.Description } : {};
          break;
        case 'productCodes':
          out.ProductCodes = image.ProductCodes;
          break;
        case 'blockDeviceMapping':
          out.BlockDeviceMappings = image.BlockDeviceMappings;
          break;
        case 'sriovNetSupport':
          out.SriovNetSupport = { Value: image.SriovNetSupport };
          break;
        case 'bootMode':
          out.BootMode = image.BootMode ? { Value: image.BootMode } : {};
          break;
        case 'imdsSupport':
          out.ImdsSupport = image.ImdsSupport ? { Value: image.ImdsSupport } : {};
          break;
        case 'kernel':
        case 'ramdisk':
          out[input.Attribute === 'kernel' ? 'KernelId' : 'RamdiskId'] = {};
          break;
        default:
          out.LastLaunchedTime = {};
      }
      return out;
    },

    async ModifyImageAttribute(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const image = await ownImage(env, scope, input.ImageId);
      if (input.Description?.Value !== undefined) image.Description = input.Description.Value;
      else if (input.Attribute === 'description' && input.Value !== undefined)
        image.Description = input.Value;
      const add: { UserId?: string; Group?: string }[] = [...(input.LaunchPermission?.Add ?? [])];
      const remove: { UserId?: string; Group?: string }[] = [...(input.LaunchPermission?.Remove ?? [])];
      if (input.Attribute === 'launchPermission' || input.UserIds?.length || input.UserGroups?.length) {
        const list = [
          ...(input.UserIds ?? []).map((UserId: string) => ({ UserId })),
          ...(input.UserGroups ?? []).map((Group: string) => ({ Group })),
        ];
        if (input.OperationType === 'remove') remove.push(...list);
        else add.push(...list);
      }
      for (const p of [...add, ...remove]) {
        if (p.UserId !== undefined && !/^\d{12}$/.test(p.UserId))
          throw new InvalidUserIDMalformed(`User ID '${p.UserId}' is invalid`);
        if (p.Group !== undefined && p.Group !== 'all')
          throw new InvalidParameterValue(`Invalid value '${p.Group}' for group. Supported values: all`);
      }
      const same = (a: { UserId?: string; Group?: string }, b: { UserId?: string; Group?: string }) =>
        a.UserId === b.UserId && a.Group === b.Group;
      let perms = image._launchPermissions.filter((p) => !remove.some((r) => same(p, r)));
      for (const a of add)
        if (!perms.some((p) => same(p, a)))
          perms = [...perms, a.UserId ? { UserId: a.UserId } : { Group: a.Group! }];
      image._launchPermissions = perms;
      image.Public = perms.some((p) => p.Group === 'all');
      await env.repo.put(scope, 'image', image.ImageId, image);
      return {};
    },

    async ResetImageAttribute(input, ctx) {
      const scope = scopeOf(ctx);
      const image = await ownImage(env, scope, input.ImageId);
      image._launchPermissions = [];
      image.Public = false;
      await env.repo.put(scope, 'image', image.ImageId, image);
      return {};
    },
  };
}
