// The policy simulator (SimulatePrincipalPolicy, SimulateCustomPolicy) answers from the same
// engine that enforces requests, and EC2's encoded authorization failure message decodes with
// STS DecodeAuthorizationMessage — through boto3 and @aws-sdk/* v3.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttachUserPolicyCommand,
  CreateRoleCommand,
  GetContextKeysForCustomPolicyCommand,
  GetContextKeysForPrincipalPolicyCommand,
  PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
  type EvaluationResult,
} from '@aws-sdk/client-iam';
import { DecodeAuthorizationMessageCommand } from '@aws-sdk/client-sts';
import { CreateKeyPairCommand } from '@aws-sdk/client-ec2';
import { createAccount } from '../../src/accounts/accounts.ts';
import { startTestServer } from '../support/server.ts';
import { python } from '../support/clients.ts';
import { allowDoc, clientsFor, code, createUser, outcome, unique } from './enforcement-support.ts';

const server = await startTestServer();
after(() => server.stop());
const root = clientsFor(server);
const ACCOUNT = '000000000000';

// Two statements, indented as a person writes them, so positions can be checked.
const readPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::reports/*"
    },
    {
      "Sid": "FromOffice",
      "Effect": "Allow",
      "Action": "s3:PutObject",
      "Resource": "*",
      "Condition": { "IpAddress": { "aws:SourceIp": "203.0.113.0/24" } }
    }
  ]
}`;

test('SimulatePrincipalPolicy: the user own policies, matched statements with positions, missing context keys', async () => {
  const name = unique('simulated');
  const user = await createUser(root.iam, name);
  await root.iam.send(
    new PutUserPolicyCommand({ UserName: name, PolicyName: 'read', PolicyDocument: readPolicy }),
  );
  await root.iam.send(
    new AttachUserPolicyCommand({ UserName: name, PolicyArn: 'arn:aws:iam::aws:policy/IAMFullAccess' }),
  );
  await root.iam.send(
    new PutUserPolicyCommand({
      UserName: name,
      PolicyName: 'no-delete',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: 'iam:DeleteUser', Resource: '*' }],
      }),
    }),
  );
  const r = await root.iam.send(
    new SimulatePrincipalPolicyCommand({
      PolicySourceArn: user.arn,
      ActionNames: ['s3:GetObject', 's3:PutObject', 'iam:ListUsers', 'iam:DeleteUser', 'ec2:DescribeVpcs'],
      ResourceArns: ['arn:aws:s3:::reports/q1.csv'],
    }),
  );
  const by: Record<string, EvaluationResult> = Object.fromEntries(
    r.EvaluationResults!.map((e) => [e.EvalActionName, e]),
  );
  assert.equal(by['s3:GetObject']!.EvalDecision, 'allowed');
  assert.equal(by['s3:GetObject']!.EvalResourceName, 'arn:aws:s3:::reports/q1.csv');
  assert.deepEqual(by['s3:GetObject']!.MatchedStatements, [
    {
      SourcePolicyId: 'read',
      SourcePolicyType: 'user',
      StartPosition: { Line: 4, Column: 5 },
      EndPosition: { Line: 9, Column: 6 },
    },
  ]);
  assert.deepEqual(
    by['s3:GetObject']!.ResourceSpecificResults!.map((x) => [x.EvalResourceName, x.EvalResourceDecision]),
    [['arn:aws:s3:::reports/q1.csv', 'allowed']],
  );
  assert.equal(by['s3:PutObject']!.EvalDecision, 'implicitDeny');
  assert.deepEqual(by['s3:PutObject']!.MissingContextValues, ['aws:SourceIp']);
  assert.equal(by['iam:ListUsers']!.EvalDecision, 'allowed');
  assert.deepEqual(
    by['iam:ListUsers']!.MatchedStatements!.map((m) => [m.SourcePolicyId, m.SourcePolicyType]),
    [['IAMFullAccess', 'aws-managed']],
  );
  assert.equal(by['iam:DeleteUser']!.EvalDecision, 'explicitDeny');
  assert.deepEqual(
    by['iam:DeleteUser']!.MatchedStatements!.map((m) => m.SourcePolicyId),
    ['no-delete'],
  );
  assert.equal(by['ec2:DescribeVpcs']!.EvalDecision, 'implicitDeny');
  assert.equal(r.IsTruncated, false);

  // The context keys the caller supplies decide the conditioned statement.
  const inOffice = await root.iam.send(
    new SimulatePrincipalPolicyCommand({
      PolicySourceArn: user.arn,
      ActionNames: ['s3:PutObject'],
      ContextEntries: [
        { ContextKeyName: 'aws:SourceIp', ContextKeyType: 'ip', ContextKeyValues: ['203.0.113.9'] },
      ],
    }),
  );
  assert.equal(inOffice.EvaluationResults![0]!.EvalDecision, 'allowed');
  assert.deepEqual(inOffice.EvaluationResults![0]!.MissingContextValues, []);
});

test('SimulatePrincipalPolicy: boundary detail, roles, paging, unknown entities', async () => {
  const name = unique('bounded');
  const user = await createUser(root.iam, name, allowDoc(['s3:*', 'iam:*']));
  await root.iam.send(
    new PutUserPermissionsBoundaryCommand({
      UserName: name,
      PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    }),
  );
  const r = await root.iam.send(
    new SimulatePrincipalPolicyCommand({
      PolicySourceArn: user.arn,
      ActionNames: ['s3:GetObject', 'iam:ListUsers'],
    }),
  );
  const [s3, iam] = r.EvaluationResults!;
  assert.equal(s3!.EvalDecision, 'allowed');
  assert.deepEqual(s3!.PermissionsBoundaryDecisionDetail, { AllowedByPermissionsBoundary: true });
  assert.equal(iam!.EvalDecision, 'implicitDeny');
  assert.deepEqual(iam!.PermissionsBoundaryDecisionDetail, { AllowedByPermissionsBoundary: false });

  const roleName = unique('simrole');
  const role = await root.iam.send(
    new CreateRoleCommand({
      RoleName: roleName,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
  await root.iam.send(
    new PutRolePolicyCommand({
      RoleName: roleName,
      PolicyName: 'ec2',
      PolicyDocument: allowDoc('ec2:Describe*'),
    }),
  );
  const paged = await root.iam.send(
    new SimulatePrincipalPolicyCommand({
      PolicySourceArn: role.Role!.Arn!,
      ActionNames: ['ec2:DescribeVpcs', 'ec2:RunInstances', 's3:GetObject'],
      MaxItems: 2,
    }),
  );
  assert.deepEqual(
    paged.EvaluationResults!.map((e) => e.EvalDecision),
    ['allowed', 'implicitDeny'],
  );
  assert.equal(paged.IsTruncated, true);
  assert.equal(paged.EvaluationResults![0]!.MatchedStatements![0]!.SourcePolicyType, 'role');
  const rest = await root.iam.send(
    new SimulatePrincipalPolicyCommand({
      PolicySourceArn: role.Role!.Arn!,
      ActionNames: ['ec2:DescribeVpcs', 'ec2:RunInstances', 's3:GetObject'],
      MaxItems: 2,
      Marker: paged.Marker,
    }),
  );
  assert.deepEqual(
    rest.EvaluationResults!.map((e) => e.EvalActionName),
    ['s3:GetObject'],
  );
  assert.equal(rest.IsTruncated, false);

  const missing = await outcome(
    root.iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/ghost`,
        ActionNames: ['s3:GetObject'],
      }),
    ),
  );
  assert.equal(missing !== 'ok' && missing.code, 'NoSuchEntityException');
});

test('SimulateCustomPolicy through boto3: input policies, a resource policy with CallerArn, a cross-account owner', async () => {
  const bucketPolicy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::shared/*',
      },
    ],
  });
  const out = await python(
    `iam = client("iam")
kw = dict(ActionNames=["s3:GetObject", "s3:PutObject"], ResourceArns=["arn:aws:s3:::shared/a"])
same = iam.simulate_custom_policy(PolicyInputList=[${JSON.stringify(readPolicy)}], **kw)["EvaluationResults"]
res = iam.simulate_custom_policy(PolicyInputList=['{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeVpcs","Resource":"*"}]}'], ResourcePolicy=${JSON.stringify(bucketPolicy)}, CallerArn="arn:aws:iam::${ACCOUNT}:user/alice", **kw)["EvaluationResults"]
cross = iam.simulate_custom_policy(PolicyInputList=['{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'], ResourceOwner="arn:aws:iam::111122223333:root", **kw)["EvaluationResults"]
bad = call(iam.simulate_custom_policy, PolicyInputList=["not json"], ActionNames=["s3:GetObject"])
out({"same": [[e["EvalActionName"], e["EvalDecision"], [m["SourcePolicyId"] for m in e["MatchedStatements"]]] for e in same],
     "res": [[e["EvalDecision"], [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in e["MatchedStatements"]]] for e in res],
     "cross": [e["EvalDecision"] for e in cross], "bad": bad.get("error")})`,
    server.env(),
  );
  assert.deepEqual(out.same, [
    ['s3:GetObject', 'implicitDeny', []],
    ['s3:PutObject', 'implicitDeny', []],
  ]);
  assert.deepEqual(out.res, [
    ['allowed', [['ResourcePolicy', 'resource']]],
    ['implicitDeny', []],
  ]);
  assert.deepEqual(out.cross, ['implicitDeny', 'implicitDeny']);
  assert.equal(out.bad, 'InvalidInput');
  const r = await root.iam.send(
    new SimulateCustomPolicyCommand({
      PolicyInputList: [readPolicy],
      ActionNames: ['s3:GetObject'],
      ResourceArns: ['arn:aws:s3:::reports/x'],
    }),
  );
  assert.deepEqual(r.EvaluationResults![0]!.MatchedStatements![0]!.SourcePolicyId, 'PolicyInputList.1');
});

test('EC2 denial messages decode with sts:DecodeAuthorizationMessage, in the same account only', async () => {
  const dev = await createUser(root.iam, unique('dev'));
  const devC = clientsFor(server, dev);
  const denied = await outcome(devC.ec2.send(new CreateKeyPairCommand({ KeyName: unique('kp') })));
  assert.ok(denied !== 'ok');
  assert.equal(denied.code, 'UnauthorizedOperation');
  assert.equal(denied.status, 403);
  const m = /Encoded authorization failure message: (\S+)$/.exec(denied.message);
  assert.ok(m, denied.message);
  const encoded = m[1]!;
  // The developer may not decode it: that needs sts:DecodeAuthorizationMessage.
  assert.equal(
    await code(devC.sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }))),
    'AccessDenied',
  );
  const admin = await createUser(root.iam, unique('admin'), allowDoc('sts:DecodeAuthorizationMessage'));
  const decoded = await clientsFor(server, admin).sts.send(
    new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }),
  );
  const msg = JSON.parse(decoded.DecodedMessage!);
  assert.equal(msg.allowed, false);
  assert.equal(msg.explicitDeny, false);
  assert.equal(msg.context.action, 'ec2:CreateKeyPair');
  assert.equal(msg.context.principal.arn, dev.arn);
  assert.deepEqual(msg.matchedStatements, { items: [] });
  assert.ok(msg.context.conditions.items.some((c: { key: string }) => c.key === 'aws:SourceIp'));
  // boto3 gets the same text.
  const py = await python(
    `out(client("sts").decode_authorization_message(EncodedMessage=${JSON.stringify(encoded)})["DecodedMessage"])`,
    server.env(),
  );
  assert.deepEqual(JSON.parse(py), msg);
  // Another account, or a damaged message: InvalidAuthorizationMessageException.
  const other = await createAccount(server.accounts, unique('decoder'));
  const otherC = clientsFor(server, {
    accessKeyId: other.rootCredential.accessKeyId,
    secretAccessKey: other.rootCredential.secretAccessKey,
  });
  assert.equal(
    await code(otherC.sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }))),
    'InvalidAuthorizationMessageException',
  );
  assert.equal(
    await code(
      root.sts.send(
        new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded.slice(0, -6) + 'AAAAAA' }),
      ),
    ),
    'InvalidAuthorizationMessageException',
  );
});

test('GetContextKeysForCustomPolicy / GetContextKeysForPrincipalPolicy list the keys the policies read', async () => {
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 's3:*',
        Resource: 'arn:aws:s3:::home/${aws:username}/*',
        Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      },
      {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' }, StringEquals: { 'AWS:SourceIp': 'x' } },
      },
    ],
  });
  const custom = await root.iam.send(new GetContextKeysForCustomPolicyCommand({ PolicyInputList: [policy] }));
  assert.deepEqual(custom.ContextKeyNames, ['aws:username', 'aws:SourceIp', 'aws:MultiFactorAuthPresent']);
  const name = unique('keys');
  const user = await createUser(root.iam, name, policy);
  const principal = await root.iam.send(
    new GetContextKeysForPrincipalPolicyCommand({
      PolicySourceArn: user.arn,
      PolicyInputList: [
        allowDoc('ec2:RunInstances').replace(
          '"Resource":"*"',
          '"Resource":"*","Condition":{"StringEquals":{"ec2:InstanceType":"t3.micro"}}',
        ),
      ],
    }),
  );
  assert.deepEqual(principal.ContextKeyNames, [
    'aws:username',
    'aws:SourceIp',
    'aws:MultiFactorAuthPresent',
    'ec2:InstanceType',
  ]);
});
