/**
 * A bucket answers only requests signed for its own region: the others get what the endpoint of
 * their signing region answers on S3, 301 PermanentRedirect with x-amz-bucket-region (even on
 * HEAD), or for virtual-hosted requests (which reach the bucket's own region on AWS)
 * AuthorizationHeaderMalformed naming the region. boto3 follows it and signs again; SDK v3 does with followRegionRedirects; presigned URLs
 * fail; GetBucketLocation is answered whatever the signing region.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  GetBucketLocationCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { errorOf } from '../support/errors.ts';
import { sdkConfig } from '../support/server.ts';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';
import { request } from 'node:http';
import { smithySign } from '../auth/helpers.ts';

const bucket = 'region-west';

const {
  server,
  s3: east,
  client,
} = useServer({
  async setup() {
    await west.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: 'us-west-2' },
      }),
    );
    await west.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'west data' }));
  },
});
const west = client((running) => new S3Client(sdkConfig(running, running.credentials, 'us-west-2')));

test('signed for another region: 301 PermanentRedirect naming the bucket region, also on HEAD', async () => {
  const put = await errorOf(east.send(new PutObjectCommand({ Bucket: bucket, Key: 'x', Body: 'x' })));
  assert.deepEqual([put.name, put.status], ['PermanentRedirect', 301]);
  assert.equal(
    put.message,
    'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
  );
  assert.equal(put.raw.Bucket, bucket);
  assert.equal(put.raw.$response?.headers?.['x-amz-bucket-region'], 'us-west-2');
  const head = await errorOf(east.send(new HeadObjectCommand({ Bucket: bucket, Key: 'k' })));
  assert.equal(head.status, 301);
  assert.equal(head.raw.$response?.headers?.['x-amz-bucket-region'], 'us-west-2');
  const where = await east.send(new GetBucketLocationCommand({ Bucket: bucket }));
  assert.equal(where.LocationConstraint, 'us-west-2', 'GetBucketLocation answers any region');
  const missing = await errorOf(
    east.send(new HeadObjectCommand({ Bucket: 'no-such-region-bucket', Key: 'k' })),
  );
  assert.equal(missing.status, 404, 'a bucket that does not exist has no region to redirect to');
});

test('virtual-hosted and signed for another region: AuthorizationHeaderMalformed naming the bucket region', async () => {
  const url = new URL(server.endpoint);
  const host = `${bucket}.s3.localhost:${url.port}`;
  const signed = await smithySign({
    host,
    path: '/k',
    headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    region: 'us-east-1',
    accessKeyId: server.credentials.accessKeyId,
    secret: server.credentials.secretAccessKey,
  });
  const res = await new Promise<{ status: number; body: string; region: unknown }>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: '/k', headers: signed.headers }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () =>
        resolve({
          status: r.statusCode!,
          body: Buffer.concat(chunks).toString(),
          region: r.headers['x-amz-bucket-region'],
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(res.status, 400);
  assert.match(res.body, /<Code>AuthorizationHeaderMalformed<\/Code>/);
  assert.match(res.body, /the region (&apos;|')us-east-1\1 is wrong; expecting \1us-west-2\1/);
  assert.match(res.body, /<Region>us-west-2<\/Region>/);
  assert.equal(res.region, 'us-west-2');
});

test('SDK v3 with followRegionRedirects re-signs for the bucket region', async () => {
  const follow = new S3Client({
    ...sdkConfig(server, server.credentials, 'us-east-1'),
    followRegionRedirects: true,
  });
  try {
    const got = await follow.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
    assert.equal(await got.Body!.transformToString(), 'west data');
  } finally {
    follow.destroy();
  }
});

test('a presigned URL signed for another region is redirected, not served', async () => {
  const url = await getSignedUrl(east, new GetObjectCommand({ Bucket: bucket, Key: 'k' }), { expiresIn: 60 });
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 301);
  assert.equal(res.headers.get('x-amz-bucket-region'), 'us-west-2');
  assert.match(await res.text(), /<Code>PermanentRedirect<\/Code>/);
  const good = await getSignedUrl(west, new GetObjectCommand({ Bucket: bucket, Key: 'k' }), {
    expiresIn: 60,
  });
  assert.equal(await (await fetch(good)).text(), 'west data');
});

test('boto3 configured for us-east-1 follows the region error (put, get, head)', async () => {
  const r = await python(
    `
s3 = client("s3", region_name="us-east-1")
out({
  "put": call(s3.put_object, Bucket="${bucket}", Key="from-boto3", Body=b"b3").get("ETag") is not None,
  "get": s3.get_object(Bucket="${bucket}", Key="from-boto3")["Body"].read().decode(),
  "head": call(s3.head_object, Bucket="${bucket}", Key="k").get("ContentLength"),
})
`,
    server.env(),
  );
  assert.deepEqual(r, { put: true, get: 'b3', head: 9 });
});
