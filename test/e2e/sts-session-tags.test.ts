/**
 * Session tags as STS checks them: no `aws:` keys; in a role chain the calling session's
 * transitive tags and source identity cannot be passed again or changed; carrying transitive tags
 * into the next session needs sts:TagSession in its trust policy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  STSClient,
  AssumeRoleCommand,
  GetFederationTokenCommand,
  type AssumeRoleCommandInput,
} from '@aws-sdk/client-sts';
import { useServer } from '../support/use-server.ts';
import { sdkConfig } from '../support/server.ts';
import { errorFields } from '../support/errors.ts';
import { createUserWithKeys, sessionCredentials as creds } from '../support/iam.ts';

const ACCT = '000000000000';
const arn = (role: string) => `arn:aws:iam::${ACCT}:role/${role}`;
let user: { accessKeyId: string; secretAccessKey: string };

const allowAll = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});
const trust = (principal: string, actions: string[]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: actions }],
  });
const sts = (k: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
  new STSClient({ ...sdkConfig(server, k), maxAttempts: 1 });
const assume = async (
  k: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  input: Omit<AssumeRoleCommandInput, 'RoleSessionName'>,
) => creds((await sts(k).send(new AssumeRoleCommand({ RoleSessionName: 'ss', ...input }))).Credentials!);
const failure = (p: Promise<unknown>) => errorFields(p, 'name', 'status', 'message');

const { server } = useServer({
  async setup() {
    const iam = new IAMClient(sdkConfig(server));
    user = await createUserWithKeys(iam, 'op', allowAll, 'all');
    const all = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'];
    const roles: [string, string, string[]][] = [
      ['first', `arn:aws:iam::${ACCT}:root`, all],
      ['next', arn('first'), all],
      ['untagged', arn('first'), ['sts:AssumeRole']],
    ];
    for (const [name, principal, actions] of roles) {
      await iam.send(
        new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust(principal, actions) }),
      );
      await iam.send(
        new PutRolePolicyCommand({ RoleName: name, PolicyName: 'all', PolicyDocument: allowAll }),
      );
    }
  },
});

test('tag keys under the reserved aws: prefix, in any case, are refused', async () => {
  for (const Key of ['aws:team', 'AWS:team', 'Aws:x']) {
    const e = await failure(
      sts(user).send(
        new AssumeRoleCommand({ RoleArn: arn('first'), RoleSessionName: 'ss', Tags: [{ Key, Value: 'v' }] }),
      ),
    );
    assert.deepEqual([e.name, e.status], ['InvalidParameterValue', 400]);
    const f = await failure(
      sts(user).send(new GetFederationTokenCommand({ Name: 'fed', Tags: [{ Key, Value: 'v' }] })),
    );
    assert.deepEqual([f.name, f.status], ['InvalidParameterValue', 400]);
  }
  // The prefix only matters at the start of the key.
  await assume(user, { RoleArn: arn('first'), Tags: [{ Key: 'team:aws:x', Value: 'aws:v' }] });
});

test('a chained session cannot pass its caller’s transitive tags again, even unchanged', async () => {
  const blue = await assume(user, {
    RoleArn: arn('first'),
    Tags: [{ Key: 'team', Value: 'blue' }],
    TransitiveTagKeys: ['team'],
  });
  for (const Key of ['team', 'TEAM']) {
    for (const Value of ['red', 'blue']) {
      assert.deepEqual(
        await failure(
          sts(blue).send(
            new AssumeRoleCommand({ RoleArn: arn('next'), RoleSessionName: 'nn', Tags: [{ Key, Value }] }),
          ),
        ),
        {
          name: 'InvalidParameterValue',
          status: 400,
          message:
            "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.",
        },
      );
    }
  }
  // New keys may be added; the inherited tag stays.
  await assume(blue, { RoleArn: arn('next'), Tags: [{ Key: 'extra', Value: '1' }] });
});

test('carrying transitive tags into a chained session needs sts:TagSession in its trust policy', async () => {
  const plain = await assume(user, { RoleArn: arn('first') });
  await assume(plain, { RoleArn: arn('untagged') });
  const tagged = await assume(user, {
    RoleArn: arn('first'),
    Tags: [{ Key: 'team', Value: 'blue' }],
    TransitiveTagKeys: ['team'],
  });
  const e = await failure(
    sts(tagged).send(new AssumeRoleCommand({ RoleArn: arn('untagged'), RoleSessionName: 'uu' })),
  );
  assert.deepEqual([e.name, e.status], ['AccessDenied', 403]);
  assert.match(e.message, /is not authorized to perform: sts:TagSession on resource/);
  // Tags that are not transitive are not carried, so they ask nothing of the next role.
  const local = await assume(user, { RoleArn: arn('first'), Tags: [{ Key: 'team', Value: 'blue' }] });
  await assume(local, { RoleArn: arn('untagged') });
});

test('a chained session cannot change the source identity it was given', async () => {
  const alice = await assume(user, { RoleArn: arn('first'), SourceIdentity: 'alice' });
  assert.deepEqual(
    await failure(
      sts(alice).send(
        new AssumeRoleCommand({ RoleArn: arn('next'), RoleSessionName: 'nn', SourceIdentity: 'bob' }),
      ),
    ),
    {
      name: 'ValidationError',
      status: 400,
      message: 'The source identity is already set for this assume role session',
    },
  );
  const again = await sts(alice).send(
    new AssumeRoleCommand({ RoleArn: arn('next'), RoleSessionName: 'nn', SourceIdentity: 'alice' }),
  );
  assert.equal(again.SourceIdentity, 'alice');
});
