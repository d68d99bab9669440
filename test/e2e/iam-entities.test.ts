/**
 * IAM entities end to end through SDK v3, boto3 and the AWS CLI: users, groups, roles, managed
 * policies and versions, inline policies, attachments, boundaries, instance profiles, tags,
 * paging, and AWS's errors and limits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserCommand,
  GetUserCommand,
  ListUsersCommand,
  UpdateUserCommand,
  DeleteUserCommand,
  CreateGroupCommand,
  AddUserToGroupCommand,
  GetGroupCommand,
  DeleteGroupCommand,
  RemoveUserFromGroupCommand,
  ListGroupsForUserCommand,
  PutUserPolicyCommand,
  GetUserPolicyCommand,
  DeleteUserPolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyVersionCommand,
  SetDefaultPolicyVersionCommand,
  ListPolicyVersionsCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  DeletePolicyCommand,
  AttachUserPolicyCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  DetachUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  UpdateRoleCommand,
  DeleteRoleCommand,
  PutRolePolicyCommand,
  ListRolePoliciesCommand,
  DeleteRolePolicyCommand,
  PutRolePermissionsBoundaryCommand,
  DeleteRolePermissionsBoundaryCommand,
  CreateInstanceProfileCommand,
  AddRoleToInstanceProfileCommand,
  GetInstanceProfileCommand,
  RemoveRoleFromInstanceProfileCommand,
  DeleteInstanceProfileCommand,
  TagUserCommand,
  UntagUserCommand,
  ListUserTagsCommand,
  ListPoliciesCommand,
  CreateAccountAliasCommand,
  CreateLoginProfileCommand,
  GetLoginProfileCommand,
  DeleteLoginProfileCommand,
  ListAccountAliasesCommand,
  DeleteAccountAliasCommand,
  type CreatePolicyVersionCommandOutput,
} from '@aws-sdk/client-iam';
import { useServer } from '../support/use-server.ts';
import { python, run, AWS_CLI_V1 } from '../support/clients.ts';
import { errorFields } from '../support/errors.ts';

const { server, iam } = useServer();

const ACCT = '000000000000';
const doc = (action: string, resource = '*') =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
  });
const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole' }],
});

/** SDK v3 names modeled errors after their shapes (NoSuchEntityException for code NoSuchEntity). */
const errorOf = (p: Promise<unknown>) => errorFields(p, 'name', 'message', 'status');

test('users: create with a path, ids and ARNs as AWS forms them, case-insensitive names, NoSuchEntity', async () => {
  const { User } = await iam.send(new CreateUserCommand({ UserName: 'Dana', Path: '/eng/' }));
  assert.equal(User!.Arn, `arn:aws:iam::${ACCT}:user/eng/Dana`);
  assert.match(User!.UserId!, /^AIDA[A-Z2-7]{17}$/);
  assert.deepEqual(await errorOf(iam.send(new CreateUserCommand({ UserName: 'dana' }))), {
    name: 'EntityAlreadyExistsException',
    message: 'User with name dana already exists.',
    status: 409,
  });
  assert.deepEqual(await errorOf(iam.send(new GetUserCommand({ UserName: 'nobody' }))), {
    name: 'NoSuchEntityException',
    message: 'The user with name nobody cannot be found.',
    status: 404,
  });
  const bad = await errorOf(iam.send(new CreateUserCommand({ UserName: 'a b' })));
  assert.equal(bad.name, 'ValidationError');
  await iam.send(new UpdateUserCommand({ UserName: 'Dana', NewUserName: 'Dana2', NewPath: '/ops/' }));
  assert.equal(
    (await iam.send(new GetUserCommand({ UserName: 'dana2' }))).User!.Arn,
    `arn:aws:iam::${ACCT}:user/ops/Dana2`,
  );
  await iam.send(new DeleteUserCommand({ UserName: 'Dana2' }));
});

test('users with a login profile cannot be deleted until it is', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'console' }));
  await iam.send(
    new CreateLoginProfileCommand({
      UserName: 'console',
      Password: 'Correct-Horse-9',
      PasswordResetRequired: true,
    }),
  );
  assert.equal(
    (await iam.send(new GetLoginProfileCommand({ UserName: 'console' }))).LoginProfile!.PasswordResetRequired,
    true,
  );
  assert.deepEqual(await errorOf(iam.send(new DeleteUserCommand({ UserName: 'console' }))), {
    name: 'DeleteConflictException',
    message: 'Cannot delete entity, must delete login profile first.',
    status: 409,
  });
  await iam.send(new DeleteLoginProfileCommand({ UserName: 'console' }));
  assert.equal(
    (await errorOf(iam.send(new GetLoginProfileCommand({ UserName: 'console' })))).name,
    'NoSuchEntityException',
  );
  await iam.send(new DeleteUserCommand({ UserName: 'console' }));
});

