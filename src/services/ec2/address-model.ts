/**
 * Elastic IP addresses as stored (one `eip` document per allocation, AWS's Address shape) and
 * how an instance document shows its public address: PublicIpAddress, PublicDnsName and the
 * primary interface's Association. An auto-assigned address is owned by `amazon`; an Elastic
 * IP by the account, and its association also names AllocationId and AssociationId (which
 * DescribeNetworkInterfaces shows and DescribeInstances' shape leaves out).
 */
import type { Tag } from '../../generated/ec2/types.ts';
import type { InstanceDoc } from './instance-model.ts';
import { publicDnsName } from './public-ip.ts';
import type { Ec2Repository, Scope } from './store.ts';

export interface AddressDoc {
  AllocationId: string;
  PublicIp: string;
  Domain: 'vpc';
  PublicIpv4Pool: string;
  NetworkBorderGroup: string;
  Tags: Tag[];
  AssociationId?: string;
  InstanceId?: string;
  NetworkInterfaceId?: string;
  NetworkInterfaceOwnerId?: string;
  PrivateIpAddress?: string;
  /** The NAT gateway holding the address (see nat-model.ts `addressNow`). */
  _natGatewayId?: string;
}

export interface PublicAssociation {
  IpOwnerId: string;
  PublicDnsName: string;
  PublicIp: string;
  AllocationId?: string;
  AssociationId?: string;
}

/** An address from Amazon's pool, given at launch or start (see run-instances.ts). */
export function autoAssociation(ip: string, region: string): PublicAssociation {
  return { IpOwnerId: 'amazon', PublicDnsName: publicDnsName(ip, region), PublicIp: ip };
}

export function elasticAssociation(eip: AddressDoc, scope: Scope, associationId: string): PublicAssociation {
  return {
    IpOwnerId: scope.account,
    PublicDnsName: publicDnsName(eip.PublicIp, scope.region),
    PublicIp: eip.PublicIp,
    AllocationId: eip.AllocationId,
    AssociationId: associationId,
  };
}

/** The instance's public association (its primary interface's), if any. */
export function publicAssociation(doc: InstanceDoc): PublicAssociation | undefined {
  return doc.NetworkInterfaces[0]?.Association as PublicAssociation | undefined;
}

/** Whether the instance's public address is an Elastic IP (it stays through stop and start). */
export function hasElasticIp(doc: InstanceDoc): boolean {
  return publicAssociation(doc)?.AllocationId !== undefined;
}

/** The instance with `assoc` as its public address (none: no public address). */
export function withPublicAddress(doc: InstanceDoc, assoc: PublicAssociation | undefined): InstanceDoc {
  const next: InstanceDoc = { ...doc, PublicDnsName: assoc?.PublicDnsName ?? '' };
  if (assoc) next.PublicIpAddress = assoc.PublicIp;
  else delete next.PublicIpAddress;
  next.NetworkInterfaces = doc.NetworkInterfaces.map((n, i) => {
    if (i !== 0) return n;
    const { Association: _a, ...rest } = n;
    return {
      ...rest,
      ...(assoc ? { Association: assoc } : {}),
      PrivateIpAddresses: (n.PrivateIpAddresses ?? []).map((p: Record<string, unknown>) => {
        const { Association: _p, ...addr } = p;
        return p.Primary && assoc ? { ...addr, Association: assoc } : addr;
      }),
    };
  });
  return next;
}

/** Clears an address's association fields (it stays allocated). */
export function unlinked(eip: AddressDoc): AddressDoc {
  const {
    AssociationId: _a,
    InstanceId: _i,
    NetworkInterfaceId: _n,
    NetworkInterfaceOwnerId: _o,
    PrivateIpAddress: _p,
    _natGatewayId: _g,
    ...rest
  } = eip;
  return rest;
}

/** A terminated instance's Elastic IPs are disassociated and stay allocated, as on EC2. */
export async function freeAddressesOf(repo: Ec2Repository, scope: Scope, instanceId: string): Promise<void> {
  for (const eip of await repo.list<AddressDoc>(scope, 'eip'))
    if (eip.InstanceId === instanceId) await repo.put(scope, 'eip', eip.AllocationId, unlinked(eip));
}
