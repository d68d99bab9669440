/**
 * EC2 NAT gateways through @aws-sdk/client-ec2 (metadata machines): public gateways holding an
 * Elastic IP on a requester-managed interface, private ones, pending → available → deleting →
 * deleted from stored times, AWS's asynchronous failures (no internet gateway, address in use),
 * filters and errors, routes (blackhole once deleted), dependencies, tags and IAM.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteNatGatewayCommand,
  DeleteSubnetCommand,
  DescribeAddressesCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DetachInternetGatewayCommand,
  DisassociateAddressCommand,
  EC2Client,
  ReleaseAddressCommand,
  waitUntilNatGatewayAvailable,
  waitUntilNatGatewayDeleted,
  type NatGateway,
} from '@aws-sdk/client-ec2';
import { sdkConfig } from '../support/server.ts';
import { errorOf, useEc2Server, wait } from '../support/ec2.ts';
import { clientsFor, code, createUser, doc, unique } from './enforcement-support.ts';

// The server inherits this: gateways stay pending (and deleting) for one second.
process.env.STRATUS_EC2_NAT_SECONDS = '1';
const { server, ec2 } = useEc2Server({ region: 'eu-central-1' });

async function network(withIgw = true): Promise<{ vpc: string; subnet: string; igw?: string }> {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc!.VpcId!;
  const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.20.1.0/24' }))).Subnet!
    .SubnetId!;
  if (withIgw) {
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
    return { vpc, subnet, igw };
  }
  return { vpc, subnet };
}

const allocate = async () => (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
const gateway = async (id: string): Promise<NatGateway> =>
  (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] }))).NatGateways![0]!;
const address = async (id: string) =>
  (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [id] }))).Addresses![0]!;
const available = (id: string) =>
  waitUntilNatGatewayAvailable({ client: ec2, ...wait }, { NatGatewayIds: [id] });
const deleted = (id: string) => waitUntilNatGatewayDeleted({ client: ec2, ...wait }, { NatGatewayIds: [id] });

test('CreateNatGateway (public): pending, then available with the Elastic IP on a requester-managed interface; ClientToken returns the same gateway', async () => {
  const { vpc, subnet } = await network();
  const eip = await allocate();
  const { PublicIp } = await address(eip);
  const out = await ec2.send(
    new CreateNatGatewayCommand({
      SubnetId: subnet,
      AllocationId: eip,
      ClientToken: 'nat-token-1',
      PrivateIpAddress: '10.20.1.50',
      TagSpecifications: [{ ResourceType: 'natgateway', Tags: [{ Key: 'Name', Value: 'egress' }] }],
    }),
  );
  const nat = out.NatGateway!;
  assert.equal(out.ClientToken, 'nat-token-1');
  assert.match(nat.NatGatewayId!, /^nat-[0-9a-f]{17}$/);
  assert.equal(nat.State, 'pending');
  assert.equal(nat.ConnectivityType, 'public');
  assert.equal(nat.VpcId, vpc);
  assert.deepEqual(nat.Tags, [{ Key: 'Name', Value: 'egress' }]);
  assert.equal((await gateway(nat.NatGatewayId!)).State, 'pending');
  const again = await ec2.send(
    new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: eip, ClientToken: 'nat-token-1' }),
  );
  assert.equal(again.NatGateway!.NatGatewayId, nat.NatGatewayId);

  await available(nat.NatGatewayId!);
  const shown = await gateway(nat.NatGatewayId!);
  const [addr] = shown.NatGatewayAddresses!;
  assert.equal(addr!.AllocationId, eip);
  assert.equal(addr!.PublicIp, PublicIp);
  assert.equal(addr!.PrivateIp, '10.20.1.50');
  assert.equal(addr!.IsPrimary, true);
  assert.equal(addr!.Status, 'succeeded');
  assert.match(addr!.NetworkInterfaceId!, /^eni-/);

  const eipNow = await address(eip);
  assert.equal(eipNow.NetworkInterfaceId, addr!.NetworkInterfaceId);
  assert.equal(eipNow.PrivateIpAddress, '10.20.1.50');
  assert.equal(eipNow.AssociationId, addr!.AssociationId);
  const [eni] = (
    await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [addr!.NetworkInterfaceId!] }))
  ).NetworkInterfaces!;
  assert.equal(eni!.InterfaceType, 'nat_gateway');
  assert.equal(eni!.RequesterManaged, true);
  assert.equal(eni!.Association?.PublicIp, PublicIp);
  assert.equal(eni!.Description, `Interface for NAT Gateway ${nat.NatGatewayId}`);

  // The gateway's address and subnet are in use; AWS answers AuthFailure for the address.
  const authFailure = {
    name: 'AuthFailure',
    message: 'You do not have permission to access the specified resource.',
  };
  assert.deepEqual(await errorOf(ec2.send(new ReleaseAddressCommand({ AllocationId: eip }))), authFailure);
  assert.deepEqual(
    await errorOf(ec2.send(new DisassociateAddressCommand({ AssociationId: eipNow.AssociationId }))),
    authFailure,
  );
  assert.deepEqual(
    await errorOf(
      ec2.send(
        new AssociateAddressCommand({ AllocationId: eip, NetworkInterfaceId: eni!.NetworkInterfaceId }),
      ),
    ),
    authFailure,
  );
  assert.equal(
    (await errorOf(ec2.send(new DeleteSubnetCommand({ SubnetId: subnet })))).name,
    'DependencyViolation',
  );
  const [sub] = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet] }))).Subnets!;
  assert.equal(sub!.AvailableIpAddressCount, 256 - 5 - 1);

  // Deleting: visible as deleting, then deleted; the address and subnet are free again.
  const del = await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: nat.NatGatewayId }));
  assert.equal(del.NatGatewayId, nat.NatGatewayId);
  assert.equal((await gateway(nat.NatGatewayId!)).State, 'deleting');
  await deleted(nat.NatGatewayId!);
  const gone = await gateway(nat.NatGatewayId!);
  assert.equal(gone.State, 'deleted');
  assert.ok(gone.DeleteTime instanceof Date);
  assert.equal((await address(eip)).AssociationId, undefined);
  const enis = await ec2.send(
    new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: [subnet] }] }),
  );
  assert.deepEqual(enis.NetworkInterfaces, []);
  assert.equal(
    (await errorOf(ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: nat.NatGatewayId })))).name,
    'NatGatewayNotFound',
  );
  await ec2.send(new DeleteSubnetCommand({ SubnetId: subnet }));
  await ec2.send(new ReleaseAddressCommand({ AllocationId: eip }));
});

test('CreateNatGateway fails as AWS does: no internet gateway (Gateway.NotAttached) and an address already associated (Resource.AlreadyAssociated)', async () => {
  const bare = await network(false);
  const eip = await allocate();
  const lonely = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: bare.subnet, AllocationId: eip })))
    .NatGateway!;
  assert.equal(lonely.State, 'pending');
  await assert.rejects(available(lonely.NatGatewayId!));
  const failed = await gateway(lonely.NatGatewayId!);
  assert.equal(failed.State, 'failed');
  assert.equal(failed.FailureCode, 'Gateway.NotAttached');
  assert.equal(failed.FailureMessage, `Network ${bare.vpc} has no Internet gateway attached`);
  assert.equal((await address(eip)).AssociationId, undefined);

  const { subnet } = await network();
  const first = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: eip })))
    .NatGateway!;
  const second = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: eip })))
    .NatGateway!;
  await available(first.NatGatewayId!);
  await assert.rejects(available(second.NatGatewayId!));
  const clash = await gateway(second.NatGatewayId!);
  assert.equal(clash.FailureCode, 'Resource.AlreadyAssociated');
  assert.equal(clash.FailureMessage, `Elastic IP address [${eip}] is already associated`);
  await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: first.NatGatewayId }));
  await deleted(first.NatGatewayId!);
  await ec2.send(new ReleaseAddressCommand({ AllocationId: eip }));
});

test('CreateNatGateway refusals; private gateways; DescribeNatGateways filters, pages and NatGatewayNotFound', async () => {
  const { vpc, subnet } = await network();
  assert.deepEqual(
    await errorOf(
      ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: 'eipalloc-0123456789abcdef0' })),
    ),
    {
      name: 'InvalidElasticIpID.NotFound',
      message: "The elasticIp ID 'eipalloc-0123456789abcdef0' does not exist",
    },
  );
  assert.equal(
    (
      await errorOf(
        ec2.send(
          new CreateNatGatewayCommand({ SubnetId: 'subnet-0123456789abcdef0', ConnectivityType: 'private' }),
        ),
      )
    ).name,
    'InvalidSubnetID.NotFound',
  );
  const eip = await allocate();
  assert.equal(
    (
      await errorOf(
        ec2.send(
          new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: eip, ConnectivityType: 'private' }),
        ),
      )
    ).name,
    'InvalidParameterCombination',
  );
  assert.equal(
    (
      await errorOf(
        ec2.send(
          new CreateNatGatewayCommand({
            SubnetId: subnet,
            PrivateIpAddress: '10.99.0.5',
            ConnectivityType: 'private',
          }),
        ),
      )
    ).name,
    'InvalidParameterValue',
  );
  await ec2.send(new ReleaseAddressCommand({ AllocationId: eip }));
  const ids: string[] = [];
  for (let i = 0; i < 6; i++)
    ids.push(
      (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet, ConnectivityType: 'private' })))
        .NatGateway!.NatGatewayId!,
    );
  await available(ids[0]!);
  const priv = await gateway(ids[0]!);
  assert.equal(priv.ConnectivityType, 'private');
  assert.equal(priv.NatGatewayAddresses![0]!.PublicIp, undefined);
  assert.equal(priv.NatGatewayAddresses![0]!.AllocationId, undefined);
  await ec2.send(new CreateTagsCommand({ Resources: [ids[1]!], Tags: [{ Key: 'tier', Value: 'db' }] }));
  const byTag = await ec2.send(
    new DescribeNatGatewaysCommand({ Filter: [{ Name: 'tag:tier', Values: ['db'] }] }),
  );
  assert.deepEqual(
    byTag.NatGateways!.map((n) => n.NatGatewayId),
    [ids[1]],
  );
  const tags = await ec2.send(
    new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [ids[1]!] }] }),
  );
  assert.deepEqual(tags.Tags, [{ Key: 'tier', Value: 'db', ResourceId: ids[1], ResourceType: 'natgateway' }]);
  const inVpc = await ec2.send(
    new DescribeNatGatewaysCommand({
      Filter: [
        { Name: 'vpc-id', Values: [vpc] },
        { Name: 'state', Values: ['available'] },
      ],
    }),
  );
  assert.equal(inVpc.NatGateways!.length, 6);
  const page = await ec2.send(
    new DescribeNatGatewaysCommand({ Filter: [{ Name: 'subnet-id', Values: [subnet] }], MaxResults: 5 }),
  );
  assert.equal(page.NatGateways!.length, 5);
  const rest = await ec2.send(
    new DescribeNatGatewaysCommand({
      Filter: [{ Name: 'subnet-id', Values: [subnet] }],
      MaxResults: 5,
      NextToken: page.NextToken,
    }),
  );
  assert.equal(rest.NatGateways!.length, 1);
  assert.deepEqual(
    await errorOf(ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: ['nat-0123456789abcdef0'] }))),
    { name: 'NatGatewayNotFound', message: 'NAT gateway nat-0123456789abcdef0 was not found' },
  );
  for (const id of ids) await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: id }));
});

test('Secondary addresses: a public gateway carries its secondary Elastic IPs on secondary private addresses; a private one takes a count or a list', async () => {
  const { subnet } = await network();
  const [one, two] = [await allocate(), await allocate()];
  const pub = (
    await ec2.send(
      new CreateNatGatewayCommand({
        SubnetId: subnet,
        AllocationId: one,
        SecondaryAllocationIds: [two],
        SecondaryPrivateIpAddresses: ['10.20.1.77'],
      }),
    )
  ).NatGateway!.NatGatewayId!;
  await available(pub);
  const addrs = (await gateway(pub)).NatGatewayAddresses!;
  assert.deepEqual(
    addrs.map((a) => [a.AllocationId, a.IsPrimary, a.Status]),
    [
      [one, true, 'succeeded'],
      [two, false, 'succeeded'],
    ],
  );
  assert.equal(addrs[1]!.PrivateIp, '10.20.1.77');
  assert.equal((await address(two)).PrivateIpAddress, '10.20.1.77');
  assert.equal((await address(two)).NetworkInterfaceId, addrs[0]!.NetworkInterfaceId);
  const [eni] = (
    await ec2.send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [addrs[0]!.NetworkInterfaceId!] }),
    )
  ).NetworkInterfaces!;
  assert.deepEqual(
    eni!.PrivateIpAddresses!.map((p) => [p.PrivateIpAddress, p.Primary, p.Association?.AllocationId]),
    [
      [addrs[0]!.PrivateIp, true, one],
      ['10.20.1.77', false, two],
    ],
  );
  assert.equal(
    (
      await errorOf(
        ec2.send(
          new CreateNatGatewayCommand({
            SubnetId: subnet,
            AllocationId: one,
            SecondaryPrivateIpAddressCount: 2,
          }),
        ),
      )
    ).name,
    'InvalidParameterCombination',
  );
  const priv = (
    await ec2.send(
      new CreateNatGatewayCommand({
        SubnetId: subnet,
        ConnectivityType: 'private',
        SecondaryPrivateIpAddressCount: 3,
      }),
    )
  ).NatGateway!;
  assert.equal(priv.NatGatewayAddresses!.length, 4);
  assert.equal(priv.NatGatewayAddresses!.filter((a) => a.IsPrimary).length, 1);
  assert.equal(
    (
      await errorOf(
        ec2.send(
          new CreateNatGatewayCommand({
            SubnetId: subnet,
            ConnectivityType: 'private',
            SecondaryPrivateIpAddressCount: 32,
          }),
        ),
      )
    ).name,
    'InvalidParameterValue',
  );
  const [sub] = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet] }))).Subnets!;
  assert.equal(sub!.AvailableIpAddressCount, 256 - 5 - 2 - 4);
  for (const id of [pub, priv.NatGatewayId!])
    await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: id }));
  await deleted(pub);
  for (const id of [one, two]) await ec2.send(new ReleaseAddressCommand({ AllocationId: id }));
});

test('CreateRoute to a NAT gateway: shown with NatGatewayId, blackhole once deleted; unknown or deleted gateways are InvalidNatGatewayID.NotFound', async () => {
  const { vpc, subnet } = await network();
  const nat = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet, ConnectivityType: 'private' })))
    .NatGateway!.NatGatewayId!;
  const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
  await ec2.send(
    new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat }),
  );
  const route = async () =>
    (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0]!.Routes!.find(
      (r) => r.DestinationCidrBlock === '0.0.0.0/0',
    )!;
  assert.equal((await route()).NatGatewayId, nat);
  assert.equal((await route()).State, 'active');
  await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: nat }));
  await deleted(nat);
  assert.equal((await route()).State, 'blackhole');
  assert.deepEqual(
    await errorOf(
      ec2.send(
        new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '10.1.0.0/16', NatGatewayId: nat }),
      ),
    ),
    { name: 'InvalidNatGatewayID.NotFound', message: `The natGateway ID '${nat}' does not exist` },
  );
});

test('DetachInternetGateway: the Elastic IP of a public NAT gateway is a mapped public address until the gateway is deleted', async () => {
  const { vpc, subnet, igw } = await network();
  const eip = await allocate();
  const nat = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: eip })))
    .NatGateway!.NatGatewayId!;
  await available(nat);
  const detach = () => ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
  assert.deepEqual(await errorOf(detach()), {
    name: 'DependencyViolation',
    message: `Network ${vpc} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`,
  });
  await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: nat }));
  await deleted(nat);
  await detach();
  await ec2.send(new ReleaseAddressCommand({ AllocationId: eip }));
});

test('IAM: NAT gateway actions name the natgateway ARN, and its tags are ec2:ResourceTag keys', async () => {
  const { subnet } = await network();
  const creds = await createUser(
    clientsFor(server).iam,
    unique('nat'),
    doc(
      { Effect: 'Allow', Action: 'ec2:CreateNatGateway', Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'ec2:DeleteNatGateway',
        Resource: 'arn:aws:ec2:eu-central-1:*:natgateway/*',
        Condition: { StringEquals: { 'ec2:ResourceTag/team': 'blue' } },
      },
    ),
  );
  const user = new EC2Client(sdkConfig(server, creds, 'eu-central-1'));
  const make = async (team: string) =>
    (
      await user.send(
        new CreateNatGatewayCommand({
          SubnetId: subnet,
          ConnectivityType: 'private',
          TagSpecifications: [{ ResourceType: 'natgateway', Tags: [{ Key: 'team', Value: team }] }],
        }),
      )
    ).NatGateway!.NatGatewayId!;
  const blue = await make('blue');
  const red = await make('red');
  assert.equal(
    await code(user.send(new DeleteNatGatewayCommand({ NatGatewayId: red }))),
    'UnauthorizedOperation',
  );
  assert.equal(await code(user.send(new DeleteNatGatewayCommand({ NatGatewayId: blue }))), 'ok');
  await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: red }));
  user.destroy();
});
