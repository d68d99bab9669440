/** CreateTags / DeleteTags / DescribeTags across every taggable resource kind. */
import { AwsError } from '../../errors.ts';
import {
  InvalidAMIIDNotFound,
  InvalidGroupNotFound,
  InvalidID,
  InvalidKeyPairNotFound,
  InvalidSecurityGroupRuleIdNotFound,
  InvalidSnapshotNotFound,
  InvalidVolumeNotFound,
} from '../../generated/ec2/errors.ts';
import type { Tag } from '../../generated/ec2/types.ts';
import type { ServiceHandlers } from '../handler.ts';
import { dryRun, requireParam, scopeOf, validateTags, type Ec2Env } from './env.ts';
import { applyFilters, paginate } from './filters.ts';
import type { ImageDoc } from './image-catalog.ts';
import { visibleImages } from './images.ts';
import type { InstanceDoc } from './instance-model.ts';
import { attachedIds, ownerOf, snapshotImage } from './resource-tags.ts';
import type { VolumeDoc } from './ebs-volumes.ts';
import type { GroupDoc } from './sg-rules.ts';
import type { Kind, Scope } from './store.ts';

interface Target {
  prefix: string;
  kind: Kind;
  type: string;
  notFound: (id: string) => AwsError;
}

const nf = (code: string, what: string) => (id: string) =>
  new AwsError(code, `The ${what} ID '${id}' does not exist`);

const TARGETS: Target[] = [
  { prefix: 'i', kind: 'instance', type: 'instance', notFound: nf('InvalidInstanceID.NotFound', 'instance') },
  { prefix: 'vpc', kind: 'vpc', type: 'vpc', notFound: nf('InvalidVpcID.NotFound', 'vpc') },
  { prefix: 'subnet', kind: 'subnet', type: 'subnet', notFound: nf('InvalidSubnetID.NotFound', 'subnet') },
  {
    prefix: 'sg',
    kind: 'sg',
    type: 'security-group',
    notFound: (id) => new InvalidGroupNotFound(`The security group '${id}' does not exist`),
  },
  {
    prefix: 'igw',
    kind: 'igw',
    type: 'internet-gateway',
    notFound: nf('InvalidInternetGatewayID.NotFound', 'internetGateway'),
  },
  {
    prefix: 'rtb',
    kind: 'rtb',
    type: 'route-table',
    notFound: nf('InvalidRouteTableID.NotFound', 'routeTable'),
  },
  {
    prefix: 'acl',
    kind: 'acl',
    type: 'network-acl',
    notFound: nf('InvalidNetworkAclID.NotFound', 'networkAcl'),
  },
  {
    prefix: 'dopt',
    kind: 'dopt',
    type: 'dhcp-options',
    notFound: nf('InvalidDhcpOptionID.NotFound', 'dhcpOption'),
  },
  {
    prefix: 'key',
    kind: 'key',
    type: 'key-pair',
    notFound: (id) => new InvalidKeyPairNotFound(`The key pair '${id}' does not exist`),
  },
  {
    prefix: 'ami',
    kind: 'image',
    type: 'image',
    notFound: (id) => new InvalidAMIIDNotFound(`The image id '[${id}]' does not exist`),
  },
  {
    prefix: 'vol',
    kind: 'volume',
    type: 'volume',
    notFound: (id) => new InvalidVolumeNotFound(`The volume '${id}' does not exist.`),
  },
  {
    prefix: 'eni',
    kind: 'eni',
    type: 'network-interface',
    notFound: nf('InvalidNetworkInterfaceID.NotFound', 'networkInterface'),
  },
  {
    prefix: 'snap',
    kind: 'image',
    type: 'snapshot',
    notFound: (id) => new InvalidSnapshotNotFound(`The snapshot '${id}' does not exist.`),
  },
  {
    prefix: 'lt',
    kind: 'lt',
    type: 'launch-template',
    notFound: (id) =>
      new AwsError(
        'InvalidLaunchTemplateId.NotFound',
        `The specified launch template, with template ID ${id}, does not exist.`,
      ),
  },
  {
    prefix: 'eipalloc',
    kind: 'eip',
    type: 'elastic-ip',
    notFound: (id) =>
      new AwsError('InvalidAllocationID.NotFound', `The allocation ID '${id}' does not exist`),
  },
  {
    prefix: 'nat',
    kind: 'nat',
    type: 'natgateway',
    notFound: (id) => new AwsError('NatGatewayNotFound', `NAT gateway ${id} was not found`),
  },
  {
    prefix: 'sgr',
    kind: 'sg',
    type: 'security-group-rule',
    notFound: (id) =>
      new InvalidSecurityGroupRuleIdNotFound(`The security group rule ID '${id}' does not exist`),
  },
];

