/**
 * CreateRoute/ReplaceRoute targets: each must exist, with AWS's NotFound codes, and only an
 * instance or an interface may take the VPC's own addresses (the local route's range or part of it).
 */
import { AwsError } from '../../errors.ts';
import { InvalidParameterValue, MissingParameter } from '../../generated/ec2/errors.ts';
import { contains, parseCidr } from './cidr.ts';
import { INSTANCE_ERRORS, mustGet, type Ec2Env } from './env.ts';
import { isId } from './ids.ts';
import { liveInstances } from './instance-lookup.ts';
import { natGateways, natState, natVisible } from './nat-model.ts';
import type { Scope } from './store.ts';

export const TARGETS = [
  'GatewayId',
  'InstanceId',
  'NatGatewayId',
  'NetworkInterfaceId',
  'VpcPeeringConnectionId',
  'TransitGatewayId',
  'EgressOnlyInternetGatewayId',
  'LocalGatewayId',
  'CarrierGatewayId',
  'VpcEndpointId',
] as const;

export type TargetKey = (typeof TARGETS)[number];

/** Targets that may take traffic for addresses inside the VPC (AWS's message names these two). */
const INSIDE_VPC_TARGETS: readonly string[] = ['InstanceId', 'NetworkInterfaceId', 'VpcEndpointId'];

interface Table {
  RouteTableId: string;
  VpcId: string;
}

/** The VPC's IPv4 blocks: the ranges its local routes cover. */
export async function vpcBlocks(env: Ec2Env, scope: Scope, vpcId: string): Promise<string[]> {
  const vpc = await env.repo.get<{ CidrBlock: string; CidrBlockAssociationSet?: { CidrBlock: string }[] }>(
    scope,
    vpcId,
  );
  if (!vpc) return [];
  return vpc.CidrBlockAssociationSet?.map((a) => a.CidrBlock) ?? [vpc.CidrBlock];
}

/** Whether `dest` is one of the VPC's blocks or inside one. */
export function insideVpc(blocks: string[], dest: string | undefined): boolean {
  const d = dest ? parseCidr(dest) : undefined;
  return Boolean(d && blocks.some((b) => contains(parseCidr(b)!, d)));
}

/**
 * The request's target key after checking that it exists (and, for an internet gateway, that it
 * is attached to the table's VPC), and that a destination inside the VPC goes to an instance or
 * an interface.
 */
export async function checkTarget(
  env: Ec2Env,
  scope: Scope,
  table: Table,
  dest: string | undefined,
  input: Record<string, any>,
): Promise<TargetKey> {
  const target = TARGETS.find((k) => input[k]);
  if (!target)
    throw new MissingParameter(
      'The request must contain exactly one of gatewayId, natGatewayId, networkInterfaceId, vpcPeeringConnectionId or instanceId',
    );
  const id = String(input[target]);
  if (target === 'GatewayId') {
    // An unknown gateway of any kind (aws-cli and Ansible reports: also a nat- or i- id given as
    // gatewayId) is InvalidGatewayID.NotFound.
    const igw = isId('igw', id)
      ? await env.repo.get<{ InternetGatewayId: string; Attachments: { VpcId: string }[] }>(scope, id)
      : undefined;
    if (!igw) throw new AwsError('InvalidGatewayID.NotFound', `The gateway ID '${id}' does not exist`);
    if (!igw.Attachments.some((a) => a.VpcId === table.VpcId))
      throw new InvalidParameterValue(
        `route table ${table.RouteTableId} and network gateway ${id} belong to different networks`,
      );
  } else if (target === 'InstanceId') {
    const doc = await mustGet<{ State: { Name: string } }>(env, scope, id, 'i', INSTANCE_ERRORS);
    if (doc.State.Name === 'terminated')
      throw new AwsError(INSTANCE_ERRORS.notFound, INSTANCE_ERRORS.notFoundMessage(id));
  } else if (target === 'NetworkInterfaceId') {
    const enis = (await liveInstances(env, scope))
      .filter((i) => i.State.Name !== 'terminated')
      .flatMap((i) => i.NetworkInterfaces.map((n) => n.NetworkInterfaceId as string));
    if (!enis.includes(id))
      throw new AwsError(
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${id}' does not exist`,
      );
  } else if (target === 'NatGatewayId') {
    // A deleted (or unknown) gateway does not exist (boto/boto3#779 shows AWS's words).
    const nat = (await natGateways(env.repo, scope)).find(
      (n) => n.NatGatewayId === id && natVisible(n) && natState(n) !== 'deleted',
    );
    if (!nat) throw new AwsError('InvalidNatGatewayID.NotFound', `The natGateway ID '${id}' does not exist`);
    if (nat.VpcId !== table.VpcId)
      throw new InvalidParameterValue(
        `route table ${table.RouteTableId} and network gateway ${id} belong to different networks`,
      );
  }
  if (!INSIDE_VPC_TARGETS.includes(target) && insideVpc(await vpcBlocks(env, scope, table.VpcId), dest))
    throw new InvalidParameterValue(
      `The destination CIDR block ${dest} is equal to or more specific than one of this VPC's CIDR blocks. This route can target only an interface or an instance.`,
    );
  return target;
}

