/**
 * S3 Object Lock rules beyond the basics (s3-object-lock.test.ts): writes with lock parameters need
 * an integrity header, an empty retention removes a governance lock only with the bypass, and the
 * default retention's refusal names the element at fault.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  S3Client,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectRetentionCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.ts';
import { sdkConfig } from '../support/server.ts';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';

const { server, s3, client } = useServer();
/** A client that sends checksums only where the model requires them (PutObject: never). */
const bare = client(
  (running) => new S3Client({ ...sdkConfig(running), requestChecksumCalculation: 'WHEN_REQUIRED' }),
);

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000);
const NEEDS_CHECKSUM = (what: string) =>
  `Content-MD5 OR x-amz-checksum- HTTP header is required for ${what} requests with Object Lock parameters`;

test('writes with lock parameters or a default retention need Content-MD5 or a checksum', async () => {
  const b = 'lock-integrity';
  await s3.send(new CreateBucketCommand({ Bucket: b, ObjectLockEnabledForBucket: true }));
  // No default retention and no lock headers: nothing to protect, no header needed.
  await bare.send(new PutObjectCommand({ Bucket: b, Key: 'plain', Body: 'x' }));
  const held = await errorOf(
    bare.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x', ObjectLockLegalHoldStatus: 'ON' })),
  );
  assert.deepEqual(
    [held.name, held.status, held.message],
    ['InvalidRequest', 400, NEEDS_CHECKSUM('Put Object')],
  );
  // The same request with Content-MD5, or with the SDK's default checksum, is taken.
  await bare.send(
    new PutObjectCommand({
      Bucket: b,
      Key: 'k',
      Body: 'x',
      ContentMD5: Buffer.from('9dd4e461268c8034f5c8564e155c67a6', 'hex').toString('base64'),
      ObjectLockLegalHoldStatus: 'OFF',
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x', ObjectLockLegalHoldStatus: 'OFF' }));

  await s3.send(
    new PutObjectLockConfigurationCommand({
      Bucket: b,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
      },
    }),
  );
  const byDefault = await errorOf(bare.send(new PutObjectCommand({ Bucket: b, Key: 'plain', Body: 'x' })));
  assert.deepEqual([byDefault.name, byDefault.message], ['InvalidRequest', NEEDS_CHECKSUM('Put Object')]);
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: 'mp' }));
  const part = await errorOf(
    bare.send(new UploadPartCommand({ Bucket: b, Key: 'mp', UploadId, PartNumber: 1, Body: 'x' })),
  );
  assert.deepEqual([part.name, part.message], ['InvalidRequest', NEEDS_CHECKSUM('Put Part')]);
  await s3.send(new UploadPartCommand({ Bucket: b, Key: 'mp', UploadId, PartNumber: 1, Body: 'x' }));
});

test('an empty retention removes a governance lock with the bypass; compliance stays', async () => {
  const b = 'lock-clear';
  await s3.send(new CreateBucketCommand({ Bucket: b, ObjectLockEnabledForBucket: true }));
  const gov = await s3.send(
    new PutObjectCommand({
      Bucket: b,
      Key: 'g',
      Body: 'x',
      ObjectLockMode: 'GOVERNANCE',
      ObjectLockRetainUntilDate: inDays(2),
    }),
  );
  const clear = { Bucket: b, Key: 'g', VersionId: gov.VersionId, Retention: {} };
  const denied = await errorOf(s3.send(new PutObjectRetentionCommand(clear)));
  assert.deepEqual([denied.name, denied.status], ['AccessDenied', 403]);
  await s3.send(new PutObjectRetentionCommand({ ...clear, BypassGovernanceRetention: true }));
  const none = await errorOf(
    s3.send(new GetObjectRetentionCommand({ Bucket: b, Key: 'g', VersionId: gov.VersionId })),
  );
  assert.equal(none.name, 'NoSuchObjectLockConfiguration');
  // Unlocked now: the version can be deleted without the bypass.
  await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'g', VersionId: gov.VersionId }));

  const comp = await s3.send(
    new PutObjectCommand({
      Bucket: b,
      Key: 'c',
      Body: 'x',
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: inDays(2),
    }),
  );
  const kept = await errorOf(
    s3.send(
      new PutObjectRetentionCommand({
        Bucket: b,
        Key: 'c',
        VersionId: comp.VersionId,
        Retention: {},
        BypassGovernanceRetention: true,
      }),
    ),
  );
  assert.equal(kept.name, 'AccessDenied');
  const still = await s3.send(
    new GetObjectRetentionCommand({ Bucket: b, Key: 'c', VersionId: comp.VersionId }),
  );
  assert.equal(still.Retention!.Mode, 'COMPLIANCE');
});

test('boto3: a default retention of zero days or years names the element', async () => {
  const r = await python(
    `
from botocore.exceptions import ClientError
s3 = client("s3")
s3.create_bucket(Bucket="lock-zero", ObjectLockEnabledForBucket=True)
res = {}
for unit in ("Days", "Years"):
    try:
        s3.put_object_lock_configuration(Bucket="lock-zero", ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", unit: 0}}})
    except ClientError as e:
        res[unit] = e.response["Error"]
out(res)
`,
    server.env(),
  );
  for (const unit of ['Days', 'Years'])
    assert.deepEqual(r[unit], {
      Code: 'InvalidArgument',
      Message: 'Default retention period must be a positive integer value.',
      ArgumentName: unit,
    });
});
