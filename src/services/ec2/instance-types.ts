/** The instance type catalog (vCPUs, memory, architecture) behind RunInstances and DescribeInstanceTypes. */
import type { InstanceTypeInfo } from '../../generated/ec2/types.ts';

export interface TypeSpec {
  name: string;
  vcpus: number;
  memoryMiB: number;
  arch: 'x86_64' | 'arm64';
  burstable: boolean;
  network: string;
  current: boolean;
  freeTier?: boolean;
}

const sizes = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge', '2xlarge'];
function burstable(
  family: string,
  arch: 'x86_64' | 'arm64',
  vcpus: number[],
  mem: number[],
  current = true,
): TypeSpec[] {
  return sizes.map((s, i) => ({
    name: `${family}.${s}`,
    vcpus: vcpus[i]!,
    memoryMiB: mem[i]!,
    arch,
    burstable: true,
    network: i < 4 ? 'Low to Moderate' : 'Up to 5 Gigabit',
    current,
    freeTier: s === 'micro' && (family === 't2' || family === 't3'),
  }));
}

function fixed(family: string, arch: 'x86_64' | 'arm64', memPerVcpu: number): TypeSpec[] {
  const list: [string, number][] = [
    ['large', 2],
    ['xlarge', 4],
    ['2xlarge', 8],
    ['4xlarge', 16],
    ['8xlarge', 32],
  ];
  return list.map(([s, v]) => ({
    name: `${family}.${s}`,
    vcpus: v,
    memoryMiB: v * memPerVcpu,
    arch,
    burstable: false,
    network: v <= 8 ? 'Up to 10 Gigabit' : '10 Gigabit',
    current: true,
  }));
}

const T_MEM = [512, 1024, 2048, 4096, 8192, 16384, 32768];

export const INSTANCE_TYPES: readonly TypeSpec[] = [
  ...burstable('t2', 'x86_64', [1, 1, 1, 2, 2, 4, 8], T_MEM),
  ...burstable('t3', 'x86_64', [2, 2, 2, 2, 2, 4, 8], T_MEM),
  ...burstable('t3a', 'x86_64', [2, 2, 2, 2, 2, 4, 8], T_MEM),
  ...burstable('t4g', 'arm64', [2, 2, 2, 2, 2, 4, 8], T_MEM),
  ...fixed('m5', 'x86_64', 4096),
  ...fixed('m6i', 'x86_64', 4096),
  ...fixed('m6g', 'arm64', 4096),
  ...fixed('c5', 'x86_64', 2048),
  ...fixed('c6g', 'arm64', 2048),
  ...fixed('r5', 'x86_64', 8192),
  {
    name: 'm1.small',
    vcpus: 1,
    memoryMiB: 1740,
    arch: 'x86_64',
    burstable: false,
    network: 'Low',
    current: false,
  },
];

const BY_NAME = new Map(INSTANCE_TYPES.map((t) => [t.name, t]));

export function instanceType(name: string): TypeSpec | undefined {
  return BY_NAME.get(name);
}

