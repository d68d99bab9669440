/**
 * The tags of a resource by id, wherever Stratus keeps them: most kinds in their own document;
 * volumes and network interfaces in their instance's, snapshots in their image's, security group
 * rules in their group's, and an account's tags on images it does not own in a `tags:` meta
 * document. IAM reads these
 * as ec2:ResourceTag / aws:ResourceTag.
 */
import type { ImageDoc } from './image-catalog.ts';
import type { InstanceDoc } from './instance-model.ts';
import type { GroupDoc } from './sg-rules.ts';
import type { Ec2Repository, Scope } from './store.ts';

export type TagList = { Key?: string; Value?: string }[];

/** The ids of an instance's volumes or network interfaces. */
export function attachedIds(i: InstanceDoc, kind: 'volume' | 'eni'): string[] {
  return kind === 'volume'
    ? i.BlockDeviceMappings.map((b) => b.Ebs.VolumeId)
    : i.NetworkInterfaces.map((n) => String(n.NetworkInterfaceId));
}

/** The live instance a volume or network interface belongs to. */
export async function ownerOf(
  repo: Ec2Repository,
  scope: Scope,
  kind: 'volume' | 'eni',
  id: string,
): Promise<InstanceDoc | undefined> {
  return (await repo.list<InstanceDoc>(scope, 'instance')).find(
    (i) => i.State.Name !== 'terminated' && attachedIds(i, kind).includes(id),
  );
}

/** The account's own image a snapshot was made for (CreateImage, CopyImage). */
export async function snapshotImage(
  repo: Ec2Repository,
  scope: Scope,
  id: string,
): Promise<ImageDoc | undefined> {
  return (await repo.list<ImageDoc>(scope, 'image')).find((i) =>
    i.BlockDeviceMappings.some((b) => b.Ebs?.SnapshotId === id),
  );
}

/** The resource's tags; none for a resource that does not exist. */
export async function resourceTags(repo: Ec2Repository, scope: Scope, id: string): Promise<TagList> {
  // A volume made with CreateVolume keeps its own tags; root volumes' are in their instance.
  const standalone = id.startsWith('vol-') ? await repo.get<{ Tags?: TagList }>(scope, id) : undefined;
  if (standalone) return standalone.Tags ?? [];
  if (id.startsWith('vol-') || id.startsWith('eni-')) {
    const kind = id.startsWith('vol-') ? 'volume' : 'eni';
    const owner = await ownerOf(repo, scope, kind, id);
    return (kind === 'volume' ? owner?._volumeTags : owner?._eniTags)?.[id] ?? [];
  }
  if (id.startsWith('snap-')) return (await snapshotImage(repo, scope, id))?._snapshotTags ?? [];
  if (id.startsWith('sgr-')) {
    for (const g of await repo.list<GroupDoc>(scope, 'sg')) {
      const rule = g._rules.find((r) => r.SecurityGroupRuleId === id);
      if (rule) return rule.Tags;
    }
    return [];
  }
  const doc = await repo.get<{ Tags?: TagList }>(scope, id);
  if (doc) return doc.Tags ?? [];
  if (id.startsWith('ami-')) return (await repo.get<{ Tags: TagList }>(scope, `tags:${id}`))?.Tags ?? [];
  return [];
}

/** A key pair's tags by its name (IAM names key pairs by name in their ARN). */
export async function keyPairTags(repo: Ec2Repository, scope: Scope, name: string): Promise<TagList> {
  const key = (await repo.list<{ KeyName: string; Tags?: TagList }>(scope, 'key')).find(
    (k) => k.KeyName === name,
  );
  return key?.Tags ?? [];
}
