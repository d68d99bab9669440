/**
 * Multipart uploads: lib-storage's Upload, the low-level calls and their errors, listings,
 * UploadPartCopy with ranges, ETags and composite/full-object checksums.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  S3Client,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  CompleteMultipartUploadCommand,
  AbortMultipartUploadCommand,
  ListPartsCommand,
  ListMultipartUploadsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  GetObjectAttributesCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { crc64nvme } from '../../src/protocol/streaming/crc.ts';
import { errorOf } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';
import { sdkConfig } from '../support/server.ts';

const bucket = 'multipart-e2e';
const MiB = 1024 * 1024;

const { server, s3 } = useServer({
  async setup() {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  },
});

const md5 = (b: Buffer) => createHash('md5').update(b).digest();

test('lib-storage Upload of 12 MiB: 3 parts, ETag md5-of-md5s-3, bytes intact', async () => {
  const body = randomBytes(12 * MiB + 5);
  const up = new Upload({
    client: s3,
    params: { Bucket: bucket, Key: 'lib/storage.bin', Body: body, ContentType: 'video/mp4' },
    partSize: 5 * MiB,
  });
  const done = await up.done();
  const parts = [body.subarray(0, 5 * MiB), body.subarray(5 * MiB, 10 * MiB), body.subarray(10 * MiB)];
  const expected = `"${createHash('md5')
    .update(Buffer.concat(parts.map(md5)))
    .digest('hex')}-3"`;
  assert.equal(done.ETag, expected);
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'lib/storage.bin' }));
  assert.equal(head.ContentLength, body.length);
  assert.equal(head.ContentType, 'video/mp4');
  const got = Buffer.from(
    await (
      await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'lib/storage.bin' }))
    ).Body!.transformToByteArray(),
  );
  assert.ok(got.equals(body));
  const part2 = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: 'lib/storage.bin', PartNumber: 2 }),
  );
  assert.equal(part2.$metadata.httpStatusCode, 206);
  assert.equal(part2.PartsCount, 3);
  assert.equal(part2.ContentLength, 5 * MiB);
  await part2.Body!.transformToByteArray();
});

test('errors: InvalidPartOrder, InvalidPart, EntityTooSmall, NoSuchUpload; abort removes the upload', async () => {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'errs' }));
  const p1 = await s3.send(
    new UploadPartCommand({
      Bucket: bucket,
      Key: 'errs',
      UploadId,
      PartNumber: 1,
      Body: Buffer.alloc(1024, 1),
    }),
  );
  const p2 = await s3.send(
    new UploadPartCommand({
      Bucket: bucket,
      Key: 'errs',
      UploadId,
      PartNumber: 2,
      Body: Buffer.alloc(1024, 2),
    }),
  );
  const complete = (Parts: { PartNumber: number; ETag: string }[]) =>
    s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'errs',
        UploadId,
        MultipartUpload: { Parts },
      }),
    );
  const order = await errorOf(
    complete([
      { PartNumber: 2, ETag: p2.ETag! },
      { PartNumber: 1, ETag: p1.ETag! },
    ]),
  );
  assert.deepEqual([order.name, order.status], ['InvalidPartOrder', 400]);
  const wrong = await errorOf(complete([{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }]));
  assert.deepEqual([wrong.name, wrong.status], ['InvalidPart', 400]);
  const missing = await errorOf(complete([{ PartNumber: 3, ETag: p1.ETag! }]));
  assert.equal(missing.name, 'InvalidPart');
  const small = await errorOf(
    complete([
      { PartNumber: 1, ETag: p1.ETag! },
      { PartNumber: 2, ETag: p2.ETag! },
    ]),
  );
  assert.deepEqual([small.name, small.status], ['EntityTooSmall', 400]);
  const parts = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'errs', UploadId }));
  assert.deepEqual(
    parts.Parts!.map((p) => [p.PartNumber, p.Size, p.ETag]),
    [
      [1, 1024, p1.ETag],
      [2, 1024, p2.ETag],
    ],
  );
  const paged = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'errs', UploadId, MaxParts: 1 }));
  assert.equal(paged.IsTruncated, true);
  assert.equal(paged.NextPartNumberMarker, '1');
  const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  assert.ok(uploads.Uploads!.some((u) => u.UploadId === UploadId && u.Key === 'errs'));
  const nested = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'dir/nested' }));
  const rolled = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Delimiter: '/' }));
  assert.deepEqual(
    rolled.CommonPrefixes?.map((p) => p.Prefix),
    ['dir/'],
  );
  assert.ok(!rolled.Uploads?.some((u) => u.Key === 'dir/nested'));
  await s3.send(
    new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'dir/nested', UploadId: nested.UploadId }),
  );
  // A single small part is a valid (last) part.
  const one = await complete([{ PartNumber: 2, ETag: p2.ETag! }]);
  assert.match(one.ETag!, /-1"$/);
  const gone = await errorOf(
    s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'errs', UploadId, PartNumber: 1, Body: 'x' })),
  );
  assert.deepEqual([gone.name, gone.status], ['NoSuchUpload', 404]);
  const { UploadId: u2 } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'aborted' }),
  );
  await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'aborted', UploadId: u2 }));
  assert.equal(
    (await errorOf(s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'aborted', UploadId: u2 })))).name,
    'NoSuchUpload',
  );
  assert.equal(
    (
      await errorOf(
        s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'aborted', UploadId: 'nope' })),
      )
    ).name,
    'NoSuchUpload',
  );
  const badNumber = await errorOf(
    s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'errs', UploadId: u2, PartNumber: 10001, Body: 'x' }),
    ),
  );
  assert.equal(badNumber.status, 400);
});

test('UploadPartCopy with ranges assembles an object from another', async () => {
  const src = randomBytes(6 * MiB);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copy-src', Body: src }));
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'copy-dst' }));
  const a = await s3.send(
    new UploadPartCopyCommand({
      Bucket: bucket,
      Key: 'copy-dst',
      UploadId,
      PartNumber: 1,
      CopySource: `${bucket}/copy-src`,
      CopySourceRange: `bytes=0-${5 * MiB - 1}`,
    }),
  );
  const b = await s3.send(
    new UploadPartCopyCommand({
      Bucket: bucket,
      Key: 'copy-dst',
      UploadId,
      PartNumber: 2,
      CopySource: `${bucket}/copy-src`,
      CopySourceRange: 'bytes=100-199',
    }),
  );
  assert.equal(b.CopyPartResult!.ETag, `"${md5(src.subarray(100, 200)).toString('hex')}"`);
  const bad = await errorOf(
    s3.send(
      new UploadPartCopyCommand({
        Bucket: bucket,
        Key: 'copy-dst',
        UploadId,
        PartNumber: 3,
        CopySource: `${bucket}/copy-src`,
        CopySourceRange: 'bytes=0-99999999',
      }),
    ),
  );
  assert.equal(bad.status, 400);
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: 'copy-dst',
      UploadId,
      MultipartUpload: {
        Parts: [
          { PartNumber: 1, ETag: a.CopyPartResult!.ETag! },
          { PartNumber: 2, ETag: b.CopyPartResult!.ETag! },
        ],
      },
    }),
  );
  const got = Buffer.from(
    await (
      await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy-dst' }))
    ).Body!.transformToByteArray(),
  );
  assert.ok(got.equals(Buffer.concat([src.subarray(0, 5 * MiB), src.subarray(100, 200)])));
});

test('checksums: composite CRC32 (-N) and full-object CRC64NVME; If-None-Match on complete', async () => {
  const body = randomBytes(5 * MiB + 10);
  const up = new Upload({
    client: s3,
    params: { Bucket: bucket, Key: 'crc-composite', Body: body, ChecksumAlgorithm: 'CRC32' },
    partSize: 5 * MiB,
  });
  const done = await up.done();
  assert.match(done.ChecksumCRC32 ?? '', /^[A-Za-z0-9+/]{6}==-2$/);
  const head = await s3.send(
    new HeadObjectCommand({ Bucket: bucket, Key: 'crc-composite', ChecksumMode: 'ENABLED' }),
  );
  assert.equal(head.ChecksumCRC32, done.ChecksumCRC32);
  assert.equal(head.ChecksumType, 'COMPOSITE');
  const attrs = await s3.send(
    new GetObjectAttributesCommand({
      Bucket: bucket,
      Key: 'crc-composite',
      ObjectAttributes: ['ObjectParts', 'Checksum'],
    }),
  );
  assert.equal(attrs.ObjectParts?.TotalPartsCount, 2);
  assert.equal(attrs.ObjectParts?.Parts?.[1]?.Size, 10);

  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: 'crc-full',
      ChecksumAlgorithm: 'CRC64NVME',
      ChecksumType: 'FULL_OBJECT',
    }),
  );
  const p = await s3.send(
    new UploadPartCommand({
      Bucket: bucket,
      Key: 'crc-full',
      UploadId,
      PartNumber: 1,
      Body: body,
      ChecksumAlgorithm: 'CRC64NVME',
    }),
  );
  const mismatch = await errorOf(
    s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'crc-full',
        UploadId,
        PartNumber: 2,
        Body: 'x',
        ChecksumAlgorithm: 'CRC32',
      }),
    ),
  );
  assert.deepEqual([mismatch.name, mismatch.status], ['InvalidRequest', 400]);
  const whole = await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: 'crc-single', Body: body, ChecksumAlgorithm: 'CRC64NVME' }),
  );
  const fin = await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: 'crc-full',
      UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p.ETag!, ChecksumCRC64NVME: p.ChecksumCRC64NVME! }] },
      IfNoneMatch: '*',
    }),
  );
  assert.equal(
    fin.ChecksumCRC64NVME,
    whole.ChecksumCRC64NVME,
    'a full-object checksum equals the single-PUT one',
  );
  assert.equal(fin.ChecksumType, 'FULL_OBJECT');
  const { UploadId: again } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'crc-full' }),
  );
  const p2 = await s3.send(
    new UploadPartCommand({ Bucket: bucket, Key: 'crc-full', UploadId: again, PartNumber: 1, Body: 'x' }),
  );
  const exists = await errorOf(
    s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'crc-full',
        UploadId: again,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p2.ETag! }] },
        IfNoneMatch: '*',
      }),
    ),
  );
  assert.deepEqual([exists.name, exists.status], ['PreconditionFailed', 412]);
});

test('an upload created without a checksum: parts answer the checksum they carried, the object gets a full-object CRC64NVME', async () => {
  const key = 'default-checksum.bin';
  const a = randomBytes(5 * MiB);
  const b = randomBytes(1000);
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  // The SDK sends a CRC32 with each part by default: checked and answered, not kept.
  const p1 = await s3.send(
    new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: a }),
  );
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(a));
  assert.equal(p1.ChecksumCRC32, crc.toString('base64'));
  // A client that sends none gets none.
  const plain = new S3Client({ ...sdkConfig(server), requestChecksumCalculation: 'WHEN_REQUIRED' });
  const p2 = await plain.send(
    new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 2, Body: b }),
  );
  plain.destroy();
  assert.equal(p2.ChecksumCRC32, undefined);
  assert.equal(p2.ChecksumCRC64NVME, undefined);
  const listed = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId }));
  assert.deepEqual(
    listed.Parts!.map((p) => [p.PartNumber, p.ChecksumCRC32, p.ChecksumCRC64NVME]),
    [
      [1, undefined, undefined],
      [2, undefined, undefined],
    ],
  );
  const done = await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId,
      MultipartUpload: {
        Parts: [
          { PartNumber: 1, ETag: p1.ETag },
          { PartNumber: 2, ETag: p2.ETag },
        ],
      },
    }),
  );
  const whole = crc64nvme(Buffer.concat([a, b])).toString('base64');
  assert.equal(done.ChecksumCRC64NVME, whole);
  assert.equal(done.ChecksumType, 'FULL_OBJECT');
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
  assert.equal(head.ChecksumCRC64NVME, whole);
  assert.equal(head.ChecksumType, 'FULL_OBJECT');
});
