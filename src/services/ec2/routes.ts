/** Internet gateways, route tables and routes, network ACLs and DHCP options (describe). */
import {
  DependencyViolation,
  GatewayNotAttached,
  InvalidAssociationIDNotFound,
  InvalidDhcpOptionIDNotFound,
  InvalidNetworkAclIDNotFound,
  InvalidParameterValue,
  InvalidRouteNotFound,
  MissingParameter,
  ResourceAlreadyAssociated,
  RouteAlreadyExists,
} from '../../generated/ec2/errors.ts';
import type { ServiceHandlers } from '../handler.ts';
import { parseCidr } from './cidr.ts';
import {
  dryRun,
  IGW_ERRORS,
  mustGet,
  mustGetAll,
  requireParam,
  RTB_ERRORS,
  scopeOf,
  SUBNET_ERRORS,
  tagsFor,
  VPC_ERRORS,
  type Ec2Env,
} from './env.ts';
import { describePage, listed } from './describe.ts';
import { newId } from './ids.ts';
import { natGateways, natHoldsResources } from './nat-model.ts';
import { checkTarget, instanceRouteFields, withRouteStates } from './route-targets.ts';
import { routeTableDoc, type networkAclDoc } from './network-defaults.ts';

interface IgwDoc {
  InternetGatewayId: string;
  OwnerId: string;
  Attachments: { State: string; VpcId: string }[];
  Tags: { Key: string; Value: string }[];
}
type RtbDoc = ReturnType<typeof routeTableDoc>;
type AclDoc = ReturnType<typeof networkAclDoc>;

const IGW_FILTERS = {
  'attachment.state': (g: IgwDoc) => g.Attachments.map((a) => a.State),
  'attachment.vpc-id': (g: IgwDoc) => g.Attachments.map((a) => a.VpcId),
  'internet-gateway-id': (g: IgwDoc) => g.InternetGatewayId,
  'owner-id': (g: IgwDoc) => g.OwnerId,
};

const RTB_FILTERS = {
  'association.route-table-association-id': (t: RtbDoc) =>
    t.Associations.map((a) => a.RouteTableAssociationId),
  'association.route-table-id': (t: RtbDoc) => t.Associations.map((a) => a.RouteTableId),
  'association.subnet-id': (t: RtbDoc) => t.Associations.map((a) => a.SubnetId),
  'association.gateway-id': (t: RtbDoc) => t.Associations.map((a) => a.GatewayId),
  'association.main': (t: RtbDoc) => t.Associations.map((a) => Boolean(a.Main)),
  'owner-id': (t: RtbDoc) => t.OwnerId,
  'route-table-id': (t: RtbDoc) => t.RouteTableId,
  'route.destination-cidr-block': (t: RtbDoc) => t.Routes.map((r) => r.DestinationCidrBlock),
  'route.gateway-id': (t: RtbDoc) => t.Routes.map((r) => r.GatewayId),
  'route.instance-id': (t: RtbDoc) => t.Routes.map((r) => r.InstanceId),
  'route.nat-gateway-id': (t: RtbDoc) => t.Routes.map((r) => r.NatGatewayId),
  'route.origin': (t: RtbDoc) => t.Routes.map((r) => r.Origin),
  'route.state': (t: RtbDoc) => t.Routes.map((r) => r.State),
  'vpc-id': (t: RtbDoc) => t.VpcId,
};

const ACL_FILTERS = {
  'association.association-id': (a: AclDoc) => a.Associations.map((x) => x.NetworkAclAssociationId),
  'association.network-acl-id': (a: AclDoc) => a.Associations.map((x) => x.NetworkAclId),
  'association.subnet-id': (a: AclDoc) => a.Associations.map((x) => x.SubnetId),
  default: (a: AclDoc) => a.IsDefault,
  'network-acl-id': (a: AclDoc) => a.NetworkAclId,
  'owner-id': (a: AclDoc) => a.OwnerId,
  'vpc-id': (a: AclDoc) => a.VpcId,
};

