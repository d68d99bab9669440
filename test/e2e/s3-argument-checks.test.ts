/**
 * Small S3 argument rules through @aws-sdk/client-s3 v3 and hand-built requests: system tag
 * keys on objects, ListParts max-parts bounds, UploadPart refusing a versionId, the
 * DeleteResult document of a quiet DeleteObjects; times in whole seconds everywhere; response-*
 * overrides only on signed GETs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  HeadObjectCommand,
  CopyObjectCommand,
  UploadPartCopyCommand,
  DeletePublicAccessBlockCommand,
  PutBucketPolicyCommand,
  GetObjectCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';
import { contentMd5, s3Raw } from './s3-raw-support.ts';

const B = 'argument-checks';

const { server, s3 } = useServer({
  async setup() {
    await s3.send(new CreateBucketCommand({ Bucket: B }));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'x' }));
  },
});

test('object tag keys may not start with aws:', async () => {
  for (const p of [
    () =>
      s3.send(
        new PutObjectTaggingCommand({
          Bucket: B,
          Key: 'k',
          Tagging: { TagSet: [{ Key: 'aws:x', Value: 'v' }] },
        }),
      ),
    () => s3.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'x', Tagging: 'aws%3Ax=v' })),
  ]) {
    const e = await errorOf(p());
    assert.equal(e.name, 'InvalidTag');
    assert.equal(e.status, 400);
    assert.equal(e.message, 'Your TagKey cannot be prefixed with aws:');
  }
  await s3.send(
    new PutObjectTaggingCommand({ Bucket: B, Key: 'k', Tagging: { TagSet: [{ Key: 'awsx', Value: 'v' }] } }),
  );
});

test('ListParts max-parts must be between 0 and 2147483647; UploadPart takes no versionId', async () => {
  const UploadId = (await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'm' }))).UploadId!;
  const e = await errorOf(s3.send(new ListPartsCommand({ Bucket: B, Key: 'm', UploadId, MaxParts: -1 })));
  assert.equal(e.name, 'InvalidArgument');
  assert.equal(e.message, 'Argument max-parts must be an integer between 0 and 2147483647');
  assert.equal(e.raw.ArgumentName, 'max-parts');
  assert.equal(e.raw.ArgumentValue, '-1');
  assert.equal(
    (await s3.send(new ListPartsCommand({ Bucket: B, Key: 'm', UploadId, MaxParts: 0 }))).MaxParts,
    0,
  );

  const part = await s3Raw(server, 'PUT', `/${B}/m`, {
    query: { partNumber: '1', uploadId: UploadId, versionId: 'null' },
    body: 'abc',
  });
  assert.equal(part.status, 400, part.body);
  assert.equal(part.field('Code'), 'InvalidArgument');
  assert.equal(part.field('Message'), 'This operation does not accept a version-id.');
  assert.equal(part.field('ArgumentName'), 'versionId');
  assert.equal(part.field('ArgumentValue'), 'null');
});

test('a quiet DeleteObjects whose deletes all succeed answers an empty DeleteResult document', async () => {
  const body = '<Delete><Quiet>true</Quiet><Object><Key>k</Key></Object></Delete>';
  const r = await s3Raw(server, 'POST', `/${B}`, {
    query: { delete: '' },
    body,
    headers: { 'content-md5': contentMd5(body) },
  });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/xml');
  assert.match(
    r.body,
    /<DeleteResult xmlns="http:\/\/s3\.amazonaws\.com\/doc\/2006-03-01\/">\s*<\/DeleteResult>$/,
  );
});

test('times are whole seconds: listings, copy results, parts and uploads agree with Last-Modified', async () => {
  await s3.send(new PutObjectCommand({ Bucket: B, Key: 'src', Body: 'x' }));
  const copy = await s3.send(new CopyObjectCommand({ Bucket: B, Key: 't', CopySource: `${B}/src` }));
  const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 't' }));
  assert.equal(copy.CopyObjectResult!.LastModified!.getTime(), head.LastModified!.getTime());
  const listed = (await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 't' }))).Contents![0]!;
  assert.equal(listed.LastModified!.getTime(), head.LastModified!.getTime());
  const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: B, Prefix: 't' }));
  assert.equal(versions.Versions![0]!.LastModified!.getTime(), head.LastModified!.getTime());
  const UploadId = (await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'tm' }))).UploadId!;
  const part = await s3.send(
    new UploadPartCopyCommand({ Bucket: B, Key: 'tm', UploadId, PartNumber: 1, CopySource: `${B}/src` }),
  );
  const parts = await s3.send(new ListPartsCommand({ Bucket: B, Key: 'tm', UploadId }));
  const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: B, Prefix: 'tm' }));
  for (const d of [
    part.CopyPartResult!.LastModified!,
    parts.Parts![0]!.LastModified!,
    uploads.Uploads![0]!.Initiated!,
  ])
    assert.equal(d.getMilliseconds(), 0);
  const raw = await s3Raw(server, 'GET', `/${B}`, { query: { 'list-type': '2', prefix: 't' } });
  assert.match(raw.field('LastModified')!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
});

test('response-* overrides need a signed request: anonymous GET with them is InvalidRequest', async () => {
  const bucket = 'argument-checks-public';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
  const Policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` },
    ],
  });
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x' }));
  const anon = await fetch(`${server.endpoint}/${bucket}/k?response-content-type=foo%2Fbar`);
  assert.equal(anon.status, 400);
  const body = await anon.text();
  assert.match(body, /<Code>InvalidRequest<\/Code>/);
  assert.match(body, /Request specific response headers cannot be used for anonymous GET requests\./);
  // Without overrides anonymous reads work; signed reads may override.
  assert.equal(await (await fetch(`${server.endpoint}/${bucket}/k`)).text(), 'x');
  const signed = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: 'k', ResponseContentType: 'foo/bar' }),
  );
  assert.equal(signed.ContentType, 'foo/bar');
  await signed.Body!.transformToString();
});
