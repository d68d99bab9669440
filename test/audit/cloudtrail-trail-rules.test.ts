/** CloudTrail's pure rules: trail names, selectors, which trail takes which event, the bucket-policy check. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTrailName, parseTrailRef } from '../../src/services/cloudtrail/names.ts';
import { selects, normalizeSelectors } from '../../src/services/cloudtrail/selectors.ts';
import { trailTakes, logFileKey } from '../../src/services/cloudtrail/delivery.ts';
import { checkTrailBucket } from '../../src/services/cloudtrail/bucket-policy.ts';
import type { TrailBucketAccess } from '../../src/services/cloudtrail/s3-access.ts';
import type { TrailRecord } from '../../src/services/cloudtrail/trail-store.ts';
import type { CloudTrailEvent } from '../../src/audit/types.ts';

function event(o: Partial<CloudTrailEvent>): CloudTrailEvent {
  return {
    eventVersion: '1.11',
    userIdentity: { type: 'Root' },
    eventTime: '2026-03-04T05:06:07Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'RunInstances',
    awsRegion: 'us-east-1',
    sourceIPAddress: '127.0.0.1',
    userAgent: 'ua',
    requestParameters: null,
    responseElements: null,
    requestID: 'r',
    eventID: 'e',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
    ...o,
  };
}

const put = event({
  eventSource: 's3.amazonaws.com',
  eventName: 'PutObject',
  managementEvent: false,
  eventCategory: 'Data',
  resources: [
    { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::logs-bucket/a/b' },
    { accountId: '111122223333', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::logs-bucket' },
  ],
});
const createUser = event({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' });
const describe = event({ eventName: 'DescribeInstances', readOnly: true, awsRegion: 'eu-west-1' });

test('trail names follow CloudTrail rules', () => {
  for (const ok of ['abc', 'My_Trail-1.x', 'a'.repeat(128)]) checkTrailName(ok);
  for (const bad of ['ab', 'a'.repeat(129), '-abc', 'abc_', 'a--b', 'a b c', '10.0.0.1'])
    assert.throws(() => checkTrailName(bad), { code: 'InvalidTrailNameException' });
  assert.deepEqual(parseTrailRef('arn:aws:cloudtrail:eu-west-1:111122223333:trail/t1'), {
    region: 'eu-west-1',
    accountId: '111122223333',
    name: 't1',
  });
  assert.throws(() => parseTrailRef('arn:aws:s3:::x'), { code: 'CloudTrailARNInvalidException' });
});

test('basic selectors: management read/write, S3 data resources by prefix', () => {
  assert.ok(selects(undefined, undefined, createUser), 'the default takes every management event');
  assert.ok(!selects(undefined, undefined, put), 'and no data event');
  const writeOnly = normalizeSelectors([{ ReadWriteType: 'WriteOnly' }]);
  assert.ok(selects(writeOnly, undefined, createUser));
  assert.ok(!selects(writeOnly, undefined, describe));
  const data = normalizeSelectors([
    {
      IncludeManagementEvents: false,
      DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::logs-bucket/a/'] }],
    },
  ]);
  assert.ok(selects(data, undefined, put));
  assert.ok(!selects(data, undefined, createUser));
  const other = normalizeSelectors([
    { DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::logs-bucket/z/'] }] },
  ]);
  assert.ok(!selects(other, undefined, put));
  const all = normalizeSelectors([{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }]);
  assert.ok(selects(all, undefined, put));
  assert.throws(
    () => normalizeSelectors([{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['bucket'] }] }]),
    { code: 'InvalidEventSelectorsException' },
  );
});

test('advanced selectors: every field must match, any selector may', () => {
  const adv = [
    {
      Name: 'writes',
      FieldSelectors: [
        { Field: 'eventCategory', Equals: ['Management'] },
        { Field: 'readOnly', Equals: ['false'] },
      ],
    },
    {
      FieldSelectors: [
        { Field: 'eventCategory', Equals: ['Data'] },
        { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::logs-bucket/'] },
        { Field: 'eventName', NotEquals: ['GetObject'] },
      ],
    },
  ];
  assert.ok(selects(undefined, adv, createUser));
  assert.ok(!selects(undefined, adv, describe));
  assert.ok(selects(undefined, adv, put));
  assert.ok(!selects(undefined, adv, { ...put, eventName: 'GetObject' }));
});

test('which events a trail takes: home region, multi-region, global service events', () => {
  const trail = (s: Partial<TrailRecord['settings']>): TrailRecord => ({
    accountId: '111122223333',
    homeRegion: 'us-east-1',
    name: 't',
    arn: 'arn',
    settings: {
      S3BucketName: 'b',
      IncludeGlobalServiceEvents: true,
      IsMultiRegionTrail: false,
      LogFileValidationEnabled: false,
      IsOrganizationTrail: false,
      ...s,
    },
    tags: [],
    status: { isLogging: true },
    cursor: 0,
    createdAt: 0,
  });
  assert.ok(trailTakes(trail({}), createUser));
  assert.ok(!trailTakes(trail({ IncludeGlobalServiceEvents: false }), createUser));
  assert.ok(!trailTakes(trail({}), describe));
  assert.ok(trailTakes(trail({ IsMultiRegionTrail: true }), describe));
  assert.match(
    logFileKey({ accountId: '111122223333', prefix: 'p/q' }, 'eu-west-1', new Date('2026-03-04T05:06:07Z')),
    /^p\/q\/AWSLogs\/111122223333\/CloudTrail\/eu-west-1\/2026\/03\/04\/111122223333_CloudTrail_eu-west-1_20260304T0506Z_[A-Za-z0-9]{16}\.json\.gz$/,
  );
});

test('the bucket policy CloudTrail requires', async () => {
  const access = (policy: string | undefined | null, exists = true): TrailBucketAccess => ({
    async bucket() {
      return exists ? { region: 'us-east-1', policy } : undefined;
    },
    async putObject() {},
  });
  const q = {
    bucket: 'logs',
    prefix: 'p',
    accountId: '111122223333',
    region: 'us-east-1',
    trailArn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/t',
  };
  const statement = (action: string, resource: string | string[], extra: object = {}) => ({
    Effect: 'Allow',
    Principal: { Service: 'cloudtrail.amazonaws.com' },
    Action: action,
    Resource: resource,
    ...extra,
  });
  const good = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      statement('s3:GetBucketAcl', 'arn:aws:s3:::logs', {
        Condition: { StringEquals: { 'aws:SourceArn': q.trailArn } },
      }),
      statement('s3:PutObject', 'arn:aws:s3:::logs/p/AWSLogs/111122223333/*', {
        Condition: {
          StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': q.trailArn },
        },
      }),
    ],
  });
  await checkTrailBucket(access(good), q);
  await assert.rejects(checkTrailBucket(access(good, false), q), { code: 'S3BucketDoesNotExistException' });
  await assert.rejects(checkTrailBucket(access(undefined), q), {
    code: 'InsufficientS3BucketPolicyException',
    message: 'Incorrect S3 bucket policy is detected for bucket: logs',
  });
  await assert.rejects(checkTrailBucket(access(good), { ...q, prefix: 'other' }), {
    code: 'InsufficientS3BucketPolicyException',
  });
  const noAcl = JSON.stringify({
    Version: '2012-10-17',
    Statement: [statement('s3:PutObject', 'arn:aws:s3:::logs/*')],
  });
  await assert.rejects(checkTrailBucket(access(noAcl), q), { code: 'InsufficientS3BucketPolicyException' });
  const wrongAcl = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      statement('s3:GetBucketAcl', 'arn:aws:s3:::logs'),
      statement('s3:PutObject', 'arn:aws:s3:::logs/*', {
        Condition: { StringEquals: { 's3:x-amz-acl': 'private' } },
      }),
    ],
  });
  await assert.rejects(checkTrailBucket(access(wrongAcl), q), {
    code: 'InsufficientS3BucketPolicyException',
  });
  const denied = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      statement('s3:*', ['arn:aws:s3:::logs', 'arn:aws:s3:::logs/*']),
      { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::logs/*' },
    ],
  });
  await assert.rejects(checkTrailBucket(access(denied), q), { code: 'InsufficientS3BucketPolicyException' });
  // S3 without bucket policies yet: the check is skipped.
  await checkTrailBucket(access(null), q);
});

test('the AuthzMapper: trail ARNs, "*" for account-wide calls, tag condition keys', async () => {
  const { cloudTrailAuthz } = await import('../../src/services/cloudtrail/authz.ts');
  const stored = new Map<string, TrailRecord>();
  const trails = {
    async get(accountId: string, region: string, name: string) {
      return stored.get(`${accountId}/${region}/${name}`);
    },
  } as never;
  stored.set('111122223333/us-east-1/main', { tags: [{ Key: 'team', Value: 'audit' }] } as TrailRecord);
  const authz = cloudTrailAuthz(trails);
  const ctx = { region: 'us-east-1', accountId: '111122223333' } as never;
  assert.deepEqual(await authz('LookupEvents', {}, ctx), [
    { action: 'cloudtrail:LookupEvents', resource: '*' },
  ]);
  assert.deepEqual(await authz('DescribeTrails', {}, ctx), [
    { action: 'cloudtrail:DescribeTrails', resource: '*' },
  ]);
  assert.deepEqual(
    await authz(
      'CreateTrail',
      { Name: 'new', S3BucketName: 'b', TagsList: [{ Key: 'env', Value: 'dev' }] },
      ctx,
    ),
    [
      {
        action: 'cloudtrail:CreateTrail',
        resource: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/new',
        resourceAccountId: '111122223333',
        context: { 'aws:RequestTag/env': 'dev', 'aws:TagKeys': ['env'] },
      },
    ],
  );
  const [stop] = await authz(
    'StopLogging',
    { Name: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main' },
    ctx,
  );
  assert.equal(stop!.resource, 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main');
  assert.deepEqual(stop!.resourceTags, { team: 'audit' });
  const [sel] = await authz('PutEventSelectors', { TrailName: 'main' }, ctx);
  assert.equal(sel!.action, 'cloudtrail:PutEventSelectors');
  assert.equal(sel!.resource, 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main');
  const list = await authz(
    'ListTags',
    {
      ResourceIdList: [
        'arn:aws:cloudtrail:us-east-1:111122223333:trail/a',
        'arn:aws:cloudtrail:us-east-1:111122223333:trail/b',
      ],
    },
    ctx,
  );
  assert.deepEqual(
    list.map((r) => r.resource),
    [
      'arn:aws:cloudtrail:us-east-1:111122223333:trail/a',
      'arn:aws:cloudtrail:us-east-1:111122223333:trail/b',
    ],
  );
});