export function routeHandlers(env: Ec2Env): ServiceHandlers {
  return {
    async CreateInternetGateway(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const id = newId('igw');
      const doc: IgwDoc = {
        InternetGatewayId: id,
        OwnerId: scope.account,
        Attachments: [],
        Tags: tagsFor(input.TagSpecifications, 'internet-gateway') as IgwDoc['Tags'],
      };
      await env.repo.put(scope, 'igw', id, doc);
      return { InternetGateway: doc };
    },

    async DescribeInternetGateways(input, ctx) {
      const scope = scopeOf(ctx);
      const { page, NextToken } = await describePage(input, {
        operation: 'DescribeInternetGateways',
        ids: input.InternetGatewayIds,
        idsParam: 'internetGatewayIds',
        byIds: (ids) => mustGetAll<IgwDoc>(env, scope, ids, 'igw', IGW_ERRORS),
        all: () => env.repo.list<IgwDoc>(scope, 'igw'),
        fields: IGW_FILTERS,
        maxResults: { min: 5, max: 1000 },
      });
      return { InternetGateways: page, NextToken };
    },

    async AttachInternetGateway(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const igw = await mustGet<IgwDoc>(env, scope, input.InternetGatewayId, 'igw', IGW_ERRORS);
      const vpc = await mustGet<{ VpcId: string }>(env, scope, input.VpcId, 'vpc', VPC_ERRORS);
      if (igw.Attachments.length) {
        throw new ResourceAlreadyAssociated(
          `resource ${igw.InternetGatewayId} is already attached to network ${igw.Attachments[0]!.VpcId}`,
        );
      }
      const other = (await env.repo.list<IgwDoc>(scope, 'igw')).find((g) =>
        g.Attachments.some((a) => a.VpcId === vpc.VpcId),
      );
      if (other) {
        throw new ResourceAlreadyAssociated(`Network ${vpc.VpcId} already has an internet gateway attached`);
      }
      igw.Attachments = [{ State: 'available', VpcId: vpc.VpcId }];
      await env.repo.put(scope, 'igw', igw.InternetGatewayId, igw);
      return {};
    },

    async DetachInternetGateway(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const igw = await mustGet<IgwDoc>(env, scope, input.InternetGatewayId, 'igw', IGW_ERRORS);
      await mustGet(env, scope, input.VpcId, 'vpc', VPC_ERRORS);
      if (!igw.Attachments.some((a) => a.VpcId === input.VpcId)) {
        throw new GatewayNotAttached(
          `resource ${igw.InternetGatewayId} is not attached to network ${input.VpcId}`,
        );
      }
      // Public addresses of the VPC's instances need the gateway (AWS's words, as Terraform shows them).
      const instances = await env.repo.list<{
        VpcId?: string;
        PublicIpAddress?: string;
        State: { Name: string };
      }>(scope, 'instance');
      // A public NAT gateway's Elastic IP is one too, until the gateway is deleted.
      const nats = (await natGateways(env.repo, scope)).filter(
        (n) => n.VpcId === input.VpcId && n.ConnectivityType === 'public' && natHoldsResources(n),
      );
      if (
        nats.length ||
        instances.some((i) => i.VpcId === input.VpcId && i.PublicIpAddress && i.State.Name !== 'terminated')
      )
        throw new DependencyViolation(
          `Network ${input.VpcId} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`,
        );
      igw.Attachments = [];
      await env.repo.put(scope, 'igw', igw.InternetGatewayId, igw);
      return {};
    },

    async DeleteInternetGateway(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const igw = await mustGet<IgwDoc>(env, scope, input.InternetGatewayId, 'igw', IGW_ERRORS);
      if (igw.Attachments.length) {
        throw new DependencyViolation(
          `The internetGateway '${igw.InternetGatewayId}' has dependencies and cannot be deleted.`,
        );
      }
      await env.repo.delete(scope, igw.InternetGatewayId);
      return {};
    },

    async CreateRouteTable(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const vpc = await mustGet<{ VpcId: string; CidrBlock: string }>(
        env,
        scope,
        input.VpcId,
        'vpc',
        VPC_ERRORS,
      );
      const id = newId('rtb');
      const doc = routeTableDoc(scope, id, vpc.VpcId, vpc.CidrBlock, false);
      doc.Tags = tagsFor(input.TagSpecifications, 'route-table') as RtbDoc['Tags'];
      await env.repo.put(scope, 'rtb', id, doc);
      return { RouteTable: doc };
    },

    async DescribeRouteTables(input, ctx) {
      const scope = scopeOf(ctx);
      const { page, NextToken } = await describePage(input, {
        operation: 'DescribeRouteTables',
        ids: input.RouteTableIds,
        idsParam: 'routeTableIds',
        byIds: async (ids) =>
          withRouteStates(env, scope, await mustGetAll<RtbDoc>(env, scope, ids, 'rtb', RTB_ERRORS)),
        all: async () => withRouteStates(env, scope, await env.repo.list<RtbDoc>(scope, 'rtb')),
        fields: RTB_FILTERS,
        maxResults: { min: 5, max: 100 },
      });
      return { RouteTables: page, NextToken };
    },

    async DeleteRouteTable(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const t = await mustGet<RtbDoc>(env, scope, input.RouteTableId, 'rtb', RTB_ERRORS);
      if (t.Associations.length) {
        throw new DependencyViolation(
          `The routeTable '${t.RouteTableId}' has dependencies and cannot be deleted.`,
        );
      }
      await env.repo.delete(scope, t.RouteTableId);
      return {};
    },

    async CreateRoute(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const t = await mustGet<RtbDoc>(env, scope, input.RouteTableId, 'rtb', RTB_ERRORS);
      requireParam(
        input.DestinationCidrBlock ?? input.DestinationIpv6CidrBlock ?? input.DestinationPrefixListId,
        'destinationCidrBlock',
      );
      const dest: string | undefined = input.DestinationCidrBlock;
      if (dest && !parseCidr(dest)) {
        throw new InvalidParameterValue(
          `Value (${dest}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.`,
        );
      }
      const target = await checkTarget(env, scope, t, dest, input);
      if (t.Routes.some((r) => r.DestinationCidrBlock === dest && dest !== undefined)) {
        throw new RouteAlreadyExists(`The route identified by ${dest} already exists.`);
      }
      const to =
        target === 'InstanceId'
          ? await instanceRouteFields(env, scope, input.InstanceId)
          : { [target]: input[target] };
      t.Routes.push({ DestinationCidrBlock: dest, ...to, Origin: 'CreateRoute', State: 'active' });
      await env.repo.put(scope, 'rtb', t.RouteTableId, t);
      return { Return: true };
    },

    async ReplaceRoute(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const t = await mustGet<RtbDoc>(env, scope, input.RouteTableId, 'rtb', RTB_ERRORS);
      const dest: string | undefined = input.DestinationCidrBlock;
      const i = t.Routes.findIndex((r) => r.DestinationCidrBlock === dest);
      if (i < 0)
        throw new InvalidParameterValue(
          `There is no route defined for '${dest}' in the route table. Use CreateRoute instead.`,
        );
      const old = t.Routes[i]!;
      // The local route may point at an instance or interface, and back (LocalTarget, or gateway 'local').
      if ((input.LocalTarget || input.GatewayId === 'local') && old.Origin === 'CreateRouteTable') {
        t.Routes[i] = {
          DestinationCidrBlock: dest,
          GatewayId: 'local',
          Origin: 'CreateRouteTable',
          State: 'active',
        };
      } else {
        const target = await checkTarget(env, scope, t, dest, input);
        const to =
          target === 'InstanceId'
            ? await instanceRouteFields(env, scope, input.InstanceId)
            : { [target]: input[target] };
        t.Routes[i] = { DestinationCidrBlock: dest, ...to, Origin: old.Origin, State: 'active' };
      }
      await env.repo.put(scope, 'rtb', t.RouteTableId, t);
      return {};
    },

    async DeleteRoute(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const t = await mustGet<RtbDoc>(env, scope, input.RouteTableId, 'rtb', RTB_ERRORS);
      const dest = input.DestinationCidrBlock;
      const i = t.Routes.findIndex((r) => r.DestinationCidrBlock === dest);
      if (i < 0) {
        throw new InvalidRouteNotFound(
          `no route with destination-cidr-block ${dest} in route table ${t.RouteTableId}`,
        );
      }
      // The VPC's own range stays routed (Terraform's aws_route matches AWS's words).
      if (t.Routes[i]!.Origin === 'CreateRouteTable')
        throw new InvalidParameterValue(`cannot remove local route ${dest} in route table ${t.RouteTableId}`);
      t.Routes.splice(i, 1);
      await env.repo.put(scope, 'rtb', t.RouteTableId, t);
      return {};
    },

    async AssociateRouteTable(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const t = await mustGet<RtbDoc>(env, scope, input.RouteTableId, 'rtb', RTB_ERRORS);
      const association: Record<string, unknown> = {
        Main: false,
        RouteTableAssociationId: newId('rtbassoc'),
        RouteTableId: t.RouteTableId,
        AssociationState: { State: 'associated' },
      };
      if (input.SubnetId) {
        const subnet = await mustGet<{ SubnetId: string; VpcId: string }>(
          env,
          scope,
          input.SubnetId,
          'subnet',
          SUBNET_ERRORS,
        );
        if (subnet.VpcId !== t.VpcId) {
          throw new InvalidParameterValue(
            `Route table ${t.RouteTableId} and subnet ${subnet.SubnetId} belong to different networks`,
          );
        }
        const tables = await env.repo.list<RtbDoc>(scope, 'rtb');
        if (tables.some((x) => x.Associations.some((a) => a.SubnetId === subnet.SubnetId))) {
          throw new ResourceAlreadyAssociated(
            `the specified association for route table ${t.RouteTableId} conflicts with an existing association`,
          );
        }
        association.SubnetId = subnet.SubnetId;
      } else if (input.GatewayId) {
        association.GatewayId = input.GatewayId;
      } else {
        throw new MissingParameter('The request must contain the parameter subnetId or gatewayId');
      }
      t.Associations.push(association);
      await env.repo.put(scope, 'rtb', t.RouteTableId, t);
      return {
        AssociationId: association.RouteTableAssociationId,
        AssociationState: { State: 'associated' },
      };
    },

    // Moves a subnet's (or the VPC's main) association to another table of the same VPC, under a
    // new association id, as Terraform's aws_main_route_table_association does.
    async ReplaceRouteTableAssociation(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      requireParam(input.AssociationId, 'AssociationId');
      const target = await mustGet<RtbDoc>(env, scope, input.RouteTableId, 'rtb', RTB_ERRORS);
      const tables = await env.repo.list<RtbDoc>(scope, 'rtb');
      const from = tables.find((t) =>
        t.Associations.some((a) => a.RouteTableAssociationId === input.AssociationId),
      );
      if (!from)
        throw new InvalidAssociationIDNotFound(`The association ID '${input.AssociationId}' does not exist`);
      const old = from.Associations.find((a) => a.RouteTableAssociationId === input.AssociationId)!;
      if (from.VpcId !== target.VpcId)
        throw new InvalidParameterValue(
          `Route table ${target.RouteTableId} and ${old.SubnetId ? `subnet ${String(old.SubnetId)}` : `route table ${from.RouteTableId}`} belong to different networks`,
        );
      const association: Record<string, unknown> = {
        ...old,
        RouteTableAssociationId: newId('rtbassoc'),
        RouteTableId: target.RouteTableId,
        AssociationState: { State: 'associated' },
      };
      from.Associations = from.Associations.filter((a) => a !== old);
      await env.repo.put(scope, 'rtb', from.RouteTableId, from);
      // Re-read: the target may be the table the association left.
      const to = from.RouteTableId === target.RouteTableId ? from : target;
      to.Associations.push(association);
      await env.repo.put(scope, 'rtb', to.RouteTableId, to);
      return {
        NewAssociationId: association.RouteTableAssociationId,
        AssociationState: { State: 'associated' },
      };
    },

    async DisassociateRouteTable(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      for (const t of await env.repo.list<RtbDoc>(scope, 'rtb')) {
        const a = t.Associations.find((x) => x.RouteTableAssociationId === input.AssociationId);
        if (!a) continue;
        if (a.Main)
          throw new InvalidParameterValue(
            `cannot disassociate the main route table association ${input.AssociationId}`,
          );
        t.Associations = t.Associations.filter((x) => x !== a);
        await env.repo.put(scope, 'rtb', t.RouteTableId, t);
        return {};
      }
      throw new InvalidAssociationIDNotFound(`The association ID '${input.AssociationId}' does not exist`);
    },

    async DescribeNetworkAcls(input, ctx) {
      const scope = scopeOf(ctx);
      const acls = await env.repo.list<AclDoc>(scope, 'acl');
      const { page, NextToken } = await describePage(input, {
        operation: 'DescribeNetworkAcls',
        ids: input.NetworkAclIds,
        ...listed(
          acls,
          (a) => a.NetworkAclId,
          (id) => new InvalidNetworkAclIDNotFound(`The networkAcl ID '${id}' does not exist`),
        ),
        fields: ACL_FILTERS,
        maxResults: { min: 5, max: 1000 },
      });
      return { NetworkAcls: page, NextToken };
    },

    async DescribeDhcpOptions(input, ctx) {
      const scope = scopeOf(ctx);
      type Dopt = {
        DhcpOptionsId: string;
        OwnerId: string;
        DhcpConfigurations: { Key: string; Values: { Value: string }[] }[];
      };
      const opts = await env.repo.list<Dopt>(scope, 'dopt');
      const { page, NextToken } = await describePage(input, {
        operation: 'DescribeDhcpOptions',
        ids: input.DhcpOptionsIds,
        ...listed(
          opts,
          (o) => o.DhcpOptionsId,
          (id) => new InvalidDhcpOptionIDNotFound(`The dhcpOption ID '${id}' does not exist`),
        ),
        fields: {
          'dhcp-options-id': (o) => o.DhcpOptionsId,
          key: (o) => o.DhcpConfigurations.map((c) => c.Key),
          value: (o) => o.DhcpConfigurations.flatMap((c) => c.Values.map((v) => v.Value)),
          'owner-id': (o) => o.OwnerId,
        },
        maxResults: { min: 5, max: 1000 },
      });
      return { DhcpOptions: page, NextToken };
    },
  };
}
