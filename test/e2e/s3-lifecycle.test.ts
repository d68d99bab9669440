/**
 * S3 lifecycle: configuration validation (SDK v3 and boto3) and the sweeper acting end to end,
 * triggered with POST /_stratus/lifecycle/run?days=N (as of N days ahead; no waiting).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  PutObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  DeleteObjectCommand,
  PutBucketVersioningCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  GetBucketLifecycleConfigurationCommand,
  DeleteBucketLifecycleCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  type LifecycleRule,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { errorOf } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';

const { server, s3 } = useServer();

async function runSweep(days: number): Promise<Record<string, number>> {
  const r = await fetch(`${server.endpoint}/_stratus/lifecycle/run?days=${days}`, { method: 'POST' });
  assert.equal(r.status, 200);
  return (await r.json()) as Record<string, number>;
}

const put = (Bucket: string, Rules: LifecycleRule[]) =>
  s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules } }));

test('configuration: put, get (IDs filled in, transitions reported), delete, NoSuchLifecycleConfiguration', async () => {
  const b = 'lc-config';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  const none = await errorOf(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: b })));
  assert.equal(none.name, 'NoSuchLifecycleConfiguration');
  assert.equal(none.status, 404);
  await put(b, [
    {
      ID: 'logs',
      Status: 'Enabled',
      Filter: { And: { Prefix: 'logs/', Tags: [{ Key: 't', Value: 'v' }] } },
      Expiration: { Days: 365 },
      Transitions: [{ Days: 30, StorageClass: 'STANDARD_IA' }],
    },
    {
      Status: 'Disabled',
      Filter: { Prefix: '' },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    },
    {
      ID: 'old',
      Status: 'Enabled',
      Filter: {},
      NoncurrentVersionExpiration: { NoncurrentDays: 10, NewerNoncurrentVersions: 2 },
      Expiration: { Date: new Date('2030-01-01T00:00:00Z') },
    },
  ]);
  const got = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: b }));
  assert.equal(got.Rules!.length, 3);
  assert.equal(got.Rules![0]!.ID, 'logs');
  assert.deepEqual(got.Rules![0]!.Transitions, [{ Days: 30, StorageClass: 'STANDARD_IA' }]);
  assert.ok(got.Rules![1]!.ID && got.Rules![1]!.ID.length > 0, 'a missing ID is generated');
  assert.equal(got.Rules![2]!.Expiration!.Date!.toISOString(), '2030-01-01T00:00:00.000Z');
  assert.equal(got.Rules![2]!.NoncurrentVersionExpiration!.NewerNoncurrentVersions, 2);
  await s3.send(new DeleteBucketLifecycleCommand({ Bucket: b }));
  assert.equal(
    (await errorOf(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: b })))).name,
    'NoSuchLifecycleConfiguration',
  );
});

test('configuration: invalid rules are refused as S3 refuses them', async () => {
  const b = 'lc-invalid';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  const cases: [LifecycleRule[], string][] = [
    [[{ Status: 'Enabled', Filter: { Prefix: 'a' } }], 'InvalidRequest'],
    [[{ Status: 'On' as never, Filter: {}, Expiration: { Days: 1 } }], 'MalformedXML'],
    [[{ Status: 'Enabled', Filter: {}, Expiration: { Days: 0 } }], 'InvalidArgument'],
    [
      [{ Status: 'Enabled', Filter: {}, Expiration: { Days: 1, ExpiredObjectDeleteMarker: true } }],
      'MalformedXML',
    ],
    [
      [{ Status: 'Enabled', Filter: {}, Expiration: { Date: new Date('2030-01-01T12:00:00Z') } }],
      'InvalidArgument',
    ],
    [
      [
        {
          Status: 'Enabled',
          Filter: { Prefix: 'a', Tag: { Key: 'k', Value: 'v' } },
          Expiration: { Days: 1 },
        },
      ],
      'MalformedXML',
    ],
    [
      [
        { ID: 'same', Status: 'Enabled', Filter: {}, Expiration: { Days: 1 } },
        { ID: 'same', Status: 'Enabled', Filter: {}, Expiration: { Days: 2 } },
      ],
      'InvalidArgument',
    ],
    [[{ ID: 'x'.repeat(256), Status: 'Enabled', Filter: {}, Expiration: { Days: 1 } }], 'InvalidArgument'],
    [
      [{ Status: 'Enabled', Filter: {}, NoncurrentVersionExpiration: { NoncurrentDays: 0 } }],
      'InvalidArgument',
    ],
    [
      [
        {
          Status: 'Enabled',
          Filter: { Tag: { Key: 'k', Value: 'v' } },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        },
      ],
      'InvalidRequest',
    ],
    [
      [{ Status: 'Enabled', Filter: {}, Transitions: [{ Days: 5, StorageClass: 'STANDARD_IA' }] }],
      'InvalidArgument',
    ],
    [
      [
        {
          Status: 'Enabled',
          Filter: { ObjectSizeGreaterThan: 10, ObjectSizeLessThan: 5 } as never,
          Expiration: { Days: 1 },
        },
      ],
      'MalformedXML',
    ],
  ];
  for (const [rules, code] of cases) {
    const e = await errorOf(put(b, rules));
    assert.equal(e.name, code, JSON.stringify(rules));
    assert.equal(e.status, 400);
  }
  assert.equal(
    (
      await errorOf(
        s3.send(
          new PutBucketLifecycleConfigurationCommand({ Bucket: b, LifecycleConfiguration: { Rules: [] } }),
        ),
      )
    ).name,
    'MalformedXML',
  );
});

test('sweeper: expires current objects by prefix, size and tags in an unversioned bucket', async () => {
  const b = 'lc-expire';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'tmp/a', Body: 'a' }));
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'tmp/big', Body: 'x'.repeat(100) }));
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'keep/a', Body: 'a' }));
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'tagged', Body: 't', Tagging: 'class=scratch' }));
  await put(b, [
    {
      ID: 'tmp-small',
      Status: 'Enabled',
      Filter: { And: { Prefix: 'tmp/', ObjectSizeLessThan: 50 } },
      Expiration: { Days: 3 },
    },
    {
      ID: 'scratch',
      Status: 'Enabled',
      Filter: { Tag: { Key: 'class', Value: 'scratch' } },
      Expiration: { Days: 1 },
    },
  ]);
  const early = await runSweep(0.5);
  assert.equal(early.expired, 0);
  const mid = await runSweep(2);
  assert.equal(mid.expired, 1);
  const late = await runSweep(4);
  assert.equal(late.expired, 1);
  const left = await s3.send(new ListObjectsV2Command({ Bucket: b }));
  assert.deepEqual(
    left.Contents!.map((o) => o.Key),
    ['keep/a', 'tmp/big'],
  );
});

test('sweeper on a versioned bucket: delete markers, noncurrent expiry keeping newer versions, lone markers removed', async () => {
  const b = 'lc-versions';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  for (const body of ['1', '2', '3', '4'])
    await s3.send(new PutObjectCommand({ Bucket: b, Key: 'doc', Body: body }));
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'gone', Body: 'g' }));
  await put(b, [
    {
      ID: 'noncurrent',
      Status: 'Enabled',
      Filter: { Prefix: 'doc' },
      NoncurrentVersionExpiration: { NoncurrentDays: 5, NewerNoncurrentVersions: 1 },
    },
    { ID: 'current', Status: 'Enabled', Filter: { Prefix: 'gone' }, Expiration: { Days: 2 } },
    {
      ID: 'markers',
      Status: 'Enabled',
      Filter: { Prefix: 'gone' },
      Expiration: { ExpiredObjectDeleteMarker: true },
    },
  ]);
  const r1 = await runSweep(3);
  assert.equal(r1.deleteMarkersCreated, 1);
  assert.equal(r1.noncurrentRemoved, 0);
  const gone = await errorOf(s3.send(new GetObjectCommand({ Bucket: b, Key: 'gone' })));
  assert.equal(gone.name, 'NoSuchKey');
  const r2 = await runSweep(6);
  // doc: 3 noncurrent versions, the newest one kept; "gone": its old version is noncurrent too
  // but outside the noncurrent rule's prefix.
  assert.equal(r2.noncurrentRemoved, 2);
  const v = await s3.send(new ListObjectVersionsCommand({ Bucket: b, Prefix: 'doc' }));
  assert.equal(v.Versions!.length, 2);
  assert.equal(
    await (await s3.send(new GetObjectCommand({ Bucket: b, Key: 'doc' }))).Body!.transformToString(),
    '4',
  );
  // A marker alone (its versions deleted) is removed by ExpiredObjectDeleteMarker.
  const gv = await s3.send(new ListObjectVersionsCommand({ Bucket: b, Prefix: 'gone' }));
  await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'gone', VersionId: gv.Versions![0]!.VersionId }));
  const r3 = await runSweep(7);
  assert.equal(r3.deleteMarkersRemoved, 1);
  const after = await s3.send(new ListObjectVersionsCommand({ Bucket: b, Prefix: 'gone' }));
  assert.equal(after.Versions, undefined);
  assert.equal(after.DeleteMarkers, undefined);
});

test('sweeper aborts incomplete multipart uploads', async () => {
  const b = 'lc-uploads';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: 'big' }));
  await put(b, [
    {
      ID: 'abort',
      Status: 'Enabled',
      Filter: {},
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 },
    },
  ]);
  assert.equal((await runSweep(1)).uploadsAborted, 0);
  assert.equal((await runSweep(3)).uploadsAborted, 1);
  const ups = await s3.send(new ListMultipartUploadsCommand({ Bucket: b }));
  assert.equal(ups.Uploads, undefined);
});

test('boto3: lifecycle configuration round trip and a validation error', async () => {
  const r = await python(
    `
s3 = client("s3")
s3.create_bucket(Bucket="lc-boto3")
s3.put_bucket_lifecycle_configuration(Bucket="lc-boto3", LifecycleConfiguration={"Rules": [
  {"ID": "r1", "Status": "Enabled", "Filter": {"Prefix": "p/"}, "Expiration": {"Days": 7},
   "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}]})
got = s3.get_bucket_lifecycle_configuration(Bucket="lc-boto3")["Rules"]
bad = call(s3.put_bucket_lifecycle_configuration, Bucket="lc-boto3", LifecycleConfiguration={"Rules": [
  {"ID": "r1", "Status": "Enabled", "Filter": {"Prefix": "p/"}}]})
out({"got": got, "bad": bad})
`,
    server.env(),
  );
  assert.deepEqual(r.got, [
    {
      ID: 'r1',
      Status: 'Enabled',
      Filter: { Prefix: 'p/' },
      Expiration: { Days: 7 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    },
  ]);
  assert.equal(r.bad.error, 'InvalidRequest');
  assert.equal(r.bad.message, 'At least one action needs to be specified in a rule');
});

test('x-amz-expiration on writes and reads of objects an Expiration rule covers', async () => {
  const b = 'lc-header';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  await put(b, [{ ID: 'short', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 2 } }]);
  const w = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'tmp/x', Body: 'x' }));
  const m = /^expiry-date="([^"]+)", rule-id="short"$/.exec(w.Expiration ?? '');
  assert.ok(m, `got ${w.Expiration}`);
  const at = new Date(m[1]!);
  // Two days after creation, rounded up to the next midnight UTC.
  assert.equal(at.getUTCHours(), 0);
  assert.ok(
    at.getTime() > Date.now() + 2 * 86_400_000 - 60_000 && at.getTime() <= Date.now() + 3 * 86_400_000,
  );
  const h = await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'tmp/x' }));
  assert.equal(h.Expiration, w.Expiration);
  const other = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'keep', Body: 'x' }));
  assert.equal(other.Expiration, undefined);
});

test('x-amz-abort-date and x-amz-abort-rule-id on CreateMultipartUpload and ListParts an abort rule covers', async () => {
  const b = 'lc-abort-header';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  await put(b, [
    {
      ID: 'later',
      Status: 'Enabled',
      Filter: { Prefix: '' },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    },
    {
      ID: 'soon',
      Status: 'Enabled',
      Filter: { Prefix: 'up/' },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    },
  ]);
  const c = await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: 'up/x' }));
  assert.equal(c.AbortRuleId, 'soon');
  // One day after initiation, rounded up to the next midnight UTC.
  assert.equal(c.AbortDate?.getUTCHours(), 0);
  assert.ok(c.AbortDate!.getTime() > Date.now() + 86_400_000 - 60_000);
  assert.ok(c.AbortDate!.getTime() <= Date.now() + 2 * 86_400_000);
  const l = await s3.send(new ListPartsCommand({ Bucket: b, Key: 'up/x', UploadId: c.UploadId }));
  assert.deepEqual([l.AbortDate, l.AbortRuleId], [c.AbortDate, 'soon']);
  const other = await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: 'elsewhere' }));
  assert.equal(other.AbortRuleId, 'later');
  await put(b, [{ ID: 'exp', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } }]);
  const none = await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: 'up/y' }));
  assert.deepEqual([none.AbortDate, none.AbortRuleId], [undefined, undefined]);
});

test('x-amz-expiration on a POST Object upload an Expiration rule covers', async () => {
  const b = 'lc-post-header';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  await put(b, [{ ID: 'tmp', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 1 } }]);
  const upload = async (Key: string) => {
    const { url, fields } = await createPresignedPost(s3, { Bucket: b, Key, Expires: 60 });
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob(['x']), 'x.txt');
    const r = await fetch(url, { method: 'POST', body: form });
    assert.equal(r.status, 204);
    return r.headers.get('x-amz-expiration');
  };
  assert.match((await upload('tmp/x')) ?? '', /^expiry-date="[^"]+ 00:00:00 GMT", rule-id="tmp"$/);
  assert.equal(await upload('keep'), null);
});
