/**
 * Security group rules as AWS answers them (SDK v3, metadata driver): duplicate messages, the
 * rules-per-group quota, ICMP type and code, ModifySecurityGroupRules, revoked rule output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupIngressCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { errorOf, useEc2Server } from '../support/ec2.ts';

const { ec2 } = useEc2Server();
const newGroup = async (name: string) =>
  (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name }))).GroupId!;
const ingress = (GroupId: string, IpPermissions: IpPermission[]) =>
  ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions }));
const rulesOf = async (GroupId: string) =>
  (
    await ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [GroupId] }] }),
    )
  ).SecurityGroupRules!;

test('duplicates: an all-protocol rule is named without ports; twice in one request is InvalidParameterValue', async () => {
  const g = await newGroup('dup-all');
  assert.deepEqual(
    await errorOf(
      ec2.send(
        new AuthorizeSecurityGroupEgressCommand({
          GroupId: g,
          IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        }),
      ),
    ),
    {
      name: 'InvalidPermission.Duplicate',
      message: 'the specified rule "peer: 0.0.0.0/0, ALL, ALLOW" already exists',
    },
  );
  await ingress(g, [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }]);
  assert.deepEqual(
    await errorOf(
      ingress(g, [{ IpProtocol: '6', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }]),
    ),
    {
      name: 'InvalidPermission.Duplicate',
      message: 'the specified rule "peer: 10.0.0.0/8, TCP, from port: 22, to port: 22, ALLOW" already exists',
    },
  );
  const twice: IpPermission = {
    IpProtocol: 'tcp',
    FromPort: 443,
    ToPort: 443,
    IpRanges: [{ CidrIp: '192.168.0.0/16' }, { CidrIp: '192.168.0.0/16' }],
  };
  assert.deepEqual(await errorOf(ingress(g, [twice])), {
    name: 'InvalidParameterValue',
    message: 'The same permission must not appear multiple times',
  });
  assert.equal((await rulesOf(g)).length, 2, 'the egress default and tcp/22 only');
});

test('quota: 60 rules per direction, IPv4 and IPv6 apart, a group reference counts for both', async () => {
  const g = await newGroup('quota');
  const other = await newGroup('quota-peer');
  const v4 = Array.from({ length: 60 }, (_, i) => ({ CidrIp: `10.${i}.0.0/16` }));
  await ingress(g, [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: v4 }]);
  // The 60 IPv4 rules leave room for IPv6 ones.
  await ingress(g, [
    { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }] },
  ]);
  const exceeded = {
    name: 'RulesPerSecurityGroupLimitExceeded',
    message: 'The maximum number of rules per security group has been reached.',
  };
  assert.deepEqual(
    await errorOf(
      ingress(g, [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '1.1.1.1/32' }] }]),
    ),
    exceeded,
  );
  assert.deepEqual(
    await errorOf(
      ingress(g, [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 2, UserIdGroupPairs: [{ GroupId: other }] }]),
    ),
    exceeded,
  );
  assert.equal((await rulesOf(g)).filter((r) => !r.IsEgress).length, 61, 'nothing added by refused requests');
  // Egress is counted on its own: the default rule plus 59 more fit, the 61st does not.
  const out = Array.from({ length: 59 }, (_, i) => ({ CidrIp: `172.16.${i}.0/24` }));
  await ec2.send(
    new AuthorizeSecurityGroupEgressCommand({
      GroupId: g,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: out }],
    }),
  );
  assert.deepEqual(
    await errorOf(
      ec2.send(
        new AuthorizeSecurityGroupEgressCommand({
          GroupId: g,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 25, ToPort: 25, IpRanges: [{ CidrIp: '8.8.8.8/32' }] },
          ],
        }),
      ),
    ),
    exceeded,
  );
});

test('ICMP: FromPort is the type, ToPort the code; a code past 255 is out of range', async () => {
  const g = await newGroup('icmp');
  const added = await ingress(g, [
    { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    { IpProtocol: '1', FromPort: 3, ToPort: 4, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
  ]);
  assert.deepEqual(
    added.SecurityGroupRules!.map((r) => [r.IpProtocol, r.FromPort, r.ToPort]),
    [
      ['icmp', 8, -1],
      ['icmp', 3, 4],
    ],
  );
  assert.deepEqual(
    await errorOf(
      ingress(g, [{ IpProtocol: 'icmp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }]),
    ),
    { name: 'InvalidParameterValue', message: 'ICMP code (65535) out of range' },
  );
});

test('ModifySecurityGroupRules: a rule changes in place, keeping its id; duplicates and unknown ids refused', async () => {
  const g = await newGroup('modify');
  const peer = await newGroup('modify-peer');
  const added = await ingress(g, [
    { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
    { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
    { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: peer }] },
  ]);
  const [ssh, web, db] = added.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId!);
  const out = await ec2.send(
    new ModifySecurityGroupRulesCommand({
      GroupId: g,
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: ssh,
          SecurityGroupRule: {
            IpProtocol: 'tcp',
            FromPort: 2222,
            ToPort: 2222,
            CidrIpv4: '192.168.0.0/16',
            Description: 'ssh',
          },
        },
      ],
    }),
  );
  assert.equal(out.Return, true);
  const now = (await rulesOf(g)).find((r) => r.SecurityGroupRuleId === ssh)!;
  assert.deepEqual(
    [now.FromPort, now.ToPort, now.CidrIpv4, now.Description],
    [2222, 2222, '192.168.0.0/16', 'ssh'],
  );
  const modify = (SecurityGroupRuleId: string, rule: object) =>
    errorOf(
      ec2.send(
        new ModifySecurityGroupRulesCommand({
          GroupId: g,
          SecurityGroupRules: [{ SecurityGroupRuleId, SecurityGroupRule: rule }],
        }),
      ),
    );
  assert.deepEqual(
    await modify(web!, { IpProtocol: 'tcp', FromPort: 2222, ToPort: 2222, CidrIpv4: '192.168.0.0/16' }),
    {
      name: 'InvalidPermission.Duplicate',
      message:
        'the specified rule "peer: 192.168.0.0/16, TCP, from port: 2222, to port: 2222, ALLOW" already exists',
    },
  );
  assert.deepEqual(
    await modify('sgr-0123456789abcdef0', {
      IpProtocol: 'tcp',
      FromPort: 1,
      ToPort: 1,
      CidrIpv4: '1.0.0.0/8',
    }),
    {
      name: 'InvalidSecurityGroupRuleId.NotFound',
      message: "The security group rule ID 'sgr-0123456789abcdef0' does not exist",
    },
  );
  assert.equal(
    (await modify(db!, { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIpv4: '10.0.0.0/8' })).name,
    'InvalidParameterValue',
  );
  // A rule of another group is not this group's.
  const other = (await rulesOf(peer))[0]!.SecurityGroupRuleId!;
  assert.equal(
    (await modify(other, { IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' })).name,
    'InvalidSecurityGroupRuleId.NotFound',
  );
});

test('revoking by rule id lists the revoked rules with ReferencedGroupId', async () => {
  const g = await newGroup('revoke-ids');
  const peer = await newGroup('revoke-peer');
  const added = await ingress(g, [
    { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: peer }] },
  ]);
  const id = added.SecurityGroupRules![0]!.SecurityGroupRuleId!;
  const out = await ec2.send(
    new RevokeSecurityGroupIngressCommand({ GroupId: g, SecurityGroupRuleIds: [id] }),
  );
  assert.deepEqual(
    out.RevokedSecurityGroupRules!.map((r) => [r.SecurityGroupRuleId, r.ReferencedGroupId, r.FromPort]),
    [[id, peer, 3306]],
  );
});

test('CreateSecurityGroup: a description beyond ASCII is InvalidParameterValue and no group is made', async () => {
  const description = 'web \u2014 public';
  assert.deepEqual(
    await errorOf(
      ec2.send(new CreateSecurityGroupCommand({ GroupName: 'non-ascii', Description: description })),
    ),
    {
      name: 'InvalidParameterValue',
      message: `Value (${description}) for parameter GroupDescription is invalid. Character sets beyond ASCII are not supported.`,
    },
  );
  const { SecurityGroups } = await ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['non-ascii'] }] }),
  );
  assert.deepEqual(SecurityGroups, []);
  assert.deepEqual(
    await errorOf(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'caf\u00e9', Description: 'd' }))),
    {
      name: 'InvalidParameterValue',
      message:
        'Value (caf\u00e9) for parameter GroupName is invalid. Character sets beyond ASCII are not supported.',
    },
  );
});

test('CreateSecurityGroup: a name like a group id is refused in the words AWS uses', async () => {
  assert.deepEqual(
    await errorOf(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'sg-web', Description: 'd' }))),
    {
      name: 'InvalidParameterValue',
      message:
        'Value (sg-web) for parameter GroupName is invalid. Group names may not be in the format sg-*.',
    },
  );
});

test('rule descriptions: only the character set AWS takes, under 256 characters; a refused request adds nothing', async () => {
  const g = await newGroup('rule-descriptions');
  const refused = {
    name: 'InvalidParameterValue',
    message:
      'Invalid rule description. Valid descriptions are strings less than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*',
  };
  for (const Description of ["Let's Encrypt", 'Saída', 'x'.repeat(256)])
    assert.deepEqual(
      await errorOf(
        ingress(g, [
          {
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
            IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '10.1.0.0/16', Description }],
          },
        ]),
      ),
      refused,
    );
  assert.equal((await rulesOf(g)).filter((r) => !r.IsEgress).length, 0);
  const allowed = 'web (a-z 0-9): _./#,@[]+=&;{}!$*';
  await ingress(g, [
    {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      IpRanges: [{ CidrIp: '10.0.0.0/8', Description: allowed }],
    },
  ]);
  assert.deepEqual(
    (await rulesOf(g)).filter((r) => !r.IsEgress).map((r) => r.Description),
    [allowed],
  );
});
