/**
 * EC2 regions, zones and networks through @aws-sdk/client-ec2 and boto3: default network per
 * account and region, VPC/subnet/security group/route table life cycles, AWS's errors, filters
 * and pagination.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EC2Client,
  DescribeRegionsCommand,
  DescribeAvailabilityZonesCommand,
  DescribeVpcsCommand,
  DescribeSubnetsCommand,
  DescribeSecurityGroupsCommand,
  DescribeRouteTablesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNetworkAclsCommand,
  CreateVpcCommand,
  DeleteVpcCommand,
  CreateSubnetCommand,
  DeleteSubnetCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  AuthorizeSecurityGroupIngressCommand,
  RevokeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  CreateInternetGatewayCommand,
  AttachInternetGatewayCommand,
  DetachInternetGatewayCommand,
  DeleteInternetGatewayCommand,
  CreateRouteTableCommand,
  CreateRouteCommand,
  DeleteRouteCommand,
  AssociateRouteTableCommand,
  DisassociateRouteTableCommand,
  DeleteRouteTableCommand,
  CreateTagsCommand,
  DescribeTagsCommand,
  DeleteTagsCommand,
} from '@aws-sdk/client-ec2';
import { createAccount } from '../../src/accounts/accounts.ts';
import { sdkConfig } from '../support/server.ts';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';
import { errorFields } from '../support/errors.ts';

const { server, ec2 } = useServer({ args: ['--machines=metadata'], region: 'us-west-2' });

const errorOf = (p: Promise<unknown>) => errorFields(p, 'name', 'message', 'status');

test('regions: commercial regions with endpoints; AllRegions adds the opt-in ones', async () => {
  const { Regions } = await ec2.send(new DescribeRegionsCommand({}));
  const west = Regions!.find((r) => r.RegionName === 'us-west-2')!;
  assert.equal(west.Endpoint, 'ec2.us-west-2.amazonaws.com');
  assert.equal(west.OptInStatus, 'opt-in-not-required');
  assert.ok(!Regions!.some((r) => r.RegionName === 'af-south-1'));
  const all = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
  assert.equal(all.Regions!.find((r) => r.RegionName === 'af-south-1')?.OptInStatus, 'not-opted-in');
  const eu = await ec2.send(
    new DescribeRegionsCommand({ Filters: [{ Name: 'region-name', Values: ['eu-*'] }] }),
  );
  assert.ok(eu.Regions!.length >= 4 && eu.Regions!.every((r) => r.RegionName!.startsWith('eu-')));
});

test('zones: names and ids of the request region only; the mapping differs between accounts', async () => {
  const { AvailabilityZones } = await ec2.send(new DescribeAvailabilityZonesCommand({}));
  assert.deepEqual(
    AvailabilityZones!.map((z) => z.ZoneName),
    ['us-west-2a', 'us-west-2b', 'us-west-2c', 'us-west-2d'],
  );
  assert.deepEqual(AvailabilityZones!.map((z) => z.ZoneId).sort(), [
    'usw2-az1',
    'usw2-az2',
    'usw2-az3',
    'usw2-az4',
  ]);
  for (const z of AvailabilityZones!) {
    assert.equal(z.ZoneType, 'availability-zone');
    assert.equal(z.GroupName, 'us-west-2-zg-1');
    assert.equal(z.GroupLongName, 'US West (Oregon) 1');
    assert.equal(z.NetworkBorderGroup, 'us-west-2');
    assert.equal(z.State, 'available');
  }
  const east = new EC2Client(sdkConfig(server, server.credentials, 'eu-west-1'));
  const eu = await east.send(new DescribeAvailabilityZonesCommand({}));
  assert.ok(
    eu.AvailabilityZones!.every((z) => z.RegionName === 'eu-west-1' && z.ZoneId!.startsWith('euw1-az')),
  );
  // Another account gets another name → id mapping for at least one of several regions.
  const other = await createAccount(server.accounts, 'zones-other');
  const creds = {
    accessKeyId: other.rootCredential.accessKeyId,
    secretAccessKey: other.rootCredential.secretAccessKey,
  };
  let differs = false;
  for (const region of ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-2']) {
    const mine = await new EC2Client(sdkConfig(server, server.credentials, region)).send(
      new DescribeAvailabilityZonesCommand({}),
    );
    const theirs = await new EC2Client(sdkConfig(server, creds, region)).send(
      new DescribeAvailabilityZonesCommand({}),
    );
    if (
      JSON.stringify(mine.AvailabilityZones!.map((z) => z.ZoneId)) !==
      JSON.stringify(theirs.AvailabilityZones!.map((z) => z.ZoneId))
    )
      differs = true;
  }
  assert.ok(differs, 'zone ids are shuffled per account');
  const byId = await ec2.send(
    new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-id', Values: ['usw2-az1'] }] }),
  );
  assert.equal(byId.AvailabilityZones!.length, 1);
  const group = (name: string) =>
    ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'group-name', Values: [name] }] }));
  assert.equal((await group('us-west-2-zg-1')).AvailabilityZones!.length, 4);
  assert.equal((await group('us-west-2')).AvailabilityZones!.length, 0);
  assert.deepEqual(await errorOf(ec2.send(new DescribeRegionsCommand({ RegionNames: ['us--east-1'] }))), {
    name: 'InvalidParameterValue',
    message: 'Invalid region: [us--east-1]',
    status: 400,
  });
  // AWS's words for an unknown zone name, also for another region's zone.
  for (const zone of ['us-west-2z', 'us-east-1a'])
    assert.deepEqual(await errorOf(ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: [zone] }))), {
      name: 'InvalidParameterValue',
      message: `Invalid availability zone: [${zone}]`,
      status: 400,
    });
});

test('the default network: VPC, a subnet per zone, gateway, main route table, ACL, default group', async () => {
  const { Vpcs } = await ec2.send(
    new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }),
  );
  assert.equal(Vpcs!.length, 1);
  const vpc = Vpcs![0]!;
  assert.equal(vpc.CidrBlock, '172.31.0.0/16');
  assert.match(vpc.VpcId!, /^vpc-[0-9a-f]{17}$/);
  const { Subnets } = await ec2.send(
    new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }] }),
  );
  assert.equal(Subnets!.length, 4);
  assert.ok(
    Subnets!.every(
      (s) =>
        s.DefaultForAz &&
        s.MapPublicIpOnLaunch &&
        s.CidrBlock!.endsWith('/20') &&
        s.AvailableIpAddressCount === 4091,
    ),
  );
  const igw = await ec2.send(
    new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpc.VpcId!] }] }),
  );
  assert.equal(igw.InternetGateways!.length, 1);
  const rtb = await ec2.send(
    new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.main', Values: ['true'] }] }),
  );
  assert.equal(rtb.RouteTables!.length, 1);
  assert.deepEqual(
    rtb.RouteTables![0]!.Routes!.map((r) => [r.DestinationCidrBlock, r.GatewayId]),
    [
      ['172.31.0.0/16', 'local'],
      ['0.0.0.0/0', igw.InternetGateways![0]!.InternetGatewayId],
    ],
  );
  const acl = await ec2.send(
    new DescribeNetworkAclsCommand({ Filters: [{ Name: 'default', Values: ['true'] }] }),
  );
  assert.equal(acl.NetworkAcls![0]!.Associations!.length, 4);
  const sg = await ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }),
  );
  const group = sg.SecurityGroups![0]!;
  assert.equal(group.IpPermissions![0]!.IpProtocol, '-1');
  assert.equal(group.IpPermissions![0]!.UserIdGroupPairs![0]!.GroupId, group.GroupId);
  assert.equal(group.IpPermissionsEgress![0]!.IpRanges![0]!.CidrIp, '0.0.0.0/0');
  // Another region has its own.
  const other = await new EC2Client(sdkConfig(server, server.credentials, 'eu-west-1')).send(
    new DescribeVpcsCommand({}),
  );
  assert.notEqual(other.Vpcs![0]!.VpcId, vpc.VpcId);
});

test('VPCs and subnets: CIDR rules, conflicts, dependencies, not found', async () => {
  assert.equal(
    (await errorOf(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/8' })))).name,
    'InvalidVpc.Range',
  );
  assert.equal(
    (await errorOf(ec2.send(new CreateVpcCommand({ CidrBlock: 'nonsense' })))).name,
    'InvalidParameterValue',
  );
  const { Vpc } = await ec2.send(
    new CreateVpcCommand({
      CidrBlock: '10.1.0.0/16',
      TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'lab' }] }],
    }),
  );
  const vpcId = Vpc!.VpcId!;
  assert.equal(Vpc!.IsDefault, false);
  const tagged = await ec2.send(
    new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['l?b'] }] }),
  );
  assert.deepEqual(
    tagged.Vpcs!.map((v) => v.VpcId),
    [vpcId],
  );
  const range = await errorOf(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.2.0.0/24' })));
  assert.equal(range.name, 'InvalidSubnet.Range');
  assert.equal(range.message, "The CIDR '10.2.0.0/24' is invalid.");
  const { Subnet } = await ec2.send(
    new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.1.1.0/24', AvailabilityZone: 'us-west-2b' }),
  );
  assert.equal(Subnet!.AvailabilityZone, 'us-west-2b');
  assert.equal(Subnet!.AvailableIpAddressCount, 251);
  assert.equal(
    (await errorOf(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.1.1.128/25' })))).name,
    'InvalidSubnet.Conflict',
  );
  const dep = await errorOf(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })));
  assert.equal(dep.name, 'DependencyViolation');
  await ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet!.SubnetId }));
  await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
  const gone = await errorOf(ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })));
  assert.deepEqual(
    [gone.name, gone.message],
    ['InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`],
  );
  assert.equal(
    (await errorOf(ec2.send(new DeleteSubnetCommand({ SubnetId: 'subnet-0123456789abcdef0' })))).name,
    'InvalidSubnetID.NotFound',
  );
});

test('security groups: rules with ids, duplicates, revoke, dependencies, default cannot be deleted', async () => {
  const vpcId = (
    await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))
  ).Vpcs![0]!.VpcId!;
  const { GroupId } = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web servers', VpcId: vpcId }),
  );
  const dup = await errorOf(
    ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'again', VpcId: vpcId })),
  );
  assert.equal(dup.name, 'InvalidGroup.Duplicate');
  const perm = {
    IpProtocol: 'tcp',
    FromPort: 443,
    ToPort: 443,
    IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'https' }, { CidrIp: '10.0.0.0/8' }],
  };
  const added = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [perm] }));
  assert.equal(added.SecurityGroupRules!.length, 2);
  assert.ok(
    added.SecurityGroupRules!.every(
      (r) => /^sgr-[0-9a-f]{17}$/.test(r.SecurityGroupRuleId!) && r.IsEgress === false,
    ),
  );
  assert.equal(
    (await errorOf(ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [perm] }))))
      .name,
    'InvalidPermission.Duplicate',
  );
  const g = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] }))).SecurityGroups![0]!;
  assert.equal(g.IpPermissions!.length, 1);
  assert.deepEqual(
    g.IpPermissions![0]!.IpRanges!.map((r) => r.CidrIp),
    ['0.0.0.0/0', '10.0.0.0/8'],
  );
  const byCidr = await ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'ip-permission.cidr', Values: ['10.*'] }] }),
  );
  assert.deepEqual(
    byCidr.SecurityGroups!.map((x) => x.GroupId),
    [GroupId],
  );
  const rules = await ec2.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [GroupId!] }] }),
  );
  assert.equal(rules.SecurityGroupRules!.length, 3, 'two ingress and the default egress');
  await ec2.send(
    new RevokeSecurityGroupIngressCommand({
      GroupId,
      IpPermissions: [{ ...perm, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
    }),
  );
  // Gone already: in a default VPC that is answered (UnknownIpPermissions), not refused.
  const again = await ec2.send(
    new RevokeSecurityGroupIngressCommand({
      GroupId,
      IpPermissions: [{ ...perm, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
    }),
  );
  assert.equal(again.UnknownIpPermissions![0]!.IpRanges![0]!.CidrIp, '10.0.0.0/8');
  const missing = await errorOf(
    ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] })),
  );
  assert.equal(missing.name, 'InvalidGroup.NotFound');
  const def = (
    await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }),
    )
  ).SecurityGroups![0]!;
  assert.equal(
    (await errorOf(ec2.send(new DeleteSecurityGroupCommand({ GroupId: def.GroupId })))).name,
    'CannotDelete',
  );
  await ec2.send(new DeleteSecurityGroupCommand({ GroupId }));
  assert.equal(
    (await errorOf(ec2.send(new DeleteSecurityGroupCommand({ GroupId })))).name,
    'InvalidGroup.NotFound',
  );
});

test('internet gateways and route tables: attach, routes, associations, dependencies', async () => {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
  const vpcId = Vpc!.VpcId!;
  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.9.0.0/24' }));
  const igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
  assert.equal(
    (await errorOf(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }))))
      .name,
    'Resource.AlreadyAssociated',
  );
  const rtbId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
  await ec2.send(
    new CreateRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId }),
  );
  assert.equal(
    (
      await errorOf(
        ec2.send(
          new CreateRouteCommand({
            RouteTableId: rtbId,
            DestinationCidrBlock: '0.0.0.0/0',
            GatewayId: igwId,
          }),
        ),
      )
    ).name,
    'RouteAlreadyExists',
  );
  const { AssociationId } = await ec2.send(
    new AssociateRouteTableCommand({ RouteTableId: rtbId, SubnetId: Subnet!.SubnetId }),
  );
  assert.match(AssociationId!, /^rtbassoc-/);
  assert.equal(
    (await errorOf(ec2.send(new DeleteRouteTableCommand({ RouteTableId: rtbId })))).name,
    'DependencyViolation',
  );
  assert.equal(
    (await errorOf(ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igwId })))).name,
    'DependencyViolation',
  );
  await ec2.send(new DisassociateRouteTableCommand({ AssociationId }));
  await ec2.send(new DeleteRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0' }));
  assert.equal(
    (
      await errorOf(
        ec2.send(new DeleteRouteCommand({ RouteTableId: rtbId, DestinationCidrBlock: '0.0.0.0/0' })),
      )
    ).name,
    'InvalidRoute.NotFound',
  );
  await ec2.send(new DeleteRouteTableCommand({ RouteTableId: rtbId }));
  await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
  assert.equal(
    (await errorOf(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }))))
      .name,
    'Gateway.NotAttached',
  );
  await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igwId }));
  await ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet!.SubnetId }));
  await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
});

test('tags: create, describe with filters, delete', async () => {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.3.0.0/16' }));
  await ec2.send(
    new CreateTagsCommand({
      Resources: [Vpc!.VpcId!],
      Tags: [
        { Key: 'env', Value: 'prod' },
        { Key: 'team', Value: 'infra' },
      ],
    }),
  );
  const tags = await ec2.send(
    new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [Vpc!.VpcId!] }] }),
  );
  assert.deepEqual(
    tags.Tags!.map((t) => [t.Key, t.Value, t.ResourceType]),
    [
      ['env', 'prod', 'vpc'],
      ['team', 'infra', 'vpc'],
    ],
  );
  await ec2.send(new DeleteTagsCommand({ Resources: [Vpc!.VpcId!], Tags: [{ Key: 'env' }] }));
  const left = await ec2.send(new DescribeVpcsCommand({ VpcIds: [Vpc!.VpcId!] }));
  assert.deepEqual(left.Vpcs![0]!.Tags, [{ Key: 'team', Value: 'infra' }]);
  assert.equal(
    (
      await errorOf(
        ec2.send(
          new CreateTagsCommand({ Resources: ['vpc-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'b' }] }),
        ),
      )
    ).name,
    'InvalidVpcID.NotFound',
  );
  await ec2.send(new DeleteVpcCommand({ VpcId: Vpc!.VpcId! }));
});

test('concurrent requests: one default VPC per fresh region, no rule lost; DryRun answers DryRunOperation', async () => {
  const fresh = new EC2Client(sdkConfig(server, server.credentials, 'ap-southeast-2'));
  const answers = await Promise.all(Array.from({ length: 8 }, () => fresh.send(new DescribeVpcsCommand({}))));
  assert.ok(answers.every((a) => a.Vpcs!.length === 1 && a.Vpcs![0]!.VpcId === answers[0]!.Vpcs![0]!.VpcId));
  const { GroupId } = await fresh.send(
    new CreateSecurityGroupCommand({ GroupName: 'busy', Description: 'many rules at once' }),
  );
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      fresh.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 8000 + i, ToPort: 8000 + i, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
          ],
        }),
      ),
    ),
  );
  const g = (await fresh.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] })))
    .SecurityGroups![0]!;
  assert.equal(g.IpPermissions!.length, 10);
  const dry = await errorOf(fresh.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', DryRun: true })));
  assert.deepEqual([dry.name, dry.status], ['DryRunOperation', 412]);
  assert.equal(
    (await errorOf(fresh.send(new DescribeVpcsCommand({ DryRun: true })))).name,
    'DryRunOperation',
  );
  assert.equal((await fresh.send(new DescribeVpcsCommand({}))).Vpcs!.length, 1);
});

test('filters and pagination as EC2 checks them (boto3)', async () => {
  const r = await python(
    `c = boto3.client("ec2", region_name="us-west-2", config=NO_RETRY)
bad_filter = call(c.describe_vpcs, Filters=[{"Name": "no-such-filter", "Values": ["x"]}])
# botocore checks MaxResults >= 5 itself; the server must too.
loose = boto3.client("ec2", region_name="us-west-2", config=Config(parameter_validation=False, retries={"max_attempts": 1}))
bad_max = call(loose.describe_subnets, MaxResults=2)
pages = []
token = None
while True:
    kw = {"MaxResults": 5}
    if token: kw["NextToken"] = token
    page = c.describe_security_groups(**kw)
    pages.append(len(page["SecurityGroups"]))
    token = page.get("NextToken")
    if not token: break
bad_token = call(c.describe_vpcs, NextToken="garbage", MaxResults=5)
paginator = sum(len(p["Subnets"]) for p in c.get_paginator("describe_subnets").paginate(PaginationConfig={"PageSize": 5}))
out([bad_filter["error"], bad_max["error"] + ": " + bad_max["message"], sum(pages), bad_token["error"], paginator])`,
    server.env(),
  );
  assert.equal(r[0], 'InvalidParameterValue');
  assert.match(r[1], /^InvalidParameterValue: /);
  assert.ok(r[2] >= 1);
  assert.equal(r[3], 'InvalidNextToken');
  assert.equal(r[4], 4);
});
