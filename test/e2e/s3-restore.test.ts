/**
 * Archived objects (GLACIER, DEEP_ARCHIVE) and RestoreObject, with STRATUS_S3_RESTORE_SECONDS=1 so
 * a restore completes a second after it is asked for. Reads of an archived object's bytes are
 * 403 InvalidObjectState until then; HeadObject shows x-amz-restore; listings show RestoreStatus
 * when OptionalObjectAttributes asks for it; the state survives a restart.
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
  GetObjectCommand,
  HeadObjectCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
  RestoreObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  GetObjectAttributesCommand,
} from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { startTestServer, sdkConfig, type TestServer } from '../support/server.ts';
import { errorOf } from '../support/errors.ts';
import { createUserWithKeys } from '../support/iam.ts';

let server: TestServer;
let s3: S3Client;

async function startWithDelay(dir?: string): Promise<TestServer> {
  process.env.STRATUS_S3_RESTORE_SECONDS = '1';
  try {
    return await startTestServer([], dir);
  } finally {
    delete process.env.STRATUS_S3_RESTORE_SECONDS;
  }
}

before(async () => {
  server = await startWithDelay();
  s3 = new S3Client(sdkConfig(server));
});
after(async () => {
  s3.destroy();
  await server.stop();
});

/** Polls HeadObject until the restore is no longer in progress (a few seconds at most). */
async function restored(client: S3Client, Bucket: string, Key: string, VersionId?: string): Promise<string> {
  for (let i = 0; i < 60; i++) {
    const r = (await client.send(new HeadObjectCommand({ Bucket, Key, VersionId }))).Restore;
    if (r?.startsWith('ongoing-request="false"')) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('restore did not complete');
}

/** The next midnight UTC at least `days` days after `from`, as S3 rounds a restore's expiry. */
const midnightAfter = (from: number, days: number) =>
  new Date(Math.ceil((from + days * 86_400_000) / 86_400_000) * 86_400_000);

test('archived objects: GetObject and copies from them are 403 InvalidObjectState; GLACIER_IR reads at once', async () => {
  const b = 'restore-refused';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  for (const [Key, StorageClass] of [
    ['g', 'GLACIER'],
    ['d', 'DEEP_ARCHIVE'],
    ['ir', 'GLACIER_IR'],
  ] as const)
    await s3.send(new PutObjectCommand({ Bucket: b, Key, Body: Key, StorageClass }));
  for (const [Key, StorageClass] of [
    ['g', 'GLACIER'],
    ['d', 'DEEP_ARCHIVE'],
  ]) {
    const e = await errorOf(s3.send(new GetObjectCommand({ Bucket: b, Key })));
    assert.equal(e.name, 'InvalidObjectState');
    assert.equal(e.status, 403);
    assert.equal(e.message, "The operation is not valid for the object's storage class");
    assert.equal(e.raw.StorageClass, StorageClass);
    const head = await s3.send(new HeadObjectCommand({ Bucket: b, Key }));
    assert.equal(head.StorageClass, StorageClass);
    assert.equal(head.Restore, undefined);
    const c = await errorOf(
      s3.send(new CopyObjectCommand({ Bucket: b, Key: 'copy', CopySource: `${b}/${Key}` })),
    );
    assert.deepEqual(
      [c.name, c.status, c.message, c.raw.StorageClass],
      [
        'InvalidObjectState',
        403,
        "Operation is not valid for the source object's storage class",
        StorageClass,
      ],
    );
  }
  const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: 'mp' }));
  const pc = await errorOf(
    s3.send(
      new UploadPartCopyCommand({
        Bucket: b,
        Key: 'mp',
        UploadId: up.UploadId,
        PartNumber: 1,
        CopySource: `${b}/g`,
      }),
    ),
  );
  assert.equal(pc.name, 'InvalidObjectState');
  const ir = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'ir' }));
  assert.equal(await ir.Body!.transformToString(), 'ir');
  // GetObjectAttributes reads no bytes: it answers for an archived object.
  const attrs = await s3.send(
    new GetObjectAttributesCommand({ Bucket: b, Key: 'g', ObjectAttributes: ['StorageClass', 'ObjectSize'] }),
  );
  assert.deepEqual([attrs.StorageClass, attrs.ObjectSize], ['GLACIER', 1]);
});