function targetOf(id: string): Target {
  const prefix = id.slice(0, id.indexOf('-'));
  const t = TARGETS.find((x) => x.prefix === prefix);
  if (!t || !/^[a-z]+-[0-9a-f]{8,17}$/.test(id)) throw new InvalidID(`The ID '${id}' is not valid`);
  return t;
}

function merge(existing: Tag[], add: Tag[]): Tag[] {
  const out = existing.map((t) => ({ ...t }));
  for (const t of add) {
    const e = out.find((x) => x.Key === t.Key);
    if (e) e.Value = t.Value ?? '';
    else out.push({ Key: t.Key, Value: t.Value ?? '' });
  }
  return out;
}

function remove(existing: Tag[], del: Tag[] | undefined): Tag[] {
  if (!del?.length) return [];
  return existing.filter(
    (t) => !del.some((d) => d.Key === t.Key && (d.Value === undefined || d.Value === t.Value)),
  );
}

/** Applies fn to the tags of one resource, wherever they live. */
async function editTags(env: Ec2Env, scope: Scope, id: string, fn: (tags: Tag[]) => Tag[]): Promise<void> {
  const t = targetOf(id);
  if (t.prefix === 'sgr') {
    const group = (await env.repo.list<GroupDoc>(scope, 'sg')).find((g) =>
      g._rules.some((r) => r.SecurityGroupRuleId === id),
    );
    if (!group) throw t.notFound(id);
    const rule = group._rules.find((r) => r.SecurityGroupRuleId === id)!;
    rule.Tags = fn(rule.Tags) as GroupDoc['Tags'];
    await env.repo.put(scope, 'sg', group.GroupId, group);
    return;
  }
  if (t.prefix === 'snap') {
    // A snapshot's tags live in the image it was made for (volumes.ts lists them from there).
    const image = await snapshotImage(env.repo, scope, id);
    if (!image) throw t.notFound(id);
    image._snapshotTags = fn(image._snapshotTags ?? []) as ImageDoc['Tags'];
    await env.repo.put(scope, 'image', image.ImageId, image);
    return;
  }
  const kind = t.kind;
  const standalone = kind === 'volume' ? await env.repo.get<VolumeDoc>(scope, id) : undefined;
  if (standalone) {
    // Volumes made with CreateVolume keep their tags in their own document.
    standalone.Tags = fn(standalone.Tags);
    await env.repo.put(scope, 'volume', id, standalone);
    return;
  }
  if (kind === 'volume' || kind === 'eni') {
    // Volumes and interfaces live inside their instance's document (see run-instances.ts).
    const field = kind === 'volume' ? '_volumeTags' : '_eniTags';
    const owner = await ownerOf(env.repo, scope, kind, id);
    if (!owner) throw t.notFound(id);
    owner[field] = { ...owner[field], [id]: fn(owner[field]?.[id] ?? []) as InstanceDoc['Tags'] };
    await env.repo.put(scope, 'instance', owner.InstanceId, owner);
    return;
  }
  const doc = await env.repo.get<{ Tags?: Tag[] }>(scope, id);
  if (doc) {
    doc.Tags = fn(doc.Tags ?? []);
    await env.repo.put(scope, t.kind, id, doc);
    return;
  }
  if (t.kind === 'image' && (await visibleImages(env, scope)).some((i) => i.ImageId === id)) {
    // Tags on someone else's (or a public) image are the tagging account's own.
    const metaId = `tags:${id}`;
    const meta = (await env.repo.get<{ id: string; Tags: Tag[] }>(scope, metaId)) ?? { id: metaId, Tags: [] };
    meta.Tags = fn(meta.Tags);
    await env.repo.put(scope, 'meta', metaId, meta);
    return;
  }
  throw t.notFound(id);
}

interface TagRow {
  Key: string;
  Value: string;
  ResourceId: string;
  ResourceType: string;
  /** The row as its own tag list, so `tag:KEY` filters apply. */
  Tags?: Tag[];
}

