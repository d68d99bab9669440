/**
 * EC2 launch templates through SDK v3 (metadata driver): create, versions from a source version,
 * describe with ids, names, filters, ranges and pages, default version, deletes, RunInstances from
 * a template (merged parameters, aws:ec2launchtemplate tags), tags, IAM and CloudTrail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateKeyPairCommand,
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DeleteLaunchTemplateCommand,
  DeleteLaunchTemplateVersionsCommand,
  DescribeInstanceAttributeCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeTagsCommand,
  GetLaunchTemplateDataCommand,
  ModifyLaunchTemplateCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { errorOf, useEc2Server } from '../support/ec2.ts';
import { python } from '../support/clients.ts';
import { clientsFor, code, createUser, doc, unique } from './enforcement-support.ts';

// A plain string, as the assertions compare it, once the server is up.
let ami: string;
const { server, ec2 } = useEc2Server({
  setup: async (used) => {
    ami = used.ami();
  },
});
const b64 = (s: string) => Buffer.from(s).toString('base64');

const create = (name: string, data: object, extra: object = {}) =>
  ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: name, LaunchTemplateData: data, ...extra }));

test('CreateLaunchTemplate: names, duplicates, tags and ClientToken', async () => {
  const out = await create(
    'web-(a)/b_c.1',
    { ImageId: ami, InstanceType: 't3.micro' },
    {
      VersionDescription: 'first',
      TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'team', Value: 'blue' }] }],
    },
  );
  const lt = out.LaunchTemplate!;
  assert.match(lt.LaunchTemplateId!, /^lt-[0-9a-f]{17}$/);
  assert.deepEqual(
    [lt.LaunchTemplateName, lt.DefaultVersionNumber, lt.LatestVersionNumber, lt.Tags],
    ['web-(a)/b_c.1', 1, 1, [{ Key: 'team', Value: 'blue' }]],
  );
  assert.match(lt.CreatedBy!, /^arn:aws:iam::\d{12}:root$/);
  assert.deepEqual(await errorOf(create('web-(a)/b_c.1', { InstanceType: 't3.micro' })), {
    name: 'InvalidLaunchTemplateName.AlreadyExistsException',
    message: 'Launch template name already in use.',
  });
  for (const bad of ['ab', 'has space', 'x'.repeat(129), 'name:colon'])
    assert.equal(
      (await errorOf(create(bad, { InstanceType: 't3.micro' }))).name,
      'InvalidLaunchTemplateName.MalformedException',
      bad,
    );
  assert.equal((await errorOf(create('empty-data', {}))).name, 'MissingParameter');
  const once = await create('tokened', { InstanceType: 't3.micro' }, { ClientToken: 'tok-1' });
  const again = await create('tokened', { InstanceType: 't3.micro' }, { ClientToken: 'tok-1' });
  assert.equal(again.LaunchTemplate!.LaunchTemplateId, once.LaunchTemplate!.LaunchTemplateId);
  const tags = await ec2.send(
    new DescribeTagsCommand({ Filters: [{ Name: 'resource-type', Values: ['launch-template'] }] }),
  );
  assert.deepEqual(
    tags.Tags!.map((t) => [t.ResourceId, t.ResourceType, t.Key, t.Value]),
    [[lt.LaunchTemplateId, 'launch-template', 'team', 'blue']],
  );
  await ec2.send(
    new CreateTagsCommand({
      Resources: [once.LaunchTemplate!.LaunchTemplateId!],
      Tags: [{ Key: 'k', Value: 'v' }],
    }),
  );
  const byTag = await ec2.send(
    new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'tag:k', Values: ['v'] }] }),
  );
  assert.deepEqual(
    byTag.LaunchTemplates!.map((t) => t.LaunchTemplateName),
    ['tokened'],
  );
});

test('versions: SourceVersion overrides, $Latest/$Default, ranges, default, deletes', async () => {
  const lt = (await create('versions', { ImageId: ami, InstanceType: 't3.micro', KeyName: 'k1' }))
    .LaunchTemplate!;
  const id = lt.LaunchTemplateId!;
  const v2 = await ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: id,
      SourceVersion: '1',
      VersionDescription: 'bigger',
      LaunchTemplateData: { InstanceType: 't3.large' },
    }),
  );
  assert.equal(v2.LaunchTemplateVersion!.VersionNumber, 2);
  assert.equal(v2.LaunchTemplateVersion!.DefaultVersion, false);
  assert.deepEqual(v2.LaunchTemplateVersion!.LaunchTemplateData, {
    ImageId: ami,
    InstanceType: 't3.large',
    KeyName: 'k1',
  });
  await ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateName: 'versions',
      LaunchTemplateData: { InstanceType: 'm5.large' },
    }),
  );
  const all = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id }));
  assert.deepEqual(
    all.LaunchTemplateVersions!.map((v) => v.VersionNumber),
    [3, 2, 1],
  );
  const latest = await ec2.send(
    new DescribeLaunchTemplateVersionsCommand({
      LaunchTemplateName: 'versions',
      Versions: ['$Latest', '$Default'],
    }),
  );
  assert.deepEqual(
    latest.LaunchTemplateVersions!.map((v) => [v.VersionNumber, v.DefaultVersion]),
    [
      [3, false],
      [1, true],
    ],
  );
  const range = await ec2.send(
    new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, MinVersion: '2', MaxVersion: '3' }),
  );
  assert.deepEqual(
    range.LaunchTemplateVersions!.map((v) => v.VersionNumber),
    [3, 2],
  );
  const filtered = await ec2.send(
    new DescribeLaunchTemplateVersionsCommand({
      LaunchTemplateId: id,
      Filters: [{ Name: 'instance-type', Values: ['t3.*'] }],
    }),
  );
  assert.deepEqual(
    filtered.LaunchTemplateVersions!.map((v) => v.VersionNumber),
    [2, 1],
  );
  const page = await ec2.send(
    new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, MaxResults: 2 }),
  );
  assert.equal(page.LaunchTemplateVersions!.length, 2);
  const rest = await ec2.send(
    new DescribeLaunchTemplateVersionsCommand({
      LaunchTemplateId: id,
      MaxResults: 2,
      NextToken: page.NextToken,
    }),
  );
  assert.deepEqual(
    rest.LaunchTemplateVersions!.map((v) => v.VersionNumber),
    [1],
  );
  assert.deepEqual(
    await errorOf(
      ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, Versions: ['9'] })),
    ),
    {
      name: 'InvalidLaunchTemplateId.VersionNotFound',
      message: `Could not find the specified version 9 for the launch template with ID ${id}.`,
    },
  );
  assert.equal(
    (
      await errorOf(
        ec2.send(
          new CreateLaunchTemplateVersionCommand({
            LaunchTemplateId: id,
            SourceVersion: '9',
            LaunchTemplateData: { InstanceType: 't3.micro' },
          }),
        ),
      )
    ).name,
    'InvalidLaunchTemplateId.VersionNotFound',
  );
  assert.equal(
    (
      await errorOf(
        ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: id, DefaultVersion: '666' })),
      )
    ).name,
    'InvalidLaunchTemplateId.VersionNotFound',
  );
  const modified = await ec2.send(
    new ModifyLaunchTemplateCommand({ LaunchTemplateId: id, DefaultVersion: '2' }),
  );
  assert.deepEqual(
    [modified.LaunchTemplate!.DefaultVersionNumber, modified.LaunchTemplate!.LatestVersionNumber],
    [2, 3],
  );
  const del = await ec2.send(
    new DeleteLaunchTemplateVersionsCommand({ LaunchTemplateId: id, Versions: ['1', '2', '7'] }),
  );
  assert.deepEqual(
    del.SuccessfullyDeletedLaunchTemplateVersions!.map((v) => v.VersionNumber),
    [1],
  );
  assert.deepEqual(
    del.UnsuccessfullyDeletedLaunchTemplateVersions!.map((v) => [v.VersionNumber, v.ResponseError!.Code]),
    [
      [2, 'unexpectedError'],
      [7, 'launchTemplateVersionDoesNotExist'],
    ],
  );
  const deleted = await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: 'versions' }));
  assert.equal(deleted.LaunchTemplate!.LaunchTemplateId, id);
  assert.deepEqual(
    await errorOf(ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id }))),
    {
      name: 'InvalidLaunchTemplateId.NotFound',
      message: `The specified launch template, with template ID ${id}, does not exist.`,
    },
  );
  assert.deepEqual(
    await errorOf(ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'versions' }))),
    {
      name: 'InvalidLaunchTemplateName.NotFoundException',
      message: 'The specified launch template, with template name versions, does not exist.',
    },
  );
  assert.equal(
    (await errorOf(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['lt-123'] })))).name,
    'InvalidLaunchTemplateId.Malformed',
  );
  assert.equal(
    (await errorOf(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['versions'] })))).name,
    'InvalidLaunchTemplateName.NotFoundException',
  );
  // The name can be used again once the template is gone.
  await create('versions', { InstanceType: 't3.micro' });
});

test('RunInstances from a template: its parameters, the request winning, AWS tags', async () => {
  const group = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: unique('lt-sg'), Description: 'lt' }),
  );
  await ec2.send(new CreateKeyPairCommand({ KeyName: 'lt-key' }));
  const lt = (
    await create('launcher', {
      ImageId: ami,
      InstanceType: 't3.small',
      KeyName: 'lt-key',
      SecurityGroupIds: [group.GroupId!],
      UserData: b64('#!/bin/sh\necho from-template\n'),
      TagSpecifications: [
        {
          ResourceType: 'instance',
          Tags: [
            { Key: 'Name', Value: 'lt' },
            { Key: 'env', Value: 'dev' },
          ],
        },
      ],
    })
  ).LaunchTemplate!;
  await ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: lt.LaunchTemplateId,
      SourceVersion: '1',
      LaunchTemplateData: { InstanceType: 't3.medium' },
    }),
  );
  const out = await ec2.send(
    new RunInstancesCommand({
      MinCount: 1,
      MaxCount: 1,
      LaunchTemplate: { LaunchTemplateName: 'launcher', Version: '$Latest' },
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'env', Value: 'prod' }] }],
    }),
  );
  const i = out.Instances![0]!;
  assert.deepEqual([i.ImageId, i.InstanceType, i.KeyName], [ami, 't3.medium', 'lt-key']);
  assert.deepEqual(
    i.SecurityGroups!.map((g) => g.GroupId),
    [group.GroupId],
  );
  const tags = Object.fromEntries(i.Tags!.map((t) => [t.Key, t.Value]));
  assert.deepEqual(tags, {
    Name: 'lt',
    env: 'prod',
    'aws:ec2launchtemplate:id': lt.LaunchTemplateId,
    'aws:ec2launchtemplate:version': '2',
  });
  const ud = await ec2.send(
    new DescribeInstanceAttributeCommand({ InstanceId: i.InstanceId, Attribute: 'userData' }),
  );
  assert.equal(Buffer.from(ud.UserData!.Value!, 'base64').toString(), '#!/bin/sh\necho from-template\n');
  // The default version (1) when none is named; the request's own type wins.
  const own = await ec2.send(
    new RunInstancesCommand({
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.nano',
      LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplateId },
    }),
  );
  const j = own.Instances![0]!;
  assert.equal(j.InstanceType, 't3.nano');
  assert.equal(j.Tags!.find((t) => t.Key === 'aws:ec2launchtemplate:version')!.Value, '1');
  assert.equal(
    (
      await errorOf(
        ec2.send(
          new RunInstancesCommand({
            MinCount: 1,
            MaxCount: 1,
            LaunchTemplate: { LaunchTemplateName: 'nope-nope' },
          }),
        ),
      )
    ).name,
    'InvalidLaunchTemplateName.NotFoundException',
  );
  assert.equal(
    (
      await errorOf(
        ec2.send(
          new RunInstancesCommand({
            MinCount: 1,
            MaxCount: 1,
            LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplateId, Version: '5' },
          }),
        ),
      )
    ).name,
    'InvalidLaunchTemplateId.VersionNotFound',
  );
  const data = await ec2.send(new GetLaunchTemplateDataCommand({ InstanceId: i.InstanceId }));
  const d = data.LaunchTemplateData!;
  assert.deepEqual([d.ImageId, d.InstanceType, d.KeyName], [ami, 't3.medium', 'lt-key']);
  assert.deepEqual(d.TagSpecifications, [
    {
      ResourceType: 'instance',
      Tags: [
        { Key: 'Name', Value: 'lt' },
        { Key: 'env', Value: 'prod' },
      ],
    },
  ]);
});

test('IAM: ec2:RunInstances on the launch-template ARN; template calls by ARN', async () => {
  const lt = (await create('guarded', { ImageId: ami, InstanceType: 't3.micro' })).LaunchTemplate!;
  const creds = await createUser(
    clientsFor(server).iam,
    unique('lt-user'),
    doc(
      {
        Effect: 'Allow',
        Action: ['ec2:RunInstances', 'ec2:CreateLaunchTemplateVersion', 'ec2:DeleteLaunchTemplate'],
        Resource: '*',
      },
      {
        Effect: 'Deny',
        Action: 'ec2:RunInstances',
        Resource: `arn:aws:ec2:us-east-1:*:launch-template/${lt.LaunchTemplateId}`,
      },
      { Effect: 'Deny', Action: 'ec2:DeleteLaunchTemplate', Resource: 'arn:aws:ec2:*:*:launch-template/*' },
    ),
  );
  const user = clientsFor(server, creds).ec2;
  assert.equal(
    await code(
      user.send(
        new RunInstancesCommand({
          MinCount: 1,
          MaxCount: 1,
          LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplateId },
        }),
      ),
    ),
    'UnauthorizedOperation',
  );
  assert.equal(
    await code(
      user.send(
        new RunInstancesCommand({ MinCount: 1, MaxCount: 1, ImageId: ami, InstanceType: 't3.micro' }),
      ),
    ),
    'ok',
  );
  assert.equal(
    await code(
      user.send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateName: 'guarded',
          LaunchTemplateData: { InstanceType: 't3.nano' },
        }),
      ),
    ),
    'ok',
  );
  assert.equal(
    await code(user.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: 'guarded' }))),
    'UnauthorizedOperation',
  );
  assert.equal(
    await code(
      user.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: 'mine',
          LaunchTemplateData: { InstanceType: 't3.nano' },
        }),
      ),
    ),
    'UnauthorizedOperation',
  );
});

test('CloudTrail records launch template calls as EC2 management events', async () => {
  await create('audited', { InstanceType: 't3.micro', UserData: b64('secret') });
  const ct = clientsFor(server).cloudtrail;
  const found = await ct.send(
    new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateLaunchTemplate' }],
    }),
  );
  const e = found
    .Events!.map((x) => JSON.parse(x.CloudTrailEvent!))
    .find((x) => x.requestParameters?.launchTemplateName === 'audited');
  assert.ok(e, JSON.stringify(found.Events));
  assert.equal(e.eventSource, 'ec2.amazonaws.com');
  assert.equal(e.readOnly, false);
  assert.ok(!JSON.stringify(e).includes(b64('secret')));
});

test('boto3: create, version, describe and launch from a template', async () => {
  const r = await python(
    `c = client("ec2", region_name="us-east-1")
lt = c.create_launch_template(LaunchTemplateName="boto-lt", LaunchTemplateData={"ImageId": "${ami}", "InstanceType": "t3.micro"})["LaunchTemplate"]
c.create_launch_template_version(LaunchTemplateId=lt["LaunchTemplateId"], SourceVersion="$Latest", LaunchTemplateData={"InstanceType": "t3.small"})
vs = c.describe_launch_template_versions(LaunchTemplateName="boto-lt")["LaunchTemplateVersions"]
i = c.run_instances(MinCount=1, MaxCount=1, LaunchTemplate={"LaunchTemplateId": lt["LaunchTemplateId"], "Version": "2"})["Instances"][0]
d = call(c.delete_launch_template_versions, LaunchTemplateName="boto-lt", Versions=["1"])
out([[v["VersionNumber"] for v in vs], vs[0]["LaunchTemplateData"], i["InstanceType"], d])`,
    server.env(),
  );
  assert.deepEqual(r.slice(0, 3), [[2, 1], { ImageId: ami, InstanceType: 't3.small' }, 't3.small']);
  assert.equal(r[3].UnsuccessfullyDeletedLaunchTemplateVersions[0].ResponseError.Code, 'unexpectedError');
});