test('users: PathPrefix filtering and Marker/MaxItems paging', async () => {
  for (const n of ['p1', 'p2', 'p3', 'p4', 'p5'])
    await iam.send(new CreateUserCommand({ UserName: `page-${n}`, Path: '/paged/' }));
  await iam.send(new CreateUserCommand({ UserName: 'page-other' }));
  const first = await iam.send(new ListUsersCommand({ PathPrefix: '/paged/', MaxItems: 2 }));
  assert.deepEqual(
    first.Users!.map((u) => u.UserName),
    ['page-p1', 'page-p2'],
  );
  assert.equal(first.IsTruncated, true);
  const rest = await iam.send(
    new ListUsersCommand({ PathPrefix: '/paged/', Marker: first.Marker, MaxItems: 10 }),
  );
  assert.deepEqual(
    rest.Users!.map((u) => u.UserName),
    ['page-p3', 'page-p4', 'page-p5'],
  );
  assert.equal(rest.IsTruncated, false);
  assert.equal(rest.Marker, undefined);
});

test('groups: membership, DeleteConflict while members or policies remain', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'gina' }));
  await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'gina' }));
  const g = await iam.send(new GetGroupCommand({ GroupName: 'devs' }));
  assert.match(g.Group!.GroupId!, /^AGPA[A-Z2-7]{17}$/);
  assert.deepEqual(
    g.Users!.map((u) => u.UserName),
    ['gina'],
  );
  assert.deepEqual(
    (await iam.send(new ListGroupsForUserCommand({ UserName: 'gina' }))).Groups!.map((x) => x.GroupName),
    ['devs'],
  );
  assert.deepEqual(await errorOf(iam.send(new DeleteGroupCommand({ GroupName: 'devs' }))), {
    name: 'DeleteConflictException',
    message: 'Cannot delete entity, must remove users from group first.',
    status: 409,
  });
  assert.equal(
    (await errorOf(iam.send(new DeleteUserCommand({ UserName: 'gina' })))).name,
    'DeleteConflictException',
  );
  await iam.send(
    new AttachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
  );
  await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'devs', UserName: 'gina' }));
  assert.equal(
    (await errorOf(iam.send(new DeleteGroupCommand({ GroupName: 'devs' })))).message,
    'Cannot delete entity, must detach all policies first.',
  );
  await iam.send(
    new DetachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
  );
  await iam.send(new DeleteGroupCommand({ GroupName: 'devs' }));
  await iam.send(new DeleteUserCommand({ UserName: 'gina' }));
});

