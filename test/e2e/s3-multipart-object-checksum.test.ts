/**
 * CompleteMultipartUpload's x-amz-checksum-<algorithm> names the whole object's checksum (not the
 * XML body's): a composite one with its "-N" suffix, a full-object one over the joined bytes.
 * A value of the wrong form is InvalidRequest, one that does not match is BadDigest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  GetObjectAttributesCommand,
  type ChecksumAlgorithm,
  type ChecksumType,
  type CompleteMultipartUploadCommandInput,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';

const bucket = 'mpu-object-checksum';
const { s3 } = useServer({
  async setup() {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  },
});

const body = Buffer.alloc(1024, 'A');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();
const crc32Of = (b: Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(b));
  return out.toString('base64');
};

/** An upload of one part (body), ready to complete with the given object checksum. */
async function onePart(key: string, algorithm: ChecksumAlgorithm, type?: ChecksumType) {
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      ChecksumAlgorithm: algorithm,
      ...(type ? { ChecksumType: type } : {}),
    }),
  );
  const p = await s3.send(
    new UploadPartCommand({
      Bucket: bucket,
      Key: key,
      UploadId,
      PartNumber: 1,
      Body: body,
      ChecksumAlgorithm: algorithm,
    }),
  );
  const part = {
    PartNumber: 1,
    ETag: p.ETag!,
    ChecksumSHA256: p.ChecksumSHA256,
    ChecksumCRC32: p.ChecksumCRC32,
  };
  return (extra: Partial<CompleteMultipartUploadCommandInput>) =>
    s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: [part] },
        ...extra,
      }),
    );
}

test('a composite SHA256 named with its -N suffix completes; a wrong one is BadDigest, a malformed one InvalidRequest', async () => {
  const composite = `${sha256(sha256(body)).toString('base64')}-1`;
  const complete = await onePart('composite', 'SHA256');
  const malformed = await errorOf(complete({ ChecksumSHA256: 'bad' }));
  assert.deepEqual([malformed.name, malformed.status], ['InvalidRequest', 400]);
  assert.equal(malformed.message, 'Value for x-amz-checksum-sha256 header is invalid.');
  const wrong = await errorOf(
    complete({ ChecksumSHA256: `${sha256(Buffer.from('x')).toString('base64')}-1` }),
  );
  assert.deepEqual([wrong.name, wrong.status], ['BadDigest', 400]);
  const done = await complete({ ChecksumSHA256: composite });
  assert.equal(done.ChecksumSHA256, composite);
  assert.equal(done.ChecksumType, 'COMPOSITE');
  const head = await s3.send(
    new HeadObjectCommand({ Bucket: bucket, Key: 'composite', ChecksumMode: 'ENABLED' }),
  );
  assert.equal(head.ChecksumSHA256, composite);
  // GetObjectAttributes names a composite checksum without its -N (ObjectParts counts the parts).
  const attrs = await s3.send(
    new GetObjectAttributesCommand({
      Bucket: bucket,
      Key: 'composite',
      ObjectAttributes: ['Checksum', 'ObjectParts'],
    }),
  );
  assert.deepEqual(attrs.Checksum, { ChecksumSHA256: composite.slice(0, -2), ChecksumType: 'COMPOSITE' });
  assert.equal(attrs.ObjectParts?.TotalPartsCount, 1);
});

test('a full-object CRC32 named on completion is checked against the joined object, not the request body', async () => {
  const complete = await onePart('full', 'CRC32', 'FULL_OBJECT');
  const wrong = await errorOf(
    complete({ ChecksumCRC32: crc32Of(Buffer.from('x')), ChecksumType: 'FULL_OBJECT' }),
  );
  assert.deepEqual([wrong.name, wrong.status], ['BadDigest', 400]);
  assert.equal(wrong.message, 'The crc32 you specified did not match the calculated checksum.');
  // A checksum type other than the upload's is BadDigest (CompleteMultipartUpload reference).
  const mode = await errorOf(complete({ ChecksumType: 'COMPOSITE' }));
  assert.deepEqual([mode.name, mode.status], ['BadDigest', 400]);
  const done = await complete({ ChecksumCRC32: crc32Of(body), ChecksumType: 'FULL_OBJECT' });
  assert.equal(done.ChecksumCRC32, crc32Of(body));
  assert.equal(done.ChecksumType, 'FULL_OBJECT');
});

test("a part read (?partNumber) with checksum mode answers that part's checksum and the object's type", async () => {
  const key = 'part-read';
  const parts = [Buffer.alloc(5 * 1024 * 1024, 'A'), Buffer.alloc(10, 'B')];
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'SHA256' }),
  );
  const done = [];
  for (const [i, Body] of parts.entries()) {
    const p = await s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        PartNumber: i + 1,
        Body,
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    done.push({ PartNumber: i + 1, ETag: p.ETag!, ChecksumSHA256: p.ChecksumSHA256! });
  }
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId,
      MultipartUpload: { Parts: done },
    }),
  );
  const head = await s3.send(
    new HeadObjectCommand({ Bucket: bucket, Key: key, PartNumber: 2, ChecksumMode: 'ENABLED' }),
  );
  assert.equal(head.ContentLength, 10);
  assert.equal(head.ChecksumSHA256, sha256(parts[1]!).toString('base64'));
  assert.equal(head.ChecksumType, 'COMPOSITE');
  const plain = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, PartNumber: 1 }));
  assert.equal(plain.ChecksumSHA256, undefined, 'no checksum without checksum mode');
});

test("an upload created without an algorithm: a CRC64NVME named on completion is checked against S3's default full-object one", async () => {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'default' }));
  const p = await s3.send(
    new UploadPartCommand({ Bucket: bucket, Key: 'default', UploadId, PartNumber: 1, Body: body }),
  );
  const complete = (ChecksumCRC64NVME: string) =>
    s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'default',
        UploadId,
        ChecksumCRC64NVME,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p.ETag! }] },
      }),
    );
  const wrong = await errorOf(complete('AAAAAAAAAAA='));
  assert.deepEqual([wrong.name, wrong.status], ['BadDigest', 400]);
  const single = await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: 'single', Body: body, ChecksumAlgorithm: 'CRC64NVME' }),
  );
  const done = await complete(single.ChecksumCRC64NVME!);
  assert.equal(done.ChecksumCRC64NVME, single.ChecksumCRC64NVME);
  assert.equal(done.ChecksumType, 'FULL_OBJECT');
});
