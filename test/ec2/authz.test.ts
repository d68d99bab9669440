/** What EC2 operations ask of IAM: actions, ARNs and condition keys. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteBackend } from '../../src/store/backend.ts';
import { openEc2Repository } from '../../src/services/ec2/store.ts';
import { ec2Authz } from '../../src/services/ec2/authz.ts';
import type { HandlerContext } from '../../src/services/handler.ts';

const ctx = { region: 'us-west-2', accountId: '123456789012' } as HandlerContext;

test('RunInstances asks for the instance, image, subnet, groups, key pair, interface and volume', async () => {
  const backend = await openSqliteBackend(':memory:');
  const authz = ec2Authz(openEc2Repository(backend));
  const reqs = await authz(
    'RunInstances',
    {
      ImageId: 'ami-0123456789abcdef0',
      InstanceType: 't3.micro',
      KeyName: 'k',
      SecurityGroupIds: ['sg-0123456789abcdef0'],
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'a' }] }],
    },
    ctx,
  );
  const resources = reqs.map((r) => r.resource).sort();
  assert.deepEqual(resources, [
    'arn:aws:ec2:us-west-2:123456789012:instance/*',
    'arn:aws:ec2:us-west-2:123456789012:key-pair/k',
    'arn:aws:ec2:us-west-2:123456789012:network-interface/*',
    'arn:aws:ec2:us-west-2:123456789012:security-group/sg-0123456789abcdef0',
    'arn:aws:ec2:us-west-2:123456789012:subnet/*',
    'arn:aws:ec2:us-west-2:123456789012:volume/*',
    'arn:aws:ec2:us-west-2::image/ami-0123456789abcdef0',
  ]);
  assert.ok(reqs.every((r) => r.action === 'ec2:RunInstances'));
  const instance = reqs.find((r) => r.resource.includes(':instance/'))!;
  assert.equal(instance.context!['ec2:InstanceType'], 't3.micro');
  assert.equal(instance.context!['aws:RequestTag/team'], 'a');
  assert.deepEqual(instance.context!['aws:TagKeys'], ['team']);
  const describe = await authz('DescribeInstances', {}, ctx);
  assert.deepEqual(
    describe.map((r) => r.resource),
    ['*'],
  );
  await backend.close();
});

test('instance actions carry the instance tags as ec2:ResourceTag', async () => {
  const backend = await openSqliteBackend(':memory:');
  const repo = openEc2Repository(backend);
  await repo.put({ account: '123456789012', region: 'us-west-2' }, 'instance', 'i-0123456789abcdef0', {
    Tags: [{ Key: 'env', Value: 'prod' }],
  });
  const reqs = await ec2Authz(repo)('StopInstances', { InstanceIds: ['i-0123456789abcdef0'] }, ctx);
  assert.equal(reqs[0]!.resource, 'arn:aws:ec2:us-west-2:123456789012:instance/i-0123456789abcdef0');
  assert.equal(reqs[0]!.context!['ec2:ResourceTag/env'], 'prod');
  assert.deepEqual(reqs[0]!.resourceTags, { env: 'prod' });
  await backend.close();
});

test('rule, key pair (by name), snapshot and public image tags are found where they are kept', async () => {
  const backend = await openSqliteBackend(':memory:');
  const repo = openEc2Repository(backend);
  const scope = { account: '123456789012', region: 'us-west-2' };
  await repo.put(scope, 'sg', 'sg-0123456789abcdef0', {
    GroupId: 'sg-0123456789abcdef0',
    Tags: [],
    _rules: [{ SecurityGroupRuleId: 'sgr-0123456789abcdef0', Tags: [{ Key: 'env', Value: 'rule' }] }],
  });
  await repo.put(scope, 'key', 'key-0123456789abcdef0', {
    KeyName: 'deploy',
    KeyPairId: 'key-0123456789abcdef0',
    Tags: [{ Key: 'env', Value: 'key' }],
  });
  // An account's own tags on an image it does not own.
  await repo.put(scope, 'meta', 'tags:ami-0123456789abcdef0', {
    id: 'tags:ami-0123456789abcdef0',
    Tags: [{ Key: 'env', Value: 'image' }],
  });
  await repo.put(scope, 'image', 'ami-0fedcba9876543210', {
    ImageId: 'ami-0fedcba9876543210',
    BlockDeviceMappings: [{ Ebs: { SnapshotId: 'snap-0123456789abcdef0' } }],
    Tags: [],
    _snapshotTags: [{ Key: 'env', Value: 'snapshot' }],
  });
  const authz = ec2Authz(repo);
  const env = async (op: string, input: object) =>
    (await authz(op, input, ctx))[0]!.context!['ec2:ResourceTag/env'];
  assert.equal(await env('CreateTags', { Resources: ['sgr-0123456789abcdef0'] }), 'rule');
  assert.equal(await env('DeleteKeyPair', { KeyName: 'deploy' }), 'key');
  assert.equal(await env('DeleteKeyPair', { KeyPairId: 'key-0123456789abcdef0' }), 'key');
  assert.equal(await env('CreateTags', { Resources: ['ami-0123456789abcdef0'] }), 'image');
  assert.equal(await env('CreateTags', { Resources: ['snap-0123456789abcdef0'] }), 'snapshot');
  await backend.close();
});
