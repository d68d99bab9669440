/**
 * Copies of a given source version (CopyObject, UploadPartCopy) through @aws-sdk/client-s3 v3
 * and boto3: the named version's bytes, x-amz-copy-source-version-id, and S3's errors for empty,
 * malformed and delete-marker version ids; empty versionId on reads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  GetObjectCommand,
  GetObjectAclCommand,
  DeleteObjectCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
  CompleteMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';
import { s3Raw } from './s3-raw-support.ts';

const B = 'copy-versions';
let v1 = '';
let marker = '';

const { server, s3 } = useServer({
  async setup() {
    await s3.send(new CreateBucketCommand({ Bucket: B }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    v1 = (await s3.send(new PutObjectCommand({ Bucket: B, Key: 's', Body: 'first' }))).VersionId!;
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 's', Body: 'second' }));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'gone', Body: 'x' }));
    marker = (await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'gone' }))).VersionId!;
  },
});

const text = async (Key: string) =>
  (await s3.send(new GetObjectCommand({ Bucket: B, Key }))).Body!.transformToString();

async function upload(Key: string): Promise<string> {
  return (await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key }))).UploadId!;
}

test('UploadPartCopy copies the version named in x-amz-copy-source and answers its id', async () => {
  const UploadId = await upload('m');
  const r = await s3.send(
    new UploadPartCopyCommand({
      Bucket: B,
      Key: 'm',
      UploadId,
      PartNumber: 1,
      CopySource: `${B}/s?versionId=${v1}`,
    }),
  );
  assert.equal(r.CopySourceVersionId, v1);
  assert.equal(r.CopyPartResult!.ETag, '"8b04d5e3775d298e78455efc5ca404d5"'); // md5("first")
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: B,
      Key: 'm',
      UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: r.CopyPartResult!.ETag! }] },
    }),
  );
  assert.equal(await text('m'), 'first');
  // Without a version: the current one, whose id is answered too.
  const UploadId2 = await upload('m2');
  const cur = await s3.send(
    new UploadPartCopyCommand({
      Bucket: B,
      Key: 'm2',
      UploadId: UploadId2,
      PartNumber: 1,
      CopySource: `${B}/s`,
    }),
  );
  assert.ok(cur.CopySourceVersionId && cur.CopySourceVersionId !== v1);
});

test('copies refuse empty, malformed and delete-marker version ids', async () => {
  const UploadId = await upload('bad');
  const part = (CopySource: string) =>
    errorOf(
      s3.send(new UploadPartCopyCommand({ Bucket: B, Key: 'bad', UploadId, PartNumber: 1, CopySource })),
    );
  const copy = (CopySource: string) =>
    errorOf(s3.send(new CopyObjectCommand({ Bucket: B, Key: 'dst', CopySource })));
  for (const send of [part, copy]) {
    const empty = await send(`${B}/s?versionId=`);
    assert.equal(empty.name, 'InvalidArgument');
    assert.equal(empty.status, 400);
    assert.equal(empty.message, 'Version id cannot be the empty string');
    assert.equal(empty.raw.ArgumentName, 'x-amz-copy-source');
    assert.equal(empty.raw.ArgumentValue ?? '', '');

    const bad = await send(`${B}/s?versionId=abc`);
    assert.equal(bad.name, 'InvalidArgument');
    assert.equal(bad.message, 'Invalid version id specified');
    assert.equal(bad.raw.ArgumentName, 'x-amz-copy-source');

    const dm = await send(`${B}/gone?versionId=${marker}`);
    assert.equal(dm.name, 'InvalidRequest');
    assert.equal(dm.status, 400);
    assert.equal(
      dm.message,
      'The source of a copy request may not specifically refer to a delete marker by version id.',
    );
    assert.equal(dm.raw.$response?.headers?.['x-amz-delete-marker'], undefined);
  }
});

test('boto3: copy_object and upload_part_copy with a VersionId', async () => {
  const r = await python(
    `
s3 = client("s3", config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
b = "${B}"
c = s3.copy_object(Bucket=b, Key="c1", CopySource={"Bucket": b, "Key": "s", "VersionId": "${v1}"})
u = s3.create_multipart_upload(Bucket=b, Key="c2")["UploadId"]
p = s3.upload_part_copy(Bucket=b, Key="c2", UploadId=u, PartNumber=1,
                        CopySource={"Bucket": b, "Key": "s", "VersionId": "${v1}"})
s3.complete_multipart_upload(Bucket=b, Key="c2", UploadId=u,
    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p["CopyPartResult"]["ETag"]}]})
dm = call(s3.copy_object, Bucket=b, Key="c3", CopySource={"Bucket": b, "Key": "gone", "VersionId": "${marker}"})
out({"c1": s3.get_object(Bucket=b, Key="c1")["Body"].read().decode(), "v": c.get("CopySourceVersionId"),
     "c2": s3.get_object(Bucket=b, Key="c2")["Body"].read().decode(), "pv": p.get("CopySourceVersionId"),
     "dm": dm})
`,
    server.env(),
  );
  assert.equal(r.c1, 'first');
  assert.equal(r.v, v1);
  assert.equal(r.c2, 'first');
  assert.equal(r.pv, v1);
  assert.equal(r.dm.error, 'InvalidRequest');
  assert.equal(r.dm.status, 400);
});

test('an empty versionId on reads is "Version id cannot be the empty string"', async () => {
  const get = await s3Raw(server, 'GET', `/${B}/s`, { query: { versionId: '' } });
  assert.equal(get.status, 400);
  assert.equal(get.field('Code'), 'InvalidArgument');
  assert.equal(get.field('Message'), 'Version id cannot be the empty string');
  assert.equal(get.field('ArgumentName'), 'versionId');
  const acl = await errorOf(s3.send(new GetObjectAclCommand({ Bucket: B, Key: 's', VersionId: '' })));
  assert.equal(acl.name, 'InvalidArgument');
  assert.equal(acl.message, 'Version id cannot be the empty string');
});
