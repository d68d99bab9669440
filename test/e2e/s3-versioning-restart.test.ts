/**
 * Versions, delete markers, lifecycle and Object Lock state survive a restart on the same data
 * directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  GetBucketVersioningCommand,
  PutBucketLifecycleConfigurationCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectLockConfigurationCommand,
  GetObjectLegalHoldCommand,
  PutObjectLegalHoldCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
  GetObjectRetentionCommand,
} from '@aws-sdk/client-s3';
import { startTestServer, sdkConfig } from '../support/server.ts';

test('versioning, lifecycle and object lock state after a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-ver-restart-'));
  try {
    let server = await startTestServer([], dir);
    let s3 = new S3Client(sdkConfig(server));
    const b = 'ver-restart';
    await s3.send(new CreateBucketCommand({ Bucket: b, ObjectLockEnabledForBucket: true }));
    const v1 = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'one' }));
    await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'two' }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k' }));
    await s3.send(
      new PutObjectLegalHoldCommand({
        Bucket: b,
        Key: 'k',
        VersionId: v1.VersionId,
        LegalHold: { Status: 'ON' },
      }),
    );
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: b,
        LifecycleConfiguration: {
          Rules: [
            { ID: 'r', Status: 'Enabled', Filter: {}, NoncurrentVersionExpiration: { NoncurrentDays: 30 } },
          ],
        },
      }),
    );
    s3.destroy();
    await server.stop();

    server = await startTestServer([], dir);
    s3 = new S3Client(sdkConfig(server));
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: b }))).Status, 'Enabled');
    const list = await s3.send(new ListObjectVersionsCommand({ Bucket: b }));
    assert.equal(list.Versions!.length, 2);
    assert.deepEqual(
      list.DeleteMarkers!.map((m) => [m.VersionId, m.IsLatest]),
      [[marker.VersionId, true]],
    );
    const old = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'k', VersionId: v1.VersionId }));
    assert.equal(await old.Body!.transformToString(), 'one');
    assert.equal(
      (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: b }))).Rules![0]!.ID,
      'r',
    );
    assert.equal(
      (await s3.send(new GetObjectLockConfigurationCommand({ Bucket: b }))).ObjectLockConfiguration!
        .ObjectLockEnabled,
      'Enabled',
    );
    const hold = await s3.send(
      new GetObjectLegalHoldCommand({ Bucket: b, Key: 'k', VersionId: v1.VersionId }),
    );
    assert.equal(hold.LegalHold!.Status, 'ON');
    s3.destroy();
    await server.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a multipart upload's Object Lock headers still apply when it completes after a restart", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-lock-restart-'));
  try {
    let server = await startTestServer([], dir);
    let s3 = new S3Client(sdkConfig(server));
    const b = 'lock-mpu-restart';
    await s3.send(new CreateBucketCommand({ Bucket: b, ObjectLockEnabledForBucket: true }));
    const until = new Date(Date.UTC(2031, 0, 1));
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: b,
        Key: 'm',
        ObjectLockMode: 'GOVERNANCE',
        ObjectLockRetainUntilDate: until,
        ObjectLockLegalHoldStatus: 'ON',
      }),
    );
    const part = await s3.send(
      new UploadPartCommand({
        Bucket: b,
        Key: 'm',
        UploadId,
        PartNumber: 1,
        Body: 'x',
        ChecksumAlgorithm: 'CRC32',
      }),
    );
    s3.destroy();
    await server.stop();

    server = await startTestServer([], dir);
    s3 = new S3Client(sdkConfig(server));
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: b,
        Key: 'm',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] },
      }),
    );
    const retention = await s3.send(
      new GetObjectRetentionCommand({ Bucket: b, Key: 'm', VersionId: done.VersionId }),
    );
    assert.deepEqual(retention.Retention, { Mode: 'GOVERNANCE', RetainUntilDate: until });
    const hold = await s3.send(
      new GetObjectLegalHoldCommand({ Bucket: b, Key: 'm', VersionId: done.VersionId }),
    );
    assert.equal(hold.LegalHold!.Status, 'ON');
    s3.destroy();
    await server.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
