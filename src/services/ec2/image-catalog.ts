/**
 * The public images every region offers: real publishers' owner ids, names, dates and product
 * codes, with per-region image ids derived from the region and the name (stable across restarts
 * and installations). Each maps to the machine driver's base layer and the distribution's login user.
 */
import { BASE_LAYER } from '../../machines/driver.ts';
import { derivedId } from './ids.ts';

export interface ImageDoc {
  ImageId: string;
  ImageLocation: string;
  State: string;
  OwnerId: string;
  CreationDate: string;
  Public: boolean;
  ProductCodes: { ProductCodeId: string; ProductCodeType: string }[];
  Architecture: string;
  ImageType: string;
  ImageOwnerAlias?: string;
  Name: string;
  Description?: string;
  RootDeviceName: string;
  RootDeviceType: string;
  BlockDeviceMappings: { DeviceName: string; Ebs?: Record<string, unknown>; VirtualName?: string }[];
  VirtualizationType: string;
  Hypervisor: string;
  EnaSupport: boolean;
  SriovNetSupport?: string;
  PlatformDetails: string;
  UsageOperation: string;
  BootMode?: string;
  ImdsSupport?: string;
  DeprecationTime?: string;
  SourceImageId?: string;
  SourceImageRegion?: string;
  StateReason?: { Code: string; Message: string };
  Tags: { Key: string; Value: string }[];
  /** Machine layers, lowest first. */
  _layers: string[];
  _defaultUser: string;
  /** Accounts (UserId) and groups ('all') allowed to launch it besides the owner. */
  _launchPermissions: { UserId?: string; Group?: string }[];
  _sourceInstanceId?: string;
  /** Tags its snapshots got from CreateImage/CopyImage TagSpecifications (DescribeSnapshots). */
  _snapshotTags?: { Key: string; Value: string }[];
}

interface Entry {
  name: string;
  description: string;
  owner: string;
  alias?: string;
  date: string;
  arch: 'x86_64' | 'arm64';
  productCode?: string;
  root: '/dev/sda1' | '/dev/xvda';
  user: string;
  size: number;
  location?: string;
  imds?: string;
  bootMode?: string;
}

export const CENTOS_OWNER = '125523088429';
export const DEBIAN_OWNER = '136693071363';
export const UBUNTU_OWNER = '099720109477';
export const AMAZON_OWNER = '137112412989';
export const CENTOS_PRODUCT_CODE = 'aw0evgkw8e5c1q413zgy5pjce';

export const MARKETPLACE_OWNER = '679593333241';

/**
 * CentOS 7 as most automation finds it: the marketplace listing (owner aws-marketplace) with
 * its product code; the listing's id is part of the name, as AWS shows it.
 */
const centos7 = (release: string, date: string): Entry => ({
  name: `CentOS Linux 7 x86_64 HVM EBS ENA ${release}-b7ee8a69-ee97-4a49-9e68-afaee216db2e`,
  description: `CentOS Linux 7 x86_64 HVM EBS ENA ${release}`,
  owner: MARKETPLACE_OWNER,
  alias: 'aws-marketplace',
  date,
  arch: 'x86_64',
  productCode: CENTOS_PRODUCT_CODE,
  root: '/dev/sda1',
  user: 'centos',
  size: 8,
});

