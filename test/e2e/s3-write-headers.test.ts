/**
 * Object writes (PutObject, CreateMultipartUpload, CopyObject, presigned POST) refuse header
 * values S3 refuses, through @aws-sdk/client-s3 v3 and boto3: encryption methods and KMS key ids,
 * canned ACLs and grant headers on a bucket with ACLs enabled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  PutObjectCommand,
  PutBucketAclCommand,
  GetObjectAclCommand,
  HeadObjectCommand,
  CreateMultipartUploadCommand,
  CopyObjectCommand,
  ListBucketsCommand,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { errorOf } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';

const B = 'write-headers';
const ACLS = 'write-headers-acls';

const { server, s3 } = useServer({
  async setup() {
    await s3.send(new CreateBucketCommand({ Bucket: B }));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'src', Body: 'x' }));
    await s3.send(new CreateBucketCommand({ Bucket: ACLS, ObjectOwnership: 'ObjectWriter' }));
  },
});

const UNSUPPORTED = 'The encryption method specified is not supported';
const KMS_ONLY =
  'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms';

test('x-amz-server-side-encryption takes AES256, aws:kms and aws:kms:dsse only (case-sensitive)', async () => {
  const writes = (sse: string, kms?: string) => {
    const extra = { ServerSideEncryption: sse as never, ...(kms ? { SSEKMSKeyId: kms } : {}) };
    return [
      () => s3.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'x', ...extra })),
      () => s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'k', ...extra })),
      () => s3.send(new CopyObjectCommand({ Bucket: B, Key: 'k', CopySource: `${B}/src`, ...extra })),
    ];
  };
  for (const bad of ['AES512', 'aes256', 'AWS:KMS']) {
    for (const p of writes(bad)) {
      const e = await errorOf(p());
      assert.equal(e.name, 'InvalidArgument');
      assert.equal(e.status, 400);
      assert.equal(e.message, UNSUPPORTED);
      assert.equal(e.raw.ArgumentName, 'x-amz-server-side-encryption');
      assert.equal(e.raw.ArgumentValue, bad);
    }
  }
  for (const p of writes('AES256', 'my-key')) {
    const e = await errorOf(p());
    assert.equal(e.name, 'InvalidArgument');
    assert.equal(e.message, KMS_ONLY);
  }
  for (const sse of ['AES256', 'aws:kms', 'aws:kms:dsse']) {
    for (const p of writes(sse)) await p();
  }
  await s3.send(
    new PutObjectCommand({
      Bucket: B,
      Key: 'kms',
      Body: 'x',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'k',
    }),
  );
  const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'kms' }));
  assert.equal(head.ServerSideEncryption, 'aws:kms');
});

test('boto3: a KMS key id without aws:kms is refused', async () => {
  const r = await python(
    `
s3 = client("s3", config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
out([call(s3.put_object, Bucket="${B}", Key="b", Body=b"x", SSEKMSKeyId="abc"),
     call(s3.put_object, Bucket="${B}", Key="b", Body=b"x", ServerSideEncryption="AES512")])
`,
    server.env(),
  );
  assert.deepEqual(r, [
    { error: 'InvalidArgument', message: KMS_ONLY, status: 400 },
    { error: 'InvalidArgument', message: UNSUPPORTED, status: 400 },
  ]);
});

test('presigned POST: an unsupported encryption field is refused', async () => {
  const post = await createPresignedPost(s3, {
    Bucket: B,
    Key: 'posted',
    Fields: { 'x-amz-server-side-encryption': 'AES512' },
  });
  const form = new FormData();
  for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
  form.append('file', new Blob(['hello']));
  const res = await fetch(post.url.replace(/\/?$/, '/'), { method: 'POST', body: form });
  const body = await res.text();
  assert.equal(res.status, 400, body);
  assert.match(body, /<Code>InvalidArgument<\/Code>/);
  assert.match(body, new RegExp(`<Message>${UNSUPPORTED}</Message>`));
});

test('ACL-enabled bucket: unknown canned ACLs, canned ACLs with grants and malformed grants are refused', async () => {
  const OWNER = 'id="' + 'a'.repeat(64) + '"';
  type Extra = { ACL?: string; GrantRead?: string; GrantFullControl?: string };
  const writes = (extra: Extra) => [
    () => s3.send(new PutObjectCommand({ Bucket: ACLS, Key: 'k', Body: 'x', ...(extra as object) })),
    () => s3.send(new CreateMultipartUploadCommand({ Bucket: ACLS, Key: 'k', ...(extra as object) })),
    () =>
      s3.send(
        new CopyObjectCommand({ Bucket: ACLS, Key: 'k', CopySource: `${B}/src`, ...(extra as object) }),
      ),
  ];
  for (const p of writes({ ACL: 'public-ready' })) {
    const e = await errorOf(p());
    assert.equal(e.name, 'InvalidArgument');
    assert.equal(e.status, 400);
    assert.equal(e.raw.ArgumentName, 'x-amz-acl');
    assert.equal(e.raw.ArgumentValue, 'public-ready');
  }
  for (const p of writes({ ACL: 'private', GrantRead: OWNER })) {
    const e = await errorOf(p());
    assert.equal(e.name, 'InvalidRequest');
    assert.equal(e.message, 'Specifying both Canned ACLs and Header Grants is not allowed');
  }
  for (const p of writes({ GrantRead: 'foo' })) {
    const e = await errorOf(p());
    assert.equal(e.name, 'InvalidArgument');
    assert.equal(e.message, 'Argument format not recognized');
    assert.equal(e.raw.ArgumentName, 'x-amz-grant-read');
    assert.equal(e.raw.ArgumentValue, 'foo');
  }
  const bucketAcl = await errorOf(s3.send(new PutBucketAclCommand({ Bucket: ACLS, GrantRead: 'foo' })));
  assert.equal(bucketAcl.name, 'InvalidArgument');
  assert.equal(bucketAcl.message, 'Argument format not recognized');
  // Valid ones still pass (grantees must be canonical ids S3 knows: the owner's, EC2's reader).
  for (const p of writes({ ACL: 'bucket-owner-read' })) await p();
  const ownerId = (await s3.send(new ListBucketsCommand({}))).Owner!.ID!;
  const ec2Reader = '6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c';
  for (const p of writes({ GrantFullControl: `id="${ownerId}", id=${ec2Reader}` })) await p();
  await s3.send(new PutObjectCommand({ Bucket: ACLS, Key: 'k', Body: 'x', ACL: 'private' }));
  assert.equal((await s3.send(new GetObjectAclCommand({ Bucket: ACLS, Key: 'k' }))).Grants?.length, 1);
});

test('x-amz-website-redirect-location must start with /, http:// or https:// (put, copy, multipart); nothing is stored', async () => {
  const writes = (loc: string) => [
    () => s3.send(new PutObjectCommand({ Bucket: B, Key: 'redir', Body: 'x', WebsiteRedirectLocation: loc })),
    () =>
      s3.send(
        new CopyObjectCommand({
          Bucket: B,
          Key: 'redir',
          CopySource: `${B}/src`,
          WebsiteRedirectLocation: loc,
        }),
      ),
    () =>
      s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'redir', WebsiteRedirectLocation: loc })),
  ];
  for (const p of writes('foo')) {
    const e = await errorOf(p());
    assert.equal(e.name, 'InvalidRedirectLocation');
    assert.equal(e.status, 400);
    assert.equal(
      e.message,
      "The website redirect location must have a prefix of 'http://' or 'https://' or '/'.",
    );
  }
  assert.equal((await errorOf(s3.send(new HeadObjectCommand({ Bucket: B, Key: 'redir' })))).status, 404);
  for (const loc of ['/other', 'http://example.com/a', 'https://example.com'])
    for (const p of writes(loc)) await p();
  const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'redir' }));
  assert.equal(head.WebsiteRedirectLocation, 'https://example.com');
});