test('RestoreObject: 202, 409 while in progress, readable once restored, 200 extends the expiry', async () => {
  const b = 'restore-flow';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'cold', Body: 'frozen', StorageClass: 'GLACIER' }));
  const asked = Date.now();
  const r = await s3.send(
    new RestoreObjectCommand({
      Bucket: b,
      Key: 'cold',
      RestoreRequest: { Days: 2, GlacierJobParameters: { Tier: 'Bulk' } },
    }),
  );
  assert.equal(r.$metadata.httpStatusCode, 202);
  const again = await errorOf(
    s3.send(new RestoreObjectCommand({ Bucket: b, Key: 'cold', RestoreRequest: { Days: 2 } })),
  );
  assert.deepEqual([again.name, again.status], ['RestoreAlreadyInProgress', 409]);
  assert.equal(
    (await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'cold' }))).Restore,
    'ongoing-request="true"',
  );
  const listing = await s3.send(
    new ListObjectsV2Command({ Bucket: b, OptionalObjectAttributes: ['RestoreStatus'] }),
  );
  assert.deepEqual(listing.Contents![0]!.RestoreStatus, { IsRestoreInProgress: true });
  assert.equal(
    (await errorOf(s3.send(new GetObjectCommand({ Bucket: b, Key: 'cold' })))).name,
    'InvalidObjectState',
  );

  const header = await restored(s3, b, 'cold');
  const expiry = midnightAfter(asked + 1000, 2);
  // Completion falls within a few seconds of the request: the expiry is one of two midnights at most.
  const m = /^ongoing-request="false", expiry-date="(.+)"$/.exec(header);
  assert.ok(m, header);
  assert.ok(Math.abs(new Date(m[1]!).getTime() - expiry.getTime()) <= 86_400_000, header);
  assert.equal(new Date(m[1]!).toUTCString(), m[1]);
  assert.equal(new Date(m[1]!).getUTCHours(), 0);

  const got = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'cold' }));
  assert.equal(await got.Body!.transformToString(), 'frozen');
  assert.equal(got.Restore, header);
  assert.equal(got.StorageClass, 'GLACIER');
  await s3.send(new CopyObjectCommand({ Bucket: b, Key: 'warm', CopySource: `${b}/cold` }));
  const list = await s3.send(
    new ListObjectsV2Command({ Bucket: b, OptionalObjectAttributes: ['RestoreStatus'] }),
  );
  const cold = list.Contents!.find((o) => o.Key === 'cold')!;
  assert.equal(cold.RestoreStatus?.IsRestoreInProgress, false);
  assert.equal(cold.RestoreStatus?.RestoreExpiryDate?.getTime(), new Date(m[1]!).getTime());
  assert.equal(list.Contents!.find((o) => o.Key === 'warm')!.RestoreStatus, undefined);
  // Without OptionalObjectAttributes a listing shows no RestoreStatus.
  const plain = await s3.send(new ListObjectsV2Command({ Bucket: b }));
  assert.equal(plain.Contents!.find((o) => o.Key === 'cold')!.RestoreStatus, undefined);

  // A restored copy's period restarts from now: 200 OK and a later expiry.
  const sent = Date.now();
  const extended = await s3.send(
    new RestoreObjectCommand({ Bucket: b, Key: 'cold', RestoreRequest: { Days: 10 } }),
  );
  assert.equal(extended.$metadata.httpStatusCode, 200);
  const later = (await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'cold' }))).Restore!;
  const laterDate = new Date(/expiry-date="(.+)"/.exec(later)![1]!);
  // (Either side of a midnight the request may straddle.)
  assert.ok(
    [midnightAfter(sent, 10).getTime(), midnightAfter(Date.now(), 10).getTime()].includes(
      laterDate.getTime(),
    ),
    later,
  );

  // A new write is a new object: archived again, with no restore.
  await s3.send(
    new PutObjectCommand({ Bucket: b, Key: 'cold', Body: 'again', StorageClass: 'DEEP_ARCHIVE' }),
  );
  assert.equal((await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'cold' }))).Restore, undefined);
  assert.equal(
    (await errorOf(s3.send(new GetObjectCommand({ Bucket: b, Key: 'cold' })))).name,
    'InvalidObjectState',
  );
});

