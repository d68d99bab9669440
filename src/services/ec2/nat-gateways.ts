/**
 * NAT gateways: CreateNatGateway, DescribeNatGateways, DeleteNatGateway. A public gateway takes
 * an unassociated Elastic IP (associated to the gateway's requester-managed interface); a private
 * one none. As on AWS, a gateway whose VPC has no internet gateway, or whose address is already
 * associated, is created and then fails. States come from stored times (nat-model.ts). Nothing
 * forwards traffic: machines here have no outbound network.
 */
import { AwsError } from '../../errors.ts';
import {
  InvalidParameterCombination,
  InvalidParameterValue,
  MissingParameter,
} from '../../generated/ec2/errors.ts';
import type { ServiceHandlers } from '../handler.ts';
import type { AddressDoc } from './address-model.ts';
import { describePage, listed } from './describe.ts';
import { dryRun, mustGet, requireParam, scopeOf, SUBNET_ERRORS, tagsFor, type Ec2Env } from './env.ts';
import { newId } from './ids.ts';
import {
  addressNow,
  natDelayMs,
  natGateways,
  natState,
  natView,
  natVisible,
  type NatDoc,
} from './nat-model.ts';
import type { subnetDoc } from './network-defaults.ts';
import { allocatePrivateIp } from './run-instances.ts';
import type { Scope } from './store.ts';
import { usedAddresses } from './vpcs.ts';

type SubnetDoc = ReturnType<typeof subnetDoc>;

/** AWS's words (cloud-nuke#325 quotes them). */
export const natNotFound = (id: string) =>
  new AwsError('NatGatewayNotFound', `NAT gateway ${id} was not found`);

const CONNECTIVITY = ['public', 'private'];

