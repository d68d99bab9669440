/**
 * DescribeInstances' documented filter names with data here; the other documented ones (platform:
 * Linux images only; spot, capacity reservations, outposts...) match nothing (documented-filters.ts).
 */
import type { InstanceDoc } from './instance-model.ts';

const nics = (i: InstanceDoc) => i.NetworkInterfaces;
const meta = (i: InstanceDoc) => (i.MetadataOptions ?? {}) as Record<string, unknown>;

export const INSTANCE_FILTERS: Record<string, (i: InstanceDoc) => unknown> = {
  affinity: () => undefined,
  architecture: (i) => i.Architecture,
  'availability-zone': (i) => i.Placement.AvailabilityZone,
  'availability-zone-id': (i) => i.Placement.AvailabilityZoneId,
  'block-device-mapping.attach-time': (i) => i.BlockDeviceMappings.map((b) => b.Ebs.AttachTime),
  'block-device-mapping.delete-on-termination': (i) =>
    i.BlockDeviceMappings.map((b) => b.Ebs.DeleteOnTermination),
  'block-device-mapping.device-name': (i) => i.BlockDeviceMappings.map((b) => b.DeviceName),
  'block-device-mapping.status': (i) => i.BlockDeviceMappings.map((b) => b.Ebs.Status),
  'block-device-mapping.volume-id': (i) => i.BlockDeviceMappings.map((b) => b.Ebs.VolumeId),
  'boot-mode': (i) => i.BootMode,
  'client-token': (i) => i.ClientToken,
  'current-instance-boot-mode': (i) => i.CurrentInstanceBootMode,
  'dns-name': (i) => i.PublicDnsName,
  'ebs-optimized': (i) => i.EbsOptimized,
  'ena-support': (i) => i.EnaSupport,
  'hibernation-options.configured': () => false,
  'host-id': () => undefined,
  hypervisor: (i) => i.Hypervisor,
  'iam-instance-profile.arn': (i) => i.IamInstanceProfile?.Arn,
  'iam-instance-profile.id': (i) => i.IamInstanceProfile?.Id,
  'image-id': (i) => i.ImageId,
  'instance-id': (i) => i.InstanceId,
  'instance-lifecycle': () => undefined,
  'instance-state-code': (i) => i.State.Code,
  'instance-state-name': (i) => i.State.Name,
  'instance-type': (i) => i.InstanceType,
  'instance.group-id': (i) => i.SecurityGroups.map((g) => g.GroupId),
  'instance.group-name': (i) => i.SecurityGroups.map((g) => g.GroupName),
  'group-id': (i) => i.SecurityGroups.map((g) => g.GroupId),
  'group-name': (i) => i.SecurityGroups.map((g) => g.GroupName),
  'ip-address': (i) => i.PublicIpAddress,
  'key-name': (i) => i.KeyName,
  'launch-index': (i) => i.AmiLaunchIndex,
  'launch-time': (i) => i.LaunchTime,
  'metadata-options.http-tokens': (i) => (i.MetadataOptions as Record<string, unknown>)?.HttpTokens,
  'metadata-options.http-put-response-hop-limit': (i) =>
    (i.MetadataOptions as Record<string, unknown>)?.HttpPutResponseHopLimit,
  'metadata-options.http-endpoint': (i) => (i.MetadataOptions as Record<string, unknown>)?.HttpEndpoint,
  'monitoring-state': (i) => i.Monitoring.State,
  'network-interface.private-ip-address': (i) => nics(i).map((n) => n.PrivateIpAddress),
  'network-interface.description': (i) => nics(i).map((n) => n.Description),
  'network-interface.availability-zone': (i) => (nics(i).length ? i.Placement.AvailabilityZone : undefined),
  'network-interface.requester-managed': (i) => nics(i).map(() => false),
  'network-interface.attachment.instance-id': (i) => (nics(i).length ? i.InstanceId : undefined),
  'network-interface.attachment.instance-owner-id': (i) => nics(i).map((n) => n.OwnerId),
  'network-interface.attachment.attach-time': (i) => nics(i).map((n) => n.Attachment?.AttachTime),
  'network-interface.attachment.delete-on-termination': (i) =>
    nics(i).map((n) => n.Attachment?.DeleteOnTermination),
  'network-interface.association.public-dns-name': (i) => nics(i).map((n) => n.Association?.PublicDnsName),
  'network-interface.association.ip-owner-id': (i) => nics(i).map((n) => n.Association?.IpOwnerId),
  'network-interface.addresses.association.public-dns-name': (i) =>
    nics(i).map((n) => n.Association?.PublicDnsName),
  'network-interface.addresses.association.ip-owner-id': (i) => nics(i).map((n) => n.Association?.IpOwnerId),
  'metadata-options.state': (i) => meta(i).State,
  'metadata-options.http-protocol-ipv6': (i) => meta(i).HttpProtocolIpv6,
  'metadata-options.instance-metadata-tags': (i) => meta(i).InstanceMetadataTags,
  'enclave-options.enabled': () => false,
  'maintenance-options.auto-recovery': (i) =>
    (i.MaintenanceOptions as { AutoRecovery?: string })?.AutoRecovery,
  'private-dns-name-options.hostname-type': (i) =>
    (i.PrivateDnsNameOptions as { HostnameType?: string })?.HostnameType,
  'private-dns-name-options.enable-resource-name-dns-a-record': () => false,
  'private-dns-name-options.enable-resource-name-dns-aaaa-record': () => false,
  'usage-operation-update-time': (i) => i.UsageOperationUpdateTime,
  'network-interface.addresses.private-ip-address': (i) =>
    nics(i).flatMap((n) =>
      (n.PrivateIpAddresses ?? []).map((p: { PrivateIpAddress: string }) => p.PrivateIpAddress),
    ),
  'network-interface.addresses.primary': (i) =>
    nics(i).flatMap((n) => (n.PrivateIpAddresses ?? []).map((p: { Primary: boolean }) => p.Primary)),
  'network-interface.addresses.association.public-ip': (i) => nics(i).map((n) => n.Association?.PublicIp),
  'network-interface.association.public-ip': (i) => nics(i).map((n) => n.Association?.PublicIp),
  // Elastic IPs only (address-model.ts): their associations carry these two.
  'network-interface.association.allocation-id': (i) => nics(i).map((n) => n.Association?.AllocationId),
  'network-interface.association.association-id': (i) => nics(i).map((n) => n.Association?.AssociationId),
  'network-interface.addresses.association.allocation-id': (i) =>
    nics(i).map((n) => n.Association?.AllocationId),
  'network-interface.addresses.association.association-id': (i) =>
    nics(i).map((n) => n.Association?.AssociationId),
  'network-interface.attachment.attachment-id': (i) => nics(i).map((n) => n.Attachment?.AttachmentId),
  'network-interface.attachment.device-index': (i) => nics(i).map((n) => n.Attachment?.DeviceIndex),
  'network-interface.attachment.status': (i) => nics(i).map((n) => n.Attachment?.Status),
  'network-interface.group-id': (i) =>
    nics(i).flatMap((n) => n.Groups.map((g: { GroupId: string }) => g.GroupId)),
  'network-interface.group-name': (i) =>
    nics(i).flatMap((n) => n.Groups.map((g: { GroupName: string }) => g.GroupName)),
  'network-interface.mac-address': (i) => nics(i).map((n) => n.MacAddress),
  'network-interface.network-interface-id': (i) => nics(i).map((n) => n.NetworkInterfaceId),
  'network-interface.owner-id': (i) => nics(i).map((n) => n.OwnerId),
  'network-interface.private-dns-name': (i) => nics(i).map((n) => n.PrivateDnsName),
  'network-interface.status': (i) => nics(i).map((n) => n.Status),
  'network-interface.subnet-id': (i) => nics(i).map((n) => n.SubnetId),
  'network-interface.vpc-id': (i) => nics(i).map((n) => n.VpcId),
  'network-interface.source-dest-check': (i) => nics(i).map((n) => n.SourceDestCheck),
  'owner-id': (i) => (i.NetworkInterfaces[0]?.OwnerId as string | undefined) ?? undefined,
  'placement-group-name': (i) => i.Placement.GroupName,
  'platform-details': (i) => i.PlatformDetails,
  'private-dns-name': (i) => i.PrivateDnsName,
  'private-ip-address': (i) => i.PrivateIpAddress,
  'product-code': (i) => i.ProductCodes.map((p) => p.ProductCodeId),
  'product-code.type': (i) => i.ProductCodes.map((p) => p.ProductCodeType),
  reason: (i) => i.StateTransitionReason,
  'requester-id': (i) => i._requesterId,
  'reservation-id': (i) => i._reservationId,
  'root-device-name': (i) => i.RootDeviceName,
  'root-device-type': (i) => i.RootDeviceType,
  'source-dest-check': (i) => i.SourceDestCheck,
  'state-reason-code': (i) => i.StateReason?.Code,
  'state-reason-message': (i) => i.StateReason?.Message,
  'subnet-id': (i) => i.SubnetId,
  tenancy: (i) => i.Placement.Tenancy,
  'usage-operation': (i) => i.UsageOperation,
  'virtualization-type': (i) => i.VirtualizationType,
  'vpc-id': (i) => i.VpcId,
};
