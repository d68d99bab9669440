/** The stored instance document (AWS's Instance shape plus internal fields) and state helpers. */
import { InvalidParameterValue } from '../../generated/ec2/errors.ts';
import type { MachineState } from '../../machines/driver.ts';

export const STATE_CODES: Record<MachineState, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export function stateOf(name: MachineState): { Code: number; Name: MachineState } {
  return { Code: STATE_CODES[name], Name: name };
}

export interface InstanceDoc {
  InstanceId: string;
  ImageId: string;
  State: { Code: number; Name: MachineState };
  PrivateDnsName: string;
  PublicDnsName: string;
  StateTransitionReason: string;
  StateReason?: { Code: string; Message: string };
  KeyName?: string;
  AmiLaunchIndex: number;
  ProductCodes: { ProductCodeId: string; ProductCodeType: string }[];
  InstanceType: string;
  LaunchTime: string;
  Placement: { AvailabilityZone: string; AvailabilityZoneId?: string; GroupName: string; Tenancy: string };
  Monitoring: { State: string };
  /** These three are gone once the instance is terminated, as in AWS's answers. */
  SubnetId?: string;
  VpcId?: string;
  PrivateIpAddress?: string;
  PublicIpAddress?: string;
  Architecture: string;
  RootDeviceType: string;
  RootDeviceName: string;
  BlockDeviceMappings: {
    DeviceName: string;
    Ebs: { AttachTime: string; DeleteOnTermination: boolean; Status: string; VolumeId: string };
  }[];
  VirtualizationType: string;
  ClientToken: string;
  Tags: { Key: string; Value: string }[];
  SecurityGroups: { GroupName: string; GroupId: string }[];
  SourceDestCheck: boolean;
  Hypervisor: string;
  NetworkInterfaces: Record<string, any>[];
  IamInstanceProfile?: { Arn: string; Id: string };
  EbsOptimized: boolean;
  EnaSupport: boolean;
  [key: string]: unknown;
  _reservationId: string;
  _requesterId?: string;
  _terminatedAt?: string;
  /** Set once the instance has been running; a pending instance without it is still launching. */
  _reachedRunning?: boolean;
  _userData?: string;
  _layers: string[];
  _defaultUser: string;
  _publicKey?: string;
  _disableApiTermination: boolean;
  _disableApiStop?: boolean;
  _shutdownBehavior: string;
  _productCodes?: { ProductCodeId: string; ProductCodeType: string }[];
  _volumeSize?: number;
  /** The root volume's settings from the image and BlockDeviceMappings (absent: gp2, unencrypted). */
  _rootVolume?: RootVolume;
  _subnetCidr: string;
  /** Whether the instance gets a public address on every start (subnet setting or request). */
  _wantsPublicIp: boolean;
  /** Tags of the instance's volumes and network interfaces, by their ids (they live and die with it). */
  _volumeTags?: Record<string, { Key: string; Value: string }[]>;
  _eniTags?: Record<string, { Key: string; Value: string }[]>;
}

export interface RootVolume {
  VolumeType: string;
  Iops?: number;
  Throughput?: number;
  Encrypted: boolean;
  KmsKeyId?: string;
  SnapshotId: string;
}

/** InstanceInitiatedShutdownBehavior: AWS's ShutdownBehavior enum only. */
export function shutdownBehavior(value: string): string {
  if (value === 'stop' || value === 'terminate') return value;
  throw new InvalidParameterValue(
    `Value (${value}) for parameter instanceInitiatedShutdownBehavior is invalid. Valid values are 'stop' and 'terminate'.`,
  );
}

/** `ip-172-31-5-10` */
export function hostnameOf(ip: string): string {
  return `ip-${ip.replaceAll('.', '-')}`;
}

export function internalDomain(region: string): string {
  return region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
}

/** `User initiated (2026-11-29 01:02:03 GMT)`, AWS's StateTransitionReason wording. */
export function userInitiated(now = new Date()): string {
  return `User initiated (${now.toISOString().slice(0, 19).replace('T', ' ')} GMT)`;
}
