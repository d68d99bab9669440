/**
 * The default network AWS gives every account in every region, created here on first use:
 * VPC 172.31.0.0/16, a /20 default subnet per zone, an attached internet gateway, the main route
 * table (local + 0.0.0.0/0 → igw), the default network ACL, the `default` security group, and
 * DHCP options.
 */
import { arn } from './env.ts';
import { newId } from './ids.ts';
import { zonesFor } from './regions.ts';
import type { Ec2Repository, Scope } from './store.ts';
import { defaultGroupRules, type GroupDoc } from './sg-rules.ts';
import { intToIp } from './cidr.ts';

export const DEFAULT_VPC_CIDR = '172.31.0.0/16';

export function vpcDoc(scope: Scope, id: string, cidr: string, isDefault: boolean, dhcp: string) {
  return {
    VpcId: id,
    OwnerId: scope.account,
    State: 'available',
    CidrBlock: cidr,
    DhcpOptionsId: dhcp,
    InstanceTenancy: 'default',
    IsDefault: isDefault,
    CidrBlockAssociationSet: [
      { AssociationId: newId('vpc-cidr-assoc'), CidrBlock: cidr, CidrBlockState: { State: 'associated' } },
    ],
    Ipv6CidrBlockAssociationSet: [] as unknown[],
    Tags: [] as { Key: string; Value: string }[],
    _enableDnsSupport: true,
    _enableDnsHostnames: isDefault,
  };
}

export function subnetDoc(
  scope: Scope,
  id: string,
  vpcId: string,
  cidr: string,
  zone: { name: string; id: string },
  isDefault: boolean,
) {
  return {
    SubnetId: id,
    SubnetArn: arn(scope, 'subnet', id),
    VpcId: vpcId,
    OwnerId: scope.account,
    State: 'available',
    CidrBlock: cidr,
    AvailabilityZone: zone.name,
    AvailabilityZoneId: zone.id,
    DefaultForAz: isDefault,
    MapPublicIpOnLaunch: isDefault,
    MapCustomerOwnedIpOnLaunch: false,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: [] as unknown[],
    EnableDns64: false,
    Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: {
      HostnameType: 'ip-name',
      EnableResourceNameDnsARecord: false,
      EnableResourceNameDnsAAAARecord: false,
    },
    AvailableIpAddressCount: 0,
    Tags: [] as { Key: string; Value: string }[],
  };
}

export function routeTableDoc(scope: Scope, id: string, vpcId: string, cidr: string, main: boolean) {
  return {
    RouteTableId: id,
    VpcId: vpcId,
    OwnerId: scope.account,
    Routes: [
      { DestinationCidrBlock: cidr, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' },
    ] as Record<string, unknown>[],
    Associations: main
      ? [
          {
            Main: true,
            RouteTableAssociationId: newId('rtbassoc'),
            RouteTableId: id,
            AssociationState: { State: 'associated' },
          },
        ]
      : ([] as Record<string, unknown>[]),
    PropagatingVgws: [] as unknown[],
    Tags: [] as { Key: string; Value: string }[],
  };
}

export function networkAclDoc(scope: Scope, id: string, vpcId: string, isDefault: boolean) {
  const entry = (n: number, egress: boolean, action: string) => ({
    RuleNumber: n,
    Protocol: '-1',
    RuleAction: action,
    Egress: egress,
    CidrBlock: '0.0.0.0/0',
  });
  return {
    NetworkAclId: id,
    VpcId: vpcId,
    OwnerId: scope.account,
    IsDefault: isDefault,
    Entries: isDefault
      ? [
          entry(100, true, 'allow'),
          entry(32767, true, 'deny'),
          entry(100, false, 'allow'),
          entry(32767, false, 'deny'),
        ]
      : [entry(32767, true, 'deny'), entry(32767, false, 'deny')],
    Associations: [] as { NetworkAclAssociationId: string; NetworkAclId: string; SubnetId: string }[],
    Tags: [] as { Key: string; Value: string }[],
  };
}

export function securityGroupDoc(
  scope: Scope,
  id: string,
  name: string,
  description: string,
  vpcId: string,
): GroupDoc {
  return {
    GroupId: id,
    GroupName: name,
    Description: description,
    VpcId: vpcId,
    OwnerId: scope.account,
    SecurityGroupArn: arn(scope, 'security-group', id),
    Tags: [],
    _rules: [],
  };
}

/** The VPC-level pieces every VPC gets: main route table, default ACL, default security group. */
export async function createVpcParts(
  repo: Ec2Repository,
  scope: Scope,
  vpcId: string,
  cidr: string,
): Promise<{ rtb: string; acl: string; sg: string }> {
  const rtb = newId('rtb');
  await repo.put(scope, 'rtb', rtb, routeTableDoc(scope, rtb, vpcId, cidr, true));
  const acl = newId('acl');
  await repo.put(scope, 'acl', acl, networkAclDoc(scope, acl, vpcId, true));
  const sg = newId('sg');
  const group = securityGroupDoc(scope, sg, 'default', 'default VPC security group', vpcId);
  group._rules = defaultGroupRules(scope, group);
  await repo.put(scope, 'sg', sg, group);
  return { rtb, acl, sg };
}

export async function createDefaultNetwork(repo: Ec2Repository, scope: Scope): Promise<void> {
  const dopt = newId('dopt');
  await repo.put(scope, 'dopt', dopt, {
    DhcpOptionsId: dopt,
    OwnerId: scope.account,
    DhcpConfigurations: [
      {
        Key: 'domain-name',
        Values: [
          { Value: scope.region === 'us-east-1' ? 'ec2.internal' : `${scope.region}.compute.internal` },
        ],
      },
      { Key: 'domain-name-servers', Values: [{ Value: 'AmazonProvidedDNS' }] },
    ],
    Tags: [],
  });
  const vpcId = newId('vpc');
  await repo.put(scope, 'vpc', vpcId, vpcDoc(scope, vpcId, DEFAULT_VPC_CIDR, true, dopt));
  const { rtb, acl } = await createVpcParts(repo, scope, vpcId, DEFAULT_VPC_CIDR);
  const igw = newId('igw');
  await repo.put(scope, 'igw', igw, {
    InternetGatewayId: igw,
    OwnerId: scope.account,
    Attachments: [{ State: 'available', VpcId: vpcId }],
    Tags: [],
  });
  const table = (await repo.get<ReturnType<typeof routeTableDoc>>(scope, rtb))!;
  table.Routes.push({
    DestinationCidrBlock: '0.0.0.0/0',
    GatewayId: igw,
    Origin: 'CreateRoute',
    State: 'active',
  });
  await repo.put(scope, 'rtb', rtb, table);
  const aclDoc = (await repo.get<ReturnType<typeof networkAclDoc>>(scope, acl))!;
  // 172.31.0.0/20, 172.31.16.0/20, ... one per zone in zone-name order, as AWS lays them out.
  const base = 172 * 2 ** 24 + 31 * 2 ** 16;
  for (const [i, zone] of zonesFor(scope.account, scope.region).entries()) {
    const id = newId('subnet');
    const cidr = `${intToIp(base + i * 4096)}/20`;
    const subnet = subnetDoc(scope, id, vpcId, cidr, zone, true);
    subnet.AvailableIpAddressCount = 4096 - 5;
    await repo.put(scope, 'subnet', id, subnet);
    aclDoc.Associations.push({ NetworkAclAssociationId: newId('aclassoc'), NetworkAclId: acl, SubnetId: id });
  }
  await repo.put(scope, 'acl', acl, aclDoc);
}