test('RestoreObject refuses what S3 refuses', async () => {
  const b = 'restore-refusals';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'std', Body: 's' }));
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'ir', Body: 's', StorageClass: 'GLACIER_IR' }));
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'g', Body: 'g', StorageClass: 'GLACIER' }));
  for (const [Key, cls] of [
    ['std', 'STANDARD'],
    ['ir', 'GLACIER_IR'],
  ]) {
    const e = await errorOf(
      s3.send(new RestoreObjectCommand({ Bucket: b, Key, RestoreRequest: { Days: 1 } })),
    );
    assert.deepEqual(
      [e.name, e.status, e.message, e.raw.StorageClass],
      ['InvalidObjectState', 403, "The operation is not valid for the object's storage class", cls],
    );
  }
  const malformed = [
    {},
    { Days: 1, Tier: 'Bulk' as const },
    { OutputLocation: { S3: { BucketName: b, Prefix: 'p' } } },
  ];
  for (const RestoreRequest of malformed) {
    const e = await errorOf(s3.send(new RestoreObjectCommand({ Bucket: b, Key: 'g', RestoreRequest })));
    assert.deepEqual([e.name, e.status], ['MalformedXML', 400], JSON.stringify(RestoreRequest));
  }
  const select = await errorOf(
    s3.send(new RestoreObjectCommand({ Bucket: b, Key: 'g', RestoreRequest: { Type: 'SELECT' } })),
  );
  assert.deepEqual([select.name, select.status], ['NotImplemented', 501]);
  const missing = await errorOf(
    s3.send(new RestoreObjectCommand({ Bucket: b, Key: 'nope', RestoreRequest: { Days: 1 } })),
  );
  assert.deepEqual([missing.name, missing.status], ['NoSuchKey', 404]);
  // Nothing refused started a restore.
  assert.equal((await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'g' }))).Restore, undefined);
});

test('versions: a restore is per version, and ListObjectVersions shows RestoreStatus', async () => {
  const b = 'restore-versions';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  const v1 = await s3.send(
    new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'one', StorageClass: 'GLACIER' }),
  );
  const v2 = await s3.send(
    new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'two', StorageClass: 'GLACIER' }),
  );
  const r = await s3.send(
    new RestoreObjectCommand({ Bucket: b, Key: 'k', VersionId: v1.VersionId, RestoreRequest: { Days: 1 } }),
  );
  assert.equal(r.$metadata.httpStatusCode, 202);
  await restored(s3, b, 'k', v1.VersionId);
  const old = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'k', VersionId: v1.VersionId }));
  assert.equal(await old.Body!.transformToString(), 'one');
  assert.equal(
    (await errorOf(s3.send(new GetObjectCommand({ Bucket: b, Key: 'k' })))).name,
    'InvalidObjectState',
  );
  const listed = await s3.send(
    new ListObjectVersionsCommand({ Bucket: b, OptionalObjectAttributes: ['RestoreStatus'] }),
  );
  const byId = new Map(listed.Versions!.map((v) => [v.VersionId, v.RestoreStatus]));
  assert.equal(byId.get(v1.VersionId)?.IsRestoreInProgress, false);
  assert.equal(byId.get(v2.VersionId), undefined);
});

test('IAM: RestoreObject asks for s3:RestoreObject on the object', async () => {
  const b = 'restore-iam';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'a', Body: 'a', StorageClass: 'GLACIER' }));
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'b', Body: 'b', StorageClass: 'GLACIER' }));
  const iam = new IAMClient(sdkConfig(server));
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:RestoreObject', Resource: `arn:aws:s3:::${b}/a` }],
  });
  const user = await createUserWithKeys(iam, 'restorer', policy);
  const client = new S3Client(sdkConfig(server, user));
  try {
    const ok = await client.send(
      new RestoreObjectCommand({ Bucket: b, Key: 'a', RestoreRequest: { Days: 1 } }),
    );
    assert.equal(ok.$metadata.httpStatusCode, 202);
    const denied = await errorOf(
      client.send(new RestoreObjectCommand({ Bucket: b, Key: 'b', RestoreRequest: { Days: 1 } })),
    );
    assert.deepEqual([denied.name, denied.status], ['AccessDenied', 403]);
  } finally {
    client.destroy();
    iam.destroy();
  }
});

test('a restore in progress survives a restart and completes from its stored times', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-restore-'));
  try {
    let srv = await startWithDelay(dir);
    let c = new S3Client(sdkConfig(srv));
    await c.send(new CreateBucketCommand({ Bucket: 'restore-restart' }));
    await c.send(
      new PutObjectCommand({
        Bucket: 'restore-restart',
        Key: 'k',
        Body: 'kept',
        StorageClass: 'DEEP_ARCHIVE',
      }),
    );
    await c.send(
      new RestoreObjectCommand({ Bucket: 'restore-restart', Key: 'k', RestoreRequest: { Days: 3 } }),
    );
    c.destroy();
    await srv.stop();
    srv = await startWithDelay(dir);
    c = new S3Client(sdkConfig(srv));
    try {
      await restored(c, 'restore-restart', 'k');
      const got = await c.send(new GetObjectCommand({ Bucket: 'restore-restart', Key: 'k' }));
      assert.equal(await got.Body!.transformToString(), 'kept');
    } finally {
      c.destroy();
      await srv.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
