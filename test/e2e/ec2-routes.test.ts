/**
 * EC2 routes through @aws-sdk/client-ec2: targets must exist (AWS's NotFound codes per kind), the
 * VPC's own range only goes to an instance or an interface, the local route cannot be removed,
 * ReplaceRoute of a missing route is InvalidParameterValue; ReplaceRouteTableAssociation; an internet
 * gateway stays attached while the VPC has public addresses; routes to targets that are gone are blackholes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteRouteCommand,
  DescribeRouteTablesCommand,
  DetachInternetGatewayCommand,
  ModifySubnetAttributeCommand,
  ReplaceRouteCommand,
  ReplaceRouteTableAssociationCommand,
  TerminateInstancesCommand,
  waitUntilInstanceTerminated,
  type CreateRouteCommandInput,
} from '@aws-sdk/client-ec2';
import { errorOf, launch, useEc2Server, wait } from '../support/ec2.ts';

const { ec2, ami } = useEc2Server();

async function network(cidr: string) {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
  const rtbId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
  const igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
  return { vpcId, rtbId, igwId };
}

const routesOf = async (rtbId: string) =>
  (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtbId] }))).RouteTables![0]!.Routes!.map(
    (r) => [r.DestinationCidrBlock, r.GatewayId ?? r.InstanceId ?? r.NetworkInterfaceId],
  );

test('CreateRoute: a target that does not exist is refused with its kind NotFound, and nothing is added', async () => {
  const { rtbId } = await network('10.61.0.0/16');
  const create = (target: Partial<CreateRouteCommandInput>) =>
    errorOf(
      ec2.send(new CreateRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0', ...target })),
    );
  // An unknown gateway of any kind is InvalidGatewayID.NotFound (aws-cli and Ansible reports).
  assert.deepEqual(await create({ GatewayId: 'igw-0123456789abcdef0' }), {
    name: 'InvalidGatewayID.NotFound',
    message: "The gateway ID 'igw-0123456789abcdef0' does not exist",
  });
  assert.deepEqual(await create({ GatewayId: 'nat-0b08ff466280436f1' }), {
    name: 'InvalidGatewayID.NotFound',
    message: "The gateway ID 'nat-0b08ff466280436f1' does not exist",
  });
  assert.deepEqual(await create({ NatGatewayId: 'nat-0770306a339d57474' }), {
    name: 'InvalidNatGatewayID.NotFound',
    message: "The natGateway ID 'nat-0770306a339d57474' does not exist",
  });
  assert.deepEqual(await create({ InstanceId: 'i-0123456789abcdef0' }), {
    name: 'InvalidInstanceID.NotFound',
    message: "The instance ID 'i-0123456789abcdef0' does not exist",
  });
  assert.deepEqual(await create({ NetworkInterfaceId: 'eni-0123456789abcdef0' }), {
    name: 'InvalidNetworkInterfaceID.NotFound',
    message: "The networkInterface ID 'eni-0123456789abcdef0' does not exist",
  });
  assert.deepEqual(await routesOf(rtbId), [['10.61.0.0/16', 'local']]);
});

test('CreateRoute/ReplaceRoute: the VPC range goes only to an instance or interface; the local route stays', async () => {
  const { vpcId, rtbId, igwId } = await network('10.62.0.0/16');
  const inside = (cidr: string) =>
    `The destination CIDR block ${cidr} is equal to or more specific than one of this VPC's CIDR blocks. This route can target only an interface or an instance.`;
  assert.deepEqual(
    await errorOf(
      ec2.send(
        new CreateRouteCommand({
          RouteTableId: rtbId,
          DestinationCidrBlock: '10.62.1.0/24',
          GatewayId: igwId,
        }),
      ),
    ),
    { name: 'InvalidParameterValue', message: inside('10.62.1.0/24') },
  );
  assert.deepEqual(
    await errorOf(
      ec2.send(
        new ReplaceRouteCommand({
          RouteTableId: rtbId,
          DestinationCidrBlock: '10.62.0.0/16',
          GatewayId: igwId,
        }),
      ),
    ),
    { name: 'InvalidParameterValue', message: inside('10.62.0.0/16') },
  );
  assert.deepEqual(
    await errorOf(
      ec2.send(new DeleteRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '10.62.0.0/16' })),
    ),
    {
      name: 'InvalidParameterValue',
      message: `cannot remove local route 10.62.0.0/16 in route table ${rtbId}`,
    },
  );
  // An instance in the VPC may take a more specific range, and a route to it can be replaced.
  const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.62.0.0/24' })))
    .Subnet!;
  const instance = await launch(ec2, ami(), { SubnetId: subnet.SubnetId });
  await ec2.send(
    new CreateRouteCommand({
      RouteTableId: rtbId,
      DestinationCidrBlock: '10.62.1.0/24',
      InstanceId: instance.InstanceId,
    }),
  );
  const eni = instance.NetworkInterfaces![0]!.NetworkInterfaceId!;
  await ec2.send(
    new ReplaceRouteCommand({
      RouteTableId: rtbId,
      DestinationCidrBlock: '10.62.1.0/24',
      NetworkInterfaceId: eni,
    }),
  );
  assert.deepEqual(await routesOf(rtbId), [
    ['10.62.0.0/16', 'local'],
    ['10.62.1.0/24', eni],
  ]);
  assert.deepEqual(
    await errorOf(
      ec2.send(
        new ReplaceRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId }),
      ),
    ),
    {
      name: 'InvalidParameterValue',
      message: "There is no route defined for '0.0.0.0/0' in the route table. Use CreateRoute instead.",
    },
  );
});

test('ReplaceRouteTableAssociation: the main association moves to another table under a new id', async () => {
  const { vpcId, rtbId } = await network('10.63.0.0/16');
  const mainOf = async () =>
    (
      await ec2.send(
        new DescribeRouteTablesCommand({
          Filters: [
            { Name: 'vpc-id', Values: [vpcId] },
            { Name: 'association.main', Values: ['true'] },
          ],
        }),
      )
    ).RouteTables!;
  const [main] = await mainOf();
  const old = main!.Associations![0]!.RouteTableAssociationId!;
  const out = await ec2.send(
    new ReplaceRouteTableAssociationCommand({ AssociationId: old, RouteTableId: rtbId }),
  );
  assert.match(out.NewAssociationId!, /^rtbassoc-/);
  assert.notEqual(out.NewAssociationId, old);
  assert.equal(out.AssociationState?.State, 'associated');
  const now = await mainOf();
  assert.deepEqual(
    now.map((t) => [t.RouteTableId, t.Associations!.map((a) => [a.RouteTableAssociationId, a.Main])]),
    [[rtbId, [[out.NewAssociationId, true]]]],
  );
  assert.deepEqual(
    await errorOf(
      ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: old, RouteTableId: rtbId })),
    ),
    { name: 'InvalidAssociationID.NotFound', message: `The association ID '${old}' does not exist` },
  );
});

test('DetachInternetGateway: refused while an instance of the VPC has a public address, allowed once it is gone; routes to what is gone are blackholes', async () => {
  const { vpcId, igwId, rtbId } = await network('10.64.0.0/16');
  const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.64.0.0/24' })))
    .Subnet!;
  await ec2.send(
    new ModifySubnetAttributeCommand({ SubnetId: subnet.SubnetId, MapPublicIpOnLaunch: { Value: true } }),
  );
  const instance = await launch(ec2, ami(), { SubnetId: subnet.SubnetId });
  assert.ok(instance.PublicIpAddress);
  await ec2.send(
    new CreateRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId }),
  );
  await ec2.send(
    new CreateRouteCommand({
      RouteTableId: rtbId,
      DestinationCidrBlock: '10.64.5.0/24',
      InstanceId: instance.InstanceId,
    }),
  );
  const routes = async () =>
    (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtbId] }))).RouteTables![0]!.Routes!;
  // A route to an instance names its owner and primary interface too.
  assert.deepEqual(
    (await routes()).map((r) => [r.DestinationCidrBlock, r.State]),
    [
      ['10.64.0.0/16', 'active'],
      ['0.0.0.0/0', 'active'],
      ['10.64.5.0/24', 'active'],
    ],
  );
  const toInstance = (await routes())[2]!;
  assert.deepEqual(
    [toInstance.InstanceId, toInstance.InstanceOwnerId, toInstance.NetworkInterfaceId],
    [
      instance.InstanceId,
      instance.NetworkInterfaces![0]!.OwnerId,
      instance.NetworkInterfaces![0]!.NetworkInterfaceId,
    ],
  );
  assert.deepEqual(
    await errorOf(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }))),
    {
      name: 'DependencyViolation',
      message: `Network ${vpcId} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`,
    },
  );
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instance.InstanceId!] }));
  await waitUntilInstanceTerminated({ client: ec2, ...wait }, { InstanceIds: [instance.InstanceId!] });
  await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
  // Routes whose target is gone are blackholes (the Route shape's documentation), and filter so.
  assert.deepEqual(
    (await routes()).map((r) => [r.DestinationCidrBlock, r.State]),
    [
      ['10.64.0.0/16', 'active'],
      ['0.0.0.0/0', 'blackhole'],
      ['10.64.5.0/24', 'blackhole'],
    ],
  );
  const { RouteTables } = await ec2.send(
    new DescribeRouteTablesCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'route.state', Values: ['blackhole'] },
      ],
    }),
  );
  assert.deepEqual(
    RouteTables!.map((t) => t.RouteTableId),
    [rtbId],
  );
});
