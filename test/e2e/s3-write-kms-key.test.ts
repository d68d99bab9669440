/**
 * SSE-KMS without a key id: S3 answers the ARN of the account's AWS-managed key aws/s3 in the
 * bucket's region, on the write and on every later answer about the object (SDK v3).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  HeadObjectCommand,
  GetObjectCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import { startTestServer, sdkConfig, type TestServer } from '../support/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'stratus-kms-'));
let server: TestServer;
let s3: S3Client;
const B = 'kms-default';
const ARN =
  /^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const KMS = { ServerSideEncryption: 'aws:kms' } as const;

async function start(): Promise<void> {
  server = await startTestServer([], dir);
  s3 = new S3Client(sdkConfig(server));
}
async function stop(): Promise<void> {
  s3.destroy();
  await server.stop();
}

before(async () => {
  await start();
  await s3.send(new CreateBucketCommand({ Bucket: B }));
});
after(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

const head = (Key: string) => s3.send(new HeadObjectCommand({ Bucket: B, Key }));

test('PutObject: the aws/s3 key ARN, the same on every write, HEAD and GET; a given key id as given', async () => {
  const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'a', Body: 'x', ...KMS }));
  assert.match(put.SSEKMSKeyId ?? '', ARN);
  const arn = put.SSEKMSKeyId;
  const dsse = await s3.send(
    new PutObjectCommand({ Bucket: B, Key: 'b', Body: 'x', ServerSideEncryption: 'aws:kms:dsse' }),
  );
  assert.equal(dsse.SSEKMSKeyId, arn);
  assert.deepEqual(
    { sse: (await head('a')).ServerSideEncryption, key: (await head('a')).SSEKMSKeyId },
    { sse: 'aws:kms', key: arn },
  );
  const get = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'a' }));
  await get.Body?.transformToString();
  assert.equal(get.SSEKMSKeyId, arn);

  const given = 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555';
  const own = await s3.send(
    new PutObjectCommand({ Bucket: B, Key: 'c', Body: 'x', ...KMS, SSEKMSKeyId: given }),
  );
  assert.equal(own.SSEKMSKeyId, given);
  assert.equal((await head('c')).SSEKMSKeyId, given);

  const plain = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'd', Body: 'x' }));
  assert.deepEqual([plain.ServerSideEncryption, plain.SSEKMSKeyId], ['AES256', undefined]);
  assert.equal((await head('d')).SSEKMSKeyId, undefined);
});

test('CopyObject and multipart uploads record the same key; AES256 on a copy drops it', async () => {
  const arn = (await head('a')).SSEKMSKeyId;
  const copy = await s3.send(new CopyObjectCommand({ Bucket: B, Key: 'e', CopySource: `${B}/d`, ...KMS }));
  assert.equal(copy.SSEKMSKeyId, arn);
  assert.equal((await head('e')).SSEKMSKeyId, arn);
  const back = await s3.send(
    new CopyObjectCommand({ Bucket: B, Key: 'e', CopySource: `${B}/e`, ServerSideEncryption: 'AES256' }),
  );
  assert.equal(back.SSEKMSKeyId, undefined);
  assert.equal((await head('e')).SSEKMSKeyId, undefined);

  const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'm', ...KMS }));
  assert.equal(up.SSEKMSKeyId, arn);
  const part = await s3.send(
    new UploadPartCommand({ Bucket: B, Key: 'm', UploadId: up.UploadId, PartNumber: 1, Body: 'x' }),
  );
  assert.equal(part.SSEKMSKeyId, arn);
  const done = await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: B,
      Key: 'm',
      UploadId: up.UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
    }),
  );
  assert.equal(done.SSEKMSKeyId, arn);
  assert.equal((await head('m')).SSEKMSKeyId, arn);
});

test('the key survives a restart, and new writes after it get the same one', async () => {
  const arn = (await head('a')).SSEKMSKeyId;
  await stop();
  await start();
  assert.equal((await head('a')).SSEKMSKeyId, arn);
  const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'f', Body: 'x', ...KMS }));
  assert.equal(put.SSEKMSKeyId, arn);
});

test('another region: that region in the ARN and another key id', async () => {
  const arn = (await head('a')).SSEKMSKeyId!;
  const eu = new S3Client(sdkConfig(server, server.credentials, 'eu-west-1'));
  try {
    await eu.send(
      new CreateBucketCommand({
        Bucket: 'kms-eu',
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    const put = await eu.send(new PutObjectCommand({ Bucket: 'kms-eu', Key: 'a', Body: 'x', ...KMS }));
    const other = put.SSEKMSKeyId ?? '';
    assert.match(other, /^arn:aws:kms:eu-west-1:000000000000:key\//);
    assert.notEqual(other.split('/')[1], arn.split('/')[1]);
  } finally {
    eu.destroy();
  }
});
