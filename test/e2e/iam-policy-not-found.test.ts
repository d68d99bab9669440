/**
 * How IAM words a managed policy that does not exist, and lists of scalars that break their
 * item constraints, as AWS answers them (recorded by LocalStack's IAM snapshot tests against AWS,
 * test_iam_policies.snapshot.json; GetPolicy's wording also in user logs of the AWS CLI):
 * - attaching it or listing its entities: "Policy ARN does not exist or is not attachable."
 * - reading, tagging, deleting it: "Policy ARN was not found."
 * - Get/Set/DeletePolicyVersion: "Policy ARN version vN does not exist or is not attachable."
 * - UntagPolicy with a bad key: one issue at 'tagKeys' naming every constraint of a tag key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreatePolicyCommand,
  CreateUserCommand,
  AttachUserPolicyCommand,
  GetPolicyCommand,
  DeletePolicyCommand,
  TagPolicyCommand,
  UntagPolicyCommand,
  ListPolicyTagsCommand,
  ListPolicyVersionsCommand,
  CreatePolicyVersionCommand,
  GetPolicyVersionCommand,
  SetDefaultPolicyVersionCommand,
  DeletePolicyVersionCommand,
  ListEntitiesForPolicyCommand,
  UntagUserCommand,
} from '@aws-sdk/client-iam';
import { useServer } from '../support/use-server.ts';
import { errorFields } from '../support/errors.ts';
import { python } from '../support/clients.ts';

const failure = (p: Promise<unknown>) => errorFields(p, 'name', 'status', 'message');
const MISSING = 'arn:aws:iam::000000000000:policy/NotAPolicy';
const DOC = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }],
});
const noSuch = (message: string) => ({ name: 'NoSuchEntityException', status: 404, message });

const { server, iam } = useServer();

test('a missing policy: read, tag and delete say "was not found"', async () => {
  const notFound = noSuch(`Policy ${MISSING} was not found.`);
  const arn = { PolicyArn: MISSING };
  assert.deepEqual(await failure(iam.send(new GetPolicyCommand(arn))), notFound);
  assert.deepEqual(
    await failure(iam.send(new TagPolicyCommand({ ...arn, Tags: [{ Key: 'k', Value: 'v' }] }))),
    notFound,
  );
  assert.deepEqual(await failure(iam.send(new UntagPolicyCommand({ ...arn, TagKeys: ['k'] }))), notFound);
  assert.deepEqual(await failure(iam.send(new ListPolicyTagsCommand(arn))), notFound);
  assert.deepEqual(await failure(iam.send(new DeletePolicyCommand(arn))), notFound);
  assert.deepEqual(await failure(iam.send(new ListPolicyVersionsCommand(arn))), notFound);
  assert.deepEqual(
    await failure(iam.send(new CreatePolicyVersionCommand({ ...arn, PolicyDocument: DOC }))),
    notFound,
  );
});

test('a missing policy: attaching it or listing its entities says "does not exist or is not attachable"', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'nf-user' }));
  assert.deepEqual(
    await failure(iam.send(new AttachUserPolicyCommand({ UserName: 'nf-user', PolicyArn: MISSING }))),
    noSuch(`Policy ${MISSING} does not exist or is not attachable.`),
  );
  assert.deepEqual(
    await failure(iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: MISSING }))),
    noSuch(`Policy ${MISSING} does not exist or is not attachable.`),
  );
});

test('a missing policy or version: the version operations name the version', async () => {
  const missingV1 = noSuch(`Policy ${MISSING} version v1 does not exist or is not attachable.`);
  const v1 = { PolicyArn: MISSING, VersionId: 'v1' };
  assert.deepEqual(await failure(iam.send(new GetPolicyVersionCommand(v1))), missingV1);
  assert.deepEqual(await failure(iam.send(new SetDefaultPolicyVersionCommand(v1))), missingV1);
  assert.deepEqual(await failure(iam.send(new DeletePolicyVersionCommand(v1))), missingV1);

  const { Policy } = await iam.send(
    new CreatePolicyCommand({ PolicyName: 'nf-versions', PolicyDocument: DOC }),
  );
  const v9 = { PolicyArn: Policy!.Arn!, VersionId: 'v9' };
  const missingV9 = noSuch(`Policy ${Policy!.Arn} version v9 does not exist or is not attachable.`);
  assert.deepEqual(await failure(iam.send(new GetPolicyVersionCommand(v9))), missingV9);
  assert.deepEqual(await failure(iam.send(new SetDefaultPolicyVersionCommand(v9))), missingV9);
  assert.deepEqual(await failure(iam.send(new DeletePolicyVersionCommand(v9))), missingV9);
});

const TAG_KEYS_ISSUE =
  "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: " +
  '[Member must have length less than or equal to 128, Member must have length greater than or equal to 1, ' +
  'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+, Member must not be null]';

test('tag keys that break their constraints are one issue at tagKeys (SDK v3)', async () => {
  assert.deepEqual(
    await failure(iam.send(new UntagPolicyCommand({ PolicyArn: MISSING, TagKeys: ['k'.repeat(129)] }))),
    { name: 'ValidationError', status: 400, message: TAG_KEYS_ISSUE },
  );
  assert.deepEqual(
    await failure(iam.send(new UntagUserCommand({ UserName: 'nf-user', TagKeys: ['ok', 'bad*', ''] }))),
    { name: 'ValidationError', status: 400, message: TAG_KEYS_ISSUE },
  );
});

test('tag keys that break their constraints are one issue at tagKeys (boto3)', async () => {
  const r = await python(
    `
from botocore.config import Config
iam = client("iam", config=Config(parameter_validation=False, retries={"max_attempts": 1}))
out(call(iam.untag_policy, PolicyArn="${MISSING}", TagKeys=["bad#key"]))
`,
    server.env(),
  );
  assert.deepEqual(r, { error: 'ValidationError', message: TAG_KEYS_ISSUE, status: 400 });
});
