/**
 * IAM conditions on the tags of the EC2 resources a request acts on (ec2:ResourceTag/...,
 * aws:ResourceTag/...): volumes and network interfaces, whose tags live with their instance, and
 * the subnet, security group and image RunInstances launches with. IAM users, SDK v3.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteTagsCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { launch, useEc2Server } from '../support/ec2.ts';
import { clientsFor, code, createUser, doc, unique } from './enforcement-support.ts';

const { server, ec2: root, ami } = useEc2Server();

const tag = (id: string, Key: string, Value: string) =>
  root.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key, Value }] }));

/** A running instance's root volume and primary network interface. */
async function volumeAndEni(): Promise<{ volume: string; eni: string }> {
  const i = await launch(root, ami());
  return {
    volume: i.BlockDeviceMappings![0]!.Ebs!.VolumeId!,
    eni: i.NetworkInterfaces![0]!.NetworkInterfaceId!,
  };
}

test('volume and network interface tags decide CreateTags and DeleteTags', async () => {
  const blue = await volumeAndEni();
  const red = await volumeAndEni();
  for (const id of [blue.volume, blue.eni]) await tag(id, 'team', 'blue');
  for (const id of [red.volume, red.eni]) await tag(id, 'team', 'red');
  await tag(blue.volume, 'locked', 'yes');
  const creds = await createUser(
    clientsFor(server).iam,
    unique('tagger'),
    doc(
      {
        Effect: 'Allow',
        Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
        Resource: '*',
        Condition: { StringEquals: { 'ec2:ResourceTag/team': 'blue' } },
      },
      {
        Effect: 'Deny',
        Action: 'ec2:DeleteTags',
        Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceTag/locked': 'yes' } },
      },
    ),
  );
  const ec2 = clientsFor(server, creds).ec2;
  const create = (id: string) =>
    code(ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'note', Value: 'x' }] })));
  const remove = (id: string) =>
    code(ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: 'note' }] })));

  assert.equal(await create(blue.volume), 'ok');
  assert.equal(await create(blue.eni), 'ok');
  assert.equal(await create(red.volume), 'UnauthorizedOperation');
  assert.equal(await create(red.eni), 'UnauthorizedOperation');
  // The volume's locked=yes tag matches the Deny; the interface has none.
  assert.equal(await remove(blue.volume), 'UnauthorizedOperation');
  assert.equal(await remove(blue.eni), 'ok');
});

test('RunInstances: the subnet, security group and image tags are condition keys', async () => {
  const vpc = (await root.send(new CreateVpcCommand({ CidrBlock: '10.42.0.0/16' }))).Vpc!.VpcId!;
  const subnet = async (cidr: string) =>
    (await root.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr }))).Subnet!.SubnetId!;
  const app = await subnet('10.42.1.0/24');
  const other = await subnet('10.42.2.0/24');
  await tag(app, 'tier', 'app');
  const group = async () =>
    (
      await root.send(
        new CreateSecurityGroupCommand({ GroupName: unique('g'), Description: 'd', VpcId: vpc }),
      )
    ).GroupId!;
  const approved = await group();
  const unapproved = await group();
  await tag(approved, 'approved', 'true');
  await tag(ami(), 'vetted', 'true');

  const creds = await createUser(
    clientsFor(server).iam,
    unique('launcher'),
    doc(
      {
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        NotResource: [
          'arn:aws:ec2:*:*:subnet/*',
          'arn:aws:ec2:*:*:security-group/*',
          'arn:aws:ec2:*::image/*',
        ],
      },
      {
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        Resource: 'arn:aws:ec2:*:*:subnet/*',
        Condition: { StringEquals: { 'ec2:ResourceTag/tier': 'app' } },
      },
      {
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        Resource: 'arn:aws:ec2:*:*:security-group/*',
        Condition: { StringEquals: { 'aws:ResourceTag/approved': 'true' } },
      },
      {
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        Resource: 'arn:aws:ec2:*::image/*',
        Condition: { StringEquals: { 'ec2:ResourceTag/vetted': 'true' } },
      },
    ),
  );
  const ec2 = clientsFor(server, creds).ec2;
  // DryRun: authorization is what is asked, and nothing launches.
  const run = (SubnetId: string, SecurityGroupIds: string[]) =>
    code(
      ec2.send(
        new RunInstancesCommand({
          ImageId: ami(),
          InstanceType: 't3.micro',
          MinCount: 1,
          MaxCount: 1,
          SubnetId,
          SecurityGroupIds,
          DryRun: true,
        }),
      ),
    );
  assert.equal(await run(app, [approved]), 'DryRunOperation');
  assert.equal(await run(other, [approved]), 'UnauthorizedOperation');
  assert.equal(await run(app, [unapproved]), 'UnauthorizedOperation');
  assert.equal(await run(app, [approved, unapproved]), 'UnauthorizedOperation');
});
