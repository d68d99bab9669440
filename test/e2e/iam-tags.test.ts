/**
 * IAM tag rules across resource types: keys are case-insensitive on users and roles only (one
 * `Department` tag whatever the case), case-sensitive on policies, instance profiles, OIDC
 * providers and MFA devices; no key may begin with `aws:` (IAM User Guide, "Tagging IAM resources").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserCommand,
  TagUserCommand,
  UntagUserCommand,
  ListUserTagsCommand,
  CreateRoleCommand,
  TagRoleCommand,
  ListRoleTagsCommand,
  CreatePolicyCommand,
  TagPolicyCommand,
  UntagPolicyCommand,
  ListPolicyTagsCommand,
  CreateInstanceProfileCommand,
  ListInstanceProfileTagsCommand,
  CreateOpenIDConnectProviderCommand,
  TagOpenIDConnectProviderCommand,
  ListOpenIDConnectProviderTagsCommand,
  CreateVirtualMFADeviceCommand,
  ListMFADeviceTagsCommand,
  type Tag,
} from '@aws-sdk/client-iam';
import { useServer } from '../support/use-server.ts';
import { errorFields } from '../support/errors.ts';

const failure = (p: Promise<unknown>) => errorFields(p, 'name', 'status', 'message');
const sorted = (tags: Tag[] | undefined) =>
  (tags ?? []).map((t) => `${t.Key}=${t.Value}`).sort((a, b) => (a < b ? -1 : 1));
const duplicate = {
  name: 'InvalidInputException',
  status: 400,
  message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
};

const { iam } = useServer();

test('users and roles: one tag per key whatever its case', async () => {
  await iam.send(
    new CreateUserCommand({ UserName: 'zhang', Tags: [{ Key: 'Department', Value: 'finance' }] }),
  );
  await iam.send(new TagUserCommand({ UserName: 'zhang', Tags: [{ Key: 'department', Value: 'hr' }] }));
  const { Tags } = await iam.send(new ListUserTagsCommand({ UserName: 'zhang' }));
  assert.equal(Tags!.length, 1);
  assert.equal(Tags![0]!.Value, 'hr');
  assert.deepEqual(
    await failure(
      iam.send(
        new TagUserCommand({
          UserName: 'zhang',
          Tags: [
            { Key: 'team', Value: 'a' },
            { Key: 'TEAM', Value: 'b' },
          ],
        }),
      ),
    ),
    duplicate,
  );
  await iam.send(new UntagUserCommand({ UserName: 'zhang', TagKeys: ['DEPARTMENT'] }));
  assert.deepEqual((await iam.send(new ListUserTagsCommand({ UserName: 'zhang' }))).Tags, []);

  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  assert.deepEqual(
    await failure(
      iam.send(
        new CreateRoleCommand({
          RoleName: 'dup',
          AssumeRolePolicyDocument: trust,
          Tags: [
            { Key: 'Env', Value: 'dev' },
            { Key: 'env', Value: 'prod' },
          ],
        }),
      ),
    ),
    duplicate,
  );
  await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: trust }));
  await iam.send(new TagRoleCommand({ RoleName: 'r', Tags: [{ Key: 'Env', Value: 'dev' }] }));
  await iam.send(new TagRoleCommand({ RoleName: 'r', Tags: [{ Key: 'ENV', Value: 'prod' }] }));
  assert.deepEqual(sorted((await iam.send(new ListRoleTagsCommand({ RoleName: 'r' }))).Tags), ['ENV=prod']);
});

test('policies, instance profiles, OIDC providers, MFA devices: keys differing in case are different tags', async () => {
  const both = [
    { Key: 'Costcenter', Value: '1234' },
    { Key: 'costcenter', Value: '5678' },
  ];
  const { Policy } = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'p',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
      }),
      Tags: [both[0]!],
    }),
  );
  const PolicyArn = Policy!.Arn!;
  await iam.send(new TagPolicyCommand({ PolicyArn, Tags: [both[1]!] }));
  assert.deepEqual(sorted((await iam.send(new ListPolicyTagsCommand({ PolicyArn }))).Tags), [
    'Costcenter=1234',
    'costcenter=5678',
  ]);
  // Untagging names the exact key.
  await iam.send(new UntagPolicyCommand({ PolicyArn, TagKeys: ['COSTCENTER', 'costcenter'] }));
  assert.deepEqual(sorted((await iam.send(new ListPolicyTagsCommand({ PolicyArn }))).Tags), [
    'Costcenter=1234',
  ]);
  // The same key twice in one request is still refused.
  assert.deepEqual(
    await failure(
      iam.send(
        new TagPolicyCommand({
          PolicyArn,
          Tags: [
            { Key: 'x', Value: '1' },
            { Key: 'x', Value: '2' },
          ],
        }),
      ),
    ),
    // Without the case note on case-sensitive tags (AWS-recorded test_policy_tag_create_errors).
    { ...duplicate, message: 'Duplicate tag keys found.' },
  );

  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'ip', Tags: both }));
  assert.equal(
    (await iam.send(new ListInstanceProfileTagsCommand({ InstanceProfileName: 'ip' }))).Tags!.length,
    2,
  );
  const { OpenIDConnectProviderArn } = await iam.send(
    new CreateOpenIDConnectProviderCommand({
      Url: 'https://oidc.example.com',
      ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
      Tags: [both[0]!],
    }),
  );
  await iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn, Tags: [both[1]!] }));
  assert.equal(
    (await iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn }))).Tags!.length,
    2,
  );
  const { VirtualMFADevice } = await iam.send(
    new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'phone', Tags: both }),
  );
  assert.equal(
    (await iam.send(new ListMFADeviceTagsCommand({ SerialNumber: VirtualMFADevice!.SerialNumber }))).Tags!
      .length,
    2,
  );
});

test('tag keys beginning with aws:, in any case, are refused on create and on tag', async () => {
  for (const Key of ['aws:team', 'AWS:Team']) {
    const e = await failure(
      iam.send(new CreateUserCommand({ UserName: 'reserved', Tags: [{ Key, Value: 'v' }] })),
    );
    assert.deepEqual([e.name, e.status], ['InvalidInputException', 400]);
    const f = await failure(iam.send(new TagRoleCommand({ RoleName: 'r', Tags: [{ Key, Value: 'v' }] })));
    assert.deepEqual([f.name, f.status], ['InvalidInputException', 400]);
  }
  assert.equal(
    (await failure(iam.send(new ListUserTagsCommand({ UserName: 'reserved' })))).name,
    'NoSuchEntityException',
  );
  // Only the start of the key is reserved.
  await iam.send(new TagRoleCommand({ RoleName: 'r', Tags: [{ Key: 'team:aws:x', Value: 'aws:v' }] }));
});