export function tagHandlers(env: Ec2Env): ServiceHandlers {
  return {
    async CreateTags(input, ctx) {
      dryRun(input);
      requireParam(input.Resources?.length ? 1 : undefined, 'ResourceId.1');
      const scope = scopeOf(ctx);
      const tags: Tag[] = input.Tags ?? [];
      validateTags(tags);
      for (const id of input.Resources as string[]) targetOf(id);
      for (const id of input.Resources as string[]) {
        await editTags(env, scope, id, (existing) => {
          const merged = merge(existing, tags);
          validateTags(merged);
          return merged;
        });
      }
      return {};
    },

    async DeleteTags(input, ctx) {
      dryRun(input);
      requireParam(input.Resources?.length ? 1 : undefined, 'ResourceId.1');
      const scope = scopeOf(ctx);
      for (const id of input.Resources as string[])
        await editTags(env, scope, id, (existing) =>
          input.Tags?.length ? remove(existing, input.Tags) : [],
        );
      return {};
    },

    async DescribeTags(input, ctx) {
      const scope = scopeOf(ctx);
      const rows: TagRow[] = [];
      for (const t of TARGETS) {
        if (['sgr', 'ami', 'vol', 'eni', 'snap'].includes(t.prefix)) continue;
        for (const doc of await env.repo.list<Record<string, unknown> & { Tags?: Tag[] }>(scope, t.kind)) {
          const id = String(doc[idField(t.kind)]);
          for (const tag of doc.Tags ?? [])
            rows.push({ Key: tag.Key!, Value: tag.Value ?? '', ResourceId: id, ResourceType: t.type });
        }
      }
      for (const g of await env.repo.list<GroupDoc>(scope, 'sg')) {
        for (const r of g._rules)
          for (const tag of r.Tags)
            rows.push({
              Key: tag.Key!,
              Value: tag.Value ?? '',
              ResourceId: r.SecurityGroupRuleId,
              ResourceType: 'security-group-rule',
            });
      }
      for (const i of await env.repo.list<InstanceDoc>(scope, 'instance')) {
        if (i.State.Name === 'terminated') continue;
        for (const [kind, field, type] of [
          ['volume', '_volumeTags', 'volume'],
          ['eni', '_eniTags', 'network-interface'],
        ] as const)
          for (const id of attachedIds(i, kind))
            for (const tag of i[field]?.[id] ?? [])
              rows.push({ Key: tag.Key, Value: tag.Value, ResourceId: id, ResourceType: type });
      }
      for (const v of await env.repo.list<VolumeDoc>(scope, 'volume'))
        for (const tag of v.Tags)
          rows.push({
            Key: tag.Key!,
            Value: tag.Value ?? '',
            ResourceId: v.VolumeId,
            ResourceType: 'volume',
          });
      for (const i of await env.repo.list<ImageDoc>(scope, 'image'))
        for (const b of i.BlockDeviceMappings)
          for (const tag of b.Ebs?.SnapshotId ? (i._snapshotTags ?? []) : [])
            rows.push({
              Key: tag.Key,
              Value: tag.Value,
              ResourceId: String(b.Ebs!.SnapshotId),
              ResourceType: 'snapshot',
            });
      for (const i of await visibleImages(env, scope)) {
        for (const tag of i.Tags)
          rows.push({ Key: tag.Key, Value: tag.Value, ResourceId: i.ImageId, ResourceType: 'image' });
      }
      for (const r of rows) r.Tags = [{ Key: r.Key, Value: r.Value }];
      const filtered = applyFilters(
        rows,
        input.Filters,
        {
          key: (r) => r.Key,
          value: (r) => r.Value,
          'resource-id': (r) => r.ResourceId,
          'resource-type': (r) => r.ResourceType,
        },
        'DescribeTags',
      );
      const { page, NextToken } = paginate(filtered, input, { min: 5, max: 1000 });
      return { Tags: page, NextToken };
    },
  };
}

function idField(kind: Kind): string {
  switch (kind) {
    case 'instance':
      return 'InstanceId';
    case 'vpc':
      return 'VpcId';
    case 'subnet':
      return 'SubnetId';
    case 'sg':
      return 'GroupId';
    case 'igw':
      return 'InternetGatewayId';
    case 'rtb':
      return 'RouteTableId';
    case 'acl':
      return 'NetworkAclId';
    case 'dopt':
      return 'DhcpOptionsId';
    case 'key':
      return 'KeyPairId';
    case 'lt':
      return 'LaunchTemplateId';
    case 'eip':
      return 'AllocationId';
    case 'nat':
      return 'NatGatewayId';
    default:
      return 'ImageId';
  }
}
