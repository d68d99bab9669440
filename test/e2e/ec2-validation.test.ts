/**
 * EC2 answers that audits against AWS found different (metadata driver, SDK v3): revokes of
 * unknown rules in default VPCs, parameter combinations, CIDR syntax of rules, tag
 * specifications per operation, malformed ids and attribute values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateKeyPairCommand,
  CreateTagsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  GetConsoleOutputCommand,
  ModifyInstanceAttributeCommand,
  ModifySubnetAttributeCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  ModifyVpcAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { errorOf, launch, useEc2Server } from '../support/ec2.ts';

let vpc: string;
let subnet: string;
const tcp = (port: number, cidr: string): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  IpRanges: [{ CidrIp: cidr }],
});

const { ec2, ami } = useEc2Server({
  setup: async () => {
    vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc!.VpcId!;
    subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.20.1.0/24' }))).Subnet!
      .SubnetId!;
  },
});

test('revoking rules a group lacks: listed as unknown in a default VPC, NotFound elsewhere', async () => {
  const g = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'rv-default', Description: 'd' })))
    .GroupId!;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({ GroupId: g, IpPermissions: [tcp(22, '10.0.0.0/8')] }),
  );
  const r = await ec2.send(
    new RevokeSecurityGroupIngressCommand({
      GroupId: g,
      IpPermissions: [tcp(22, '10.0.0.0/8'), tcp(8080, '1.1.1.1/32')],
    }),
  );
  assert.equal(r.Return, true);
  assert.deepEqual(
    r.RevokedSecurityGroupRules!.map((x) => x.FromPort),
    [22],
  );
  assert.equal(r.UnknownIpPermissions!.length, 1);
  assert.equal(r.UnknownIpPermissions![0]!.FromPort, 8080);
  assert.deepEqual(r.UnknownIpPermissions![0]!.IpRanges, [{ CidrIp: '1.1.1.1/32' }]);
  const e = await ec2.send(
    new RevokeSecurityGroupEgressCommand({ GroupId: g, IpPermissions: [tcp(443, '2.2.2.2/32')] }),
  );
  assert.equal(e.Return, true);
  assert.equal(e.UnknownIpPermissions![0]!.ToPort, 443);

  const nd = (
    await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'rv-custom', Description: 'd', VpcId: vpc }))
  ).GroupId!;
  assert.deepEqual(
    await errorOf(
      ec2.send(
        new RevokeSecurityGroupIngressCommand({ GroupId: nd, IpPermissions: [tcp(8080, '1.1.1.1/32')] }),
      ),
    ),
    {
      name: 'InvalidPermission.NotFound',
      message: 'The specified rule does not exist in this security group.',
    },
  );
});

test('RunInstances: group names with a subnet are InvalidParameterCombination', async () => {
  await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'named', Description: 'd', VpcId: vpc }));
  const base = { ImageId: ami(), MinCount: 1, MaxCount: 1, InstanceType: 't3.micro' as const };
  const expected = {
    name: 'InvalidParameterCombination',
    message: 'The parameter groupName cannot be used with the parameter subnet',
  };
  assert.deepEqual(
    await errorOf(
      ec2.send(new RunInstancesCommand({ ...base, SubnetId: subnet, SecurityGroups: ['named'] })),
    ),
    expected,
  );
  assert.deepEqual(
    await errorOf(
      ec2.send(
        new RunInstancesCommand({
          ...base,
          SecurityGroups: ['named'],
          NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet }],
        }),
      ),
    ),
    expected,
  );
});

test('rule CIDRs: octets, prefix lengths and IPv6 syntax are checked', async () => {
  const g = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'cidrs', Description: 'd' })))
    .GroupId!;
  for (const bad of ['10.0.0.0/33', '300.0.0.0/8', '10.0.0/8', '10.0.0.0']) {
    assert.deepEqual(
      await errorOf(
        ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: g, IpPermissions: [tcp(22, bad)] })),
      ),
      { name: 'InvalidParameterValue', message: `CIDR block ${bad} is malformed` },
      bad,
    );
  }
  for (const bad of ['zzz', '2001:db8::/129', '2001:db8::', '10.0.0.0/8', '2001:db8:::1/64']) {
    const perm = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: bad }] };
    assert.deepEqual(
      await errorOf(
        ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: g, IpPermissions: [perm] })),
      ),
      { name: 'InvalidParameterValue', message: `CIDR block ${bad} is malformed` },
      bad,
    );
  }
  const ok = await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: g,
      IpPermissions: [
        { ...tcp(22, '0.0.0.0/0'), Ipv6Ranges: [{ CidrIpv6: '::/0' }, { CidrIpv6: '2001:db8::/32' }] },
      ],
    }),
  );
  assert.equal(ok.SecurityGroupRules!.length, 3);
});

test('ModifyVpcAttribute: one attribute per request', async () => {
  assert.deepEqual(
    await errorOf(
      ec2.send(
        new ModifyVpcAttributeCommand({
          VpcId: vpc,
          EnableDnsSupport: { Value: false },
          EnableDnsHostnames: { Value: true },
        }),
      ),
    ),
    {
      name: 'InvalidParameterCombination',
      message: 'Fields for multiple attribute types specified: enableDnsSupport, enableDnsHostnames',
    },
  );
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpc, EnableDnsHostnames: { Value: true } }));
});

test('ModifyVpcAttribute: DNS hostnames only with DNS support', async () => {
  const own = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.77.0.0/16' }))).Vpc!.VpcId!;
  const modify = (attr: 'EnableDnsSupport' | 'EnableDnsHostnames', Value: boolean) =>
    ec2.send(new ModifyVpcAttributeCommand({ VpcId: own, [attr]: { Value } }));
  await modify('EnableDnsSupport', false);
  assert.deepEqual(await errorOf(modify('EnableDnsHostnames', true)), {
    name: 'InvalidParameterValue',
    message: `DNS hostnames cannot be enabled for ${own} while DNS support (enableDnsSupport) is disabled.`,
  });
  await modify('EnableDnsSupport', true);
  await modify('EnableDnsHostnames', true);
  assert.deepEqual(await errorOf(modify('EnableDnsSupport', false)), {
    name: 'InvalidParameterValue',
    message: `DNS support cannot be disabled for ${own} while DNS hostnames (enableDnsHostnames) are enabled.`,
  });
  // Turning hostnames off first, then support, is the way down.
  await modify('EnableDnsHostnames', false);
  await modify('EnableDnsSupport', false);
});

test('TagSpecifications: a type the operation cannot tag is InvalidParameterValue', async () => {
  const refused = (type: string) => ({
    name: 'InvalidParameterValue',
    message: `'${type}' is not a valid taggable resource type for this operation.`,
  });
  const spec = (type: string) => [{ ResourceType: type as 'vpc', Tags: [{ Key: 'a', Value: 'b' }] }];
  const run = { ImageId: ami(), MinCount: 1, MaxCount: 1, InstanceType: 't3.micro' as const };
  assert.deepEqual(
    await errorOf(ec2.send(new RunInstancesCommand({ ...run, TagSpecifications: spec('vpc') }))),
    refused('vpc'),
  );
  assert.deepEqual(
    await errorOf(ec2.send(new RunInstancesCommand({ ...run, TagSpecifications: spec('foo') }))),
    refused('foo'),
  );
  assert.deepEqual(
    await errorOf(
      ec2.send(new CreateVpcCommand({ CidrBlock: '10.11.0.0/16', TagSpecifications: spec('subnet') })),
    ),
    refused('subnet'),
  );
  assert.deepEqual(
    await errorOf(
      ec2.send(
        new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.20.9.0/24', TagSpecifications: spec('vpc') }),
      ),
    ),
    refused('vpc'),
  );
  assert.deepEqual(
    await errorOf(
      ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: 'x',
          Description: 'd',
          TagSpecifications: spec('instance'),
        }),
      ),
    ),
    refused('instance'),
  );
  assert.deepEqual(
    await errorOf(ec2.send(new CreateKeyPairCommand({ KeyName: 'x', TagSpecifications: spec('instance') }))),
    refused('instance'),
  );
  // Nothing was made by the refused calls; the accepted types still work.
  const ok = await ec2.send(
    new RunInstancesCommand({
      ...run,
      TagSpecifications: [...spec('instance'), ...spec('volume'), ...spec('network-interface')],
    }),
  );
  assert.deepEqual(ok.Instances![0]!.Tags, [{ Key: 'a', Value: 'b' }]);
  const k = await ec2.send(new CreateKeyPairCommand({ KeyName: 'x', TagSpecifications: spec('key-pair') }));
  assert.deepEqual(k.Tags, [{ Key: 'a', Value: 'b' }]);
});

test('malformed ids: 8 or 17 hex digits or Malformed; attribute values; empty tag keys', async () => {
  assert.deepEqual(await errorOf(ec2.send(new GetConsoleOutputCommand({ InstanceId: 'i-xyz' }))), {
    name: 'InvalidInstanceID.Malformed',
    message: 'Invalid id: "i-xyz" (expecting "i-...")',
  });
  assert.deepEqual(await errorOf(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-xyz'] }))), {
    name: 'InvalidGroupId.Malformed',
    message: 'Invalid id: "sg-xyz" (expecting "sg-...")',
  });
  assert.equal(
    (await errorOf(ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-012345678'] })))).name,
    'InvalidVpcID.Malformed',
  );
  assert.equal(
    (await errorOf(ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-xyz'] })))).name,
    'InvalidSubnetID.Malformed',
  );
  assert.equal(
    (await errorOf(ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-01234567'] })))).name,
    'InvalidVpcID.NotFound',
  );
  const id = (await launch(ec2, ami())).InstanceId!;
  assert.equal(
    (
      await errorOf(
        ec2.send(
          new ModifyInstanceAttributeCommand({
            InstanceId: id,
            InstanceInitiatedShutdownBehavior: { Value: 'foo' },
          }),
        ),
      )
    ).name,
    'InvalidParameterValue',
  );
  await ec2.send(
    new ModifyInstanceAttributeCommand({
      InstanceId: id,
      InstanceInitiatedShutdownBehavior: { Value: 'terminate' },
    }),
  );
  assert.deepEqual(
    await errorOf(ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: '', Value: 'v' }] }))),
    {
      name: 'InvalidParameterValue',
      message: "Value ( '' ) for parameter Tag key is invalid. Tag key cannot be null or empty.",
    },
  );
});

test('CreateVpc takes tenancy default or dedicated only (host is for instances); nothing is made otherwise', async () => {
  for (const InstanceTenancy of ['host', 'shared'] as const)
    assert.deepEqual(
      await errorOf(
        ec2.send(
          new CreateVpcCommand({ CidrBlock: '10.17.0.0/16', InstanceTenancy: InstanceTenancy as 'host' }),
        ),
      ),
      {
        name: 'InvalidParameterValue',
        message: `Value (${InstanceTenancy}) for parameter instanceTenancy is invalid.`,
      },
    );
  const { Vpcs } = await ec2.send(
    new DescribeVpcsCommand({ Filters: [{ Name: 'cidr', Values: ['10.17.0.0/16'] }] }),
  );
  assert.deepEqual(Vpcs, []);
  const { Vpc } = await ec2.send(
    new CreateVpcCommand({ CidrBlock: '10.17.0.0/16', InstanceTenancy: 'dedicated' }),
  );
  assert.equal(Vpc!.InstanceTenancy, 'dedicated');
});

test('ModifySubnetAttribute keeps the launch DNS name options that DescribeSubnets shows', async () => {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.18.0.0/16' }));
  const id = (await ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId, CidrBlock: '10.18.1.0/24' })))
    .Subnet!.SubnetId!;
  await ec2.send(
    new ModifySubnetAttributeCommand({ SubnetId: id, PrivateDnsHostnameTypeOnLaunch: 'resource-name' }),
  );
  await ec2.send(
    new ModifySubnetAttributeCommand({ SubnetId: id, EnableResourceNameDnsARecordOnLaunch: { Value: true } }),
  );
  const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }));
  assert.deepEqual(Subnets![0]!.PrivateDnsNameOptionsOnLaunch, {
    HostnameType: 'resource-name',
    EnableResourceNameDnsARecord: true,
    EnableResourceNameDnsAAAARecord: false,
  });
});
