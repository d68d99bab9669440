/**
 * Views derived from instances and images that automation reads (Terraform's aws_instance reads
 * all of them): DescribeVolumes (root and CreateVolume'd volumes, joined in instance-volumes.ts),
 * DescribeSnapshots (image snapshots), DescribeInstanceCreditSpecifications and
 * DescribeAccountAttributes.
 */
import { InvalidSnapshotNotFound, InvalidVolumeNotFound } from '../../generated/ec2/errors.ts';
import type { ServiceHandlers } from '../handler.ts';
import { scopeOf, type Ec2Env } from './env.ts';
import { describePage, listed } from './describe.ts';
import { visibleImages } from './images.ts';
import { liveInstances } from './instance-lookup.ts';
import { defaultVpcId } from './security-groups.ts';
import { allVolumes } from './instance-volumes.ts';

export function volumeHandlers(env: Ec2Env): ServiceHandlers {
  return {
    async DescribeVolumes(input, ctx) {
      const scope = scopeOf(ctx);
      const all = await allVolumes(env, scope, await liveInstances(env, scope));
      const { page, NextToken } = await describePage(input, {
        operation: 'DescribeVolumes',
        ids: input.VolumeIds,
        ...listed(
          all,
          (v) => v.VolumeId,
          (id) => new InvalidVolumeNotFound(`The volume '${id}' does not exist.`),
        ),
        fields: {
          'attachment.instance-id': (v) => v.Attachments.map((a) => a.InstanceId),
          'attachment.device': (v) => v.Attachments.map((a) => a.Device),
          'attachment.status': (v) => v.Attachments.map((a) => a.State),
          'attachment.delete-on-termination': (v) => v.Attachments.map((a) => a.DeleteOnTermination),
          'availability-zone': (v) => v.AvailabilityZone,
          encrypted: (v) => v.Encrypted,
          size: (v) => v.Size,
          status: (v) => v.State,
          'volume-id': (v) => v.VolumeId,
          'volume-type': (v) => v.VolumeType,
          'attachment.attach-time': (v) => v.Attachments.map((a) => a.AttachTime),
          'create-time': (v) => v.CreateTime,
          'multi-attach-enabled': (v) => v.MultiAttachEnabled,
          'snapshot-id': (v) => v.SnapshotId,
          'fast-restored': () => false,
        },
        maxResults: { min: 5, max: 500 },
      });
      return { Volumes: page, NextToken };
    },

    async DescribeSnapshots(input, ctx) {
      const scope = scopeOf(ctx);
      const images = (await visibleImages(env, scope)).filter((i) => i.OwnerId === scope.account);
      const snaps = images.flatMap((i) =>
        i.BlockDeviceMappings.filter((b) => b.Ebs?.SnapshotId).map((b) => ({
          SnapshotId: String(b.Ebs!.SnapshotId),
          VolumeId: 'vol-ffffffff',
          State: i.State === 'available' ? 'completed' : 'pending',
          StartTime: i.CreationDate,
          Progress: i.State === 'available' ? '100%' : '0%',
          OwnerId: i.OwnerId,
          Description: `Created by CreateImage(${i._sourceInstanceId ?? ''}) for ${i.ImageId}`,
          VolumeSize: Number(b.Ebs!.VolumeSize ?? 8),
          Encrypted: Boolean(b.Ebs!.Encrypted),
          StorageTier: 'standard',
          Tags: i._snapshotTags ?? [],
        })),
      );
      const { page, NextToken } = await describePage(input, {
        operation: 'DescribeSnapshots',
        ids: input.SnapshotIds,
        ...listed(
          snaps,
          (s) => s.SnapshotId,
          (id) => new InvalidSnapshotNotFound(`The snapshot '${id}' does not exist.`),
        ),
        fields: {
          'snapshot-id': (s) => s.SnapshotId,
          'owner-id': (s) => s.OwnerId,
          status: (s) => s.State,
          description: (s) => s.Description,
          'volume-size': (s) => s.VolumeSize,
          encrypted: (s) => s.Encrypted,
          'volume-id': (s) => s.VolumeId,
          'start-time': (s) => s.StartTime,
          progress: (s) => s.Progress,
          'storage-tier': (s) => s.StorageTier,
        },
        maxResults: { min: 5, max: 1000 },
      });
      return { Snapshots: page, NextToken };
    },

    async DescribeInstanceCreditSpecifications(input, ctx) {
      const scope = scopeOf(ctx);
      let instances = (await liveInstances(env, scope)).filter(
        (i) => /^t\d/.test(i.InstanceType) && i.State.Name !== 'terminated',
      );
      if (input.InstanceIds?.length)
        instances = instances.filter((i) => input.InstanceIds.includes(i.InstanceId));
      return {
        InstanceCreditSpecifications: instances.map((i) => ({
          InstanceId: i.InstanceId,
          CpuCredits: i.InstanceType.startsWith('t2') ? 'standard' : 'unlimited',
        })),
      };
    },

    async DescribeAccountAttributes(input, ctx) {
      const scope = scopeOf(ctx);
      const values: Record<string, string[]> = {
        'supported-platforms': ['VPC'],
        'default-vpc': [(await defaultVpcId(env, scope)) ?? 'none'],
        'max-instances': ['20'],
        'vpc-max-security-groups-per-interface': ['5'],
        'max-elastic-ips': ['5'],
        'vpc-max-elastic-ips': ['5'],
      };
      const names: string[] = input.AttributeNames?.length ? input.AttributeNames : Object.keys(values);
      return {
        AccountAttributes: names
          .filter((n) => values[n])
          .map((n) => ({
            AttributeName: n,
            AttributeValues: values[n]!.map((v) => ({ AttributeValue: v })),
          })),
      };
    },
  };
}
