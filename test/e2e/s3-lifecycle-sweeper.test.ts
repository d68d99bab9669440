/**
 * The lifecycle sweeper on its own schedule: with STRATUS_LIFECYCLE_DAY_SECONDS=1 a lifecycle
 * day lasts a second and the sweeper runs every second, so an object under a one-day Expiration
 * rule disappears without any trigger. The test polls for the outcome (no fixed sleeps).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
} from '@aws-sdk/client-s3';
import { startTestServer, sdkConfig, type TestServer } from '../support/server.ts';

let server: TestServer;
let s3: S3Client;

before(async () => {
  process.env.STRATUS_LIFECYCLE_DAY_SECONDS = '1';
  try {
    server = await startTestServer();
  } finally {
    delete process.env.STRATUS_LIFECYCLE_DAY_SECONDS;
  }
  s3 = new S3Client(sdkConfig(server));
});
after(async () => {
  s3.destroy();
  await server.stop();
});

test('the background sweeper expires objects once their (shortened) days have passed', async () => {
  const b = 'lc-background';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  await s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: b,
      LifecycleConfiguration: {
        Rules: [{ ID: 'tmp', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 1 } }],
      },
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'tmp/a', Body: 'a' }));
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'keep', Body: 'k' }));
  let keys: string[] = [];
  for (let i = 0; i < 150; i++) {
    keys = ((await s3.send(new ListObjectsV2Command({ Bucket: b }))).Contents ?? []).map((o) => o.Key!);
    if (!keys.includes('tmp/a')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(keys, ['keep']);
});
