/**
 * The filter names each Describe* call documents (the botocore EC2 model's Filters documentation,
 * 2016-11-15), tag:KEY / tag-key / tag-value aside. A documented name Stratus has no data for is
 * accepted and matches nothing (filters.ts); any other unknown name is refused.
 * Re-derive from the model when it gains names.
 */
const DOCUMENTED = {
  DescribeAddresses: `
    allocation-id association-id instance-id network-border-group network-interface-id
    network-interface-owner-id private-ip-address public-ip tag
  `,
  DescribeAvailabilityZones: `
    group-long-name group-name message opt-in-status parent-zone-id parent-zone-name region-name
    state zone-id zone-name zone-type
  `,
  DescribeDhcpOptions: `
    dhcp-options-id key owner-id value
  `,
  DescribeImages: `
    architecture block-device-mapping.delete-on-termination block-device-mapping.device-name
    block-device-mapping.encrypted block-device-mapping.snapshot-id block-device-mapping.volume-size
    block-device-mapping.volume-type creation-date description ena-support free-tier-eligible
    hypervisor image-allowed image-id image-type is-public kernel-id manifest-location name
    owner-alias owner-id platform product-code product-code.type ramdisk-id root-device-name
    root-device-type source-image-id source-image-region source-instance-id sriov-net-support state
    state-reason-code state-reason-message virtualization-type
  `,
  DescribeInstanceCreditSpecifications: `
    instance-id
  `,
  DescribeInstanceStatus: `
    attached-ebs-status.status availability-zone availability-zone-id event.code event.description
    event.instance-event-id event.not-after event.not-before event.not-before-deadline
    instance-state-code instance-state-name instance-status.reachability instance-status.status
    operator.managed operator.principal system-status.reachability system-status.status
  `,
  DescribeInstanceTypeOfferings: `
    instance-type location
  `,
  DescribeInstanceTypes: `
    auto-recovery-supported bare-metal burstable-performance-supported current-generation
    dedicated-hosts-supported ebs-info.attachment-limit-type
    ebs-info.ebs-optimized-info.baseline-bandwidth-in-mbps ebs-info.ebs-optimized-info.baseline-iops
    ebs-info.ebs-optimized-info.baseline-throughput-in-mbps
    ebs-info.ebs-optimized-info.maximum-bandwidth-in-mbps ebs-info.ebs-optimized-info.maximum-iops
    ebs-info.ebs-optimized-info.maximum-throughput-in-mbps ebs-info.ebs-optimized-support
    ebs-info.encryption-support ebs-info.maximum-ebs-attachments ebs-info.nvme-support
    free-tier-eligible hibernation-supported hypervisor instance-storage-info.disk.count
    instance-storage-info.disk.size-in-gb instance-storage-info.disk.type
    instance-storage-info.encryption-support instance-storage-info.nvme-support
    instance-storage-info.total-size-in-gb instance-storage-supported instance-type
    memory-info.size-in-mib network-info.bandwidth-weightings
    network-info.efa-info.maximum-efa-interfaces network-info.efa-supported network-info.ena-support
    network-info.encryption-in-transit-supported network-info.flexible-ena-queues-support
    network-info.ipv4-addresses-per-interface network-info.ipv6-addresses-per-interface
    network-info.ipv6-supported network-info.maximum-network-cards
    network-info.maximum-network-interfaces network-info.network-performance nitro-enclaves-support
    nitro-tpm-info.supported-versions nitro-tpm-support processor-info.supported-architecture
    processor-info.supported-features processor-info.sustained-clock-speed-in-ghz
    reboot-migration-support supported-boot-mode supported-root-device-type supported-usage-class
    supported-virtualization-type vcpu-info.default-cores vcpu-info.default-threads-per-core
    vcpu-info.default-vcpus vcpu-info.valid-cores vcpu-info.valid-threads-per-core
  `,
  DescribeInstances: `
    affinity architecture availability-zone availability-zone-id block-device-mapping.attach-time
    block-device-mapping.delete-on-termination block-device-mapping.device-name
    block-device-mapping.status block-device-mapping.volume-id boot-mode capacity-reservation-id
    capacity-reservation-specification.capacity-reservation-preference
    capacity-reservation-specification.capacity-reservation-target.capacity-reservation-id
    capacity-reservation-specification.capacity-reservation-target.capacity-reservation-resource-group-arn
    client-token current-instance-boot-mode dns-name ebs-optimized ena-support
    enclave-options.enabled hibernation-options.configured host-id hypervisor
    iam-instance-profile.arn iam-instance-profile.id image-id instance-id instance-lifecycle
    instance-state-code instance-state-name instance-type instance.group-id instance.group-name
    ip-address ipv6-address kernel-id key-name launch-index launch-time
    maintenance-options.auto-recovery metadata-options.http-endpoint
    metadata-options.http-protocol-ipv4 metadata-options.http-protocol-ipv6
    metadata-options.http-put-response-hop-limit metadata-options.http-tokens
    metadata-options.instance-metadata-tags metadata-options.state monitoring-state
    network-interface.addresses.association.allocation-id
    network-interface.addresses.association.association-id
    network-interface.addresses.association.carrier-ip
    network-interface.addresses.association.customer-owned-ip
    network-interface.addresses.association.ip-owner-id
    network-interface.addresses.association.public-dns-name
    network-interface.addresses.association.public-ip network-interface.addresses.primary
    network-interface.addresses.private-dns-name network-interface.addresses.private-ip-address
    network-interface.association.allocation-id network-interface.association.association-id
    network-interface.association.carrier-ip network-interface.association.customer-owned-ip
    network-interface.association.ip-owner-id network-interface.association.public-dns-name
    network-interface.association.public-ip network-interface.attachment.attach-time
    network-interface.attachment.attachment-id network-interface.attachment.delete-on-termination
    network-interface.attachment.device-index network-interface.attachment.instance-id
    network-interface.attachment.instance-owner-id network-interface.attachment.network-card-index
    network-interface.attachment.status network-interface.availability-zone
    network-interface.deny-all-igw-traffic network-interface.description network-interface.group-id
    network-interface.group-name network-interface.ipv4-prefixes.ipv4-prefix
    network-interface.ipv6-address network-interface.ipv6-addresses.ipv6-address
    network-interface.ipv6-addresses.is-primary-ipv6 network-interface.ipv6-native
    network-interface.ipv6-prefixes.ipv6-prefix network-interface.mac-address
    network-interface.network-interface-id network-interface.operator.managed
    network-interface.operator.principal network-interface.outpost-arn network-interface.owner-id
    network-interface.private-dns-name network-interface.private-ip-address
    network-interface.public-dns-name network-interface.requester-id
    network-interface.requester-managed network-interface.source-dest-check network-interface.status
    network-interface.subnet-id network-interface.tag-key network-interface.tag-value
    network-interface.vpc-id network-performance-options.bandwidth-weighting operator.managed
    operator.principal outpost-arn owner-id placement-group-name placement-partition-number platform
    platform-details private-dns-name private-dns-name-options.enable-resource-name-dns-a-record
    private-dns-name-options.enable-resource-name-dns-aaaa-record
    private-dns-name-options.hostname-type private-ip-address product-code product-code.type
    ramdisk-id reason requester-id reservation-id root-device-name root-device-type
    source-dest-check spot-instance-request-id state-reason-code state-reason-message subnet-id
    tenancy tpm-support usage-operation usage-operation-update-time virtualization-type vpc-id
  `,
  DescribeInternetGateways: `
    attachment.state attachment.vpc-id internet-gateway-id owner-id tag
  `,
  DescribeKeyPairs: `
    fingerprint key-name key-pair-id tag
  `,
  DescribeLaunchTemplates: `
    create-time launch-template-name tag tag-key
  `,
  DescribeLaunchTemplateVersions: `
    create-time ebs-optimized host-resource-group-arn http-endpoint http-protocol-ipv4 http-tokens
    iam-instance-profile image-id instance-type is-default-version kernel-id
    license-configuration-arn network-card-index ram-disk-id
  `,
  DescribeNatGateways: `
    nat-gateway-id state subnet-id tag vpc-id
  `,
  DescribeNetworkAcls: `
    association.association-id association.network-acl-id association.subnet-id default entry.cidr
    entry.egress entry.icmp.code entry.icmp.type entry.ipv6-cidr entry.port-range.from
    entry.port-range.to entry.protocol entry.rule-action entry.rule-number network-acl-id owner-id
    tag vpc-id
  `,
  DescribeNetworkInterfaces: `
    addresses.association.owner-id addresses.association.public-ip addresses.primary
    addresses.private-ip-address association.allocation-id association.association-id
    association.ip-owner-id association.public-dns-name association.public-ip attachment.attach-time
    attachment.attachment-id attachment.delete-on-termination attachment.device-index
    attachment.instance-id attachment.instance-owner-id attachment.status availability-zone
    availability-zone-id description group-id interface-type ipv6-addresses.ipv6-address mac-address
    network-interface-id operator.managed operator.principal owner-id private-dns-name
    private-ip-address requester-id requester-managed source-dest-check status subnet-id tag vpc-id
  `,
  DescribeRegions: `
    endpoint opt-in-status region-name
  `,
  DescribeRouteTables: `
    association.gateway-id association.main association.route-table-association-id
    association.route-table-id association.subnet-id owner-id route-table-id
    route.destination-cidr-block route.destination-ipv6-cidr-block route.destination-prefix-list-id
    route.egress-only-internet-gateway-id route.gateway-id route.instance-id route.nat-gateway-id
    route.origin route.state route.transit-gateway-id route.vpc-peering-connection-id tag vpc-id
  `,
  DescribeSecurityGroupRules: `
    group-id security-group-rule-id tag
  `,
  DescribeSecurityGroups: `
    description egress.ip-permission.cidr egress.ip-permission.from-port
    egress.ip-permission.group-id egress.ip-permission.group-name egress.ip-permission.ipv6-cidr
    egress.ip-permission.prefix-list-id egress.ip-permission.protocol egress.ip-permission.to-port
    egress.ip-permission.user-id group-id group-name ip-permission.cidr ip-permission.from-port
    ip-permission.group-id ip-permission.group-name ip-permission.ipv6-cidr
    ip-permission.prefix-list-id ip-permission.protocol ip-permission.to-port ip-permission.user-id
    owner-id tag vpc-id
  `,
  DescribeSnapshots: `
    description encrypted owner-alias owner-id progress snapshot-id start-time status storage-tier
    tag transfer-type volume-id volume-size
  `,
  DescribeSubnets: `
    availability-zone availability-zone-id available-ip-address-count cidr-block
    customer-owned-ipv4-pool default-for-az enable-dns64 enable-lni-at-device-index
    ipv6-cidr-block-association.association-id ipv6-cidr-block-association.ipv6-cidr-block
    ipv6-cidr-block-association.state ipv6-native map-customer-owned-ip-on-launch
    map-public-ip-on-launch outpost-arn owner-id
    private-dns-name-options-on-launch.enable-resource-name-dns-a-record
    private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record
    private-dns-name-options-on-launch.hostname-type state subnet-arn subnet-id tag vpc-id
  `,
  DescribeTags: `
    key resource-id resource-type tag value
  `,
  DescribeVolumes: `
    attachment.attach-time attachment.delete-on-termination attachment.device attachment.instance-id
    attachment.status availability-zone availability-zone-id create-time encrypted fast-restored
    multi-attach-enabled operator.managed operator.principal size snapshot-id status tag volume-id
    volume-type
  `,
  DescribeVpcs: `
    cidr cidr-block-association.association-id cidr-block-association.cidr-block
    cidr-block-association.state dhcp-options-id ipv6-cidr-block-association.association-id
    ipv6-cidr-block-association.ipv6-cidr-block ipv6-cidr-block-association.ipv6-pool
    ipv6-cidr-block-association.state is-default owner-id state tag vpc-id
  `,
} satisfies Record<string, string>;

/** A Describe* call with documented filter names; each handler names itself to applyFilters. */
export type DocumentedOperation = keyof typeof DOCUMENTED;

const byOperation = new Map(
  Object.entries(DOCUMENTED).map(([op, names]) => [op, new Set(names.split(/\s+/).filter(Boolean))]),
);

/** Whether the operation documents this filter name. */
export function isDocumentedFilter(operation: DocumentedOperation | undefined, name: string): boolean {
  return operation !== undefined && (byOperation.get(operation)?.has(name) ?? false);
}
