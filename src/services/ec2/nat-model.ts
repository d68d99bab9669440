/**
 * NAT gateways as stored (one `nat` document each, AWS's NatGateway shape plus internal times)
 * and what follows from them at a given moment: the state (computed from the stored times, so
 * nothing has to run in the background and a restart loses nothing), the requester-managed
 * interface a gateway holds, and the Elastic IPs it holds. Nothing forwards traffic.
 */
import { envSeconds } from '../../config.ts';
import type { Tag } from '../../generated/ec2/types.ts';
import { unlinked, type AddressDoc } from './address-model.ts';
import { publicDnsName } from './public-ip.ts';
import type { Ec2Repository, Scope } from './store.ts';

/** How long a gateway stays pending (and deleting): STRATUS_EC2_NAT_SECONDS, default 3. */
export const natDelayMs = (): number => envSeconds('STRATUS_EC2_NAT_SECONDS', 3) * 1000;

/** Deleted and failed gateways stay visible for about an hour, as on AWS. */
const VISIBLE_AFTER_END_MS = 60 * 60 * 1000;

export interface NatDoc {
  NatGatewayId: string;
  SubnetId: string;
  VpcId: string;
  ConnectivityType: 'public' | 'private';
  CreateTime: string;
  Tags: Tag[];
  /** The gateway's interface and addresses, primary first (kept also when it failed). */
  _eni: string;
  _addresses: NatAddress[];
  _zone: string;
  _zoneId: string;
  /** When pending ends (available or failed). */
  _readyAt: string;
  _failure?: { code: string; message: string };
  DeleteTime?: string;
  _deletedAt?: string;
  _clientToken?: string;
}

/** One of a gateway's private addresses and, on a public gateway, the Elastic IP on it. */
export interface NatAddress {
  PrivateIp: string;
  AllocationId?: string;
  PublicIp?: string;
  AssociationId?: string;
}

export type NatState = 'pending' | 'available' | 'failed' | 'deleting' | 'deleted';

export function natState(doc: NatDoc, now = Date.now()): NatState {
  if (doc._deletedAt) return now < Date.parse(doc._deletedAt) ? 'deleting' : 'deleted';
  if (now < Date.parse(doc._readyAt)) return 'pending';
  return doc._failure ? 'failed' : 'available';
}

/** Whether Describe* still shows the gateway (an hour after it was deleted or failed). */
export function natVisible(doc: NatDoc, now = Date.now()): boolean {
  const end = doc._deletedAt ?? (doc._failure ? doc._readyAt : undefined);
  return end === undefined || now < Date.parse(end) + VISIBLE_AFTER_END_MS;
}

/** Whether the gateway holds its interface, private address and Elastic IP right now. */
export function natHoldsResources(doc: NatDoc, now = Date.now()): boolean {
  return !doc._failure && natState(doc, now) !== 'deleted';
}

/** The gateway as DescribeNatGateways (and CreateNatGateway) answer it. */
export function natView(doc: NatDoc, now = Date.now()): Record<string, unknown> {
  const state = natState(doc, now);
  const pending = state === 'pending';
  const failed = doc._failure && !pending;
  const status = failed
    ? 'failed'
    : pending
      ? doc.ConnectivityType === 'public'
        ? 'associating'
        : 'assigning'
      : 'succeeded';
  const addresses = doc._addresses.map((a, i) => ({
    ...(a.AllocationId ? { AllocationId: a.AllocationId } : {}),
    NetworkInterfaceId: doc._eni,
    PrivateIp: a.PrivateIp,
    ...(a.PublicIp && !doc._failure ? { PublicIp: a.PublicIp, AssociationId: a.AssociationId } : {}),
    IsPrimary: i === 0,
    Status: status,
    ...(failed ? { FailureMessage: doc._failure!.message } : {}),
  }));
  return {
    CreateTime: doc.CreateTime,
    ...(doc.DeleteTime ? { DeleteTime: doc.DeleteTime } : {}),
    ...(failed ? { FailureCode: doc._failure!.code, FailureMessage: doc._failure!.message } : {}),
    NatGatewayAddresses: addresses,
    NatGatewayId: doc.NatGatewayId,
    State: state,
    SubnetId: doc.SubnetId,
    VpcId: doc.VpcId,
    Tags: doc.Tags,
    ConnectivityType: doc.ConnectivityType,
  };
}

