/**
 * ListMultipartUploads' paging and arguments through @aws-sdk/client-s3 v3: a page ending on a
 * common prefix continues past it, encoding-type=url encodes keys, prefixes and markers, and
 * out-of-range or unknown arguments are refused as S3 refuses them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  S3Client,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  type ListMultipartUploadsCommandOutput,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.ts';
import { createUserWithKeys } from '../support/iam.ts';
import { sdkConfig } from '../support/server.ts';
import { useServer } from '../support/use-server.ts';

const B = 'mpu-listing';

const { s3, iam, server } = useServer({
  async setup() {
    await s3.send(new CreateBucketCommand({ Bucket: B }));
    for (const Key of ['a', 'b/1', 'b/2', 'c', 'sp ace+é'])
      await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key }));
  },
});

const entries = (r: ListMultipartUploadsCommandOutput): string[] => [
  ...(r.Uploads ?? []).map((u) => u.Key!),
  ...(r.CommonPrefixes ?? []).map((p) => `prefix:${p.Prefix}`),
];

test('a page that ends on a common prefix continues past it, never listing it twice', async () => {
  const seen: string[] = [];
  let KeyMarker: string | undefined;
  let UploadIdMarker: string | undefined;
  for (let pages = 0; pages < 10; pages++) {
    const r = await s3.send(
      new ListMultipartUploadsCommand({
        Bucket: B,
        Delimiter: '/',
        MaxUploads: 2,
        KeyMarker,
        UploadIdMarker,
      }),
    );
    seen.push(...entries(r));
    if (!r.IsTruncated) break;
    KeyMarker = r.NextKeyMarker;
    UploadIdMarker = r.NextUploadIdMarker;
  }
  assert.deepEqual(seen.sort(), ['a', 'c', 'prefix:b/', 'sp ace+é']);
  const first = await s3.send(new ListMultipartUploadsCommand({ Bucket: B, Delimiter: '/', MaxUploads: 2 }));
  assert.equal(first.NextKeyMarker, 'b/');
  assert.equal(first.NextUploadIdMarker, undefined);
  // A key marker inside a common prefix does not bring the prefix back either.
  const inside = await s3.send(
    new ListMultipartUploadsCommand({ Bucket: B, Delimiter: '/', KeyMarker: 'b/1' }),
  );
  assert.deepEqual(entries(inside), ['c', 'sp ace+é']);
});

test('encoding-type=url encodes keys, prefixes, delimiter and markers', async () => {
  const r = await s3.send(
    new ListMultipartUploadsCommand({ Bucket: B, Prefix: 'sp ', Delimiter: '+', EncodingType: 'url' }),
  );
  assert.equal(r.EncodingType, 'url');
  assert.equal(r.Prefix, 'sp%20');
  assert.equal(r.Delimiter, '%2B');
  assert.deepEqual(r.CommonPrefixes, [{ Prefix: 'sp%20ace%2B' }]);
  const keys = await s3.send(
    new ListMultipartUploadsCommand({ Bucket: B, KeyMarker: 'c', EncodingType: 'url', MaxUploads: 1 }),
  );
  assert.equal(keys.Uploads![0]!.Key, 'sp%20ace%2B%C3%A9');
});

test('unknown encoding types and negative max-uploads are InvalidArgument', async () => {
  const enc = await errorOf(
    s3.send(new ListMultipartUploadsCommand({ Bucket: B, EncodingType: 'xml' as never })),
  );
  assert.deepEqual(
    [enc.name, enc.status, enc.message],
    ['InvalidArgument', 400, 'Invalid Encoding Method specified in Request'],
  );
  assert.equal(enc.raw.ArgumentName, 'encoding-type');
  const max = await errorOf(s3.send(new ListMultipartUploadsCommand({ Bucket: B, MaxUploads: -1 })));
  assert.deepEqual(
    [max.name, max.message],
    ['InvalidArgument', 'Argument max-uploads must be an integer between 0 and 2147483647'],
  );
  assert.deepEqual([max.raw.ArgumentName, max.raw.ArgumentValue], ['max-uploads', '-1']);
});

test("an upload's Initiator: the account's root is named by the owner's canonical ID, an IAM user by its ARN", async () => {
  const bucket = 'mpu-initiator';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const root = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'by-root' }));
  const user = await createUserWithKeys(
    iam,
    'mpu-initiator',
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    }),
  );
  const userS3 = new S3Client(sdkConfig(server, user));
  try {
    await userS3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'by-user' }));
  } finally {
    userS3.destroy();
  }
  const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  const [byRoot, byUser] = listed.Uploads!;
  assert.equal(byRoot!.Key, 'by-root');
  assert.equal(byRoot!.Initiator?.ID, byRoot!.Owner?.ID);
  assert.match(byRoot!.Owner!.ID!, /^[0-9a-f]{64}$/);
  assert.equal(byUser!.Initiator?.ID, user.arn);
  const parts = await s3.send(
    new ListPartsCommand({ Bucket: bucket, Key: 'by-root', UploadId: root.UploadId }),
  );
  assert.equal(parts.Initiator?.ID, parts.Owner?.ID);
});
