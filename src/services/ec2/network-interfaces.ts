/**
 * DescribeNetworkInterfaces: the instances' interfaces (each instance has its primary ENI) and
 * NAT gateways' requester-managed ones.
 */
import { InvalidNetworkInterfaceIDNotFound } from '../../generated/ec2/errors.ts';
import type { ServiceHandlers } from '../handler.ts';
import { scopeOf, type Ec2Env } from './env.ts';
import { describePage, listed } from './describe.ts';
import { liveInstances } from './instance-lookup.ts';
import { natGateways, natInterfaces } from './nat-model.ts';

export function networkInterfaceHandlers(env: Ec2Env): ServiceHandlers {
  return {
    async DescribeNetworkInterfaces(input, ctx) {
      const scope = scopeOf(ctx);
      const docs = (await liveInstances(env, scope)).filter((d) => d.State.Name !== 'terminated');
      const enis: Record<string, any>[] = docs.flatMap((d) =>
        d.NetworkInterfaces.map((n) => ({
          ...n,
          Attachment: { ...n.Attachment, InstanceId: d.InstanceId, InstanceOwnerId: scope.account },
          AvailabilityZone: d.Placement.AvailabilityZone,
          AvailabilityZoneId: d.Placement.AvailabilityZoneId,
          RequesterManaged: false,
          TagSet: d._eniTags?.[n.NetworkInterfaceId] ?? [],
        })),
      );
      enis.push(...natInterfaces(await natGateways(env.repo, scope), scope));
      const { page, NextToken } = await describePage(input, {
        operation: 'DescribeNetworkInterfaces',
        ids: input.NetworkInterfaceIds,
        ...listed(
          enis,
          (e) => e.NetworkInterfaceId,
          (id) => new InvalidNetworkInterfaceIDNotFound(`The networkInterface ID '${id}' does not exist`),
        ),
        fields: {
          'network-interface-id': (e) => e.NetworkInterfaceId,
          'attachment.instance-id': (e) => e.Attachment.InstanceId,
          'attachment.status': (e) => e.Attachment.Status,
          'availability-zone': (e) => e.AvailabilityZone,
          'group-id': (e) => e.Groups.map((g: { GroupId: string }) => g.GroupId),
          'mac-address': (e) => e.MacAddress,
          'owner-id': (e) => e.OwnerId,
          'private-ip-address': (e) => e.PrivateIpAddress,
          'private-dns-name': (e) => e.PrivateDnsName,
          'association.public-ip': (e) => e.Association?.PublicIp,
          status: (e) => e.Status,
          'subnet-id': (e) => e.SubnetId,
          'vpc-id': (e) => e.VpcId,
          'interface-type': (e) => e.InterfaceType,
          description: (e) => e.Description,
          'requester-managed': (e) => e.RequesterManaged,
          'source-dest-check': (e) => e.SourceDestCheck,
          'availability-zone-id': (e) => e.AvailabilityZoneId,
          'attachment.attachment-id': (e) => e.Attachment.AttachmentId,
          'attachment.attach-time': (e) => e.Attachment.AttachTime,
          'attachment.delete-on-termination': (e) => e.Attachment.DeleteOnTermination,
          'attachment.device-index': (e) => e.Attachment.DeviceIndex,
          'attachment.instance-owner-id': (e) => e.Attachment.InstanceOwnerId,
          'addresses.private-ip-address': (e) => e.PrivateIpAddresses.map((p: any) => p.PrivateIpAddress),
          'addresses.primary': (e) => e.PrivateIpAddresses.map((p: any) => p.Primary),
          'addresses.association.public-ip': (e) =>
            e.PrivateIpAddresses.map((p: any) => p.Association?.PublicIp),
          'addresses.association.owner-id': (e) =>
            e.PrivateIpAddresses.map((p: any) => p.Association?.IpOwnerId),
          'association.public-dns-name': (e) => e.Association?.PublicDnsName,
          'association.ip-owner-id': (e) => e.Association?.IpOwnerId,
          'association.allocation-id': (e) => e.Association?.AllocationId,
          'association.association-id': (e) => e.Association?.AssociationId,
        },
        maxResults: { min: 5, max: 1000 },
      });
      return { NetworkInterfaces: page, NextToken };
    },
  };
}
