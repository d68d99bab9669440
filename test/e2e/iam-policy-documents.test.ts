/**
 * Identity-policy documents IAM accepts or refuses on write, as AWS answered the documents of
 * LocalStack's AWS-recorded test_create_policy_valid_document / test_create_policy_invalid_document
 * (tests/aws/services/iam/test_iam_policies.snapshot.json), and the managed-policy answers recorded
 * next to them: ListEntitiesForPolicy's wording for a missing policy, ListPolicyTags' order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreatePolicyCommand,
  PutUserPolicyCommand,
  CreateUserCommand,
  ListEntitiesForPolicyCommand,
  ListPolicyTagsCommand,
} from '@aws-sdk/client-iam';
import { useServer } from '../support/use-server.ts';
import { errorFields } from '../support/errors.ts';
import { python } from '../support/clients.ts';

const { server, iam } = useServer();

const doc = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: statement });
const B = 'arn:aws:s3:::example_bucket';
let n = 0;
const create = (statement: object) =>
  iam.send(new CreatePolicyCommand({ PolicyName: `doc-${++n}`, PolicyDocument: doc(statement) }));
const refusal = (p: Promise<unknown>) => errorFields(p, 'name', 'status', 'message');
const malformed = (message: string) => ({ name: 'MalformedPolicyDocumentException', status: 400, message });
const LEGACY = malformed('The policy failed legacy parsing');

test('condition keys are not held to the vendor prefix: "a" and tag keys with colons pass', async () => {
  await create({
    Effect: 'Allow',
    Action: 's3:ListBucket',
    Resource: B,
    Condition: { StringEqualsIfExists: { a: 'asf' } },
  });
  await create({
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: '*',
    Condition: { StringEquals: { 'aws:ResourceTag/aws:cloudformation:stack-name': 'web' } },
  });
  await iam.send(new CreateUserCommand({ UserName: 'doc-user' }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'doc-user',
      PolicyName: 'team',
      PolicyDocument: doc({
        Effect: 'Allow',
        Action: 's3:*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalTag/team:name': 'web' } },
      }),
    }),
  );
});

test('IAM root and S3 access point resources are accepted; the path message names root', async () => {
  await create({ Effect: 'Allow', Action: 'iam:GetUser', Resource: 'arn:aws:iam::123456789012:root' });
  await create({
    Effect: 'Allow',
    Action: 's3:*',
    Resource: 'arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point/object/*',
  });
  assert.deepEqual(
    await refusal(
      create({ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:iam:::example_bucket' }),
    ),
    malformed(
      'IAM resource path must either be "*", root, or start with user/, federated-user/, role/, group/, ' +
        'instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.',
    ),
  );
});

test('a resource with an empty service fails legacy parsing', async () => {
  for (const Resource of ['arn:aws::fdsasf', 'arn:aws::::example_bucket'])
    assert.deepEqual(
      await refusal(create({ Effect: 'Allow', NotAction: 's3:ListBucket', Resource })),
      LEGACY,
    );
});

test('Date condition values are read as IAM reads them (boto3)', async () => {
  const r = await python(
    `
import json
iam = client("iam")
def doc(op, v):
    return json.dumps({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket",
        "Resource": "${B}", "Condition": {op: {"a": v}}}})
res = []
for i, (op, v) in enumerate([("DateGreaterThan", "01T"), ("DateLessThan", "-292275054"),
        ("DateLessThanEquals", "2016-12-13t2:00:00.593194+23"), ("DateLessThan", "9223372036854775808"),
        ("DateLessThanEquals", "234-13"), ("DateLessThanEquals", "2016-12-13t2:00:00.593194+1"),
        ("DateLessThanEquals", "2016-12-13t2:00:00.1999999999+10:59")]):
    r = call(iam.create_policy, PolicyName="date-%d" % i, PolicyDocument=doc(op, v))
    res.append(r.get("message") or "ok")
out(res)
`,
    server.env(),
  );
  assert.deepEqual(r, ['ok', 'ok', 'ok', ...Array(4).fill('The policy failed legacy parsing')]);
});

test('ListEntitiesForPolicy on a missing policy: "does not exist or is not attachable"', async () => {
  const PolicyArn = 'arn:aws:iam::000000000000:policy/NonExistentPolicy';
  assert.deepEqual(await refusal(iam.send(new ListEntitiesForPolicyCommand({ PolicyArn }))), {
    name: 'NoSuchEntityException',
    status: 404,
    message: `Policy ${PolicyArn} does not exist or is not attachable.`,
  });
});

test('ListPolicyTags lists keys shortest first, then by code point', async () => {
  const { Policy } = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'tag-order',
      PolicyDocument: doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }),
      Tags: [
        { Key: 'abc', Value: 'first' },
        { Key: 'b', Value: 'second' },
        { Key: 'z', Value: 'third' },
        { Key: 'a', Value: 'fourth' },
        { Key: 'A', Value: 'upper' },
      ],
    }),
  );
  assert.deepEqual(
    Policy!.Tags!.map((t) => t.Key),
    ['abc', 'b', 'z', 'a', 'A'],
  );
  const { Tags } = await iam.send(new ListPolicyTagsCommand({ PolicyArn: Policy!.Arn! }));
  assert.deepEqual(
    Tags!.map((t) => t.Key),
    ['A', 'a', 'b', 'z', 'abc'],
  );
});
