/** VPCs and subnets: Create/Describe/Delete with AWS's CIDR rules and dependency errors. */
import {
  DependencyViolation,
  InvalidParameterCombination,
  InvalidParameterValue,
  InvalidSubnetConflict,
  InvalidSubnetRange,
  InvalidVpcRange,
} from '../../generated/ec2/errors.ts';
import type { ServiceHandlers } from '../handler.ts';
import { natAddressesIn } from './nat-model.ts';
import type { Subnet, Vpc } from '../../generated/ec2/types.ts';
import { contains, format, overlaps, parseCidr, size } from './cidr.ts';
import {
  dryRun,
  mustGet,
  mustGetAll,
  requireParam,
  scopeOf,
  SUBNET_ERRORS,
  tagsFor,
  VPC_ERRORS,
  type Ec2Env,
} from './env.ts';
import { describePage } from './describe.ts';
import { newId, seededInt } from './ids.ts';
import {
  createVpcParts,
  subnetDoc,
  vpcDoc,
  type networkAclDoc,
  type routeTableDoc,
} from './network-defaults.ts';
import { zonesFor } from './regions.ts';
import type { GroupDoc } from './sg-rules.ts';
import type { Scope } from './store.ts';

type VpcDoc = ReturnType<typeof vpcDoc>;
type SubnetDoc = ReturnType<typeof subnetDoc>;

const VPC_FILTERS = {
  cidr: (v: VpcDoc) => v.CidrBlock,
  'cidr-block-association.cidr-block': (v: VpcDoc) => v.CidrBlockAssociationSet.map((a) => a.CidrBlock),
  'cidr-block-association.association-id': (v: VpcDoc) =>
    v.CidrBlockAssociationSet.map((a) => a.AssociationId),
  'cidr-block-association.state': (v: VpcDoc) => v.CidrBlockAssociationSet.map((a) => a.CidrBlockState.State),
  'dhcp-options-id': (v: VpcDoc) => v.DhcpOptionsId,
  'is-default': (v: VpcDoc) => v.IsDefault,
  'owner-id': (v: VpcDoc) => v.OwnerId,
  state: (v: VpcDoc) => v.State,
  'vpc-id': (v: VpcDoc) => v.VpcId,
  // No IPv6 here: these filters are valid and match nothing.
  'ipv6-cidr-block-association.ipv6-cidr-block': () => undefined,
  'ipv6-cidr-block-association.ipv6-pool': () => undefined,
  'ipv6-cidr-block-association.association-id': () => undefined,
  'ipv6-cidr-block-association.state': () => undefined,
};

const SUBNET_FILTERS = {
  'availability-zone': (s: SubnetDoc) => s.AvailabilityZone,
  availabilityZone: (s: SubnetDoc) => s.AvailabilityZone,
  'availability-zone-id': (s: SubnetDoc) => s.AvailabilityZoneId,
  'available-ip-address-count': (s: SubnetDoc) => s.AvailableIpAddressCount,
  'cidr-block': (s: SubnetDoc) => s.CidrBlock,
  cidr: (s: SubnetDoc) => s.CidrBlock,
  cidrBlock: (s: SubnetDoc) => s.CidrBlock,
  'default-for-az': (s: SubnetDoc) => s.DefaultForAz,
  defaultForAz: (s: SubnetDoc) => s.DefaultForAz,
  'map-public-ip-on-launch': (s: SubnetDoc) => s.MapPublicIpOnLaunch,
  'owner-id': (s: SubnetDoc) => s.OwnerId,
  state: (s: SubnetDoc) => s.State,
  'subnet-arn': (s: SubnetDoc) => s.SubnetArn,
  'subnet-id': (s: SubnetDoc) => s.SubnetId,
  'vpc-id': (s: SubnetDoc) => s.VpcId,
  'ipv6-cidr-block-association.ipv6-cidr-block': () => undefined,
  'ipv6-cidr-block-association.association-id': () => undefined,
  'ipv6-cidr-block-association.state': () => undefined,
  'ipv6-native': (s: SubnetDoc) => s.Ipv6Native,
  'outpost-arn': () => undefined,
};

