// Who an object write's ACL names and who ends up owning the object: BucketOwnerPreferred hands a
// completed multipart upload created with bucket-owner-full-control to the bucket owner, grant
// headers naming a canonical id no account has are refused before anything is written (as S3
// answered versitygw#1384), and aws-exec-read grants READ to EC2's bundle-reading canonical user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetObjectAclCommand,
  PutBucketAclCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';
import { outcome, secondAccount, unique } from './enforcement-support.ts';

let alt: S3Client;
let altId = '';
let mainId = '';
const { s3 } = useServer({
  setup: async ({ server, s3 }) => {
    const second = await secondAccount(server, 'alt-grantee');
    alt = second.clients.s3;
    altId = second.canonicalId;
    mainId = (await s3.send(new ListBucketsCommand({}))).Owner!.ID!;
  },
});
const EC2_READER = '6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c';

async function aclBucket(ownership: 'ObjectWriter' | 'BucketOwnerPreferred', extra = {}): Promise<string> {
  const bucket = unique('aclg');
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: ownership, ...extra }));
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
  return bucket;
}

async function multipart(client: S3Client, bucket: string, key: string, acl?: 'bucket-owner-full-control') {
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...(acl ? { ACL: acl } : {}) }),
  );
  const { ETag } = await client.send(
    new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: 'part' }),
  );
  await client.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] },
    }),
  );
}

test('BucketOwnerPreferred: a multipart upload created with bucket-owner-full-control completes as the bucket owner’s', async () => {
  const bucket = await aclBucket('BucketOwnerPreferred', { GrantWrite: `id=${altId}` });
  await multipart(alt, bucket, 'handed', 'bucket-owner-full-control');
  await multipart(alt, bucket, 'kept');
  const handed = await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'handed' }));
  assert.equal(handed.Owner?.ID, mainId);
  assert.deepEqual(
    handed.Grants?.map((g) => `${g.Grantee?.ID}:${g.Permission}`),
    [`${mainId}:FULL_CONTROL`],
  );
  const kept = await alt.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'kept' }));
  assert.equal(kept.Owner?.ID, altId);
});

test('grant headers naming a canonical id no account has are InvalidArgument "Invalid id", writing nothing', async () => {
  const bucket = await aclBucket('ObjectWriter');
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'src', Body: 'x' }));
  const nobody = 'b'.repeat(64);
  const refused = { code: 'InvalidArgument', status: 400, message: 'Invalid id' };
  const grant = { GrantRead: `id=${nobody}` };
  assert.deepEqual(
    await outcome(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'put', Body: 'x', ...grant }))),
    refused,
  );
  assert.deepEqual(
    await outcome(
      s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy', CopySource: `${bucket}/src`, ...grant })),
    ),
    refused,
  );
  assert.deepEqual(
    await outcome(s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mpu', ...grant }))),
    refused,
  );
  const created = unique('aclg-nobody');
  assert.deepEqual(
    await outcome(
      s3.send(
        new CreateBucketCommand({
          Bucket: created,
          ObjectOwnership: 'ObjectWriter',
          GrantFullControl: `id=${nobody}`,
        }),
      ),
    ),
    refused,
  );
  // Nothing was left behind.
  for (const Key of ['put', 'copy'])
    assert.equal(
      ((await outcome(s3.send(new HeadObjectCommand({ Bucket: bucket, Key })))) as { status: number }).status,
      404,
    );
  assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads, undefined);
  assert.equal(
    ((await outcome(s3.send(new HeadBucketCommand({ Bucket: created })))) as { status: number }).status,
    404,
  );
  // A malformed id in a header names the header's id argument too; a known one is stored.
  assert.deepEqual(
    await outcome(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'put', Body: 'x', GrantRead: 'id=0123' })),
    ),
    refused,
  );
  // S3 names the header's id argument (versitygw#1384), for Put*Acl's header grants too.
  for (const send of [
    () => s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'put', Body: 'x', ...grant })),
    () => s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'src', ...grant })),
  ]) {
    const e = await errorOf(send());
    assert.deepEqual([e.raw.ArgumentName, e.raw.ArgumentValue], ['id', nobody]);
  }
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'put', Body: 'x', GrantRead: `id=${altId}` }));
  assert.equal(await outcome(alt.send(new HeadObjectCommand({ Bucket: bucket, Key: 'put' }))), 'ok');
});

test('aws-exec-read: the owner has FULL_CONTROL and EC2’s bundle reader READ; the ACL can be put back', async () => {
  const bucket = await aclBucket('ObjectWriter');
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ami', Body: 'x', ACL: 'aws-exec-read' }));
  const acl = await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'ami' }));
  assert.deepEqual(
    acl.Grants?.map((g) => `${g.Grantee?.Type}:${g.Grantee?.ID}:${g.Permission}`),
    [`CanonicalUser:${mainId}:FULL_CONTROL`, `CanonicalUser:${EC2_READER}:READ`],
  );
  // What GetObjectAcl answered is accepted back (EC2's reader is a grantee S3 knows).
  await s3.send(
    new PutObjectAclCommand({
      Bucket: bucket,
      Key: 'ami',
      AccessControlPolicy: { Owner: acl.Owner, Grants: acl.Grants },
    }),
  );
});

test('aws-exec-read applies to buckets too; bucket-owner-* on CreateBucket amount to the owner’s full control', async () => {
  const grants = async (Bucket: string) =>
    (await s3.send(new GetBucketAclCommand({ Bucket }))).Grants?.map(
      (g) => `${g.Grantee?.ID}:${g.Permission}`,
    );
  const exec = unique('aclg-exec');
  await s3.send(
    new CreateBucketCommand({ Bucket: exec, ObjectOwnership: 'ObjectWriter', ACL: 'aws-exec-read' as never }),
  );
  assert.deepEqual(await grants(exec), [`${mainId}:FULL_CONTROL`, `${EC2_READER}:READ`]);
  await s3.send(new PutBucketAclCommand({ Bucket: exec, ACL: 'private' }));
  await s3.send(new PutBucketAclCommand({ Bucket: exec, ACL: 'aws-exec-read' as never }));
  assert.deepEqual(await grants(exec), [`${mainId}:FULL_CONTROL`, `${EC2_READER}:READ`]);
  for (const ACL of ['bucket-owner-read', 'bucket-owner-full-control']) {
    const Bucket = unique('aclg-bo');
    await s3.send(new CreateBucketCommand({ Bucket, ObjectOwnership: 'ObjectWriter', ACL: ACL as never }));
    assert.deepEqual(await grants(Bucket), [`${mainId}:FULL_CONTROL`]);
  }
});