/**
 * Routes as DescribeRouteTables shows them: `blackhole` where the target is gone (a gateway not
 * attached to the table's VPC, an instance or interface that no longer runs), per the Route
 * shape's documentation; `active` otherwise.
 */
export async function withRouteStates<T extends { VpcId: string; Routes: Record<string, unknown>[] }>(
  env: Ec2Env,
  scope: Scope,
  tables: T[],
): Promise<T[]> {
  const igws = await env.repo.list<{ InternetGatewayId: string; Attachments: { VpcId: string }[] }>(
    scope,
    'igw',
  );
  const live = (await liveInstances(env, scope)).filter((i) => i.State.Name !== 'terminated');
  const enis = new Set(live.flatMap((i) => i.NetworkInterfaces.map((n) => n.NetworkInterfaceId as string)));
  const instances = new Set(live.map((i) => i.InstanceId));
  // A NAT gateway takes traffic once available; deleted or failed, its routes are blackholes.
  const nats = new Set(
    (await natGateways(env.repo, scope))
      .filter((n) => ['pending', 'available'].includes(natState(n)))
      .map((n) => n.NatGatewayId),
  );
  const reachable = (vpcId: string, r: Record<string, unknown>): boolean => {
    const gw = r.GatewayId as string | undefined;
    if (gw?.startsWith('igw-'))
      return igws.some((g) => g.InternetGatewayId === gw && g.Attachments.some((a) => a.VpcId === vpcId));
    if (r.InstanceId) return instances.has(r.InstanceId as string);
    if (r.NetworkInterfaceId) return enis.has(r.NetworkInterfaceId as string);
    if (r.NatGatewayId) return nats.has(r.NatGatewayId as string);
    return true;
  };
  return tables.map((t) => ({
    ...t,
    Routes: t.Routes.map((r) => ({ ...r, State: reachable(t.VpcId, r) ? 'active' : 'blackhole' })),
  }));
}

/** What a route to an instance records: AWS shows the instance's owner and primary interface too. */
export async function instanceRouteFields(
  env: Ec2Env,
  scope: Scope,
  instanceId: string,
): Promise<Record<string, string>> {
  const doc = await env.repo.get<{ OwnerId?: string; NetworkInterfaces: { NetworkInterfaceId: string }[] }>(
    scope,
    instanceId,
  );
  const eni = doc?.NetworkInterfaces[0]?.NetworkInterfaceId;
  return {
    InstanceId: instanceId,
    InstanceOwnerId: scope.account,
    ...(eni ? { NetworkInterfaceId: eni } : {}),
  };
}
