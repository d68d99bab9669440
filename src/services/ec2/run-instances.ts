/**
 * RunInstances: validates what AWS validates (image, type, block devices, key, subnet, groups,
 * user data, counts), allocates private and public addresses, stores the instances and their
 * volumes and asks the machine driver to launch them. ClientToken makes it idempotent.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { allocatePublicIp, publicDnsName } from './public-ip.ts';
import {
  InstanceLimitExceeded,
  InsufficientFreeAddressesInSubnet,
  InvalidAMIIDUnavailable,
  InvalidGroupNotFound,
  InvalidIPAddressInUse,
  InvalidKeyPairNotFound,
  InvalidParameter,
  InvalidParameterCombination,
  InvalidParameterValue,
  VPCIdNotSpecified,
} from '../../generated/ec2/errors.ts';
import type { HandlerContext } from '../handler.ts';
import { attachLaunchVolumes, launchDevices, rootVolumeOf } from './block-devices.ts';
import { intToIp, network, parseCidr, size } from './cidr.ts';
import {
  arn,
  dryRun,
  GROUP_ERRORS,
  mustGet,
  requireParam,
  scopeOf,
  SUBNET_ERRORS,
  tagsFor,
  type Ec2Env,
} from './env.ts';
import { newId, nowIso } from './ids.ts';
import { launchableImage } from './images.ts';
import { hostnameOf, internalDomain, shutdownBehavior, stateOf, type InstanceDoc } from './instance-model.ts';
import { instanceType } from './instance-types.ts';
import { withAttachedVolumes } from './instance-volumes.ts';
import { defaultVpcId } from './security-groups.ts';
import type { GroupDoc } from './sg-rules.ts';
import type { Scope } from './store.ts';
import { usedAddresses } from './vpcs.ts';
import type { subnetDoc } from './network-defaults.ts';

type SubnetDoc = ReturnType<typeof subnetDoc>;

const MAX_INSTANCES = 20;

/** What RunInstances' TagSpecifications may tag (spot requests: accepted, none are made). */
const RUN_TAGGABLE = ['instance', 'volume', 'network-interface', 'spot-instances-request'];

export { allocatePublicIp, publicDnsName } from './public-ip.ts';

async function pickSubnet(env: Ec2Env, scope: Scope, input: any): Promise<SubnetDoc> {
  const nic = input.NetworkInterfaces?.[0];
  const subnetId = input.SubnetId ?? nic?.SubnetId;
  if (subnetId) return mustGet<SubnetDoc>(env, scope, subnetId, 'subnet', SUBNET_ERRORS);
  const vpc = await defaultVpcId(env, scope);
  const subnets = (await env.repo.list<SubnetDoc>(scope, 'subnet')).filter(
    (s) => s.VpcId === vpc && s.DefaultForAz,
  );
  const zone = input.Placement?.AvailabilityZone;
  if (zone) {
    const s = subnets.find((x) => x.AvailabilityZone === zone);
    if (!s) throw new InvalidParameterValue(`Invalid availability zone: [${zone}]`);
    return s;
  }
  if (!subnets.length)
    throw new VPCIdNotSpecified(
      'No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.',
    );
  return subnets[0]!;
}

async function pickGroups(env: Ec2Env, scope: Scope, input: any, subnet: SubnetDoc): Promise<GroupDoc[]> {
  const nic = input.NetworkInterfaces?.[0];
  const ids: string[] = input.SecurityGroupIds ?? nic?.Groups ?? [];
  const names: string[] = input.SecurityGroups ?? [];
  const all = await env.repo.list<GroupDoc>(scope, 'sg');
  const out: GroupDoc[] = [];
  for (const id of ids) {
    const g = await mustGet<GroupDoc>(env, scope, id, 'sg', GROUP_ERRORS);
    if (g.VpcId !== subnet.VpcId) {
      throw new InvalidParameter(
        `Security group ${g.GroupId} and subnet ${subnet.SubnetId} belong to different networks.`,
      );
    }
    out.push(g);
  }
  for (const name of names) {
    const g = all.find((x) => x.GroupName === name && x.VpcId === subnet.VpcId);
    if (!g)
      throw new InvalidGroupNotFound(`The security group '${name}' does not exist in VPC '${subnet.VpcId}'`);
    out.push(g);
  }
  if (!out.length) {
    const d = all.find((x) => x.GroupName === 'default' && x.VpcId === subnet.VpcId);
    if (d) out.push(d);
  }
  return out;
}

