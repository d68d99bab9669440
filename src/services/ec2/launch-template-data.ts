/**
 * GetLaunchTemplateData: an instance's launch parameters in the shape of a launch template's data
 * (ResponseLaunchTemplateData), so that a template can be made from a running instance.
 */
import type { Attachment, VolumeDoc } from './ebs-volumes.ts';
import type { InstanceDoc } from './instance-model.ts';
import { ebsSettings } from './instance-volumes.ts';

export function launchTemplateDataOf(
  i: InstanceDoc,
  volumes: { volume: VolumeDoc; attachment: Attachment }[],
): Record<string, unknown> {
  const nic = i.NetworkInterfaces[0];
  // Tags AWS sets (aws:...) are not the user's to put in a template.
  const tags = i.Tags.filter((t) => !t.Key.startsWith('aws:'));
  return {
    EbsOptimized: i.EbsOptimized,
    ...(i.IamInstanceProfile ? { IamInstanceProfile: { Arn: i.IamInstanceProfile.Arn } } : {}),
    // Every attached EBS volume, with the snapshot it was made from (the API reference's example).
    BlockDeviceMappings: volumes.map(({ volume, attachment }) => ({
      DeviceName: attachment.Device,
      Ebs: {
        ...ebsSettings(volume, attachment.DeleteOnTermination),
        ...(volume.SnapshotId ? { SnapshotId: volume.SnapshotId } : {}),
      },
    })),
    ...(nic
      ? {
          NetworkInterfaces: [
            {
              ...(nic.Association ? { AssociatePublicIpAddress: true } : {}),
              DeleteOnTermination: nic.Attachment?.DeleteOnTermination ?? true,
              Description: nic.Description ?? '',
              DeviceIndex: 0,
              Groups: (nic.Groups ?? []).map((g: { GroupId: string }) => g.GroupId),
              InterfaceType: nic.InterfaceType ?? 'interface',
              Ipv6Addresses: [],
              PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: nic.PrivateIpAddress }],
              SubnetId: nic.SubnetId,
              NetworkCardIndex: 0,
            },
          ],
        }
      : {}),
    ImageId: i.ImageId,
    InstanceType: i.InstanceType,
    ...(i.KeyName !== undefined ? { KeyName: i.KeyName } : {}),
    Monitoring: { Enabled: i.Monitoring.State === 'enabled' || i.Monitoring.State === 'pending' },
    Placement: {
      AvailabilityZone: i.Placement.AvailabilityZone,
      GroupName: i.Placement.GroupName,
      Tenancy: i.Placement.Tenancy,
    },
    DisableApiTermination: i._disableApiTermination,
    InstanceInitiatedShutdownBehavior: i._shutdownBehavior,
    ...(i._userData ? { UserData: i._userData } : {}),
    ...(tags.length ? { TagSpecifications: [{ ResourceType: 'instance', Tags: tags }] } : {}),
    ...(i.CpuOptions ? { CpuOptions: i.CpuOptions } : {}),
    ...(i.CapacityReservationSpecification
      ? { CapacityReservationSpecification: i.CapacityReservationSpecification }
      : {}),
    ...(i.HibernationOptions ? { HibernationOptions: i.HibernationOptions } : {}),
    ...(i.MetadataOptions ? { MetadataOptions: i.MetadataOptions } : {}),
    ...(i.EnclaveOptions ? { EnclaveOptions: i.EnclaveOptions } : {}),
    ...(i.PrivateDnsNameOptions ? { PrivateDnsNameOptions: i.PrivateDnsNameOptions } : {}),
    ...(i.MaintenanceOptions ? { MaintenanceOptions: i.MaintenanceOptions } : {}),
    DisableApiStop: Boolean(i._disableApiStop),
  };
}
