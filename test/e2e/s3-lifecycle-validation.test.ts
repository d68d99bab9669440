/**
 * PutBucketLifecycleConfiguration: the refusals whose messages name the rule's filter, the
 * Lifecycle V1 rules, sizes and the transition-default header (SDK v3 and boto3).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  PutBucketLifecycleConfigurationCommand,
  GetBucketLifecycleConfigurationCommand,
  type LifecycleRule,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';

const B = 'lc-validation';

const { server, s3 } = useServer({
  async setup() {
    await s3.send(new CreateBucketCommand({ Bucket: B }));
  },
});

const put = (Rules: LifecycleRule[]) =>
  s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: B, LifecycleConfiguration: { Rules } }));

async function refused(rules: LifecycleRule[], code: string, message: string): Promise<void> {
  const e = await errorOf(put(rules));
  assert.deepEqual(
    { name: e.name, status: e.status, message: e.message },
    { name: code, status: 400, message },
  );
}

const rule = (r: Partial<LifecycleRule>): LifecycleRule => ({ Status: 'Enabled', Filter: {}, ...r });
const days = (Days: number, StorageClass: 'GLACIER' | 'STANDARD_IA' | 'DEEP_ARCHIVE' = 'GLACIER') => ({
  Days,
  StorageClass,
});
const midnight = new Date('2030-01-01T00:00:00Z');

test('transitions: one storage class per rule, Date or Days throughout, expiration after', async () => {
  await refused(
    [rule({ Filter: { Prefix: '' }, Transitions: [days(90), days(180)] })],
    'InvalidRequest',
    "'StorageClass' must be different for 'Transition' actions in same 'Rule' with filter '(prefix=)'",
  );
  await refused(
    [rule({ Filter: { Prefix: 'logs/' }, Expiration: { Date: midnight }, Transitions: [days(30)] })],
    'InvalidRequest',
    "Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule for filter '(prefix=logs/)'",
  );
  await refused(
    [rule({ Expiration: { Days: 400 }, Transitions: [{ Date: midnight, StorageClass: 'GLACIER' }] })],
    'InvalidRequest',
    "Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule for filter '(prefix=)'",
  );
  await refused(
    [rule({ Transitions: [days(30), { Date: midnight, StorageClass: 'DEEP_ARCHIVE' }] })],
    'InvalidRequest',
    "Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule for filter '(prefix=)'",
  );
  await refused(
    [rule({ Filter: { Prefix: '/' }, Expiration: { Days: 30 }, Transitions: [days(30)] })],
    'InvalidArgument',
    "'Days' in the Expiration action for filter '(prefix=/)' must be greater than 'Days' in the Transition action",
  );
  const noncurrent = (expire: number, transition: number) =>
    rule({
      Filter: { Prefix: 'v/' },
      NoncurrentVersionExpiration: { NoncurrentDays: expire },
      NoncurrentVersionTransitions: [{ NoncurrentDays: transition, StorageClass: 'GLACIER' }],
    });
  for (const t of [30, 31])
    await refused(
      [noncurrent(30, t)],
      'InvalidArgument',
      "'NoncurrentDays' in the NoncurrentVersionExpiration action for filter '(prefix=v/)' must be greater than 'NoncurrentDays' in the NoncurrentVersionTransition action",
    );
  await put([noncurrent(31, 30)]);
  // Dates throughout, an ExpiredObjectDeleteMarker beside Days, and distinct classes are fine.
  await put([
    rule({
      ID: 'dates',
      Expiration: { Date: new Date('2031-01-01T00:00:00Z') },
      Transitions: [{ Date: midnight, StorageClass: 'GLACIER' }],
    }),
    rule({ ID: 'marker', Expiration: { ExpiredObjectDeleteMarker: true }, Transitions: [days(10)] }),
    rule({ ID: 'classes', Transitions: [days(30, 'STANDARD_IA'), days(90), days(180, 'DEEP_ARCHIVE')] }),
  ]);
});

test('the filter as S3 names it: tags, sizes, And, and a V1 prefix', async () => {
  const expire = { Expiration: { Days: 1 }, Transitions: [days(1)] };
  const msg = (f: string) =>
    `'Days' in the Expiration action for filter '${f}' must be greater than 'Days' in the Transition action`;
  await refused(
    [rule({ Filter: { Tag: { Key: 'k', Value: 'v' } }, ...expire })],
    'InvalidArgument',
    msg('(tag={key=k, value=v})'),
  );
  await refused(
    [rule({ Filter: { ObjectSizeGreaterThan: 1024 }, ...expire })],
    'InvalidArgument',
    msg('(objectsizegreaterthan=1024)'),
  );
  await refused(
    [
      rule({
        Filter: {
          And: {
            Prefix: 'a/',
            Tags: [
              { Key: 'k', Value: 'v' },
              { Key: 'j', Value: 'w' },
            ],
            ObjectSizeGreaterThan: 5,
            ObjectSizeLessThan: 500,
          },
        },
        ...expire,
      }),
    ],
    'InvalidArgument',
    msg(
      '(prefix=a/ and tag={key=k, value=v} and tag={key=j, value=w} and objectsizegreaterthan=5 and objectsizelessthan=500)',
    ),
  );
  await refused([{ Status: 'Enabled', Prefix: 'old/', ...expire }], 'InvalidArgument', msg('(prefix=old/)'));
});

test('tags and sizes: InvalidRequest where S3 answers it', async () => {
  await refused(
    [
      rule({
        Filter: { Tag: { Key: 'k', Value: 'v' } },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      }),
    ],
    'InvalidRequest',
    'AbortIncompleteMultipartUpload cannot be specified with Tags.',
  );
  await refused(
    [
      rule({
        Filter: { ObjectSizeGreaterThan: 10 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      }),
    ],
    'InvalidRequest',
    'AbortIncompleteMultipartUpload cannot be specified with Object Size.',
  );
  const twoKeys = {
    And: {
      Tags: [
        { Key: 'k', Value: 'v' },
        { Key: 'k', Value: 'w' },
      ],
    },
  };
  await refused(
    [rule({ Filter: twoKeys, Expiration: { Days: 1 } })],
    'InvalidRequest',
    'Duplicate Tag Keys are not allowed.',
  );
  // Refused even when false.
  for (const ExpiredObjectDeleteMarker of [true, false])
    await refused(
      [rule({ Filter: { ObjectSizeLessThan: 100 }, Expiration: { ExpiredObjectDeleteMarker } })],
      'InvalidRequest',
      'ExpiredObjectDeleteMarker cannot be specified with Object Size.',
    );
  for (const lt of [0, 1_099_511_627_776_001])
    await refused(
      [rule({ Filter: { ObjectSizeLessThan: lt }, Expiration: { Days: 1 } })],
      'InvalidRequest',
      "'ObjectSizeLessThan' should be between 1 and 1099511627776000.",
    );
  for (const gt of [100, 101])
    await refused(
      [
        rule({
          Filter: { And: { ObjectSizeGreaterThan: gt, ObjectSizeLessThan: 100 } },
          Expiration: { Days: 1 },
        }),
      ],
      'InvalidRequest',
      "'ObjectSizeLessThan' has to be a value greater than 'ObjectSizeGreaterThan'.",
    );
  await put([
    rule({ Filter: { And: { ObjectSizeGreaterThan: 0, ObjectSizeLessThan: 1 } }, Expiration: { Days: 1 } }),
  ]);
});

test('Lifecycle V1: one form per configuration, no V2 elements, no overlapping prefixes', async () => {
  const v1 = (Prefix: string, r: Partial<LifecycleRule> = { Expiration: { Days: 1 } }): LifecycleRule => ({
    Status: 'Enabled',
    Prefix,
    ...r,
  });
  await refused(
    [v1('a/'), rule({ Filter: { Prefix: 'b/' }, Expiration: { Days: 1 } })],
    'InvalidRequest',
    'Filter element can only be used in Lifecycle V2.',
  );
  await refused(
    [rule({ Filter: { Prefix: 'b/' }, Expiration: { Days: 1 } }), v1('a/')],
    'InvalidRequest',
    'Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in the Filter.',
  );
  await refused(
    [v1('a/', { NoncurrentVersionExpiration: { NoncurrentDays: 1, NewerNoncurrentVersions: 2 } })],
    'InvalidRequest',
    'NewerNoncurrentVersions element can only be used in Lifecycle V2.',
  );
  await refused(
    [v1(''), v1('a')],
    'InvalidRequest',
    "Found overlapping prefixes '' and 'a' for same action type 'Expiration'",
  );
  await refused(
    [v1('foo/bar', { Expiration: { ExpiredObjectDeleteMarker: true } }), v1('foo/bar/buu')],
    'InvalidRequest',
    "Found overlapping prefixes 'foo/bar' and 'foo/bar/buu' for same action type 'Expiration'",
  );
  // Overlapping prefixes with different action types, and disjoint ones, are accepted.
  await put([
    v1('', { AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
    v1('a/'),
    v1('b/'),
    v1('a/x', { NoncurrentVersionExpiration: { NoncurrentDays: 3 } }),
  ]);
  const got = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: B }));
  assert.deepEqual(
    got.Rules!.map((r) => r.Prefix),
    ['', 'a/', 'b/', 'a/x'],
  );
  // Overlaps are V1's rule; V2 filters may overlap.
  await put([
    rule({ Filter: { Prefix: '' }, Expiration: { Days: 2 } }),
    rule({ Filter: { Prefix: 'a' }, Expiration: { Days: 1 } }),
  ]);
});

test('boto3: the transition-default header takes only the values S3 defines', async () => {
  const r = await python(
    `
s3 = client("s3")
rules = {"Rules": [{"ID": "r", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 1}}]}
bad = call(s3.put_bucket_lifecycle_configuration, Bucket="${B}", LifecycleConfiguration=rules,
           TransitionDefaultMinimumObjectSize="foo")
ok = call(s3.put_bucket_lifecycle_configuration, Bucket="${B}", LifecycleConfiguration=rules,
          TransitionDefaultMinimumObjectSize="varies_by_storage_class")
got = s3.get_bucket_lifecycle_configuration(Bucket="${B}")["TransitionDefaultMinimumObjectSize"]
dup = call(s3.put_bucket_lifecycle_configuration, Bucket="${B}", LifecycleConfiguration={"Rules": [
  {"Status": "Enabled", "Filter": {}, "Transitions": [{"Days": 90, "StorageClass": "GLACIER"},
                                                      {"Days": 180, "StorageClass": "GLACIER"}]}]})
out({"bad": bad, "ok": ok, "got": got, "dup": dup})
`,
    server.env(),
  );
  assert.deepEqual(r.bad, {
    error: 'InvalidRequest',
    message: 'Invalid TransitionDefaultMinimumObjectSize found: foo',
    status: 400,
  });
  assert.deepEqual(r.ok, { TransitionDefaultMinimumObjectSize: 'varies_by_storage_class' });
  assert.equal(r.got, 'varies_by_storage_class');
  assert.deepEqual(r.dup, {
    error: 'InvalidRequest',
    message:
      "'StorageClass' must be different for 'Transition' actions in same 'Rule' with filter '(prefix=)'",
    status: 400,
  });
});