export function typeInfo(t: TypeSpec): InstanceTypeInfo {
  const threads = t.vcpus > 1 && !t.name.startsWith('t2') ? 2 : 1;
  return {
    InstanceType: t.name as InstanceTypeInfo['InstanceType'],
    CurrentGeneration: t.current,
    FreeTierEligible: Boolean(t.freeTier),
    SupportedUsageClasses: ['on-demand', 'spot'],
    SupportedRootDeviceTypes: ['ebs'],
    SupportedVirtualizationTypes: ['hvm'],
    BareMetal: false,
    Hypervisor: t.name.startsWith('t2') || t.name.startsWith('m1') ? 'xen' : 'nitro',
    ProcessorInfo: {
      SupportedArchitectures: t.name.startsWith('t2') ? ['i386', 'x86_64'] : [t.arch],
      SustainedClockSpeedInGhz: t.arch === 'arm64' ? 2.5 : 3.1,
    },
    VCpuInfo: {
      DefaultVCpus: t.vcpus,
      DefaultCores: Math.max(1, t.vcpus / threads),
      DefaultThreadsPerCore: threads,
    },
    MemoryInfo: { SizeInMiB: t.memoryMiB },
    InstanceStorageSupported: false,
    EbsInfo: {
      EbsOptimizedSupport: t.name.startsWith('t2') ? 'unsupported' : 'default',
      EncryptionSupport: 'supported',
      NvmeSupport: t.name.startsWith('t2') ? 'unsupported' : 'required',
    },
    NetworkInfo: {
      NetworkPerformance: t.network,
      MaximumNetworkInterfaces: t.vcpus <= 2 ? 3 : 4,
      Ipv4AddressesPerInterface: t.vcpus <= 2 ? 4 : 15,
      Ipv6AddressesPerInterface: t.vcpus <= 2 ? 4 : 15,
      Ipv6Supported: true,
      EnaSupport: t.name.startsWith('t2') ? 'unsupported' : 'required',
      EfaSupported: false,
    },
    PlacementGroupInfo: { SupportedStrategies: ['partition', 'spread'] },
    HibernationSupported: t.arch === 'x86_64',
    BurstablePerformanceSupported: t.burstable,
    DedicatedHostsSupported: !t.burstable,
    AutoRecoverySupported: true,
    SupportedBootModes: t.arch === 'arm64' ? ['uefi'] : ['legacy-bios', 'uefi'],
  };
}

export const INSTANCE_TYPE_FILTERS = {
  'instance-type': (i: InstanceTypeInfo) => i.InstanceType,
  'current-generation': (i: InstanceTypeInfo) => i.CurrentGeneration,
  'free-tier-eligible': (i: InstanceTypeInfo) => i.FreeTierEligible,
  'burstable-performance-supported': (i: InstanceTypeInfo) => i.BurstablePerformanceSupported,
  'bare-metal': (i: InstanceTypeInfo) => i.BareMetal,
  hypervisor: (i: InstanceTypeInfo) => i.Hypervisor,
  'hibernation-supported': (i: InstanceTypeInfo) => i.HibernationSupported,
  'instance-storage-supported': (i: InstanceTypeInfo) => i.InstanceStorageSupported,
  'memory-info.size-in-mib': (i: InstanceTypeInfo) => i.MemoryInfo?.SizeInMiB,
  'processor-info.supported-architecture': (i: InstanceTypeInfo) => i.ProcessorInfo?.SupportedArchitectures,
  'processor-info.sustained-clock-speed-in-ghz': (i: InstanceTypeInfo) =>
    i.ProcessorInfo?.SustainedClockSpeedInGhz,
  'supported-root-device-type': (i: InstanceTypeInfo) => i.SupportedRootDeviceTypes,
  'supported-usage-class': (i: InstanceTypeInfo) => i.SupportedUsageClasses,
  'supported-virtualization-type': (i: InstanceTypeInfo) => i.SupportedVirtualizationTypes,
  'supported-boot-mode': (i: InstanceTypeInfo) => i.SupportedBootModes,
  'vcpu-info.default-vcpus': (i: InstanceTypeInfo) => i.VCpuInfo?.DefaultVCpus,
  'vcpu-info.default-cores': (i: InstanceTypeInfo) => i.VCpuInfo?.DefaultCores,
  'vcpu-info.default-threads-per-core': (i: InstanceTypeInfo) => i.VCpuInfo?.DefaultThreadsPerCore,
  'network-info.ena-support': (i: InstanceTypeInfo) => i.NetworkInfo?.EnaSupport,
  'network-info.ipv6-supported': (i: InstanceTypeInfo) => i.NetworkInfo?.Ipv6Supported,
  'network-info.maximum-network-interfaces': (i: InstanceTypeInfo) => i.NetworkInfo?.MaximumNetworkInterfaces,
  'ebs-info.ebs-optimized-support': (i: InstanceTypeInfo) => i.EbsInfo?.EbsOptimizedSupport,
  'ebs-info.encryption-support': (i: InstanceTypeInfo) => i.EbsInfo?.EncryptionSupport,
  'ebs-info.nvme-support': (i: InstanceTypeInfo) => i.EbsInfo?.NvmeSupport,
};
