/**
 * Elastic IP addresses: AllocateAddress, DescribeAddresses, AssociateAddress,
 * DisassociateAddress, ReleaseAddress. An address comes from the same loopback pool as
 * auto-assigned public IPs (public-ip.ts) and, once associated, is the instance's public
 * address: it replaces (and releases) an auto-assigned one, survives stop and start, and the
 * machine driver moves the instance's SSH forward to it. Errors carry AWS's words where
 * recorded (see the README's "Addresses").
 */
import {
  AddressLimitExceeded,
  AuthFailure,
  GatewayNotAttached,
  IncorrectInstanceState,
  InvalidAddressNotFound,
  InvalidAllocationIDNotFound,
  InvalidAssociationIDNotFound,
  InvalidInstanceID,
  InvalidIPAddressInUse,
  InvalidNetworkInterfaceIDNotFound,
  InvalidParameterCombination,
  InvalidParameterValue,
  MissingParameter,
  ResourceAlreadyAssociated,
} from '../../generated/ec2/errors.ts';
import type { ServiceHandlers } from '../handler.ts';
import {
  autoAssociation,
  elasticAssociation,
  publicAssociation,
  unlinked,
  withPublicAddress,
  type AddressDoc,
} from './address-model.ts';
import { pickByIds } from './describe.ts';
import { dryRun, INSTANCE_ERRORS, mustGet, scopeOf, tagsFor, type Ec2Env } from './env.ts';
import { applyFilters, paginate } from './filters.ts';
import { newId } from './ids.ts';
import { addressNow, natGateways, natOfInterface } from './nat-model.ts';
import type { InstanceDoc } from './instance-model.ts';
import type { MachinesBridge } from './machines-bridge.ts';
import { allocatePublicIp, usedPublicIps } from './public-ip.ts';
import { ownerOf } from './resource-tags.ts';
import { defaultVpcId } from './security-groups.ts';
import type { Ec2Repository, Scope } from './store.ts';

/** EC2's default quota of Elastic IP addresses per Region. */
export const MAX_ADDRESSES = 5;

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const POOL = /^127\.1\d\d\.\d+\.\d+$/;

const allocationNotFound = (id: string) =>
  new InvalidAllocationIDNotFound(`The allocation ID '${id}' does not exist`);
const addressNotFound = (ip: string) => new InvalidAddressNotFound(`Address '${ip}' not found.`);
const associationNotFound = (id: string) =>
  new InvalidAssociationIDNotFound(`The association ID '${id}' does not exist`);
/**
 * An address a NAT gateway holds, or a gateway's interface, cannot be associated, disassociated
 * or released by the user: AWS answers AuthFailure (terraform-provider-aws#3572, kops#938,
 * eformat/sno-for-100#5).
 */
const managedByNat = () => new AuthFailure('You do not have permission to access the specified resource.');

const FIELDS = {
  'allocation-id': (a: AddressDoc) => a.AllocationId,
  'association-id': (a: AddressDoc) => a.AssociationId,
  domain: (a: AddressDoc) => a.Domain,
  'instance-id': (a: AddressDoc) => a.InstanceId,
  'network-border-group': (a: AddressDoc) => a.NetworkBorderGroup,
  'network-interface-id': (a: AddressDoc) => a.NetworkInterfaceId,
  'network-interface-owner-id': (a: AddressDoc) => a.NetworkInterfaceOwnerId,
  'private-ip-address': (a: AddressDoc) => a.PrivateIpAddress,
  'public-ip': (a: AddressDoc) => a.PublicIp,
};

/** States an instance can take or give an address in (AWS refuses pending and the ends). */
const ASSOCIABLE = ['running', 'stopped'];