function decodeUserData(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const clean = raw.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) {
    throw new InvalidParameterValue('Invalid BASE64 encoding of user data.');
  }
  if (Buffer.from(clean, 'base64').length > 16384)
    throw new InvalidParameterValue('User data is limited to 16384 bytes');
  return clean;
}

export function allocatePrivateIp(subnet: SubnetDoc, used: Set<string>, wanted?: string): string {
  const c = parseCidr(subnet.CidrBlock)!;
  const first = network(c) + 4; // AWS reserves the first four addresses and the last
  const last = network(c) + size(c) - 2;
  if (wanted) {
    const n = parseCidr(`${wanted}/32`)?.base;
    if (n === undefined || n < first || n > last) {
      throw new InvalidParameterValue(`Address ${wanted} does not fall within the subnet's address range`);
    }
    if (used.has(wanted)) throw new InvalidIPAddressInUse(`Address ${wanted} is in use.`);
    return wanted;
  }
  for (let tries = 0; tries < 64; tries++) {
    const ip = intToIp(first + randomInt(last - first + 1));
    if (!used.has(ip)) return ip;
  }
  for (let n = first; n <= last; n++) if (!used.has(intToIp(n))) return intToIp(n);
  throw new InsufficientFreeAddressesInSubnet(
    `There are not enough free addresses in subnet '${subnet.SubnetId}' to satisfy the requested number of instances.`,
  );
}