export async function natGateways(repo: Ec2Repository, scope: Scope): Promise<NatDoc[]> {
  return repo.list<NatDoc>(scope, 'nat');
}

/** The private addresses NAT gateways hold in a subnet (none other may take them). */
export async function natAddressesIn(repo: Ec2Repository, scope: Scope, subnetId: string): Promise<string[]> {
  const now = Date.now();
  return (await natGateways(repo, scope))
    .filter((n) => n.SubnetId === subnetId && natHoldsResources(n, now))
    .flatMap((n) => n._addresses.map((a) => a.PrivateIp));
}

/** The gateway whose interface `eni` is, while it holds it. */
export async function natOfInterface(
  repo: Ec2Repository,
  scope: Scope,
  eni: string,
): Promise<NatDoc | undefined> {
  const now = Date.now();
  return (await natGateways(repo, scope)).find((n) => n._eni === eni && natHoldsResources(n, now));
}

/**
 * An address as it is now: one a NAT gateway held is unassociated once the gateway is deleted
 * (the association is kept until then, so the address cannot be released while deleting).
 */
export function addressNow(eip: AddressDoc, nats: NatDoc[], now = Date.now()): AddressDoc {
  if (!eip._natGatewayId) return eip;
  const nat = nats.find((n) => n.NatGatewayId === eip._natGatewayId);
  if (nat && natHoldsResources(nat, now)) return eip;
  return unlinked(eip);
}

/** The requester-managed interfaces of gateways, as DescribeNetworkInterfaces shows them. */
export function natInterfaces(nats: NatDoc[], scope: Scope, now = Date.now()): Record<string, any>[] {
  return nats
    .filter((n) => natHoldsResources(n, now))
    .map((n) => {
      const association = (a: NatAddress) =>
        a.PublicIp
          ? {
              Association: {
                AllocationId: a.AllocationId,
                AssociationId: a.AssociationId,
                IpOwnerId: scope.account,
                PublicDnsName: publicDnsName(a.PublicIp, scope.region),
                PublicIp: a.PublicIp,
              },
            }
          : {};
      const primary = n._addresses[0]!;
      return {
        ...association(primary),
        Attachment: {
          AttachmentId: `ela-attach-${n._eni.slice(4)}`,
          DeleteOnTermination: false,
          DeviceIndex: 1,
          InstanceOwnerId: 'amazon-aws',
          Status: 'attached',
        },
        AvailabilityZone: n._zone,
        AvailabilityZoneId: n._zoneId,
        Description: `Interface for NAT Gateway ${n.NatGatewayId}`,
        Groups: [],
        InterfaceType: 'nat_gateway',
        Ipv6Addresses: [],
        MacAddress: macOf(n._eni),
        NetworkInterfaceId: n._eni,
        OwnerId: scope.account,
        PrivateIpAddress: primary.PrivateIp,
        PrivateIpAddresses: n._addresses.map((a, i) => ({
          ...association(a),
          Primary: i === 0,
          PrivateIpAddress: a.PrivateIp,
        })),
        RequesterManaged: true,
        SourceDestCheck: false,
        Status: 'in-use',
        SubnetId: n.SubnetId,
        TagSet: [],
        VpcId: n.VpcId,
      };
    });
}

/** A stable locally administered MAC address derived from the interface id. */
function macOf(eni: string): string {
  const hex = eni.slice(4).padEnd(10, '0');
  return ['02', ...[0, 2, 4, 6, 8].map((i) => hex.slice(i, i + 2))].join(':');
}
