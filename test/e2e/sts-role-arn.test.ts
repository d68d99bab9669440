/**
 * AssumeRole's RoleArn as AWS checks it (LocalStack's AWS-recorded test_sts_invalid_parameters):
 * a string that is not an ARN (fewer than six parts, or no partition, service or resource) is
 * ValidationError "<arn> is invalid" before any permission check; a well-formed ARN that names no
 * role stays AccessDenied.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { useServer } from '../support/use-server.ts';
import { sdkConfig } from '../support/server.ts';
import { errorFields } from '../support/errors.ts';
import { python } from '../support/clients.ts';
import { createUserWithKeys, type Creds } from '../support/iam.ts';

const allowAll = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});
let user: Creds & { arn: string };
const { server } = useServer({
  async setup() {
    user = await createUserWithKeys(new IAMClient(sdkConfig(server)), 'arn-checker', allowAll);
  },
});
const assume = (RoleArn: string) =>
  errorFields(
    new STSClient({ ...sdkConfig(server, user), maxAttempts: 1 }).send(
      new AssumeRoleCommand({ RoleArn, RoleSessionName: 'Session1' }),
    ),
    'name',
    'status',
    'message',
  );

test('a RoleArn that is not an ARN is ValidationError "<arn> is invalid"', async () => {
  for (const arn of [
    'nothing-valid-in-here',
    'arn::b:::something/test-role',
    'arn:a::::something/test-role',
    'arn:a:::something/test-role',
    'arn:a:a::aaaaaaaaaa:',
  ])
    assert.deepEqual(await assume(arn), {
      name: 'ValidationError',
      status: 400,
      message: `${arn} is invalid`,
    });
});

test('a well-formed ARN of no role stays AccessDenied', async () => {
  const arn = 'arn:aws:iam::000000000000:role/nope';
  assert.deepEqual(await assume(arn), {
    name: 'AccessDenied',
    status: 403,
    message: `User: ${user.arn} is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
  });
});

test('boto3 sees the same ValidationError', async () => {
  const r = await python(
    `
sts = client("sts", aws_access_key_id="${user.accessKeyId}", aws_secret_access_key="${user.secretAccessKey}",
    config=Config(parameter_validation=False, retries={"max_attempts": 1}))
out(call(sts.assume_role, RoleArn="arn:a:::something/test-role", RoleSessionName="Session1"))
`,
    server.env(),
  );
  assert.deepEqual(r, {
    error: 'ValidationError',
    message: 'arn:a:::something/test-role is invalid',
    status: 400,
  });
});
