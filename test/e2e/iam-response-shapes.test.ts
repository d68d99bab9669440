/**
 * IAM answers whose shape AWS recorded in LocalStack's snapshot tests (test_iam_roles and
 * test_iam_policies .snapshot.json): CreateRole and UpdateRoleDescription leave out
 * MaxSessionDuration (GetRole has it), AttachRolePolicy refuses a PolicyArn that is no ARN, and
 * duplicate tag keys on a policy (case-sensitive tags) are refused without the case note, and
 * RemoveUserFromGroup looks the user up first (test_iam_groups); GetPolicy and GetInstanceProfile
 * always carry Tags, and the roles inside an instance profile no MaxSessionDuration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateRoleCommand,
  GetRoleCommand,
  UpdateRoleDescriptionCommand,
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  TagPolicyCommand,
  TagRoleCommand,
  RemoveUserFromGroupCommand,
  CreateUserCommand,
  CreateGroupCommand,
  GetPolicyCommand,
  CreateInstanceProfileCommand,
  AddRoleToInstanceProfileCommand,
  GetInstanceProfileCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { useServer } from '../support/use-server.ts';
import { errorFields } from '../support/errors.ts';
import { python } from '../support/clients.ts';

const { server, iam } = useServer();
const failure = (p: Promise<unknown>) => errorFields(p, 'name', 'status', 'message');
const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

test('CreateRole and UpdateRoleDescription leave out MaxSessionDuration; GetRole has it', async () => {
  const { Role } = await iam.send(
    new CreateRoleCommand({
      RoleName: 'shape-role',
      AssumeRolePolicyDocument: trust,
      Description: 'initial',
      MaxSessionDuration: 7200,
    }),
  );
  assert.deepEqual(Object.keys(Role!).sort(), [
    'Arn',
    'AssumeRolePolicyDocument',
    'CreateDate',
    'Path',
    'RoleId',
    'RoleName',
  ]);
  const updated = await iam.send(
    new UpdateRoleDescriptionCommand({ RoleName: 'shape-role', Description: 'via update' }),
  );
  assert.equal(updated.Role!.Description, 'via update');
  assert.equal(updated.Role!.MaxSessionDuration, undefined);
  assert.equal(updated.Role!.RoleLastUsed, undefined);
  const got = await iam.send(new GetRoleCommand({ RoleName: 'shape-role' }));
  assert.equal(got.Role!.MaxSessionDuration, 7200);
  assert.equal(got.Role!.Description, 'via update');
});

test('AttachRolePolicy with a PolicyArn that is no ARN: ValidationError', async () => {
  assert.deepEqual(
    await failure(
      iam.send(new AttachRolePolicyCommand({ RoleName: 'shape-role', PolicyArn: 'longpolicynamebutnoarn' })),
    ),
    { name: 'ValidationError', status: 400, message: 'ARN longpolicynamebutnoarn is not valid.' },
  );
});

test('duplicate tag keys: policies say so plainly, roles add the case note (boto3 too)', async () => {
  const { Policy } = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'shape-policy',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }],
      }),
    }),
  );
  const dup = [
    { Key: 'k', Value: '1' },
    { Key: 'k', Value: '2' },
  ];
  assert.deepEqual(await failure(iam.send(new TagPolicyCommand({ PolicyArn: Policy!.Arn!, Tags: dup }))), {
    name: 'InvalidInputException',
    status: 400,
    message: 'Duplicate tag keys found.',
  });
  assert.deepEqual(await failure(iam.send(new TagRoleCommand({ RoleName: 'shape-role', Tags: dup }))), {
    name: 'InvalidInputException',
    status: 400,
    message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
  });
  const r = await python(
    `
iam = client("iam")
out(call(iam.create_policy, PolicyName="shape-dup", PolicyDocument=${JSON.stringify(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
      }),
    )}, Tags=[{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]))
`,
    server.env(),
  );
  assert.deepEqual(r, { error: 'InvalidInput', message: 'Duplicate tag keys found.', status: 400 });
});

test('RemoveUserFromGroup names the user when neither exists; a non-member is no error', async () => {
  assert.deepEqual(
    await failure(iam.send(new RemoveUserFromGroupCommand({ GroupName: 'no-group', UserName: 'any-user' }))),
    { name: 'NoSuchEntityException', status: 404, message: 'The user with name any-user cannot be found.' },
  );
  await iam.send(new CreateUserCommand({ UserName: 'loner' }));
  await iam.send(new CreateGroupCommand({ GroupName: 'club' }));
  await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'club', UserName: 'loner' }));
});

test('GetPolicy and GetInstanceProfile answer Tags: [] when untagged; instance profile roles lack MaxSessionDuration', async () => {
  const { Policy } = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'shape-untagged',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }],
      }),
    }),
  );
  assert.equal(Policy!.Tags, undefined);
  assert.deepEqual((await iam.send(new GetPolicyCommand({ PolicyArn: Policy!.Arn! }))).Policy!.Tags, []);
  const made = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'shape-ip' }));
  assert.equal(made.InstanceProfile!.Tags, undefined);
  await iam.send(
    new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'shape-ip', RoleName: 'shape-role' }),
  );
  const got = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'shape-ip' })))
    .InstanceProfile!;
  assert.deepEqual(got.Tags, []);
  assert.equal(got.Roles![0]!.RoleName, 'shape-role');
  assert.equal(got.Roles![0]!.MaxSessionDuration, undefined);
});

test('RemoveRoleFromInstanceProfile of a role not in it names both', async () => {
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'shape-empty-ip' }));
  assert.deepEqual(
    await failure(
      iam.send(
        new RemoveRoleFromInstanceProfileCommand({
          InstanceProfileName: 'shape-empty-ip',
          RoleName: 'shape-role',
        }),
      ),
    ),
    {
      name: 'NoSuchEntityException',
      status: 404,
      message: 'Role shape-role in Instance Profile shape-empty-ip cannot be found.',
    },
  );
});
