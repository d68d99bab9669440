/**
 * EC2 Elastic IP addresses through @aws-sdk/client-ec2 (metadata machines): allocation, the
 * five-per-Region limit, DescribeAddresses' ids, filters and errors, association replacing an
 * instance's auto-assigned address (and surviving stop/start), reassociation, disassociation
 * giving a default-subnet instance a new address, release rules, termination, tags, accounts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteTagsCommand,
  DescribeAddressesAttributeCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeTagsCommand,
  DetachInternetGatewayCommand,
  DisassociateAddressCommand,
  EC2Client,
  ReleaseAddressCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
  waitUntilInstanceTerminated,
  type Instance,
} from '@aws-sdk/client-ec2';
import { createAccount } from '../../src/accounts/accounts.ts';
import { sdkConfig } from '../support/server.ts';
import { errorOf, launch, useEc2Server, wait } from '../support/ec2.ts';
import { clientsFor, code, createUser, doc, unique } from './enforcement-support.ts';

const { server, ec2, ami } = useEc2Server({ region: 'eu-west-1' });

const allocate = async () => (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
const release = (id: string) => ec2.send(new ReleaseAddressCommand({ AllocationId: id }));
const address = async (id: string) =>
  (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [id] }))).Addresses![0]!;
const instance = async (id: string): Promise<Instance> =>
  (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!;

async function running(extra = {}) {
  const id = (await launch(ec2, ami(), extra)).InstanceId!;
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [id] });
  return instance(id);
}

async function terminate(id: string) {
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  await waitUntilInstanceTerminated({ client: ec2, ...wait }, { InstanceIds: [id] });
}

test('AllocateAddress: a vpc address from the public pool with tags; five per Region, then AddressLimitExceeded', async () => {
  const out = await ec2.send(
    new AllocateAddressCommand({
      TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: [{ Key: 'Name', Value: 'web' }] }],
    }),
  );
  assert.match(out.AllocationId!, /^eipalloc-[0-9a-f]{17}$/);
  assert.match(out.PublicIp!, /^127\.1\d\d\.\d+\.\d+$/);
  assert.equal(out.Domain, 'vpc');
  assert.equal(out.PublicIpv4Pool, 'amazon');
  assert.equal(out.NetworkBorderGroup, 'eu-west-1');
  const described = await address(out.AllocationId!);
  assert.deepEqual(described, {
    AllocationId: out.AllocationId,
    PublicIp: out.PublicIp,
    Domain: 'vpc',
    PublicIpv4Pool: 'amazon',
    NetworkBorderGroup: 'eu-west-1',
    Tags: [{ Key: 'Name', Value: 'web' }],
  });
  const more = [await allocate(), await allocate(), await allocate(), await allocate()];
  assert.deepEqual(await errorOf(ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))), {
    name: 'AddressLimitExceeded',
    message: 'The maximum number of addresses has been reached.',
  });
  assert.equal((await ec2.send(new DescribeAddressesCommand({}))).Addresses!.length, 5);
  for (const id of [out.AllocationId!, ...more]) await release(id);
  assert.deepEqual((await ec2.send(new DescribeAddressesCommand({}))).Addresses, []);
});

test('DescribeAddresses: unknown allocation ids and public IPs are AWS not-found errors; a bad IP is refused', async () => {
  const id = await allocate();
  const { PublicIp } = await address(id);
  assert.deepEqual(
    await errorOf(
      ec2.send(new DescribeAddressesCommand({ AllocationIds: [id, 'eipalloc-0123456789abcdef0'] })),
    ),
    {
      name: 'InvalidAllocationID.NotFound',
      message: "The allocation ID 'eipalloc-0123456789abcdef0' does not exist",
    },
  );
  assert.deepEqual(await errorOf(ec2.send(new DescribeAddressesCommand({ PublicIps: ['127.99.0.1'] }))), {
    name: 'InvalidAddress.NotFound',
    message: "Address '127.99.0.1' not found.",
  });
  assert.deepEqual(await errorOf(ec2.send(new DescribeAddressesCommand({ PublicIps: [id] }))), {
    name: 'InvalidParameterValue',
    message: `Invalid value '${id}' for PublicIp. Not a valid IPv4 address`,
  });
  const byIp = await ec2.send(new DescribeAddressesCommand({ PublicIps: [PublicIp!] }));
  assert.deepEqual(
    byIp.Addresses!.map((a) => a.AllocationId),
    [id],
  );
  // What Terraform's aws_eip reads on every refresh: no reverse DNS record.
  const attr = await ec2.send(
    new DescribeAddressesAttributeCommand({ AllocationIds: [id], Attribute: 'domain-name' }),
  );
  assert.deepEqual(attr.Addresses, [{ PublicIp, AllocationId: id }]);
  assert.equal(
    (
      await errorOf(
        ec2.send(
          new DescribeAddressesAttributeCommand({
            AllocationIds: ['eipalloc-0123456789abcdef0'],
            Attribute: 'domain-name',
          }),
        ),
      )
    ).name,
    'InvalidAllocationID.NotFound',
  );
  await release(id);
  // Releasing twice: the allocation is gone.
  assert.deepEqual(await errorOf(release(id)), {
    name: 'InvalidAllocationID.NotFound',
    message: `The allocation ID '${id}' does not exist`,
  });
});

test('AssociateAddress: the Elastic IP replaces the auto-assigned address, survives stop/start, and filters find it', async () => {
  const i = await running();
  const auto = i.PublicIpAddress!;
  assert.ok(auto);
  const id = await allocate();
  const { PublicIp } = await address(id);
  const { AssociationId } = await ec2.send(
    new AssociateAddressCommand({ AllocationId: id, InstanceId: i.InstanceId }),
  );
  assert.match(AssociationId!, /^eipassoc-[0-9a-f]{17}$/);
  const eni = i.NetworkInterfaces![0]!;
  const account = eni.OwnerId!;
  assert.deepEqual(await address(id), {
    AllocationId: id,
    AssociationId,
    Domain: 'vpc',
    InstanceId: i.InstanceId,
    NetworkInterfaceId: eni.NetworkInterfaceId,
    NetworkInterfaceOwnerId: account,
    PrivateIpAddress: i.PrivateIpAddress,
    PublicIp,
    PublicIpv4Pool: 'amazon',
    NetworkBorderGroup: 'eu-west-1',
    Tags: [],
  });
  const dns = `ec2-${PublicIp!.replaceAll('.', '-')}.eu-west-1.compute.amazonaws.com`;
  const shown = await instance(i.InstanceId!);
  assert.equal(shown.PublicIpAddress, PublicIp);
  assert.equal(shown.PublicDnsName, dns);
  assert.deepEqual(shown.NetworkInterfaces![0]!.Association, {
    IpOwnerId: account,
    PublicDnsName: dns,
    PublicIp,
  });
  const nic = (
    await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni.NetworkInterfaceId!] }))
  ).NetworkInterfaces![0]!;
  assert.equal(nic.Association?.AllocationId, id);
  assert.equal(nic.Association?.AssociationId, AssociationId);
  const byAllocation = await ec2.send(
    new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'association.allocation-id', Values: [id] }] }),
  );
  assert.deepEqual(
    byAllocation.NetworkInterfaces!.map((n) => n.NetworkInterfaceId),
    [eni.NetworkInterfaceId],
  );
  const byAssociation = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [{ Name: 'network-interface.association.association-id', Values: [AssociationId!] }],
    }),
  );
  assert.deepEqual(
    byAssociation.Reservations!.flatMap((r) => r.Instances!.map((x) => x.InstanceId)),
    [i.InstanceId],
  );
  // The auto-assigned address went back to the pool.
  assert.deepEqual(
    (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'ip-address', Values: [auto] }] })))
      .Reservations,
    [],
  );
  for (const [name, value] of [
    ['association-id', AssociationId!],
    ['instance-id', i.InstanceId!],
    ['network-interface-id', eni.NetworkInterfaceId!],
    ['network-interface-owner-id', account],
    ['private-ip-address', i.PrivateIpAddress!],
    ['public-ip', PublicIp!],
    ['domain', 'vpc'],
  ]) {
    const found = await ec2.send(
      new DescribeAddressesCommand({ Filters: [{ Name: name, Values: [value] }] }),
    );
    assert.deepEqual(
      found.Addresses!.map((a) => a.AllocationId),
      [id],
      name,
    );
  }
  await ec2.send(new StopInstancesCommand({ InstanceIds: [i.InstanceId!] }));
  await waitUntilInstanceStopped({ client: ec2, ...wait }, { InstanceIds: [i.InstanceId!] });
  assert.equal((await instance(i.InstanceId!)).PublicIpAddress, PublicIp);
  await ec2.send(new StartInstancesCommand({ InstanceIds: [i.InstanceId!] }));
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [i.InstanceId!] });
  assert.equal((await instance(i.InstanceId!)).PublicIpAddress, PublicIp);
  assert.equal((await address(id)).AssociationId, AssociationId);
  // Associated in the default VPC, a release disassociates (ReleaseAddress reference).
  await release(id);
  const after = await instance(i.InstanceId!);
  assert.match(after.PublicIpAddress!, /^127\./);
  assert.notEqual(after.PublicIpAddress, PublicIp);
  assert.equal(after.NetworkInterfaces![0]!.Association?.IpOwnerId, 'amazon');
  await terminate(i.InstanceId!);
});

test('AssociateAddress: AlreadyAssociated without AllowReassociation; reassociation moves the address', async () => {
  const a = await running();
  const b = await running();
  const id = await allocate();
  const other = await allocate();
  const { PublicIp } = await address(id);
  const first = (await ec2.send(new AssociateAddressCommand({ AllocationId: id, InstanceId: a.InstanceId })))
    .AssociationId!;
  assert.deepEqual(
    await errorOf(ec2.send(new AssociateAddressCommand({ AllocationId: id, InstanceId: b.InstanceId }))),
    {
      name: 'Resource.AlreadyAssociated',
      message: `resource ${id} is already associated with associate-id ${first}`,
    },
  );
  assert.deepEqual(
    await errorOf(ec2.send(new AssociateAddressCommand({ AllocationId: other, InstanceId: a.InstanceId }))),
    {
      name: 'Resource.AlreadyAssociated',
      message: `resource ${a.NetworkInterfaces![0]!.NetworkInterfaceId} and ${a.PrivateIpAddress} is already associated with public address ${PublicIp}`,
    },
  );
  const moved = await ec2.send(
    new AssociateAddressCommand({
      AllocationId: id,
      NetworkInterfaceId: b.NetworkInterfaces![0]!.NetworkInterfaceId,
      AllowReassociation: true,
    }),
  );
  assert.notEqual(moved.AssociationId, first);
  assert.equal((await instance(b.InstanceId!)).PublicIpAddress, PublicIp);
  // The instance it left is in a default subnet: it gets a new auto-assigned address.
  const left = await instance(a.InstanceId!);
  assert.ok(left.PublicIpAddress && left.PublicIpAddress !== PublicIp);
  assert.equal(left.NetworkInterfaces![0]!.Association?.IpOwnerId, 'amazon');
  assert.deepEqual(await errorOf(ec2.send(new DisassociateAddressCommand({ AssociationId: first }))), {
    name: 'InvalidAssociationID.NotFound',
    message: `The association ID '${first}' does not exist`,
  });
  // Terminating frees the address from the instance; it stays allocated.
  await terminate(b.InstanceId!);
  const freed = await address(id);
  assert.equal(freed.AssociationId, undefined);
  assert.equal(freed.InstanceId, undefined);
  await terminate(a.InstanceId!);
  await release(id);
  await release(other);
});

test('AssociateAddress: instance states, the internet gateway, and release of an address in use in a custom VPC', async () => {
  const id = await allocate();
  const pending = await launch(ec2, ami());
  assert.deepEqual(
    await errorOf(
      ec2.send(new AssociateAddressCommand({ AllocationId: id, InstanceId: pending.InstanceId })),
    ),
    {
      name: 'InvalidInstanceID',
      message: `The pending instance '${pending.InstanceId}' is not in a valid state for this operation.`,
    },
  );
  assert.deepEqual(
    await errorOf(
      ec2.send(
        new AssociateAddressCommand({
          AllocationId: id,
          NetworkInterfaceId: pending.NetworkInterfaces![0]!.NetworkInterfaceId,
        }),
      ),
    ),
    {
      name: 'IncorrectInstanceState',
      message: `The pending-instance-creation instance to which '${pending.NetworkInterfaces![0]!.NetworkInterfaceId}' is attached is not in a valid state for this operation`,
    },
  );
  await terminate(pending.InstanceId!);
  assert.deepEqual(
    await errorOf(
      ec2.send(new AssociateAddressCommand({ AllocationId: id, InstanceId: pending.InstanceId })),
    ),
    {
      name: 'InvalidInstanceID',
      message: `The terminated instance '${pending.InstanceId}' is not in a valid state for this operation.`,
    },
  );
  assert.deepEqual(
    await errorOf(
      ec2.send(
        new AssociateAddressCommand({
          AllocationId: 'eipalloc-0123456789abcdef0',
          InstanceId: pending.InstanceId,
        }),
      ),
    ),
    {
      name: 'InvalidAllocationID.NotFound',
      message: "The allocation ID 'eipalloc-0123456789abcdef0' does not exist",
    },
  );
  // A custom VPC without an internet gateway cannot take a public address.
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.44.0.0/16' }))).Vpc!.VpcId!;
  const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.44.1.0/24' }))).Subnet!
    .SubnetId!;
  const inner = await running({ SubnetId: subnet });
  assert.equal(inner.PublicIpAddress, undefined);
  assert.deepEqual(
    await errorOf(ec2.send(new AssociateAddressCommand({ AllocationId: id, InstanceId: inner.InstanceId }))),
    { name: 'Gateway.NotAttached', message: `Network ${vpc} is not attached to any internet gateway` },
  );
  const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
  const { AssociationId } = await ec2.send(
    new AssociateAddressCommand({ AllocationId: id, InstanceId: inner.InstanceId }),
  );
  const { PublicIp } = await address(id);
  assert.equal((await instance(inner.InstanceId!)).PublicIpAddress, PublicIp);
  // Outside the default VPC an associated address cannot be released.
  assert.deepEqual(await errorOf(release(id)), {
    name: 'InvalidIPAddress.InUse',
    message: `Address ${PublicIp} is in use.`,
  });
  // The gateway stays while the VPC has a mapped public address.
  assert.equal(
    (await errorOf(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc })))).name,
    'DependencyViolation',
  );
  await ec2.send(new DisassociateAddressCommand({ AssociationId }));
  // This subnet maps no public addresses: the instance has none now.
  const bare = await instance(inner.InstanceId!);
  assert.equal(bare.PublicIpAddress, undefined);
  assert.equal(bare.PublicDnsName, '');
  assert.equal(bare.NetworkInterfaces![0]!.Association, undefined);
  await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
  await terminate(inner.InstanceId!);
  await release(id);
});

test('ReleaseAddress: in use outside the default VPC, PublicIp forms, another account; tags on allocations', async () => {
  const id = await allocate();
  const { PublicIp } = await address(id);
  assert.deepEqual(await errorOf(ec2.send(new ReleaseAddressCommand({ PublicIp }))), {
    name: 'InvalidParameterValue',
    message: 'You must specify an allocation id when releasing a VPC elastic IP address',
  });
  assert.deepEqual(await errorOf(ec2.send(new ReleaseAddressCommand({ PublicIp, AllocationId: id }))), {
    name: 'InvalidParameterCombination',
    message: 'You may specify public IP or allocation id, but not both in the same call',
  });
  await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'team', Value: 'net' }] }));
  const tags = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [id] }] }));
  assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'net', ResourceId: id, ResourceType: 'elastic-ip' }]);
  const byTag = await ec2.send(
    new DescribeAddressesCommand({ Filters: [{ Name: 'tag:team', Values: ['net'] }] }),
  );
  assert.deepEqual(
    byTag.Addresses!.map((a) => a.AllocationId),
    [id],
  );
  await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: 'team' }] }));
  assert.deepEqual((await address(id)).Tags, []);

  const other = await createAccount(server.accounts, 'eip-other');
  const theirs = new EC2Client(
    sdkConfig(
      server,
      {
        accessKeyId: other.rootCredential.accessKeyId,
        secretAccessKey: other.rootCredential.secretAccessKey,
      },
      'eu-west-1',
    ),
  );
  try {
    assert.deepEqual(await errorOf(theirs.send(new ReleaseAddressCommand({ AllocationId: id }))), {
      name: 'AuthFailure',
      message: 'You do not have permission to access the specified resource.',
    });
    assert.deepEqual((await theirs.send(new DescribeAddressesCommand({}))).Addresses, []);
  } finally {
    theirs.destroy();
  }
  assert.equal((await address(id)).PublicIp, PublicIp);
  await release(id);
});

test('IAM: Elastic IP actions name the elastic-ip ARN, and its tags are ec2:ResourceTag keys', async () => {
  const east = new EC2Client(sdkConfig(server, server.credentials, 'us-east-1'));
  const creds = await createUser(
    clientsFor(server).iam,
    unique('eip'),
    doc(
      { Effect: 'Allow', Action: 'ec2:AllocateAddress', Resource: 'arn:aws:ec2:us-east-1:*:elastic-ip/*' },
      {
        Effect: 'Allow',
        Action: 'ec2:ReleaseAddress',
        Resource: 'arn:aws:ec2:*:*:elastic-ip/*',
        Condition: { StringEquals: { 'ec2:ResourceTag/team': 'blue' } },
      },
    ),
  );
  const user = clientsFor(server, creds).ec2;
  try {
    const blue = (await user.send(new AllocateAddressCommand({}))).AllocationId!;
    const red = (await user.send(new AllocateAddressCommand({}))).AllocationId!;
    await east.send(new CreateTagsCommand({ Resources: [blue], Tags: [{ Key: 'team', Value: 'blue' }] }));
    await east.send(new CreateTagsCommand({ Resources: [red], Tags: [{ Key: 'team', Value: 'red' }] }));
    assert.equal(
      await code(user.send(new ReleaseAddressCommand({ AllocationId: red }))),
      'UnauthorizedOperation',
    );
    assert.equal(await code(user.send(new ReleaseAddressCommand({ AllocationId: blue }))), 'ok');
    await east.send(new ReleaseAddressCommand({ AllocationId: red }));
  } finally {
    east.destroy();
  }
});

test('AssociateAddress on a stopped instance: the address is its public IP at once and after start; disassociated while stopped, a start brings an auto-assigned one', async () => {
  const i = await running();
  await ec2.send(new StopInstancesCommand({ InstanceIds: [i.InstanceId!] }));
  await waitUntilInstanceStopped({ client: ec2, ...wait }, { InstanceIds: [i.InstanceId!] });
  assert.equal((await instance(i.InstanceId!)).PublicIpAddress, undefined);
  const id = await allocate();
  const { PublicIp } = await address(id);
  const { AssociationId } = await ec2.send(
    new AssociateAddressCommand({ AllocationId: id, InstanceId: i.InstanceId }),
  );
  assert.equal((await instance(i.InstanceId!)).PublicIpAddress, PublicIp);
  await ec2.send(new StartInstancesCommand({ InstanceIds: [i.InstanceId!] }));
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [i.InstanceId!] });
  assert.equal((await instance(i.InstanceId!)).PublicIpAddress, PublicIp);
  await ec2.send(new StopInstancesCommand({ InstanceIds: [i.InstanceId!] }));
  await waitUntilInstanceStopped({ client: ec2, ...wait }, { InstanceIds: [i.InstanceId!] });
  await ec2.send(new DisassociateAddressCommand({ AssociationId }));
  assert.equal((await instance(i.InstanceId!)).PublicIpAddress, undefined);
  await ec2.send(new StartInstancesCommand({ InstanceIds: [i.InstanceId!] }));
  await waitUntilInstanceRunning({ client: ec2, ...wait }, { InstanceIds: [i.InstanceId!] });
  const started = await instance(i.InstanceId!);
  assert.match(started.PublicIpAddress!, /^127\./);
  assert.notEqual(started.PublicIpAddress, PublicIp);
  await terminate(i.InstanceId!);
  await release(id);
});
