/**
 * S3 Object Lock through @aws-sdk/client-s3 v3 and boto3: lock-enabled buckets, default
 * retention, retention and legal hold per version, enforcement on delete, governance bypass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  PutObjectCommand,
  HeadObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  PutBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
  GetObjectRetentionCommand,
  PutObjectLegalHoldCommand,
  GetObjectLegalHoldCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';

const { server, s3 } = useServer();

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000);

test('a lock-enabled bucket: versioning on for good, configuration with default retention', async () => {
  const b = 'lock-config';
  await s3.send(new CreateBucketCommand({ Bucket: b, ObjectLockEnabledForBucket: true }));
  assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: b }))).Status, 'Enabled');
  const suspend = await errorOf(
    s3.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Suspended' } })),
  );
  assert.equal(suspend.name, 'InvalidBucketState');
  assert.equal(suspend.status, 409);
  const cfg = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: b }));
  assert.deepEqual(cfg.ObjectLockConfiguration, { ObjectLockEnabled: 'Enabled' });
  await s3.send(
    new PutObjectLockConfigurationCommand({
      Bucket: b,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
      },
    }),
  );
  const after = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: b }));
  assert.deepEqual(after.ObjectLockConfiguration!.Rule, {
    DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 },
  });
  const bad = await errorOf(
    s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: b,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1, Years: 1 } },
        },
      }),
    ),
  );
  assert.equal(bad.name, 'MalformedXML');

  // Default retention applies to new versions; deleting one by id is refused, a marker is not.
  const put = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'doc', Body: 'x' }));
  const head = await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'doc' }));
  assert.equal(head.ObjectLockMode, 'GOVERNANCE');
  assert.ok(head.ObjectLockRetainUntilDate! > new Date());
  const denied = await errorOf(
    s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'doc', VersionId: put.VersionId })),
  );
  assert.equal(denied.name, 'AccessDenied');
  assert.equal(denied.status, 403);
  assert.equal(denied.message, 'Access Denied because object protected by object lock.');
  const marker = await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'doc' }));
  assert.equal(marker.DeleteMarker, true);
  // Governance gives way to the bypass header (root has s3:BypassGovernanceRetention).
  await s3.send(
    new DeleteObjectCommand({
      Bucket: b,
      Key: 'doc',
      VersionId: put.VersionId,
      BypassGovernanceRetention: true,
    }),
  );
});

test('buckets without Object Lock: no configuration, lock headers refused', async () => {
  const b = 'lock-none';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  const none = await errorOf(s3.send(new GetObjectLockConfigurationCommand({ Bucket: b })));
  assert.equal(none.name, 'ObjectLockConfigurationNotFoundError');
  assert.equal(none.status, 404);
  const hdr = await errorOf(
    s3.send(
      new PutObjectCommand({
        Bucket: b,
        Key: 'k',
        Body: 'x',
        ObjectLockMode: 'GOVERNANCE',
        ObjectLockRetainUntilDate: inDays(1),
      }),
    ),
  );
  assert.equal(hdr.name, 'InvalidRequest');
  // Turning it on later needs versioning enabled first.
  const early = await errorOf(
    s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: b,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' },
      }),
    ),
  );
  assert.equal(early.name, 'InvalidBucketState');
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  await s3.send(
    new PutObjectLockConfigurationCommand({
      Bucket: b,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' },
    }),
  );
});

test('retention: COMPLIANCE cannot be shortened or bypassed; extending works', async () => {
  const b = 'lock-compliance';
  await s3.send(new CreateBucketCommand({ Bucket: b, ObjectLockEnabledForBucket: true }));
  const put = await s3.send(
    new PutObjectCommand({
      Bucket: b,
      Key: 'k',
      Body: 'x',
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: inDays(2),
    }),
  );
  const r = await s3.send(new GetObjectRetentionCommand({ Bucket: b, Key: 'k', VersionId: put.VersionId }));
  assert.equal(r.Retention!.Mode, 'COMPLIANCE');
  const shorter = await errorOf(
    s3.send(
      new PutObjectRetentionCommand({
        Bucket: b,
        Key: 'k',
        Retention: { Mode: 'COMPLIANCE', RetainUntilDate: inDays(1) },
        BypassGovernanceRetention: true,
      }),
    ),
  );
  assert.equal(shorter.name, 'AccessDenied');
  await s3.send(
    new PutObjectRetentionCommand({
      Bucket: b,
      Key: 'k',
      Retention: { Mode: 'COMPLIANCE', RetainUntilDate: inDays(3) },
    }),
  );
  const bypass = await errorOf(
    s3.send(
      new DeleteObjectCommand({
        Bucket: b,
        Key: 'k',
        VersionId: put.VersionId,
        BypassGovernanceRetention: true,
      }),
    ),
  );
  assert.equal(bypass.name, 'AccessDenied');
  const past = await errorOf(
    s3.send(
      new PutObjectRetentionCommand({
        Bucket: b,
        Key: 'k',
        Retention: { Mode: 'GOVERNANCE', RetainUntilDate: inDays(-1) },
      }),
    ),
  );
  assert.equal(past.name, 'InvalidArgument');
});

test('legal hold blocks deletes until released; DeleteObjects reports the refusal per key', async () => {
  const b = 'lock-hold';
  await s3.send(new CreateBucketCommand({ Bucket: b, ObjectLockEnabledForBucket: true }));
  const put = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x' }));
  const noRet = await errorOf(s3.send(new GetObjectRetentionCommand({ Bucket: b, Key: 'k' })));
  assert.equal(noRet.name, 'NoSuchObjectLockConfiguration');
  await s3.send(new PutObjectLegalHoldCommand({ Bucket: b, Key: 'k', LegalHold: { Status: 'ON' } }));
  assert.equal(
    (await s3.send(new GetObjectLegalHoldCommand({ Bucket: b, Key: 'k' }))).LegalHold!.Status,
    'ON',
  );
  const r = await s3.send(
    new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: [{ Key: 'k', VersionId: put.VersionId }] } }),
  );
  assert.equal(r.Errors![0]!.Code, 'AccessDenied');
  assert.equal(r.Deleted, undefined);
  await s3.send(new PutObjectLegalHoldCommand({ Bucket: b, Key: 'k', LegalHold: { Status: 'OFF' } }));
  const ok = await s3.send(
    new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: [{ Key: 'k', VersionId: put.VersionId }] } }),
  );
  assert.equal(ok.Deleted![0]!.VersionId, put.VersionId);
});

test('boto3: lock bucket, governance retention, refused then bypassed delete', async () => {
  const r = await python(
    `
import datetime
s3 = client("s3")
s3.create_bucket(Bucket="lock-boto3", ObjectLockEnabledForBucket=True)
until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
v = s3.put_object(Bucket="lock-boto3", Key="k", Body=b"x", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until)["VersionId"]
denied = call(s3.delete_object, Bucket="lock-boto3", Key="k", VersionId=v)
ok = call(s3.delete_object, Bucket="lock-boto3", Key="k", VersionId=v, BypassGovernanceRetention=True)
out({"denied": denied, "ok": ok})
`,
    server.env(),
  );
  assert.equal(r.denied.error, 'AccessDenied');
  assert.equal(r.denied.status, 403);
  assert.equal(r.ok.error, undefined);
});