test('inline policies: validated on write, returned URL-encoded, DeleteConflict on the user', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'ivan' }));
  const malformed = await errorOf(
    iam.send(
      new PutUserPolicyCommand({
        UserName: 'ivan',
        PolicyName: 'p',
        PolicyDocument: '{"Statement":[{"Effect":"Allow"}]}',
      }),
    ),
  );
  assert.equal(malformed.name, 'MalformedPolicyDocumentException');
  assert.equal(malformed.message, 'Policy statement must contain actions.');
  await iam.send(
    new PutUserPolicyCommand({ UserName: 'ivan', PolicyName: 'read', PolicyDocument: doc('s3:GetObject') }),
  );
  const got = await iam.send(new GetUserPolicyCommand({ UserName: 'ivan', PolicyName: 'read' }));
  assert.equal(got.PolicyDocument, encodeURIComponent(doc('s3:GetObject')));
  assert.equal(decodeURIComponent(got.PolicyDocument!), doc('s3:GetObject'));
  assert.deepEqual(await errorOf(iam.send(new DeleteUserCommand({ UserName: 'ivan' }))), {
    name: 'DeleteConflictException',
    message: 'Cannot delete entity, must delete policies first.',
    status: 409,
  });
  assert.equal(
    (await errorOf(iam.send(new GetUserPolicyCommand({ UserName: 'ivan', PolicyName: 'none' })))).message,
    'The user policy with name none cannot be found.',
  );
  // The user's inline policies share one 2048-character quota.
  const big = (n: number) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'b'.repeat(n)}/*` }],
    });
  await iam.send(
    new PutUserPolicyCommand({ UserName: 'ivan', PolicyName: 'big1', PolicyDocument: big(1200) }),
  );
  const over = await errorOf(
    iam.send(new PutUserPolicyCommand({ UserName: 'ivan', PolicyName: 'big2', PolicyDocument: big(900) })),
  );
  assert.deepEqual(
    [over.name, over.message],
    ['LimitExceededException', 'Maximum policy size of 2048 bytes exceeded for user ivan'],
  );
  await iam.send(
    new PutUserPolicyCommand({ UserName: 'ivan', PolicyName: 'big1', PolicyDocument: big(1500) }),
  );
  await iam.send(new DeleteUserPolicyCommand({ UserName: 'ivan', PolicyName: 'big1' }));
  await iam.send(new DeleteUserPolicyCommand({ UserName: 'ivan', PolicyName: 'read' }));
  await iam.send(new DeleteUserCommand({ UserName: 'ivan' }));
});

test('managed policies: versions (at most 5, default cannot be deleted), attachments and counts', async () => {
  const { Policy } = await iam.send(
    new CreatePolicyCommand({ PolicyName: 'deploy', Path: '/ci/', PolicyDocument: doc('s3:GetObject') }),
  );
  const arn = Policy!.Arn!;
  assert.equal(arn, `arn:aws:iam::${ACCT}:policy/ci/deploy`);
  assert.match(Policy!.PolicyId!, /^ANPA[A-Z2-7]{17}$/);
  assert.equal(Policy!.DefaultVersionId, 'v1');
  for (let i = 2; i <= 5; i++) {
    const v: CreatePolicyVersionCommandOutput = await iam.send(
      new CreatePolicyVersionCommand({
        PolicyArn: arn,
        PolicyDocument: doc(`s3:Get${i}`),
        SetAsDefault: i === 3,
      }),
    );
    assert.equal(v.PolicyVersion!.VersionId, `v${i}`);
  }
  assert.deepEqual(
    await errorOf(iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc('s3:x') }))),
    {
      name: 'LimitExceededException',
      message:
        'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
      status: 409,
    },
  );
  assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!.DefaultVersionId, 'v3');
  assert.deepEqual(
    await errorOf(iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v3' }))),
    {
      name: 'DeleteConflictException',
      message: 'Cannot delete the default version of a policy.',
      status: 409,
    },
  );
  await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v5' }));
  await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v3' }));
  const versions = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
  assert.deepEqual(
    versions.Versions!.map((v) => [v.VersionId, v.IsDefaultVersion]),
    [
      ['v5', true],
      ['v4', false],
      ['v2', false],
      ['v1', false],
    ],
  );
  const v5 = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v5' }));
  assert.equal(decodeURIComponent(v5.PolicyVersion!.Document!), doc('s3:Get5'));
  assert.equal(
    (await errorOf(iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v9' })))).name,
    'NoSuchEntityException',
  );

  await iam.send(new CreateUserCommand({ UserName: 'att' }));
  await iam.send(new CreateRoleCommand({ RoleName: 'att-role', AssumeRolePolicyDocument: trust }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'att', PolicyArn: arn }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'att-role', PolicyArn: arn }));
  assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!.AttachmentCount, 2);
  const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }));
  assert.deepEqual(
    entities.PolicyUsers!.map((u) => u.UserName),
    ['att'],
  );
  assert.deepEqual(
    entities.PolicyRoles!.map((r) => r.RoleName),
    ['att-role'],
  );
  assert.deepEqual(
    (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'att' }))).AttachedPolicies,
    [{ PolicyName: 'deploy', PolicyArn: arn }],
  );
  assert.equal(
    (await errorOf(iam.send(new DeleteUserCommand({ UserName: 'att' })))).message,
    'Cannot delete entity, must detach all policies first.',
  );
  assert.equal(
    (await errorOf(iam.send(new DeletePolicyCommand({ PolicyArn: arn })))).name,
    'DeleteConflictException',
  );
  const missing = `arn:aws:iam::${ACCT}:policy/none`;
  assert.deepEqual(
    await errorOf(iam.send(new AttachUserPolicyCommand({ UserName: 'att', PolicyArn: missing }))),
    {
      name: 'NoSuchEntityException',
      message: `Policy ${missing} does not exist or is not attachable.`,
      status: 404,
    },
  );
  await iam.send(new DetachUserPolicyCommand({ UserName: 'att', PolicyArn: arn }));
  await iam.send(new DetachRolePolicyCommand({ RoleName: 'att-role', PolicyArn: arn }));
  assert.equal(
    (await errorOf(iam.send(new DeletePolicyCommand({ PolicyArn: arn })))).message.startsWith(
      'This policy has more than one version.',
    ),
    true,
  );
  for (const v of ['v1', 'v2', 'v4'])
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v }));
  await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
});

test('AWS-managed policies exist with their documents and cannot be changed', async () => {
  const { Policies } = await iam.send(new ListPoliciesCommand({ Scope: 'AWS' }));
  const names = Policies!.map((p) => p.PolicyName);
  for (const n of [
    'AdministratorAccess',
    'PowerUserAccess',
    'ReadOnlyAccess',
    'IAMFullAccess',
    'AmazonS3FullAccess',
    'AmazonS3ReadOnlyAccess',
    'AmazonEC2FullAccess',
    'AmazonEC2ReadOnlyAccess',
  ])
    assert.ok(names.includes(n), n);
  const admin = await iam.send(
    new GetPolicyVersionCommand({
      PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      VersionId: 'v1',
    }),
  );
  assert.deepEqual(JSON.parse(decodeURIComponent(admin.PolicyVersion!.Document!)), {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  });
  const change = await errorOf(
    iam.send(
      new CreatePolicyVersionCommand({
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        PolicyDocument: doc('s3:*'),
      }),
    ),
  );
  assert.notEqual(change.name, undefined);
  assert.notEqual(change.status, 200);
});

test('roles: trust policy validated, MaxSessionDuration 3600..43200, boundaries, inline policies', async () => {
  const bad = await errorOf(
    iam.send(new CreateRoleCommand({ RoleName: 'r-bad', AssumeRolePolicyDocument: doc('s3:GetObject') })),
  );
  assert.deepEqual(
    [bad.name, bad.message],
    ['MalformedPolicyDocumentException', 'Missing required field Principal'],
  );
  const ghost = `arn:aws:iam::${ACCT}:user/ghost`;
  const ghostTrust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: ghost }, Action: 'sts:AssumeRole' }],
  });
  const unknown = await errorOf(
    iam.send(new CreateRoleCommand({ RoleName: 'r-ghost', AssumeRolePolicyDocument: ghostTrust })),
  );
  assert.deepEqual(
    [unknown.name, unknown.message],
    ['MalformedPolicyDocumentException', `Invalid principal in policy: "AWS":"${ghost}"`],
  );
  const tooLong = await errorOf(
    iam.send(
      new CreateRoleCommand({
        RoleName: 'r-long',
        AssumeRolePolicyDocument: trust,
        MaxSessionDuration: 50000,
      }),
    ),
  );
  assert.equal(tooLong.name, 'ValidationError');
  const { Role } = await iam.send(
    new CreateRoleCommand({
      RoleName: 'app',
      AssumeRolePolicyDocument: trust,
      MaxSessionDuration: 7200,
      Description: 'the app',
    }),
  );
  assert.match(Role!.RoleId!, /^AROA[A-Z2-7]{17}$/);
  assert.equal(decodeURIComponent(Role!.AssumeRolePolicyDocument!), trust);
  await iam.send(new UpdateRoleCommand({ RoleName: 'app', MaxSessionDuration: 43200 }));
  await iam.send(
    new PutRolePermissionsBoundaryCommand({
      RoleName: 'app',
      PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    }),
  );
  const got = (await iam.send(new GetRoleCommand({ RoleName: 'app' }))).Role!;
  assert.equal(got.MaxSessionDuration, 43200);
  assert.equal(
    got.PermissionsBoundary!.PermissionsBoundaryArn,
    'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
  );
  await iam.send(
    new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'inline', PolicyDocument: doc('s3:*') }),
  );
  assert.deepEqual((await iam.send(new ListRolePoliciesCommand({ RoleName: 'app' }))).PolicyNames, [
    'inline',
  ]);
  assert.equal(
    (await errorOf(iam.send(new DeleteRoleCommand({ RoleName: 'app' })))).message,
    'Cannot delete entity, must delete policies first.',
  );
  await iam.send(new DeleteRolePolicyCommand({ RoleName: 'app', PolicyName: 'inline' }));
  await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'app' }));
  assert.equal(
    (await iam.send(new GetRoleCommand({ RoleName: 'app' }))).Role!.PermissionsBoundary,
    undefined,
  );
});

test('instance profiles hold at most one role', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'ip-a', AssumeRolePolicyDocument: trust }));
  await iam.send(new CreateRoleCommand({ RoleName: 'ip-b', AssumeRolePolicyDocument: trust }));
  const { InstanceProfile } = await iam.send(
    new CreateInstanceProfileCommand({ InstanceProfileName: 'web' }),
  );
  assert.match(InstanceProfile!.InstanceProfileId!, /^AIPA[A-Z2-7]{17}$/);
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'ip-a' }));
  assert.deepEqual(
    await errorOf(
      iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'ip-b' })),
    ),
    {
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
      status: 409,
    },
  );
  assert.deepEqual(
    (
      await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'web' }))
    ).InstanceProfile!.Roles!.map((r) => r.RoleName),
    ['ip-a'],
  );
  assert.equal(
    (await errorOf(iam.send(new DeleteRoleCommand({ RoleName: 'ip-a' })))).name,
    'DeleteConflictException',
  );
  assert.equal(
    (await errorOf(iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'web' })))).name,
    'DeleteConflictException',
  );
  await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'ip-a' }));
  await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'web' }));
  await iam.send(new DeleteRoleCommand({ RoleName: 'ip-a' }));
});

test('tags on users and account aliases', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'tagged', Tags: [{ Key: 'team', Value: 'a' }] }));
  await iam.send(
    new TagUserCommand({
      UserName: 'tagged',
      Tags: [
        { Key: 'Team', Value: 'b' },
        { Key: 'env', Value: 'dev' },
      ],
    }),
  );
  assert.deepEqual((await iam.send(new ListUserTagsCommand({ UserName: 'tagged' }))).Tags, [
    { Key: 'Team', Value: 'b' },
    { Key: 'env', Value: 'dev' },
  ]);
  await iam.send(new UntagUserCommand({ UserName: 'tagged', TagKeys: ['team'] }));
  assert.deepEqual((await iam.send(new ListUserTagsCommand({ UserName: 'tagged' }))).Tags, [
    { Key: 'env', Value: 'dev' },
  ]);
  const dup = await errorOf(
    iam.send(
      new TagUserCommand({
        UserName: 'tagged',
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'A', Value: '2' },
        ],
      }),
    ),
  );
  assert.equal(dup.name, 'InvalidInputException');
  await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'stratus-dev' }));
  assert.deepEqual((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases, ['stratus-dev']);
  await iam.send(new DeleteAccountAliasCommand({ AccountAlias: 'stratus-dev' }));
  assert.deepEqual((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases, []);
});

test('boto3 decodes policy documents; the AWS CLI lists users and reports errors', async () => {
  const out = await python(
    `import json
iam = boto3.client("iam", config=NO_RETRY)
iam.create_user(UserName="py-user")
iam.put_user_policy(UserName="py-user", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
pol = iam.get_user_policy(UserName="py-user", PolicyName="p")["PolicyDocument"]
missing = call(iam.get_role, RoleName="nope")
creds = [iam.list_mfa_devices(UserName="py-user")["MFADevices"], iam.list_ssh_public_keys(UserName="py-user")["SSHPublicKeys"],
         iam.list_signing_certificates(UserName="py-user")["Certificates"], iam.list_service_specific_credentials(UserName="py-user")["ServiceSpecificCredentials"]]
pw = call(iam.get_account_password_policy)
out({"doc": pol, "missing": missing, "creds": creds, "pw": pw["error"]})`,
    server.env(),
  );
  assert.deepEqual(out.doc, {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
  });
  assert.deepEqual(
    [out.missing.error, out.missing.message, out.missing.status],
    ['NoSuchEntity', 'The role with name nope cannot be found.', 404],
  );
  assert.deepEqual(out.creds, [[], [], [], []]);
  assert.equal(out.pw, 'NoSuchEntity');
  const cli = await run(AWS_CLI_V1, ['iam', 'list-users', '--output', 'json'], server.env());
  assert.equal(cli.code, 0, cli.stderr);
  assert.ok(JSON.parse(cli.stdout).Users.some((u: any) => u.UserName === 'py-user'));
  const err = await run(AWS_CLI_V1, ['iam', 'get-user', '--user-name', 'ghost'], server.env());
  assert.notEqual(err.code, 0);
  assert.match(err.stderr, /NoSuchEntity.*The user with name ghost cannot be found\./);
});
