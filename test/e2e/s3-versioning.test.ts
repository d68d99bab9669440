/**
 * S3 versioning through @aws-sdk/client-s3 v3: bucket state, version ids on writes, delete
 * markers, reads and deletes by version, ListObjectVersions paging, null versions after
 * suspension, DeleteObjects with versions, MFA delete refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  PutObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteBucketCommand,
  CopyObjectCommand,
  GetBucketVersioningCommand,
  PutBucketVersioningCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
  GetObjectTaggingCommand,
  PutObjectTaggingCommand,
  DeleteObjectTaggingCommand,
  GetObjectAttributesCommand,
  GetObjectAclCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';

const { server, s3 } = useServer();

async function versionedBucket(name: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }),
  );
}

const text = async (Bucket: string, Key: string, VersionId?: string) =>
  (
    await s3.send(new GetObjectCommand({ Bucket, Key, ...(VersionId ? { VersionId } : {}) }))
  ).Body!.transformToString();

test('bucket versioning state: never, Enabled, Suspended; MFA delete refused; bad status', async () => {
  const b = 'ver-state';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  const never = await s3.send(new GetBucketVersioningCommand({ Bucket: b }));
  assert.equal(never.Status, undefined);
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: b }))).Status, 'Enabled');
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Suspended' } }),
  );
  assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: b }))).Status, 'Suspended');
  const mfa = await errorOf(
    s3.send(
      new PutBucketVersioningCommand({
        Bucket: b,
        VersioningConfiguration: { Status: 'Enabled', MFADelete: 'Enabled' },
      }),
    ),
  );
  assert.equal(mfa.name, 'InvalidRequest');
  assert.equal(mfa.status, 400);
  const bad = await errorOf(
    s3.send(
      new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'On' as never } }),
    ),
  );
  assert.equal(bad.name, 'MalformedXML');
  const none = await errorOf(s3.send(new GetBucketVersioningCommand({ Bucket: 'ver-missing' })));
  assert.equal(none.name, 'NoSuchBucket');
});

test('versions, delete markers, reads and deletes by version id', async () => {
  const b = 'ver-flow';
  await versionedBucket(b);
  const v1 = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'one' }));
  const v2 = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'two' }));
  assert.match(v1.VersionId!, /^[A-Za-z0-9._]{32}$/);
  assert.notEqual(v1.VersionId, v2.VersionId);
  assert.equal(await text(b, 'k'), 'two');
  assert.equal(await text(b, 'k', v1.VersionId), 'one');
  const head = await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'k', VersionId: v1.VersionId }));
  assert.equal(head.VersionId, v1.VersionId);
  assert.equal(head.ContentLength, 3);
  const cur = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'k' }));
  assert.equal(cur.VersionId, v2.VersionId);

  const del = await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k' }));
  assert.equal(del.DeleteMarker, true);
  assert.match(del.VersionId!, /^[A-Za-z0-9._]{32}$/);
  const gone = await errorOf(s3.send(new GetObjectCommand({ Bucket: b, Key: 'k' })));
  assert.equal(gone.name, 'NoSuchKey');
  assert.equal(gone.status, 404);
  assert.equal(gone.raw.$response?.headers?.['x-amz-delete-marker'], 'true');
  const byMarker = await errorOf(
    s3.send(new GetObjectCommand({ Bucket: b, Key: 'k', VersionId: del.VersionId })),
  );
  assert.equal(byMarker.status, 405);
  assert.equal(byMarker.name, 'MethodNotAllowed');
  const headMarker = await errorOf(
    s3.send(new HeadObjectCommand({ Bucket: b, Key: 'k', VersionId: del.VersionId })),
  );
  assert.equal(headMarker.status, 405);
  assert.equal(headMarker.raw.$response?.headers?.['x-amz-delete-marker'], 'true');
  // Old versions stay readable; the listing hides the key.
  assert.equal(await text(b, 'k', v2.VersionId), 'two');
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: b }));
  assert.equal(listed.KeyCount, 0);
  const missing = await errorOf(
    s3.send(new GetObjectCommand({ Bucket: b, Key: 'k', VersionId: 'A'.repeat(32) })),
  );
  assert.equal(missing.name, 'NoSuchVersion');
  const invalid = await errorOf(s3.send(new GetObjectCommand({ Bucket: b, Key: 'k', VersionId: 'nope' })));
  assert.equal(invalid.name, 'InvalidArgument');

  // Removing the delete marker brings the newest version back.
  const undo = await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', VersionId: del.VersionId }));
  assert.equal(undo.DeleteMarker, true);
  assert.equal(undo.VersionId, del.VersionId);
  assert.equal(await text(b, 'k'), 'two');
  // Deleting the current version by id promotes the previous one.
  await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', VersionId: v2.VersionId }));
  assert.equal(await text(b, 'k'), 'one');
  await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', VersionId: v1.VersionId }));
  assert.equal((await errorOf(s3.send(new GetObjectCommand({ Bucket: b, Key: 'k' })))).name, 'NoSuchKey');
  // Empty of versions: the bucket can go.
  await s3.send(new DeleteBucketCommand({ Bucket: b }));
});

test('a bucket with only noncurrent versions or delete markers is not empty', async () => {
  const b = 'ver-notempty';
  await versionedBucket(b);
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'x', Body: 'x' }));
  await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'x' }));
  const e = await errorOf(s3.send(new DeleteBucketCommand({ Bucket: b })));
  assert.equal(e.name, 'BucketNotEmpty');
});

test('copy and multipart completion report version ids; copy from a version', async () => {
  const b = 'ver-copy';
  await versionedBucket(b);
  const v1 = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'src', Body: 'first' }));
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'src', Body: 'second' }));
  const copy = await s3.send(
    new CopyObjectCommand({ Bucket: b, Key: 'dst', CopySource: `${b}/src?versionId=${v1.VersionId}` }),
  );
  assert.match(copy.VersionId!, /^[A-Za-z0-9._]{32}$/);
  assert.equal(copy.CopySourceVersionId, v1.VersionId);
  assert.equal(await text(b, 'dst'), 'first');

  const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: 'mp' }));
  const part = await s3.send(
    new UploadPartCommand({ Bucket: b, Key: 'mp', UploadId: up.UploadId, PartNumber: 1, Body: 'parts' }),
  );
  const done = await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: b,
      Key: 'mp',
      UploadId: up.UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
    }),
  );
  assert.match(done.VersionId!, /^[A-Za-z0-9._]{32}$/);
  assert.equal(await text(b, 'mp', done.VersionId), 'parts');
});

test('ListObjectVersions: newest first per key, delete markers, paging by key and version markers', async () => {
  const b = 'ver-list';
  await versionedBucket(b);
  const ids: Record<string, string[]> = { a: [], b: [], 'd/x': [] };
  for (const key of ['a', 'b', 'a', 'd/x', 'a']) {
    const r = await s3.send(new PutObjectCommand({ Bucket: b, Key: key, Body: key }));
    ids[key]!.unshift(r.VersionId!);
  }
  const marker = await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'b' }));
  const all = await s3.send(new ListObjectVersionsCommand({ Bucket: b }));
  assert.deepEqual(
    all.Versions!.map((v) => [v.Key, v.VersionId, v.IsLatest]),
    [
      ['a', ids.a![0], true],
      ['a', ids.a![1], false],
      ['a', ids.a![2], false],
      ['b', ids.b![0], false],
      ['d/x', ids['d/x']![0], true],
    ],
  );
  assert.deepEqual(
    all.DeleteMarkers!.map((m) => [m.Key, m.VersionId, m.IsLatest]),
    [['b', marker.VersionId, true]],
  );
  assert.equal(all.IsTruncated, false);

  // Page two at a time, across the middle of key "a" and into "b".
  const seen: string[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (let i = 0; i < 10; i++) {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: b,
        MaxKeys: 2,
        ...(keyMarker ? { KeyMarker: keyMarker } : {}),
        ...(versionMarker ? { VersionIdMarker: versionMarker } : {}),
      }),
    );
    const entries = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
    assert.ok(entries.length <= 2);
    for (const e of entries) seen.push(e.VersionId!);
    if (!page.IsTruncated) break;
    keyMarker = page.NextKeyMarker;
    versionMarker = page.NextVersionIdMarker;
  }
  assert.equal(seen.length, 6);
  assert.equal(new Set(seen).size, 6);

  const rolled = await s3.send(new ListObjectVersionsCommand({ Bucket: b, Delimiter: '/' }));
  assert.deepEqual(rolled.CommonPrefixes, [{ Prefix: 'd/' }]);
  assert.equal(rolled.Versions!.length, 4);
  const prefixed = await s3.send(new ListObjectVersionsCommand({ Bucket: b, Prefix: 'd/' }));
  assert.deepEqual(
    prefixed.Versions!.map((v) => v.Key),
    ['d/x'],
  );
  const afterKey = await s3.send(new ListObjectVersionsCommand({ Bucket: b, KeyMarker: 'a' }));
  assert.equal(afterKey.Versions![0]!.Key, 'b');
  const noKey = await errorOf(
    s3.send(new ListObjectVersionsCommand({ Bucket: b, VersionIdMarker: ids.a![0] })),
  );
  assert.equal(noKey.name, 'InvalidArgument');
});

test('suspended versioning: a PUT replaces the null version, older versions stay', async () => {
  const b = 'ver-suspend';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  // An object from before versioning is the null version.
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'pre' }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  const v1 = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'v1' }));
  assert.equal(await text(b, 'k', 'null'), 'pre');
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Suspended' } }),
  );
  // Writes to a suspended bucket make the null version and answer without x-amz-version-id.
  const n1 = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'n1' }));
  assert.equal(n1.VersionId, undefined);
  const n2 = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'n2' }));
  assert.equal(n2.VersionId, undefined);
  const list = await s3.send(new ListObjectVersionsCommand({ Bucket: b }));
  assert.deepEqual(
    list.Versions!.map((v) => [v.VersionId, v.IsLatest]),
    [
      ['null', true],
      [v1.VersionId, false],
    ],
  );
  assert.equal(await text(b, 'k'), 'n2');
  // A delete in a suspended bucket: a null delete marker replaces the null version.
  const del = await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k' }));
  assert.equal(del.DeleteMarker, true);
  assert.equal(del.VersionId, 'null');
  const after = await s3.send(new ListObjectVersionsCommand({ Bucket: b }));
  assert.deepEqual(
    after.Versions!.map((v) => v.VersionId),
    [v1.VersionId],
  );
  assert.deepEqual(
    after.DeleteMarkers!.map((m) => [m.VersionId, m.IsLatest]),
    [['null', true]],
  );
  const copied = await s3.send(
    new CopyObjectCommand({ Bucket: b, Key: 'c', CopySource: `${b}/k?versionId=${v1.VersionId}` }),
  );
  assert.equal(copied.VersionId, undefined);
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: 'm' }));
  const part = await s3.send(
    new UploadPartCommand({ Bucket: b, Key: 'm', UploadId, PartNumber: 1, Body: 'm' }),
  );
  const done = await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: b,
      Key: 'm',
      UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] },
    }),
  );
  assert.equal(done.VersionId, undefined);
  assert.equal((await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'm' }))).VersionId, 'null');
});

test('DeleteObjects with and without version ids', async () => {
  const b = 'ver-multi';
  await versionedBucket(b);
  const a1 = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'a', Body: '1' }));
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'a', Body: '2' }));
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'c', Body: 'c' }));
  const r = await s3.send(
    new DeleteObjectsCommand({
      Bucket: b,
      Delete: { Objects: [{ Key: 'a', VersionId: a1.VersionId }, { Key: 'c' }] },
    }),
  );
  const byKey = new Map(r.Deleted!.map((d) => [d.Key, d]));
  assert.equal(byKey.get('a')!.VersionId, a1.VersionId);
  assert.equal(byKey.get('c')!.DeleteMarker, true);
  assert.match(byKey.get('c')!.DeleteMarkerVersionId!, /^[A-Za-z0-9._]{32}$/);
  assert.equal(await text(b, 'a'), '2');
  assert.equal((await errorOf(s3.send(new GetObjectCommand({ Bucket: b, Key: 'c' })))).name, 'NoSuchKey');
  const list = await s3.send(new ListObjectVersionsCommand({ Bucket: b }));
  assert.equal(list.Versions!.length, 2);
  assert.equal(list.DeleteMarkers!.length, 1);
});

test('an unversioned bucket reports no version ids', async () => {
  const b = 'ver-none';
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  const put = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x' }));
  assert.equal(put.VersionId, undefined);
  const got = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'k' }));
  assert.equal(got.VersionId, undefined);
  const del = await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k' }));
  assert.equal(del.DeleteMarker, undefined);
  const list = await s3.send(new ListObjectVersionsCommand({ Bucket: b }));
  assert.equal(list.Versions, undefined);
});

test('tagging, attributes and ACL reads of an older version', async () => {
  const b = 'ver-subresources';
  await versionedBucket(b);
  const v1 = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'first', Tagging: 'v=1' }));
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'second!', Tagging: 'v=2' }));
  const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: b, Key: 'k', VersionId: v1.VersionId }));
  assert.deepEqual(tags.TagSet, [{ Key: 'v', Value: '1' }]);
  const attrs = await s3.send(
    new GetObjectAttributesCommand({
      Bucket: b,
      Key: 'k',
      VersionId: v1.VersionId,
      ObjectAttributes: ['ObjectSize'],
    }),
  );
  assert.equal(attrs.ObjectSize, 5);
  assert.equal(attrs.VersionId, v1.VersionId, 'GetObjectAttributes names the version (x-amz-version-id)');
  const acl = await s3.send(new GetObjectAclCommand({ Bucket: b, Key: 'k', VersionId: v1.VersionId }));
  assert.ok(acl.Owner?.ID);
  // Tagging one version leaves the others alone.
  await s3.send(
    new PutObjectTaggingCommand({
      Bucket: b,
      Key: 'k',
      VersionId: v1.VersionId,
      Tagging: { TagSet: [{ Key: 'v', Value: 'old' }] },
    }),
  );
  const retagged = await s3.send(
    new GetObjectTaggingCommand({ Bucket: b, Key: 'k', VersionId: v1.VersionId }),
  );
  assert.deepEqual(retagged.TagSet, [{ Key: 'v', Value: 'old' }]);
  assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: b, Key: 'k' }))).TagSet, [
    { Key: 'v', Value: '2' },
  ]);
  await s3.send(new DeleteObjectTaggingCommand({ Bucket: b, Key: 'k', VersionId: v1.VersionId }));
  assert.deepEqual(
    (await s3.send(new GetObjectTaggingCommand({ Bucket: b, Key: 'k', VersionId: v1.VersionId }))).TagSet,
    [],
  );
  const missing = await errorOf(
    s3.send(new GetObjectTaggingCommand({ Bucket: b, Key: 'k', VersionId: 'B'.repeat(32) })),
  );
  assert.equal(missing.name, 'NoSuchVersion');
});

test('boto3: versioned bucket flow (put twice, delete marker, list versions, read old version)', async () => {
  const r = await python(
    `
s3 = client("s3")
s3.create_bucket(Bucket="ver-boto3")
s3.put_bucket_versioning(Bucket="ver-boto3", VersioningConfiguration={"Status": "Enabled"})
v1 = s3.put_object(Bucket="ver-boto3", Key="k", Body=b"one")["VersionId"]
v2 = s3.put_object(Bucket="ver-boto3", Key="k", Body=b"two")["VersionId"]
d = s3.delete_object(Bucket="ver-boto3", Key="k")
gone = call(s3.get_object, Bucket="ver-boto3", Key="k")
old = s3.get_object(Bucket="ver-boto3", Key="k", VersionId=v1)["Body"].read().decode()
lv = s3.list_object_versions(Bucket="ver-boto3")
mfa = call(s3.put_bucket_versioning, Bucket="ver-boto3", VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
out({"v1": v1, "v2": v2, "marker": d.get("DeleteMarker"), "gone": gone, "old": old,
     "versions": [[v["VersionId"], v["IsLatest"]] for v in lv["Versions"]],
     "markers": [[m["VersionId"], m["IsLatest"]] for m in lv["DeleteMarkers"]], "mfa": mfa,
     "status": s3.get_bucket_versioning(Bucket="ver-boto3").get("Status")})
`,
    server.env(),
  );
  assert.equal(r.marker, true);
  assert.equal(r.gone.error, 'NoSuchKey');
  assert.equal(r.old, 'one');
  assert.deepEqual(r.versions, [
    [r.v2, false],
    [r.v1, false],
  ]);
  assert.equal(r.markers.length, 1);
  assert.equal(r.markers[0][1], true);
  assert.equal(r.mfa.error, 'InvalidRequest');
  assert.equal(r.status, 'Enabled');
});
