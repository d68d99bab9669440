/**
 * Copy-source refusals: CopyObject's 5 GiB source limit (larger sources need a multipart copy),
 * lowered for the test through STRATUS_S3_MAX_COPY_SOURCE_BYTES (the server runs in this
 * process), and x-amz-source-expected-bucket-owner on CopyObject and UploadPartCopy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  PutObjectCommand,
  CopyObjectCommand,
  HeadObjectCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
  AbortMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';

process.env.STRATUS_S3_MAX_COPY_SOURCE_BYTES = '1024';

const B = 'copy-limits';

const { s3 } = useServer({
  async setup() {
    await s3.send(new CreateBucketCommand({ Bucket: B }));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'at-limit', Body: 'a'.repeat(1024) }));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'over-limit', Body: 'a'.repeat(1025) }));
  },
});

test('CopyObject refuses a source over the limit with InvalidRequest; nothing is written; UploadPartCopy still copies it', async () => {
  const e = await errorOf(
    s3.send(new CopyObjectCommand({ Bucket: B, Key: 'dst', CopySource: `${B}/over-limit` })),
  );
  assert.equal(e.name, 'InvalidRequest');
  assert.equal(e.status, 400);
  assert.equal(
    e.message,
    'The specified copy source is larger than the maximum allowable size for a copy source: 1024',
  );
  assert.equal((await errorOf(s3.send(new HeadObjectCommand({ Bucket: B, Key: 'dst' })))).status, 404);
  await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'dst', CopySource: `${B}/at-limit` }));
  assert.equal((await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'dst' }))).ContentLength, 1024);
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mp' }));
  const part = await s3.send(
    new UploadPartCopyCommand({
      Bucket: B,
      Key: 'mp',
      UploadId,
      PartNumber: 1,
      CopySource: `${B}/over-limit`,
    }),
  );
  assert.ok(part.CopyPartResult?.ETag);
  await s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: 'mp', UploadId }));
});

test('x-amz-source-expected-bucket-owner: another account is AccessDenied for CopyObject and UploadPartCopy', async () => {
  const wrong = '111111111111';
  const copy = await errorOf(
    s3.send(
      new CopyObjectCommand({
        Bucket: B,
        Key: 'owned',
        CopySource: `${B}/at-limit`,
        ExpectedSourceBucketOwner: wrong,
      }),
    ),
  );
  assert.deepEqual([copy.name, copy.status], ['AccessDenied', 403]);
  assert.equal((await errorOf(s3.send(new HeadObjectCommand({ Bucket: B, Key: 'owned' })))).status, 404);
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mp2' }));
  const part = await errorOf(
    s3.send(
      new UploadPartCopyCommand({
        Bucket: B,
        Key: 'mp2',
        UploadId,
        PartNumber: 1,
        CopySource: `${B}/at-limit`,
        ExpectedSourceBucketOwner: wrong,
      }),
    ),
  );
  assert.deepEqual([part.name, part.status], ['AccessDenied', 403]);
  // The right owner copies.
  await s3.send(
    new CopyObjectCommand({
      Bucket: B,
      Key: 'owned',
      CopySource: `${B}/at-limit`,
      ExpectedSourceBucketOwner: '000000000000',
    }),
  );
  await s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: 'mp2', UploadId }));
});