/** Addresses in use in a subnet (instances not terminated). */
export async function usedAddresses(env: Ec2Env, scope: Scope, subnetId: string): Promise<Set<string>> {
  const instances = await env.repo.list<{
    SubnetId?: string;
    PrivateIpAddress?: string;
    State: { Name: string };
  }>(scope, 'instance');
  return new Set([
    ...instances
      .filter((i) => i.SubnetId === subnetId && i.State.Name !== 'terminated')
      .map((i) => i.PrivateIpAddress!),
    // A NAT gateway's interface holds an address until the gateway is deleted.
    ...(await natAddressesIn(env.repo, scope, subnetId)),
  ]);
}

async function withCount(env: Ec2Env, scope: Scope, s: SubnetDoc): Promise<SubnetDoc> {
  const c = parseCidr(s.CidrBlock)!;
  return { ...s, AvailableIpAddressCount: size(c) - 5 - (await usedAddresses(env, scope, s.SubnetId)).size };
}

export function vpcHandlers(env: Ec2Env): ServiceHandlers {
  return {
    async CreateVpc(input, ctx) {
      dryRun(input);
      requireParam(input.CidrBlock, 'CidrBlock');
      const scope = scopeOf(ctx);
      const c = parseCidr(input.CidrBlock);
      if (!c)
        throw new InvalidParameterValue(
          `Value (${input.CidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`,
        );
      if (c.prefix < 16 || c.prefix > 28)
        throw new InvalidVpcRange(`The CIDR '${input.CidrBlock}' is invalid.`);
      const dopt =
        (await env.repo.list<{ DhcpOptionsId: string }>(scope, 'dopt'))[0]?.DhcpOptionsId ?? 'default';
      const id = newId('vpc');
      const doc = vpcDoc(scope, id, format(c), false, dopt);
      // `host` is for instances only: CreateVpc takes default or dedicated (the API reference).
      const tenancy: string = input.InstanceTenancy ?? 'default';
      if (tenancy !== 'default' && tenancy !== 'dedicated')
        throw new InvalidParameterValue(`Value (${tenancy}) for parameter instanceTenancy is invalid.`);
      doc.InstanceTenancy = tenancy;
      doc.Tags = tagsFor(input.TagSpecifications, 'vpc') as VpcDoc['Tags'];
      doc.State = 'pending';
      await env.repo.put(scope, 'vpc', id, { ...doc, State: 'available' });
      await createVpcParts(env.repo, scope, id, format(c));
      return { Vpc: doc };
    },

    async DescribeVpcs(input, ctx) {
      const scope = scopeOf(ctx);
      const { page, NextToken } = await describePage(input, {
        operation: 'DescribeVpcs',
        ids: input.VpcIds,
        idsParam: 'vpcIds',
        byIds: (ids) => mustGetAll<VpcDoc>(env, scope, ids, 'vpc', VPC_ERRORS),
        all: () => env.repo.list<VpcDoc>(scope, 'vpc'),
        fields: VPC_FILTERS,
        maxResults: { min: 5, max: 1000 },
      });
      return { Vpcs: page as Vpc[], NextToken };
    },

    async DeleteVpc(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const vpc = await mustGet<VpcDoc>(env, scope, input.VpcId, 'vpc', VPC_ERRORS);
      const id = vpc.VpcId;
      const subnets = (await env.repo.list<SubnetDoc>(scope, 'subnet')).filter((s) => s.VpcId === id);
      const igws = (await env.repo.list<{ Attachments: { VpcId: string }[] }>(scope, 'igw')).filter((g) =>
        g.Attachments.some((a) => a.VpcId === id),
      );
      const groups = (await env.repo.list<GroupDoc>(scope, 'sg')).filter((g) => g.VpcId === id);
      const tables = (await env.repo.list<ReturnType<typeof routeTableDoc>>(scope, 'rtb')).filter(
        (t) => t.VpcId === id,
      );
      const acls = (await env.repo.list<ReturnType<typeof networkAclDoc>>(scope, 'acl')).filter(
        (a) => a.VpcId === id,
      );
      const extraTables = tables.filter((t) => !t.Associations.some((a) => a.Main));
      if (
        subnets.length ||
        igws.length ||
        groups.some((g) => g.GroupName !== 'default') ||
        extraTables.length ||
        acls.some((a) => !a.IsDefault)
      ) {
        throw new DependencyViolation(`The vpc '${id}' has dependencies and cannot be deleted.`);
      }
      for (const g of groups) await env.repo.delete(scope, g.GroupId);
      for (const t of tables) await env.repo.delete(scope, t.RouteTableId);
      for (const a of acls) await env.repo.delete(scope, a.NetworkAclId);
      await env.repo.delete(scope, id);
      return {};
    },

    async CreateSubnet(input, ctx) {
      dryRun(input);
      requireParam(input.VpcId, 'VpcId');
      const scope = scopeOf(ctx);
      const vpc = await mustGet<VpcDoc>(env, scope, input.VpcId, 'vpc', VPC_ERRORS);
      requireParam(input.CidrBlock, 'CidrBlock');
      const c = parseCidr(input.CidrBlock);
      if (!c)
        throw new InvalidParameterValue(
          `Value (${input.CidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`,
        );
      if (c.prefix < 16 || c.prefix > 28 || !contains(parseCidr(vpc.CidrBlock)!, c)) {
        throw new InvalidSubnetRange(`The CIDR '${input.CidrBlock}' is invalid.`);
      }
      const siblings = (await env.repo.list<SubnetDoc>(scope, 'subnet')).filter((s) => s.VpcId === vpc.VpcId);
      if (siblings.some((s) => overlaps(parseCidr(s.CidrBlock)!, c))) {
        throw new InvalidSubnetConflict(`The CIDR '${input.CidrBlock}' conflicts with another subnet`);
      }
      const zones = zonesFor(scope.account, scope.region);
      let zone = zones[seededInt(zones.length, input.CidrBlock, vpc.VpcId)]!;
      if (input.AvailabilityZone || input.AvailabilityZoneId) {
        const found = zones.find(
          (z) => z.name === input.AvailabilityZone || z.id === input.AvailabilityZoneId,
        );
        if (!found) {
          throw new InvalidParameterValue(
            `Value (${input.AvailabilityZone ?? input.AvailabilityZoneId}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${zones.map((z) => z.name).join(', ')}.`,
          );
        }
        zone = found;
      }
      const id = newId('subnet');
      const doc = subnetDoc(scope, id, vpc.VpcId, format(c), zone, false);
      doc.Tags = tagsFor(input.TagSpecifications, 'subnet') as SubnetDoc['Tags'];
      await env.repo.put(scope, 'subnet', id, doc);
      const acl = (await env.repo.list<ReturnType<typeof networkAclDoc>>(scope, 'acl')).find(
        (a) => a.VpcId === vpc.VpcId && a.IsDefault,
      );
      if (acl) {
        acl.Associations.push({
          NetworkAclAssociationId: newId('aclassoc'),
          NetworkAclId: acl.NetworkAclId,
          SubnetId: id,
        });
        await env.repo.put(scope, 'acl', acl.NetworkAclId, acl);
      }
      return { Subnet: (await withCount(env, scope, doc)) as Subnet };
    },

    async DescribeSubnets(input, ctx) {
      const scope = scopeOf(ctx);
      const counted = (subnets: SubnetDoc[]) => Promise.all(subnets.map((s) => withCount(env, scope, s)));
      const { page, NextToken } = await describePage(input, {
        operation: 'DescribeSubnets',
        ids: input.SubnetIds,
        idsParam: 'subnetIds',
        byIds: async (ids) => counted(await mustGetAll<SubnetDoc>(env, scope, ids, 'subnet', SUBNET_ERRORS)),
        all: async () => counted(await env.repo.list<SubnetDoc>(scope, 'subnet')),
        fields: SUBNET_FILTERS,
        maxResults: { min: 5, max: 1000 },
      });
      return { Subnets: page as Subnet[], NextToken };
    },

    async DeleteSubnet(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const subnet = await mustGet<SubnetDoc>(env, scope, input.SubnetId, 'subnet', SUBNET_ERRORS);
      if ((await usedAddresses(env, scope, subnet.SubnetId)).size) {
        throw new DependencyViolation(
          `The subnet '${subnet.SubnetId}' has dependencies and cannot be deleted.`,
        );
      }
      for (const acl of await env.repo.list<ReturnType<typeof networkAclDoc>>(scope, 'acl')) {
        const kept = acl.Associations.filter((a) => a.SubnetId !== subnet.SubnetId);
        if (kept.length !== acl.Associations.length)
          await env.repo.put(scope, 'acl', acl.NetworkAclId, { ...acl, Associations: kept });
      }
      for (const t of await env.repo.list<ReturnType<typeof routeTableDoc>>(scope, 'rtb')) {
        const kept = t.Associations.filter((a) => a.SubnetId !== subnet.SubnetId);
        if (kept.length !== t.Associations.length)
          await env.repo.put(scope, 'rtb', t.RouteTableId, { ...t, Associations: kept });
      }
      await env.repo.delete(scope, subnet.SubnetId);
      return {};
    },

    async ModifySubnetAttribute(input, ctx) {
      const scope = scopeOf(ctx);
      const subnet = await mustGet<SubnetDoc>(env, scope, input.SubnetId, 'subnet', SUBNET_ERRORS);
      if (input.MapPublicIpOnLaunch?.Value !== undefined)
        subnet.MapPublicIpOnLaunch = input.MapPublicIpOnLaunch.Value;
      // The launch-time DNS name options are kept and shown, as DescribeSubnets reports them.
      const dns = subnet.PrivateDnsNameOptionsOnLaunch;
      const hostnameType: string | undefined = input.PrivateDnsHostnameTypeOnLaunch;
      if (hostnameType !== undefined) {
        if (hostnameType !== 'ip-name' && hostnameType !== 'resource-name')
          throw new InvalidParameterValue(
            `Value (${hostnameType}) for parameter privateDnsHostnameTypeOnLaunch is invalid.`,
          );
        dns.HostnameType = hostnameType;
      }
      if (input.EnableResourceNameDnsARecordOnLaunch?.Value !== undefined)
        dns.EnableResourceNameDnsARecord = input.EnableResourceNameDnsARecordOnLaunch.Value;
      await env.repo.put(scope, 'subnet', subnet.SubnetId, subnet);
      return {};
    },

    async DescribeVpcAttribute(input, ctx) {
      const scope = scopeOf(ctx);
      const vpc = await mustGet<VpcDoc>(env, scope, input.VpcId, 'vpc', VPC_ERRORS);
      const out: Record<string, unknown> = { VpcId: vpc.VpcId };
      if (input.Attribute === 'enableDnsSupport') out.EnableDnsSupport = { Value: vpc._enableDnsSupport };
      else if (input.Attribute === 'enableDnsHostnames')
        out.EnableDnsHostnames = { Value: vpc._enableDnsHostnames };
      else if (input.Attribute === 'enableNetworkAddressUsageMetrics')
        out.EnableNetworkAddressUsageMetrics = { Value: false };
      return out;
    },

    async ModifyVpcAttribute(input, ctx) {
      const scope = scopeOf(ctx);
      const vpc = await mustGet<VpcDoc>(env, scope, input.VpcId, 'vpc', VPC_ERRORS);
      // One attribute per request, as AWS documents and enforces.
      const given = ['EnableDnsSupport', 'EnableDnsHostnames', 'EnableNetworkAddressUsageMetrics'].filter(
        (k) => input[k]?.Value !== undefined,
      );
      if (given.length > 1)
        throw new InvalidParameterCombination(
          `Fields for multiple attribute types specified: ${given.map((k) => k[0]!.toLowerCase() + k.slice(1)).join(', ')}`,
        );
      // DNS hostnames need DNS support (ModifyVpcAttribute's documentation): neither request may
      // leave a VPC with hostnames on and support off.
      if (input.EnableDnsHostnames?.Value === true && !vpc._enableDnsSupport)
        throw new InvalidParameterValue(
          `DNS hostnames cannot be enabled for ${vpc.VpcId} while DNS support (enableDnsSupport) is disabled.`,
        );
      if (input.EnableDnsSupport?.Value === false && vpc._enableDnsHostnames)
        throw new InvalidParameterValue(
          `DNS support cannot be disabled for ${vpc.VpcId} while DNS hostnames (enableDnsHostnames) are enabled.`,
        );
      if (input.EnableDnsSupport?.Value !== undefined) vpc._enableDnsSupport = input.EnableDnsSupport.Value;
      if (input.EnableDnsHostnames?.Value !== undefined)
        vpc._enableDnsHostnames = input.EnableDnsHostnames.Value;
      await env.repo.put(scope, 'vpc', vpc.VpcId, vpc);
      return {};
    },
  };
}