const ENTRIES: Entry[] = [
  centos7('1901_01', '2019-01-30T19:22:28.000Z'),
  centos7('2002_01', '2020-03-09T21:54:48.000Z'),
  centos7('2111', '2022-01-10T13:56:16.000Z'),
  {
    name: 'CentOS 7.9.2009 x86_64',
    description: 'CentOS 7.9.2009 x86_64',
    owner: CENTOS_OWNER,
    date: '2020-11-12T22:02:13.000Z',
    arch: 'x86_64',
    root: '/dev/sda1',
    user: 'centos',
    size: 8,
  },
  ...(['x86_64', 'arm64'] as const).map((arch): Entry => ({
    name: `CentOS Stream 9 ${arch} 20240703.1`,
    description: `CentOS Stream 9 ${arch} 20240703.1`,
    owner: CENTOS_OWNER,
    date: '2024-07-03T10:11:12.000Z',
    arch,
    root: '/dev/sda1',
    user: 'ec2-user',
    size: 10,
  })),
  ...(['amd64', 'arm64'] as const).flatMap((a): Entry[] => [
    {
      name: `debian-12-${a}-20240717-1811`,
      description: `Debian 12 (20240717-1811)`,
      owner: DEBIAN_OWNER,
      date: '2024-07-17T18:45:02.000Z',
      arch: a === 'amd64' ? 'x86_64' : 'arm64',
      root: '/dev/xvda',
      user: 'admin',
      size: 8,
    },
    {
      name: `debian-11-${a}-20240717-1811`,
      description: `Debian 11 (20240717-1811)`,
      owner: DEBIAN_OWNER,
      date: '2024-07-17T18:41:54.000Z',
      arch: a === 'amd64' ? 'x86_64' : 'arm64',
      root: '/dev/xvda',
      user: 'admin',
      size: 8,
    },
    {
      name: `ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-${a}-server-20240701`,
      description: `Canonical, Ubuntu, 22.04 LTS, ${a} jammy image build on 2024-07-01`,
      owner: UBUNTU_OWNER,
      date: '2024-07-01T21:04:36.000Z',
      arch: a === 'amd64' ? 'x86_64' : 'arm64',
      root: '/dev/sda1',
      user: 'ubuntu',
      size: 8,
    },
    {
      name: `ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-${a}-server-20240701.1`,
      description: `Canonical, Ubuntu, 24.04 LTS, ${a} noble image build on 2024-07-01`,
      owner: UBUNTU_OWNER,
      date: '2024-07-01T23:55:13.000Z',
      arch: a === 'amd64' ? 'x86_64' : 'arm64',
      root: '/dev/sda1',
      user: 'ubuntu',
      size: 8,
      imds: 'v2.0',
    },
  ]),
  ...(['x86_64', 'arm64'] as const).flatMap((arch): Entry[] => [
    {
      name: `al2023-ami-2023.5.20240722.0-kernel-6.1-${arch}`,
      description:
        'Amazon Linux 2023 AMI 2023.5.20240722.0 ' +
        (arch === 'x86_64' ? 'x86_64' : 'arm64') +
        ' HVM kernel-6.1',
      owner: AMAZON_OWNER,
      alias: 'amazon',
      date: '2024-07-19T20:55:57.000Z',
      arch,
      root: '/dev/xvda',
      user: 'ec2-user',
      size: 8,
      imds: 'v2.0',
      bootMode: 'uefi-preferred',
    },
    {
      name: `amzn2-ami-kernel-5.10-hvm-2.0.20240719.0-${arch}-gp2`,
      description: 'Amazon Linux 2 Kernel 5.10 AMI 2.0.20240719.0 ' + arch + ' HVM gp2',
      owner: AMAZON_OWNER,
      alias: 'amazon',
      date: '2024-07-19T19:28:12.000Z',
      arch,
      root: '/dev/xvda',
      user: 'ec2-user',
      size: 8,
    },
  ]),
];

const cache = new Map<string, ImageDoc[]>();

/** The catalog as seen in one region. */
export function catalogImages(region: string): ImageDoc[] {
  let list = cache.get(region);
  if (list) return list;
  list = ENTRIES.map((e) => {
    const id = derivedId('ami', region, e.owner, e.name);
    return {
      ImageId: id,
      ImageLocation: `${e.alias ?? e.owner}/${e.name}`,
      State: 'available',
      OwnerId: e.owner,
      CreationDate: e.date,
      Public: true,
      ProductCodes: e.productCode ? [{ ProductCodeId: e.productCode, ProductCodeType: 'marketplace' }] : [],
      Architecture: e.arch,
      ImageType: 'machine',
      ...(e.alias ? { ImageOwnerAlias: e.alias } : {}),
      Name: e.name,
      Description: e.description,
      RootDeviceName: e.root,
      RootDeviceType: 'ebs',
      BlockDeviceMappings: [
        {
          DeviceName: e.root,
          Ebs: {
            DeleteOnTermination: true,
            SnapshotId: derivedId('snap', region, e.owner, e.name),
            VolumeSize: e.size,
            VolumeType: e.productCode ? 'standard' : 'gp2',
            Encrypted: false,
          },
        },
      ],
      VirtualizationType: 'hvm',
      Hypervisor: 'xen',
      EnaSupport: true,
      SriovNetSupport: 'simple',
      PlatformDetails: 'Linux/UNIX',
      UsageOperation: 'RunInstances',
      ...(e.bootMode ? { BootMode: e.bootMode } : {}),
      ...(e.imds ? { ImdsSupport: e.imds } : {}),
      Tags: [],
      _layers: [BASE_LAYER],
      _defaultUser: e.user,
      _launchPermissions: [{ Group: 'all' }],
    };
  });
  cache.set(region, list);
  return list;
}