export function natGatewayHandlers(env: Ec2Env): ServiceHandlers {
  /** The scope's gateways still shown; those past their hour are dropped from the store. */
  async function visible(scope: Scope, purge = false): Promise<NatDoc[]> {
    const now = Date.now();
    const all = await natGateways(env.repo, scope);
    if (purge)
      for (const n of all.filter((d) => !natVisible(d, now))) await env.repo.delete(scope, n.NatGatewayId);
    return all.filter((d) => natVisible(d, now));
  }

  /** Why a new gateway will fail (it is created all the same, as AWS does), if it will. */
  async function failureOf(scope: Scope, subnet: SubnetDoc, eips: AddressDoc[]) {
    if (!eips.length) return undefined;
    // Messages as AWS reports them (giantswarm/aws-operator#1234, cluster-api-provider-aws#1418).
    const igws = await env.repo.list<{ Attachments: { VpcId: string }[] }>(scope, 'igw');
    if (!igws.some((g) => g.Attachments.some((a) => a.VpcId === subnet.VpcId)))
      return {
        code: 'Gateway.NotAttached',
        message: `Network ${subnet.VpcId} has no Internet gateway attached`,
      };
    const taken = eips.find((e) => e.AssociationId);
    if (taken)
      return {
        code: 'Resource.AlreadyAssociated',
        message: `Elastic IP address [${taken.AllocationId}] is already associated`,
      };
    return undefined;
  }

  return {
    async CreateNatGateway(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      requireParam(input.SubnetId, 'SubnetId');
      const type: string = input.ConnectivityType ?? 'public';
      if (!CONNECTIVITY.includes(type))
        throw new InvalidParameterValue(
          `Value (${type}) for parameter connectivityType is invalid. Valid values are: private, public`,
        );
      const tags = tagsFor(input.TagSpecifications, 'natgateway');
      const nats = await visible(scope, true);
      if (input.ClientToken) {
        const prior = nats.find((n) => n._clientToken === input.ClientToken);
        if (prior) return { ClientToken: input.ClientToken, NatGateway: natView(prior) };
      }
      const subnet = await mustGet<SubnetDoc>(env, scope, input.SubnetId, 'subnet', SUBNET_ERRORS);
      const wantedIps: string[] = input.SecondaryPrivateIpAddresses ?? [];
      const count: number | undefined = input.SecondaryPrivateIpAddressCount;
      if (wantedIps.length && count !== undefined)
        throw new InvalidParameterCombination(
          'You may specify secondary private IP addresses or their count, but not both',
        );
      const eips: AddressDoc[] = [];
      let secondaries: number;
      if (type === 'private') {
        // The API reference: an Elastic IP cannot be given to a private gateway.
        if (input.AllocationId || input.SecondaryAllocationIds?.length)
          throw new InvalidParameterCombination(
            'An Elastic IP address cannot be specified for a private NAT gateway',
          );
        if (count !== undefined && (count < 1 || count > 31))
          throw new InvalidParameterValue(
            `Value (${count}) for parameter secondaryPrivateIpAddressCount is invalid. It must be between 1 and 31.`,
          );
        secondaries = wantedIps.length || (count ?? 0);
      } else {
        if (!input.AllocationId)
          throw new MissingParameter('The request must contain the parameter AllocationId');
        // The API reference: the count is for private gateways only.
        if (count !== undefined)
          throw new InvalidParameterCombination(
            'SecondaryPrivateIpAddressCount can be specified only for a private NAT gateway',
          );
        const ids: string[] = [input.AllocationId, ...(input.SecondaryAllocationIds ?? [])];
        if (new Set(ids).size !== ids.length)
          throw new InvalidParameterValue('An Elastic IP address can be specified only once');
        for (const id of ids) {
          const eip = await env.repo.get<AddressDoc>(scope, id);
          // AWS's words (terraform-provider-aws#27087).
          if (!eip)
            throw new AwsError('InvalidElasticIpID.NotFound', `The elasticIp ID '${id}' does not exist`);
          eips.push(addressNow(eip, nats));
        }
        // A public gateway's secondary private addresses carry its secondary Elastic IPs, in order.
        secondaries = eips.length - 1;
        if (wantedIps.length && wantedIps.length !== secondaries)
          throw new InvalidParameterValue(
            'The number of secondary private IP addresses must match the number of secondary Elastic IP addresses',
          );
      }
      const used = await usedAddresses(env, scope, subnet.SubnetId);
      const privateIps: string[] = [];
      for (const wanted of [
        input.PrivateIpAddress,
        ...Array.from({ length: secondaries }, (_, i) => wantedIps[i]),
      ]) {
        const ip = allocatePrivateIp(subnet, used, wanted);
        privateIps.push(ip);
        used.add(ip);
      }
      const failure = await failureOf(scope, subnet, eips);
      const created = Date.now();
      const linked = !failure && eips.length > 0;
      const doc: NatDoc = {
        NatGatewayId: newId('nat'),
        SubnetId: subnet.SubnetId,
        VpcId: subnet.VpcId,
        ConnectivityType: type as NatDoc['ConnectivityType'],
        CreateTime: new Date(created).toISOString(),
        Tags: tags,
        _eni: newId('eni'),
        _addresses: privateIps.map((ip, i) => ({
          PrivateIp: ip,
          ...(eips[i]
            ? {
                AllocationId: eips[i]!.AllocationId,
                PublicIp: eips[i]!.PublicIp,
                ...(linked ? { AssociationId: newId('eipassoc') } : {}),
              }
            : {}),
        })),
        _zone: subnet.AvailabilityZone,
        _zoneId: subnet.AvailabilityZoneId,
        _readyAt: new Date(created + natDelayMs()).toISOString(),
        ...(failure ? { _failure: failure } : {}),
        ...(input.ClientToken ? { _clientToken: input.ClientToken } : {}),
      };
      if (linked)
        for (const [i, eip] of eips.entries())
          await env.repo.put(scope, 'eip', eip.AllocationId, {
            ...eip,
            AssociationId: doc._addresses[i]!.AssociationId,
            NetworkInterfaceId: doc._eni,
            NetworkInterfaceOwnerId: scope.account,
            PrivateIpAddress: doc._addresses[i]!.PrivateIp,
            _natGatewayId: doc.NatGatewayId,
          });
      await env.repo.put(scope, 'nat', doc.NatGatewayId, doc);
      return {
        ...(input.ClientToken ? { ClientToken: input.ClientToken } : {}),
        NatGateway: natView(doc, created),
      };
    },

    async DescribeNatGateways(input, ctx) {
      const scope = scopeOf(ctx);
      const now = Date.now();
      const views = (await visible(scope)).map((n) => natView(n, now));
      const { page, NextToken } = await describePage(
        // The API names the filter list `Filter` here.
        { ...input, Filters: input.Filter },
        {
          operation: 'DescribeNatGateways',
          ids: input.NatGatewayIds,
          ...listed(views, (n) => n.NatGatewayId as string, natNotFound),
          fields: {
            'nat-gateway-id': (n) => n.NatGatewayId as string,
            state: (n) => n.State as string,
            'subnet-id': (n) => n.SubnetId as string,
            'vpc-id': (n) => n.VpcId as string,
          },
          maxResults: { min: 5, max: 1000 },
        },
      );
      return { NatGateways: page, NextToken };
    },

    async DeleteNatGateway(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      requireParam(input.NatGatewayId, 'NatGatewayId');
      const id: string = input.NatGatewayId;
      const doc = (await visible(scope)).find((n) => n.NatGatewayId === id);
      if (!doc || natState(doc) === 'deleted') throw natNotFound(id);
      if (!doc._deletedAt) {
        const now = Date.now();
        // Its interface and Elastic IP are let go once it is deleted (nat-model.ts).
        await env.repo.put(scope, 'nat', id, {
          ...doc,
          DeleteTime: new Date(now).toISOString(),
          _deletedAt: new Date(now + natDelayMs()).toISOString(),
        });
      }
      return { NatGatewayId: id };
    },
  };
}
