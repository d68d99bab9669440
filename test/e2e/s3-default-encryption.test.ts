/**
 * Bucket default encryption on object writes and copies (SDK v3): writes without encryption
 * headers take the bucket's configuration, copies take the destination's (never the source's),
 * a bare KMS key id is answered as its ARN, and S3 Bucket Keys are reported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  DeleteBucketEncryptionCommand,
  PutObjectCommand,
  HeadObjectCommand,
  GetObjectCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import { errorFields } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';

const PLAIN = 'enc-plain';
const KMS = 'enc-kms';
const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:us-east-1:000000000000:key/${KEY}`;
const MANAGED = /^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36}$/;

const { s3 } = useServer({
  async setup() {
    for (const Bucket of [PLAIN, KMS]) await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: KMS,
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY },
              BucketKeyEnabled: true,
            },
          ],
        },
      }),
    );
  },
});

const sseOf = (o: { ServerSideEncryption?: string; SSEKMSKeyId?: string; BucketKeyEnabled?: boolean }) => ({
  sse: o.ServerSideEncryption,
  key: o.SSEKMSKeyId,
  bucketKey: o.BucketKeyEnabled,
});
const head = async (Bucket: string, Key: string) =>
  sseOf(await s3.send(new HeadObjectCommand({ Bucket, Key })));
const put = async (Bucket: string, Key: string, extra: Record<string, unknown> = {}) =>
  sseOf(await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'x', ...extra })));

test('writes without encryption headers take the bucket default: key ARN and bucket key', async () => {
  const want = { sse: 'aws:kms', key: KEY_ARN, bucketKey: true };
  assert.deepEqual(await put(KMS, 'a'), want);
  assert.deepEqual(await head(KMS, 'a'), want);
  const get = await s3.send(new GetObjectCommand({ Bucket: KMS, Key: 'a' }));
  await get.Body?.transformToString();
  assert.deepEqual(sseOf(get), want);

  const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: KMS, Key: 'm' }));
  assert.deepEqual(sseOf(up), want);
  const part = await s3.send(
    new UploadPartCommand({ Bucket: KMS, Key: 'm', UploadId: up.UploadId, PartNumber: 1, Body: 'x' }),
  );
  assert.deepEqual(sseOf(part), want);
  const done = await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: KMS,
      Key: 'm',
      UploadId: up.UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
    }),
  );
  assert.deepEqual(sseOf(done), want);
  assert.deepEqual(await head(KMS, 'm'), want);
});

test("the request's encryption wins; aws:kms without a key id is aws/s3, not the bucket's key", async () => {
  assert.deepEqual(await put(KMS, 'aes', { ServerSideEncryption: 'AES256' }), {
    sse: 'AES256',
    key: undefined,
    bucketKey: undefined,
  });
  const managed = await put(KMS, 'managed', { ServerSideEncryption: 'aws:kms' });
  assert.match(managed.key ?? '', MANAGED);
  assert.notEqual(managed.key, KEY_ARN);
  assert.equal(managed.bucketKey, true);
  const noBucketKey = await put(KMS, 'nbk', { ServerSideEncryption: 'aws:kms', BucketKeyEnabled: false });
  assert.equal(noBucketKey.bucketKey, undefined);
  assert.deepEqual(await put(PLAIN, 'bk', { ServerSideEncryption: 'aws:kms', BucketKeyEnabled: true }), {
    sse: 'aws:kms',
    key: managed.key,
    bucketKey: true,
  });
});

test('a bare key id is answered as its ARN; aws/s3 by alias as its key; other aliases as given', async () => {
  assert.equal((await put(PLAIN, 'id', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY })).key, KEY_ARN);
  assert.equal((await head(PLAIN, 'id')).key, KEY_ARN);
  const managed = (await put(PLAIN, 'm0', { ServerSideEncryption: 'aws:kms' })).key;
  for (const alias of ['alias/aws/s3', 'arn:aws:kms:us-east-1:000000000000:alias/aws/s3']) {
    assert.equal(
      (await put(PLAIN, 'al', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: alias })).key,
      managed,
    );
  }
  const own = 'alias/my-key';
  assert.equal((await put(PLAIN, 'own', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: own })).key, own);
});

test("CopyObject takes the destination bucket's encryption, not the source's", async () => {
  await put(PLAIN, 'src-kms', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY, BucketKeyEnabled: true });
  const toPlain = await s3.send(
    new CopyObjectCommand({ Bucket: PLAIN, Key: 'copy-plain', CopySource: `${PLAIN}/src-kms` }),
  );
  const aes = { sse: 'AES256', key: undefined, bucketKey: undefined };
  assert.deepEqual(sseOf(toPlain), aes);
  assert.deepEqual(await head(PLAIN, 'copy-plain'), aes);

  await put(PLAIN, 'src-aes');
  const toKms = await s3.send(
    new CopyObjectCommand({ Bucket: KMS, Key: 'copy-kms', CopySource: `${PLAIN}/src-aes` }),
  );
  // The bucket's BucketKeyEnabled is not applied to copies; the request's is.
  const kms = { sse: 'aws:kms', key: KEY_ARN, bucketKey: undefined };
  assert.deepEqual(sseOf(toKms), kms);
  assert.deepEqual(await head(KMS, 'copy-kms'), kms);
  const withKey = await s3.send(
    new CopyObjectCommand({
      Bucket: KMS,
      Key: 'copy-bk',
      CopySource: `${PLAIN}/src-aes`,
      BucketKeyEnabled: true,
    }),
  );
  assert.deepEqual(sseOf(withKey), { ...kms, bucketKey: true });

  const explicit = await s3.send(
    new CopyObjectCommand({
      Bucket: PLAIN,
      Key: 'copy-explicit',
      CopySource: `${KMS}/a`,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KEY,
    }),
  );
  assert.deepEqual(sseOf(explicit), kms);
});

test('copies in place: allowed when the encryption changes or the bucket has a configuration', async () => {
  const illegal = {
    name: 'InvalidRequest',
    message:
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
  };
  const inPlace = (Bucket: string, Key: string) =>
    s3.send(new CopyObjectCommand({ Bucket, Key, CopySource: `${Bucket}/${Key}` }));
  await put(PLAIN, 'self-aes');
  assert.deepEqual(await errorFields(inPlace(PLAIN, 'self-aes'), 'name', 'message'), illegal);

  await put(PLAIN, 'self-kms', { ServerSideEncryption: 'aws:kms' });
  await inPlace(PLAIN, 'self-kms');
  assert.equal((await head(PLAIN, 'self-kms')).sse, 'AES256');

  await inPlace(KMS, 'aes');
  assert.equal((await head(KMS, 'aes')).key, KEY_ARN);

  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: PLAIN,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    }),
  );
  await inPlace(PLAIN, 'self-aes');
  await s3.send(new DeleteBucketEncryptionCommand({ Bucket: PLAIN }));
  assert.deepEqual(await errorFields(inPlace(PLAIN, 'self-aes'), 'name', 'message'), illegal);
});