export function addressHandlers(env: Ec2Env, bridge: MachinesBridge): ServiceHandlers {
  /** Tells the driver where a booting or running machine's SSH forward now listens. */
  function moveForward(doc: InstanceDoc): void {
    const state = doc.State.Name;
    if (state !== 'running' && state !== 'pending') return; // a start passes the address itself
    const ip = doc.PublicIpAddress;
    bridge.background(
      bridge.drive(doc.InstanceId, () =>
        env.driver.setPublicAddress(doc.InstanceId, ip ? { host: ip, port: 22 } : null),
      ),
    );
  }

  /**
   * The instance without its Elastic IP: one whose primary interface maps public addresses
   * (default subnet, or AssociatePublicIpAddress at launch) gets a new auto-assigned address at
   * once, as the EC2 User Guide says; a stopped one gets it at its next start.
   */
  async function dropElasticIp(scope: Scope, instanceId: string | undefined): Promise<void> {
    if (!instanceId) return;
    const doc = await env.repo.get<InstanceDoc>(scope, instanceId);
    if (!doc || doc.State.Name === 'terminated') return;
    const live = doc.State.Name === 'running' || doc.State.Name === 'pending';
    const replacement =
      live && doc._wantsPublicIp ? autoAssociation(await allocatePublicIp(env), scope.region) : undefined;
    const next = withPublicAddress(doc, replacement);
    await env.repo.put(scope, 'instance', doc.InstanceId, next);
    moveForward(next);
  }

  /** The scope's addresses as they are now (a deleted NAT gateway's address is free). */
  async function addresses(scope: Scope): Promise<AddressDoc[]> {
    const nats = await natGateways(env.repo, scope);
    return (await env.repo.list<AddressDoc>(scope, 'eip')).map((a) => addressNow(a, nats));
  }

  async function ownAddress(scope: Scope, input: any): Promise<AddressDoc> {
    const all = await addresses(scope);
    if (input.AllocationId) {
      const eip = all.find((a) => a.AllocationId === input.AllocationId);
      if (!eip) throw allocationNotFound(input.AllocationId);
      return eip;
    }
    if (input.PublicIp) {
      const eip = all.find((a) => a.PublicIp === input.PublicIp);
      if (!eip) throw addressNotFound(input.PublicIp);
      return eip;
    }
    throw new MissingParameter('The request must contain the parameter AllocationId');
  }

  /** The instance an AssociateAddress request names, directly or by its interface. */
  async function target(scope: Scope, input: any): Promise<InstanceDoc> {
    if (input.InstanceId && input.NetworkInterfaceId)
      throw new InvalidParameterCombination(
        'You may specify either an instance ID or a network interface ID, but not both',
      );
    if (input.NetworkInterfaceId) {
      const eni: string = input.NetworkInterfaceId;
      if (await natOfInterface(env.repo, scope, eni)) throw managedByNat();
      const doc = await ownerOf(env.repo, scope, 'eni', eni);
      if (!doc)
        throw new InvalidNetworkInterfaceIDNotFound(`The networkInterface ID '${eni}' does not exist`);
      if (!ASSOCIABLE.includes(doc.State.Name)) {
        // AWS names the instance's internal state here (Terraform issues #19699, #6189).
        const state = doc.State.Name === 'pending' ? 'pending-instance-creation' : doc.State.Name;
        throw new IncorrectInstanceState(
          `The ${state} instance to which '${eni}' is attached is not in a valid state for this operation`,
        );
      }
      return doc;
    }
    if (!input.InstanceId)
      throw new MissingParameter('Either an instance ID or a network interface ID must be specified');
    const doc = await mustGet<InstanceDoc>(env, scope, input.InstanceId, 'i', INSTANCE_ERRORS);
    if (!ASSOCIABLE.includes(doc.State.Name))
      throw new InvalidInstanceID(
        `The ${doc.State.Name} instance '${doc.InstanceId}' is not in a valid state for this operation.`,
      );
    return doc;
  }

  return {
    async AllocateAddress(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const tags = tagsFor(input.TagSpecifications, 'elastic-ip');
      const mine = await env.repo.list<AddressDoc>(scope, 'eip');
      if (mine.length >= MAX_ADDRESSES) throw new AddressLimitExceeded();
      let ip: string;
      if (input.Address !== undefined) {
        // Recovering an address: only a free one of this server's pool can be had.
        if (
          !POOL.test(input.Address) ||
          !IPV4.test(input.Address) ||
          (await usedPublicIps(env)).has(input.Address)
        )
          throw addressNotFound(input.Address);
        ip = input.Address;
      } else ip = await allocatePublicIp(env);
      const eip: AddressDoc = {
        AllocationId: newId('eipalloc'),
        PublicIp: ip,
        Domain: 'vpc',
        PublicIpv4Pool: 'amazon',
        NetworkBorderGroup: scope.region,
        Tags: tags,
      };
      await env.repo.put(scope, 'eip', eip.AllocationId, eip);
      return {
        PublicIp: eip.PublicIp,
        AllocationId: eip.AllocationId,
        PublicIpv4Pool: eip.PublicIpv4Pool,
        NetworkBorderGroup: eip.NetworkBorderGroup,
        Domain: eip.Domain,
      };
    },

    async DescribeAddresses(input, ctx) {
      const scope = scopeOf(ctx);
      let items = await addresses(scope);
      const ips: string[] = input.PublicIps ?? [];
      const bad = ips.find((ip) => !IPV4.test(ip));
      // AWS's words as cloud-custodian#5069 quotes them.
      if (bad)
        throw new InvalidParameterValue(`Invalid value '${bad}' for PublicIp. Not a valid IPv4 address`);
      if (input.AllocationIds?.length)
        items = pickByIds(items, input.AllocationIds, (a) => a.AllocationId, allocationNotFound);
      if (ips.length) items = pickByIds(items, ips, (a) => a.PublicIp, addressNotFound);
      return { Addresses: applyFilters(items, input.Filters, FIELDS, 'DescribeAddresses') };
    },

    // Reverse DNS (PTR) records are not kept here: every address answers without one, as one never
    // given a domain name does (Terraform's aws_eip reads this on every refresh).
    async DescribeAddressesAttribute(input, ctx) {
      const scope = scopeOf(ctx);
      if (!input.Attribute) throw new MissingParameter('The request must contain the parameter Attribute');
      if (input.Attribute !== 'domain-name')
        throw new InvalidParameterValue(
          `Value (${input.Attribute}) for parameter attribute is invalid. Valid values are: domain-name`,
        );
      let items = await env.repo.list<AddressDoc>(scope, 'eip');
      if (input.AllocationIds?.length)
        items = pickByIds(items, input.AllocationIds, (a) => a.AllocationId, allocationNotFound);
      const rows = items.map((a) => ({ PublicIp: a.PublicIp, AllocationId: a.AllocationId }));
      const { page, NextToken } = paginate(rows, input, { min: 1, max: 1000 });
      return { Addresses: page, NextToken };
    },

    async AssociateAddress(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const eip = await ownAddress(scope, input);
      if (eip._natGatewayId) throw managedByNat();
      const doc = await target(scope, input);
      const eni = doc.NetworkInterfaces[0]!;
      if (input.PrivateIpAddress !== undefined && input.PrivateIpAddress !== doc.PrivateIpAddress)
        throw new InvalidParameterValue(
          `The private IP address ${input.PrivateIpAddress} is not assigned to network interface ${eni.NetworkInterfaceId}`,
        );
      const igws = await env.repo.list<{ Attachments: { VpcId: string }[] }>(scope, 'igw');
      if (!igws.some((g) => g.Attachments.some((a) => a.VpcId === doc.VpcId)))
        throw new GatewayNotAttached(`Network ${doc.VpcId} is not attached to any internet gateway`);
      const current = publicAssociation(doc);
      if (!input.AllowReassociation) {
        // AWS's words, as Ansible (#27385) and the Linux bastion Quick Start (#21) show them.
        if (eip.AssociationId)
          throw new ResourceAlreadyAssociated(
            `resource ${eip.AllocationId} is already associated with associate-id ${eip.AssociationId}`,
          );
        if (current?.AllocationId)
          throw new ResourceAlreadyAssociated(
            `resource ${eni.NetworkInterfaceId} and ${doc.PrivateIpAddress} is already associated with public address ${current.PublicIp}`,
          );
      }
      // Moving the address: its previous instance loses it (and may get an auto-assigned one).
      if (eip.InstanceId && eip.InstanceId !== doc.InstanceId) await dropElasticIp(scope, eip.InstanceId);
      // The target's other Elastic IP stays allocated, unassociated.
      if (current?.AllocationId && current.AllocationId !== eip.AllocationId) {
        const other = await env.repo.get<AddressDoc>(scope, current.AllocationId);
        if (other) await env.repo.put(scope, 'eip', other.AllocationId, unlinked(other));
      }
      const associationId = newId('eipassoc');
      await env.repo.put(scope, 'eip', eip.AllocationId, {
        ...eip,
        AssociationId: associationId,
        InstanceId: doc.InstanceId,
        NetworkInterfaceId: eni.NetworkInterfaceId,
        NetworkInterfaceOwnerId: scope.account,
        PrivateIpAddress: doc.PrivateIpAddress,
      });
      // An auto-assigned address is simply replaced: it goes back to the pool.
      const fresh = (await env.repo.get<InstanceDoc>(scope, doc.InstanceId))!;
      const next = withPublicAddress(fresh, elasticAssociation(eip, scope, associationId));
      await env.repo.put(scope, 'instance', doc.InstanceId, next);
      moveForward(next);
      return { AssociationId: associationId };
    },

    async DisassociateAddress(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      const all = await addresses(scope);
      let eip: AddressDoc | undefined;
      if (input.AssociationId) {
        eip = all.find((a) => a.AssociationId === input.AssociationId);
        if (!eip) throw associationNotFound(input.AssociationId);
      } else if (input.PublicIp) {
        eip = all.find((a) => a.PublicIp === input.PublicIp);
        if (!eip) throw addressNotFound(input.PublicIp);
      } else throw new MissingParameter('The request must contain the parameter AssociationId');
      if (eip._natGatewayId) throw managedByNat();
      if (!eip.AssociationId) return {}; // idempotent (DisassociateAddress reference)
      await env.repo.put(scope, 'eip', eip.AllocationId, unlinked(eip));
      await dropElasticIp(scope, eip.InstanceId);
      return {};
    },

    async ReleaseAddress(input, ctx) {
      dryRun(input);
      const scope = scopeOf(ctx);
      // AWS's words for these two (fog#879, boto#2727).
      if (input.AllocationId && input.PublicIp)
        throw new InvalidParameterCombination(
          'You may specify public IP or allocation id, but not both in the same call',
        );
      if (!input.AllocationId) {
        const all = await addresses(scope);
        if (input.PublicIp && !all.some((a) => a.PublicIp === input.PublicIp))
          throw addressNotFound(input.PublicIp);
        if (input.PublicIp)
          throw new InvalidParameterValue(
            'You must specify an allocation id when releasing a VPC elastic IP address',
          );
        throw new MissingParameter('The request must contain the parameter AllocationId');
      }
      const stored = await env.repo.get<AddressDoc>(scope, input.AllocationId);
      const eip = stored && addressNow(stored, await natGateways(env.repo, scope));
      if (!eip) {
        const elsewhere = await env.repo.findById<AddressDoc>(input.AllocationId);
        if (elsewhere?.kind === 'eip' && elsewhere.scope.account !== scope.account)
          throw new AuthFailure('You do not have permission to access the specified resource.');
        throw allocationNotFound(input.AllocationId);
      }
      if (input.NetworkBorderGroup !== undefined && input.NetworkBorderGroup !== eip.NetworkBorderGroup)
        throw addressNotFound(eip.PublicIp);
      if (eip._natGatewayId) throw managedByNat();
      if (eip.AssociationId) {
        // In the default VPC a release disassociates; elsewhere the address must be freed first.
        const doc = eip.InstanceId ? await env.repo.get<InstanceDoc>(scope, eip.InstanceId) : undefined;
        if (!doc?.VpcId || doc.VpcId !== (await defaultVpcId(env, scope)))
          throw new InvalidIPAddressInUse(`Address ${eip.PublicIp} is in use.`);
        await dropElasticIp(scope, eip.InstanceId);
      }
      await env.repo.delete(scope, eip.AllocationId);
      return {};
    },
  };
}

/** An allocation's id for IAM (AssociateAddress by PublicIp, DisassociateAddress by association). */
export async function allocationOf(
  repo: Ec2Repository,
  scope: Scope,
  by: { AllocationId?: string; PublicIp?: string; AssociationId?: string },
): Promise<string | undefined> {
  if (by.AllocationId) return by.AllocationId;
  const all = await repo.list<AddressDoc>(scope, 'eip');
  return all.find(
    (a) =>
      (by.AssociationId !== undefined && a.AssociationId === by.AssociationId) ||
      (by.PublicIp !== undefined && a.PublicIp === by.PublicIp),
  )?.AllocationId;
}