function mac(): string {
  const b = randomBytes(6);
  b[0] = 0x0a; // locally administered, as AWS's are (0a:, 02:, 06:, 0e:)
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

export interface Reservation {
  ReservationId: string;
  OwnerId: string;
  RequesterId?: string;
  Groups: unknown[];
  Instances: InstanceDoc[];
}

export async function runInstances(
  env: Ec2Env,
  input: any,
  ctx: HandlerContext,
  launch: (doc: InstanceDoc) => void,
  /** Tags AWS adds itself (a launch template's id and version), past the aws: prefix check. */
  systemTags: { Key: string; Value: string }[] = [],
): Promise<Reservation> {
  dryRun(input);
  const scope = scopeOf(ctx);
  if (input.ClientToken) {
    const prior = (await env.repo.list<InstanceDoc>(scope, 'instance')).filter(
      (i) => i.ClientToken === input.ClientToken,
    );
    if (prior.length) {
      return {
        ReservationId: prior[0]!._reservationId,
        OwnerId: scope.account,
        Groups: [],
        Instances: await withAttachedVolumes(env, scope, prior),
      };
    }
  }
  requireParam(input.ImageId, 'ImageId');
  requireParam(input.MinCount, 'MinCount');
  requireParam(input.MaxCount, 'MaxCount');
  const min: number = input.MinCount;
  const max: number = input.MaxCount;
  if (min < 1)
    throw new InvalidParameterValue(
      `Value (${min}) for parameter minCount is invalid. Expected a value greater than or equal to 1.`,
    );
  if (max < min)
    throw new InvalidParameterValue(
      `Value (${max}) for parameter maxCount is invalid. Expected a value greater than or equal to minCount (${min}).`,
    );
  const typeName: string = input.InstanceType ?? 'm1.small';
  const type = instanceType(typeName);
  if (!type) throw new InvalidParameterValue(`Invalid value '${typeName}' for InstanceType.`);
  const image = await launchableImage(env, scope, input.ImageId);
  if (image.State !== 'available')
    throw new InvalidAMIIDUnavailable(`AMI '${image.ImageId}' is pending, and cannot be run`);
  if (image.Architecture !== type.arch && !(typeName.startsWith('t2') && image.Architecture === 'i386')) {
    throw new InvalidParameterValue(
      `The architecture '${type.arch}' of the specified instance type does not match the architecture '${image.Architecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again. You can use 'describe-instance-types' or 'describe-images' to discover the architecture of the instance type or AMI.`,
    );
  }
  const devices = await launchDevices(env, scope, image, input.BlockDeviceMappings);
  let publicKey: string | undefined;
  if (input.KeyName !== undefined) {
    const key = (await env.repo.list<{ KeyName: string; PublicKey: string }>(scope, 'key')).find(
      (k) => k.KeyName === input.KeyName,
    );
    if (!key) throw new InvalidKeyPairNotFound(`The key pair '${input.KeyName}' does not exist`);
    publicKey = key.PublicKey;
  }
  if ((input.SubnetId ?? input.NetworkInterfaces?.[0]?.SubnetId) && input.SecurityGroups?.length) {
    // Group names address default-VPC (once EC2-Classic) groups; with a subnet, ids are required.
    throw new InvalidParameterCombination('The parameter groupName cannot be used with the parameter subnet');
  }
  const subnet = await pickSubnet(env, scope, input);
  const groups = await pickGroups(env, scope, input, subnet);
  const userData = decodeUserData(input.UserData);
  const behavior = shutdownBehavior(input.InstanceInitiatedShutdownBehavior ?? 'stop');
  let profile: { Arn: string; Id: string } | undefined;
  if (input.IamInstanceProfile?.Arn || input.IamInstanceProfile?.Name) {
    const ref: string = input.IamInstanceProfile.Arn ?? input.IamInstanceProfile.Name;
    const found = await env.instanceProfile(ctx, ref);
    if (!found) {
      const which = input.IamInstanceProfile.Arn ? 'arn' : 'name';
      throw new InvalidParameterValue(
        `Value (${ref}) for parameter iamInstanceProfile.${which} is invalid. Invalid IAM Instance Profile ${which}`,
      );
    }
    profile = { Arn: found.arn, Id: found.id };
  }
  const count = Math.min(max, MAX_INSTANCES);
  if (min > MAX_INSTANCES) {
    throw new InstanceLimitExceeded(
      `You have requested more instances (${min}) than your current instance limit of ${MAX_INSTANCES} allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.`,
    );
  }
  const nic = input.NetworkInterfaces?.[0];
  const wantPublic: boolean = nic?.AssociatePublicIpAddress ?? subnet.MapPublicIpOnLaunch;
  const instanceTags = [...tagsFor(input.TagSpecifications, 'instance', RUN_TAGGABLE), ...systemTags];
  const volumeTags = tagsFor(input.TagSpecifications, 'volume', RUN_TAGGABLE);
  const eniTags = tagsFor(input.TagSpecifications, 'network-interface', RUN_TAGGABLE);
  const used = await usedAddresses(env, scope, subnet.SubnetId);
  const reservationId = newId('r');
  const now = nowIso();
  const domain = internalDomain(scope.region);
  const docs: InstanceDoc[] = [];
  for (let i = 0; i < count; i++) {
    const id = newId('i');
    const privateIp = allocatePrivateIp(
      subnet,
      used,
      i === 0 ? (input.PrivateIpAddress ?? nic?.PrivateIpAddress) : undefined,
    );
    used.add(privateIp);
    const publicIp = wantPublic ? await allocatePublicIp(env) : undefined;
    const privateDns = `${hostnameOf(privateIp)}.${domain}`;
    const publicDns = publicIp ? publicDnsName(publicIp, scope.region) : '';
    const eni = newId('eni');
    const volume = newId('vol');
    const association = publicIp
      ? { IpOwnerId: 'amazon', PublicDnsName: publicDns, PublicIp: publicIp }
      : undefined;
    const sgs = groups.map((g) => ({ GroupName: g.GroupName, GroupId: g.GroupId }));
    const doc: InstanceDoc = {
      InstanceId: id,
      ImageId: image.ImageId,
      State: stateOf('pending'),
      PrivateDnsName: privateDns,
      PublicDnsName: publicDns,
      StateTransitionReason: '',
      ...(input.KeyName !== undefined ? { KeyName: input.KeyName } : {}),
      AmiLaunchIndex: i,
      ProductCodes: [],
      InstanceType: typeName,
      LaunchTime: now,
      Placement: {
        AvailabilityZone: subnet.AvailabilityZone,
        AvailabilityZoneId: subnet.AvailabilityZoneId,
        GroupName: input.Placement?.GroupName ?? '',
        Tenancy: input.Placement?.Tenancy ?? 'default',
      },
      Monitoring: { State: input.Monitoring?.Enabled ? 'pending' : 'disabled' },
      SubnetId: subnet.SubnetId,
      VpcId: subnet.VpcId,
      PrivateIpAddress: privateIp,
      ...(publicIp ? { PublicIpAddress: publicIp } : {}),
      Architecture: image.Architecture,
      RootDeviceType: 'ebs',
      RootDeviceName: image.RootDeviceName,
      BlockDeviceMappings: [
        {
          DeviceName: image.RootDeviceName,
          Ebs: {
            AttachTime: now,
            DeleteOnTermination: devices.root.DeleteOnTermination,
            Status: 'attached',
            VolumeId: volume,
          },
        },
      ],
      VirtualizationType: 'hvm',
      ClientToken: input.ClientToken ?? '',
      Tags: instanceTags as InstanceDoc['Tags'],
      SecurityGroups: sgs,
      SourceDestCheck: true,
      Hypervisor: 'xen',
      NetworkInterfaces: [
        {
          ...(association ? { Association: association } : {}),
          Attachment: {
            AttachTime: now,
            AttachmentId: newId('eni-attach'),
            DeleteOnTermination: true,
            DeviceIndex: 0,
            Status: 'attached',
            NetworkCardIndex: 0,
          },
          Description: '',
          Groups: sgs,
          Ipv6Addresses: [],
          MacAddress: mac(),
          NetworkInterfaceId: eni,
          OwnerId: scope.account,
          PrivateDnsName: privateDns,
          PrivateIpAddress: privateIp,
          PrivateIpAddresses: [
            {
              ...(association ? { Association: association } : {}),
              Primary: true,
              PrivateDnsName: privateDns,
              PrivateIpAddress: privateIp,
            },
          ],
          SourceDestCheck: true,
          Status: 'in-use',
          SubnetId: subnet.SubnetId,
          VpcId: subnet.VpcId,
          InterfaceType: 'interface',
          _arn: arn(scope, 'network-interface', eni),
        },
      ],
      ...(profile ? { IamInstanceProfile: profile } : {}),
      EbsOptimized: Boolean(input.EbsOptimized),
      EnaSupport: true,
      CpuOptions: {
        CoreCount: Math.max(1, type.vcpus / (type.vcpus > 1 && !typeName.startsWith('t2') ? 2 : 1)),
        ThreadsPerCore: type.vcpus > 1 && !typeName.startsWith('t2') ? 2 : 1,
      },
      CapacityReservationSpecification: { CapacityReservationPreference: 'open' },
      HibernationOptions: { Configured: false },
      MetadataOptions: {
        State: 'pending',
        HttpTokens:
          input.MetadataOptions?.HttpTokens ?? (image.ImdsSupport === 'v2.0' ? 'required' : 'optional'),
        HttpPutResponseHopLimit:
          input.MetadataOptions?.HttpPutResponseHopLimit ?? (image.ImdsSupport === 'v2.0' ? 2 : 1),
        HttpEndpoint: input.MetadataOptions?.HttpEndpoint ?? 'enabled',
        HttpProtocolIpv6: 'disabled',
        InstanceMetadataTags: input.MetadataOptions?.InstanceMetadataTags ?? 'disabled',
      },
      EnclaveOptions: { Enabled: false },
      BootMode: image.BootMode,
      PlatformDetails: 'Linux/UNIX',
      UsageOperation: 'RunInstances',
      UsageOperationUpdateTime: now,
      PrivateDnsNameOptions: {
        HostnameType: 'ip-name',
        EnableResourceNameDnsARecord: false,
        EnableResourceNameDnsAAAARecord: false,
      },
      MaintenanceOptions: { AutoRecovery: 'default' },
      CurrentInstanceBootMode:
        image.BootMode === 'uefi-preferred' || image.BootMode === 'uefi' ? 'uefi' : 'legacy-bios',
      _reservationId: reservationId,
      _userData: userData,
      _layers: image._layers,
      _defaultUser: image._defaultUser,
      _publicKey: publicKey,
      _disableApiTermination: Boolean(input.DisableApiTermination),
      _disableApiStop: Boolean(input.DisableApiStop),
      _shutdownBehavior: behavior,
      _productCodes: image.ProductCodes,
      _volumeSize: devices.root.Size,
      _rootVolume: rootVolumeOf(devices.root),
      _subnetCidr: subnet.CidrBlock,
      _wantsPublicIp: wantPublic,
      _volumeTags: { [volume]: volumeTags as InstanceDoc['Tags'] },
      _eniTags: { [eni]: eniTags as InstanceDoc['Tags'] },
    };
    await env.repo.put(scope, 'instance', id, doc);
    await attachLaunchVolumes(env, scope, doc, devices.extra, volumeTags as InstanceDoc['Tags']);
    docs.push(doc);
  }
  for (const d of docs) launch(d);
  // RunInstances' own answer gives pending instances the reason 'pending' (AWS CLI run-instances
  // example); it is not stored, as later answers carry the reason of the latest change.
  const answered = (await withAttachedVolumes(env, scope, docs)).map((d) =>
    d.State.Name === 'pending' ? { ...d, StateReason: { Code: 'pending', Message: 'pending' } } : d,
  );
  return { ReservationId: reservationId, OwnerId: scope.account, Groups: [], Instances: answered };
}
