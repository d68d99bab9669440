/**
 * The AWS-managed policies beyond the first eight: their paths (/service-role/, /job-function/),
 * ARNs, ids and documents through GetPolicy/GetPolicyVersion/ListPolicies; attaching them (as
 * Terraform's aws_iam_role_policy_attachment does) with the counts ListPolicies,
 * ListEntitiesForPolicy and GetAccountAuthorizationDetails report; and the policy engine
 * evaluating them for users and role sessions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateRoleCommand,
  DetachRolePolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListPoliciesCommand,
  PutUserPermissionsBoundaryCommand,
  type Policy,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateVpcCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CloudTrailClient, CreateTrailCommand, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { useServer } from '../support/use-server.ts';
import { sdkConfig } from '../support/server.ts';
import { createUserWithKeys, type Creds } from '../support/iam.ts';
import { errorFields } from '../support/errors.ts';

const ACCT = '000000000000';
const P = 'arn:aws:iam::aws:policy/';
const LAMBDA_BASIC = `${P}service-role/AWSLambdaBasicExecutionRole`;
const ECS_TASK = `${P}service-role/AmazonECSTaskExecutionRolePolicy`;
const VIEW_ONLY = `${P}job-function/ViewOnlyAccess`;
const VPC_RO = `${P}AmazonVPCReadOnlyAccess`;
const TRAIL_RO = `${P}AWSCloudTrail_ReadOnlyAccess`;

const { server, iam } = useServer();

const failure = (p: Promise<unknown>) => errorFields(p, 'name', 'message', 'status');
const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole' }],
});

async function listAll(input: ConstructorParameters<typeof ListPoliciesCommand>[0]): Promise<Policy[]> {
  const out: Policy[] = [];
  let Marker: string | undefined;
  do {
    const r = await iam.send(new ListPoliciesCommand({ ...input, Marker }));
    out.push(...r.Policies!);
    Marker = r.IsTruncated ? r.Marker : undefined;
  } while (Marker);
  return out;
}

test('GetPolicy answers service-role, job-function and root-path AWS-managed policies', async () => {
  const lambda = (await iam.send(new GetPolicyCommand({ PolicyArn: LAMBDA_BASIC }))).Policy!;
  assert.deepEqual(
    {
      name: lambda.PolicyName,
      id: lambda.PolicyId,
      path: lambda.Path,
      arn: lambda.Arn,
      version: lambda.DefaultVersionId,
      description: lambda.Description,
      attachable: lambda.IsAttachable,
      created: lambda.CreateDate?.toISOString(),
    },
    {
      name: 'AWSLambdaBasicExecutionRole',
      id: 'ANPAJNCQGXC42545SKXIK',
      path: '/service-role/',
      arn: LAMBDA_BASIC,
      version: 'v1',
      description: 'Provides write permissions to CloudWatch Logs.',
      attachable: true,
      created: '2015-04-09T15:03:43.000Z',
    },
  );
  const view = (await iam.send(new GetPolicyCommand({ PolicyArn: VIEW_ONLY }))).Policy!;
  assert.equal(view.Path, '/job-function/');
  assert.equal(view.PolicyId, 'ANPAID22R6XPJATWOFDK6');
  const ssm = (await iam.send(new GetPolicyCommand({ PolicyArn: `${P}AmazonSSMManagedInstanceCore` })))
    .Policy!;
  assert.equal(ssm.Path, '/');
  assert.equal(ssm.DefaultVersionId, 'v2');
});

test('an AWS-managed policy is found only at the ARN its path gives', async () => {
  // AWSLambdaBasicExecutionRole lives under service-role/: the path-less ARN names nothing.
  assert.deepEqual(
    await failure(iam.send(new GetPolicyCommand({ PolicyArn: `${P}AWSLambdaBasicExecutionRole` }))),
    {
      name: 'NoSuchEntityException',
      message: `Policy ${P}AWSLambdaBasicExecutionRole was not found.`,
      status: 404,
    },
  );
  await iam.send(new CreateRoleCommand({ RoleName: 'wrong-path', AssumeRolePolicyDocument: trust }));
  assert.deepEqual(
    await failure(
      iam.send(
        new AttachRolePolicyCommand({ RoleName: 'wrong-path', PolicyArn: `${P}service-role/ViewOnlyAccess` }),
      ),
    ),
    {
      name: 'NoSuchEntityException',
      message: `Policy ${P}service-role/ViewOnlyAccess does not exist or is not attachable.`,
      status: 404,
    },
  );
});

test('GetPolicyVersion answers the published document of the default version', async () => {
  const v = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: LAMBDA_BASIC, VersionId: 'v1' })))
    .PolicyVersion!;
  assert.equal(v.IsDefaultVersion, true);
  assert.deepEqual(JSON.parse(decodeURIComponent(v.Document!)), {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: '*',
      },
    ],
  });
  const ecs = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: ECS_TASK, VersionId: 'v1' })))
    .PolicyVersion!;
  const actions = JSON.parse(decodeURIComponent(ecs.Document!)).Statement[0].Action;
  assert.ok(actions.includes('ecr:GetAuthorizationToken') && actions.includes('logs:PutLogEvents'));
});

test('ListPolicies Scope=AWS: every ARN follows its path, ids are ANPA + 17, PathPrefix selects', async () => {
  const all = await listAll({ Scope: 'AWS' });
  assert.ok(all.length >= 60, `${all.length} AWS-managed policies`);
  assert.equal(new Set(all.map((p) => p.PolicyId)).size, all.length);
  for (const p of all) {
    assert.equal(p.Arn, `${P}${p.Path!.slice(1)}${p.PolicyName}`);
    assert.match(p.PolicyId!, /^ANPA[A-Z2-7]{17}$/);
    assert.match(p.Path!, /^\/((service-role|job-function)\/)?$/);
    assert.ok(p.Description === undefined, 'ListPolicies leaves Description out');
  }
  const serviceRole = await listAll({ Scope: 'AWS', PathPrefix: '/service-role/' });
  assert.ok(serviceRole.every((p) => p.Path === '/service-role/'));
  const names = serviceRole.map((p) => p.PolicyName);
  for (const n of [
    'AWSLambdaBasicExecutionRole',
    'AWSLambdaVPCAccessExecutionRole',
    'AmazonECSTaskExecutionRolePolicy',
    'AmazonEC2ContainerServiceforEC2Role',
    'AWSGlueServiceRole',
  ])
    assert.ok(names.includes(n), n);
  const jobs = (await listAll({ Scope: 'AWS', PathPrefix: '/job-function/' }))
    .map((p) => p.PolicyName)
    .sort();
  assert.deepEqual(jobs, [
    'Billing',
    'DataScientist',
    'DatabaseAdministrator',
    'NetworkAdministrator',
    'SystemAdministrator',
    'ViewOnlyAccess',
  ]);
});

test('attaching a service-role policy: counts, listings and authorization details follow', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'lambda-exec', AssumeRolePolicyDocument: trust }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'lambda-exec', PolicyArn: LAMBDA_BASIC }));
  await createUserWithKeys(iam, 'bounded');
  await iam.send(
    new PutUserPermissionsBoundaryCommand({ UserName: 'bounded', PermissionsBoundary: ECS_TASK }),
  );

  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'lambda-exec' }));
  assert.deepEqual(attached.AttachedPolicies, [
    { PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: LAMBDA_BASIC },
  ]);
  const got = (await iam.send(new GetPolicyCommand({ PolicyArn: LAMBDA_BASIC }))).Policy!;
  assert.equal(got.AttachmentCount, 1);

  const onlyAttached = await listAll({ Scope: 'AWS', OnlyAttached: true, PathPrefix: '/service-role/' });
  assert.deepEqual(
    onlyAttached.map((p) => [p.PolicyName, p.AttachmentCount, p.PermissionsBoundaryUsageCount]),
    [
      ['AmazonECSTaskExecutionRolePolicy', 0, 1],
      ['AWSLambdaBasicExecutionRole', 1, 0],
    ],
  );
  const permissions = await listAll({
    Scope: 'AWS',
    OnlyAttached: true,
    PolicyUsageFilter: 'PermissionsPolicy',
  });
  assert.deepEqual(
    permissions.map((p) => p.PolicyName),
    ['AWSLambdaBasicExecutionRole'],
  );
  const boundaries = await listAll({
    Scope: 'AWS',
    OnlyAttached: true,
    PolicyUsageFilter: 'PermissionsBoundary',
  });
  assert.deepEqual(
    boundaries.map((p) => p.PolicyName),
    ['AmazonECSTaskExecutionRolePolicy'],
  );

  const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: LAMBDA_BASIC }));
  assert.deepEqual(
    entities.PolicyRoles!.map((r) => r.RoleName),
    ['lambda-exec'],
  );
  assert.deepEqual(entities.PolicyUsers, []);

  const details = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['AWSManagedPolicy'] }));
  const byName = new Map(details.Policies!.map((p) => [p.PolicyName, p]));
  assert.deepEqual([...byName.keys()].sort(), [
    'AWSLambdaBasicExecutionRole',
    'AmazonECSTaskExecutionRolePolicy',
  ]);
  const d = byName.get('AWSLambdaBasicExecutionRole')!;
  assert.deepEqual(
    [d.Arn, d.Path, d.PolicyId, d.IsAttachable, d.AttachmentCount, d.PermissionsBoundaryUsageCount],
    [LAMBDA_BASIC, '/service-role/', 'ANPAJNCQGXC42545SKXIK', true, 1, 0],
  );
  assert.equal(byName.get('AmazonECSTaskExecutionRolePolicy')!.PermissionsBoundaryUsageCount, 1);
  assert.equal(d.PolicyVersionList![0]!.IsDefaultVersion, true);

  await iam.send(new DetachRolePolicyCommand({ RoleName: 'lambda-exec', PolicyArn: LAMBDA_BASIC }));
  const after = (await iam.send(new GetPolicyCommand({ PolicyArn: LAMBDA_BASIC }))).Policy!;
  assert.equal(after.AttachmentCount, 0);
});

const clients = (creds: Creds) => {
  const c = sdkConfig(server, creds);
  return { ec2: new EC2Client(c), cloudtrail: new CloudTrailClient(c), iam: new IAMClient(c) };
};
const outcome = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return (e as Error).name;
  }
};

test('the engine evaluates new AWS-managed policies attached to a user', async () => {
  const creds = await createUserWithKeys(iam, 'vpc-reader');
  await iam.send(new AttachUserPolicyCommand({ UserName: 'vpc-reader', PolicyArn: VPC_RO }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'vpc-reader', PolicyArn: TRAIL_RO }));
  const c = clients(creds);
  assert.equal(await outcome(c.ec2.send(new DescribeVpcsCommand({}))), 'ok');
  assert.equal(
    await outcome(c.ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))),
    'UnauthorizedOperation',
  );
  assert.equal(await outcome(c.cloudtrail.send(new LookupEventsCommand({}))), 'ok');
  assert.equal(
    await outcome(c.cloudtrail.send(new CreateTrailCommand({ Name: 't', S3BucketName: 'b' }))),
    'AccessDeniedException',
  );
  assert.equal(await outcome(c.iam.send(new GetPolicyCommand({ PolicyArn: VPC_RO }))), 'AccessDenied');
  c.ec2.destroy();
  c.cloudtrail.destroy();
  c.iam.destroy();
});

test('the engine evaluates new AWS-managed policies attached to a role', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'auditor', AssumeRolePolicyDocument: trust }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'auditor', PolicyArn: `${P}IAMReadOnlyAccess` }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'auditor', PolicyArn: VIEW_ONLY }));
  // Root may not assume roles: an operator user does.
  const operator = await createUserWithKeys(
    iam,
    'operator',
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCT}:role/*` }],
    }),
  );
  const opSts = new STSClient(sdkConfig(server, operator));
  const r = await opSts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCT}:role/auditor`, RoleSessionName: 'audit' }),
  );
  const c = clients({
    accessKeyId: r.Credentials!.AccessKeyId!,
    secretAccessKey: r.Credentials!.SecretAccessKey!,
    sessionToken: r.Credentials!.SessionToken!,
  });
  assert.equal(await outcome(c.iam.send(new GetPolicyCommand({ PolicyArn: VPC_RO }))), 'ok');
  assert.equal(await outcome(c.ec2.send(new DescribeVpcsCommand({}))), 'ok');
  assert.equal(
    await outcome(c.ec2.send(new CreateVpcCommand({ CidrBlock: '10.8.0.0/16' }))),
    'UnauthorizedOperation',
  );
  c.ec2.destroy();
  c.cloudtrail.destroy();
  c.iam.destroy();
  opSts.destroy();
});
