/**
 * S3 objects through @aws-sdk/client-s3 v3 (its default CRC32 checksums): put/get/head/delete,
 * metadata and system headers, response overrides, ranges, conditional reads and writes,
 * checksums, tagging, copy, key rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  CopyObjectCommand,
  PutObjectTaggingCommand,
  GetObjectTaggingCommand,
  DeleteObjectTaggingCommand,
  GetObjectAttributesCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';
import { sdkConfig } from '../support/server.ts';

const bucket = 'objects-e2e';

const { server, s3 } = useServer({
  async setup() {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  },
});

const md5 = (b: Buffer | string) => `"${createHash('md5').update(b).digest('hex')}"`;

test('put, get, head and delete; ETag is the quoted MD5; default content type', async () => {
  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain.txt', Body: 'hello world' }));
  assert.equal(put.ETag, md5('hello world'));
  assert.ok(put.ChecksumCRC32, 'the SDK default CRC32 is stored and echoed');
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'plain.txt' }));
  assert.equal(await got.Body!.transformToString(), 'hello world');
  assert.equal(got.ETag, put.ETag);
  assert.equal(got.ContentLength, 11);
  assert.equal(got.AcceptRanges, 'bytes');
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'plain.txt' }));
  assert.equal(head.ContentLength, 11);
  assert.ok(head.LastModified instanceof Date);
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'untyped',
      Body: Buffer.from([1, 2, 3]),
      ContentType: undefined,
    }),
  );
  const untyped = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'untyped' }));
  assert.ok(
    untyped.ContentType === 'binary/octet-stream' || untyped.ContentType === 'application/octet-stream',
    untyped.ContentType,
  );
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'plain.txt' }));
  assert.equal(
    (await errorOf(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'plain.txt' })))).name,
    'NoSuchKey',
  );
  const head404 = await errorOf(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'plain.txt' })));
  assert.equal(head404.status, 404);
  // Deleting what does not exist is a success.
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'never-there' }));
  assert.equal(
    (await errorOf(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket-here', Key: 'x' })))).name,
    'NoSuchBucket',
  );
});

test('user metadata and system headers round-trip; response-* overrides apply to one GET', async () => {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'meta.html',
      Body: '<p>hi</p>',
      ContentType: 'text/html',
      ContentEncoding: 'identity',
      ContentDisposition: 'inline',
      ContentLanguage: 'en',
      CacheControl: 'max-age=60',
      Expires: new Date('2030-01-01T00:00:00Z'),
      Metadata: { owner: 'ops', 'Mixed-Case': 'Value' },
    }),
  );
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'meta.html' }));
  assert.equal(head.ContentType, 'text/html');
  assert.equal(head.ContentEncoding, 'identity');
  assert.equal(head.ContentDisposition, 'inline');
  assert.equal(head.ContentLanguage, 'en');
  assert.equal(head.CacheControl, 'max-age=60');
  assert.equal(head.ExpiresString, 'Tue, 01 Jan 2030 00:00:00 GMT');
  assert.deepEqual(head.Metadata, { owner: 'ops', 'mixed-case': 'Value' });
  const got = await s3.send(
    new GetObjectCommand({
      Bucket: bucket,
      Key: 'meta.html',
      ResponseContentType: 'text/plain',
      ResponseContentDisposition: 'attachment; filename="x.html"',
    }),
  );
  assert.equal(got.ContentType, 'text/plain');
  assert.equal(got.ContentDisposition, 'attachment; filename="x.html"');
  await got.Body!.transformToString();
});

test('metadata over 2 KB is MetadataTooLarge; keys over 1024 bytes KeyTooLongError; bad storage class InvalidStorageClass', async () => {
  const big = await errorOf(
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'm', Body: 'x', Metadata: { a: 'v'.repeat(2100) } })),
  );
  assert.deepEqual([big.name, big.status], ['MetadataTooLarge', 400]);
  const long = await errorOf(
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k'.repeat(1025), Body: 'x' })),
  );
  assert.deepEqual([long.name, long.status], ['KeyTooLongError', 400]);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'é'.repeat(512), Body: 'x' })); // exactly 1024 bytes
  const sc = await errorOf(
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'sc', Body: 'x', StorageClass: 'NOPE' as never })),
  );
  assert.deepEqual([sc.name, sc.status], ['InvalidStorageClass', 400]);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ia', Body: 'x', StorageClass: 'STANDARD_IA' }));
  assert.equal(
    (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'ia' }))).StorageClass,
    'STANDARD_IA',
  );
  assert.equal(
    (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'untyped' }))).StorageClass,
    undefined,
  );
});

test('keys are opaque: dots, slashes, spaces, unicode and ../ never touch the filesystem', async () => {
  const keys = [
    '../../etc/passwd',
    'a/./b/../c',
    ' spaced key ',
    'ünïcødé/日本語.txt',
    'emoji-😀',
    'a//double',
    'percent%2Fencoded',
    'plus+sign',
    'question?mark#hash',
  ];
  for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
  for (const Key of keys) {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
    assert.equal(await got.Body!.transformToString(), Key);
  }
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  for (const Key of keys)
    assert.ok(
      listed.Contents!.some((c) => c.Key === Key),
      Key,
    );
});

test('ranges: 206 with Content-Range, open and suffix ranges, several ranges → whole object, unsatisfiable → 416 InvalidRange', async () => {
  const body = Buffer.from('0123456789');
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'digits', Body: body }));
  const cases: [string, string, string][] = [
    ['bytes=2-4', '234', 'bytes 2-4/10'],
    ['bytes=7-', '789', 'bytes 7-9/10'],
    ['bytes=-3', '789', 'bytes 7-9/10'],
    ['bytes=5-100', '56789', 'bytes 5-9/10'],
  ];
  for (const [Range, text, cr] of cases) {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'digits', Range }));
    assert.equal(got.$metadata.httpStatusCode, 206, Range);
    assert.equal(got.ContentRange, cr);
    assert.equal(await got.Body!.transformToString(), text);
  }
  const multi = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: 'digits', Range: 'bytes=0-1,3-4' }),
  );
  assert.equal(multi.$metadata.httpStatusCode, 200);
  assert.equal(await multi.Body!.transformToString(), '0123456789');
  const bad = await errorOf(
    s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'digits', Range: 'bytes=10-20' })),
  );
  assert.deepEqual([bad.name, bad.status], ['InvalidRange', 416]);
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'digits', Range: 'bytes=0-0' }));
  assert.equal(head.$metadata.httpStatusCode, 206);
  assert.equal(head.ContentLength, 1);
});

test('conditional reads: If-Match/If-Unmodified-Since → 412, If-None-Match/If-Modified-Since → 304, If-Match wins over a false If-Unmodified-Since', async () => {
  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond', Body: 'c' }));
  const etag = put.ETag!;
  const past = new Date(Date.now() - 3600_000);
  const future = new Date(Date.now() + 3600_000);
  const get = (extra: object) => s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', ...extra }));
  assert.equal((await errorOf(get({ IfMatch: '"nope"' }))).status, 412);
  assert.equal((await errorOf(get({ IfMatch: '"nope"' }))).name, 'PreconditionFailed');
  assert.equal((await errorOf(get({ IfUnmodifiedSince: past }))).status, 412);
  assert.equal((await errorOf(get({ IfNoneMatch: etag }))).status, 304);
  assert.equal((await errorOf(get({ IfModifiedSince: future }))).status, 304);
  assert.equal((await get({ IfMatch: etag, IfUnmodifiedSince: past })).$metadata.httpStatusCode, 200);
  assert.equal(
    (await get({ IfNoneMatch: '"other"', IfModifiedSince: future })).$metadata.httpStatusCode,
    200,
  );
  assert.equal((await get({ IfMatch: '*' })).$metadata.httpStatusCode, 200);
  assert.equal(
    (await errorOf(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'cond', IfMatch: '"nope"' }))))
      .status,
    412,
  );
});

test('conditional writes: If-None-Match: * refuses an existing key; If-Match needs the current ETag', async () => {
  const first = await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: 'once', Body: '1', IfNoneMatch: '*' }),
  );
  const again = await errorOf(
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'once', Body: '2', IfNoneMatch: '*' })),
  );
  assert.deepEqual([again.name, again.status], ['PreconditionFailed', 412]);
  const wrong = await errorOf(
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'once', Body: '2', IfMatch: '"0000"' })),
  );
  assert.equal(wrong.status, 412);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'once', Body: '2', IfMatch: first.ETag! }));
  const missing = await errorOf(
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'absent', Body: '2', IfMatch: first.ETag! })),
  );
  assert.deepEqual([missing.name, missing.status], ['NoSuchKey', 404]);
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'once' }));
  assert.equal(await got.Body!.transformToString(), '2');
});

test('checksums: supplied values are verified and stored; ChecksumMode=ENABLED returns them', async () => {
  for (const algo of ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] as const) {
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `sum-${algo}`,
        Body: 'checksummed',
        ChecksumAlgorithm: algo,
      }),
    );
    const member = `Checksum${algo}` as const;
    assert.ok(put[member], algo);
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: `sum-${algo}`, ChecksumMode: 'ENABLED' }),
    );
    assert.equal(head[member], put[member]);
    assert.equal(head.ChecksumType, 'FULL_OBJECT');
  }
  const sha = createHash('sha256').update('other').digest('base64');
  const bad = await errorOf(
    s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'bad-sum', Body: 'checksummed', ChecksumSHA256: sha }),
    ),
  );
  assert.deepEqual([bad.name, bad.status], ['BadDigest', 400]);
  const wrongMd5 = await errorOf(
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'bad-md5',
        Body: 'abc',
        ContentMD5: createHash('md5').update('abd').digest('base64'),
      }),
    ),
  );
  assert.equal(wrongMd5.name, 'BadDigest');
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'bad-' }));
  assert.equal(listed.KeyCount, 0, 'a refused upload stores nothing');
  const attrs = await s3.send(
    new GetObjectAttributesCommand({
      Bucket: bucket,
      Key: 'sum-SHA256',
      ObjectAttributes: ['ETag', 'Checksum', 'ObjectSize', 'StorageClass'],
    }),
  );
  assert.equal(attrs.ETag, md5('checksummed').slice(1, -1));
  assert.equal(attrs.ObjectSize, 11);
  assert.equal(attrs.StorageClass, 'STANDARD');
  assert.equal(attrs.Checksum?.ChecksumSHA256, createHash('sha256').update('checksummed').digest('base64'));
});

test('an upload without a checksum gets S3 default full-object CRC64NVME (put, head, get, attributes, copy)', async () => {
  // A client that sends no checksum (as older SDKs and plain HTTP clients do).
  const plain = new S3Client({ ...sdkConfig(server), requestChecksumCalculation: 'WHEN_REQUIRED' });
  try {
    // CRC64NVME("123456789") is the algorithm's check value 0xae8b14860a799888.
    const expected = Buffer.from('ae8b14860a799888', 'hex').toString('base64');
    const put = await plain.send(new PutObjectCommand({ Bucket: bucket, Key: 'no-sum', Body: '123456789' }));
    assert.equal(put.ChecksumCRC64NVME, expected);
    assert.equal(put.ChecksumType, 'FULL_OBJECT');
    const head = await plain.send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'no-sum', ChecksumMode: 'ENABLED' }),
    );
    assert.deepEqual([head.ChecksumCRC64NVME, head.ChecksumType], [expected, 'FULL_OBJECT']);
    const plainHead = await plain.send(new HeadObjectCommand({ Bucket: bucket, Key: 'no-sum' }));
    assert.equal(plainHead.ChecksumCRC64NVME, undefined, 'only with ChecksumMode');
    const got = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'no-sum', ChecksumMode: 'ENABLED' }),
    );
    assert.equal(got.ChecksumCRC64NVME, expected);
    assert.equal(await got.Body!.transformToString(), '123456789');
    const attrs = await plain.send(
      new GetObjectAttributesCommand({ Bucket: bucket, Key: 'no-sum', ObjectAttributes: ['Checksum'] }),
    );
    assert.deepEqual(attrs.Checksum, { ChecksumCRC64NVME: expected, ChecksumType: 'FULL_OBJECT' });
    const copy = await plain.send(
      new CopyObjectCommand({ Bucket: bucket, Key: 'no-sum-copy', CopySource: `${bucket}/no-sum` }),
    );
    assert.equal(copy.CopyObjectResult?.ChecksumCRC64NVME, expected);
    // A supplied checksum is the object's only one: no default is added beside it.
    const crc32 = await plain.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'crc32-sum',
        Body: '123456789',
        ChecksumAlgorithm: 'CRC32',
      }),
    );
    assert.deepEqual([crc32.ChecksumCRC32, crc32.ChecksumCRC64NVME], ['y/Q5Jg==', undefined]);
  } finally {
    plain.destroy();
  }
});

test('object tagging: x-amz-tagging on PUT, Put/Get/DeleteObjectTagging, limits', async () => {
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: 'tagged', Body: 't', Tagging: 'team=ops&env=prod' }),
  );
  const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tagged' }));
  assert.deepEqual(tags.TagSet, [
    { Key: 'team', Value: 'ops' },
    { Key: 'env', Value: 'prod' },
  ]);
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'tagged' }));
  assert.equal(got.TagCount, 2);
  await got.Body!.transformToString();
  // HEAD carries x-amz-tagging-count too (s3-tests test_get_obj_head_tagging).
  assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'tagged' }))).TagCount, 2);
  await s3.send(
    new PutObjectTaggingCommand({
      Bucket: bucket,
      Key: 'tagged',
      Tagging: { TagSet: [{ Key: 'only', Value: 'one' }] },
    }),
  );
  assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tagged' }))).TagSet, [
    { Key: 'only', Value: 'one' },
  ]);
  await s3.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: 'tagged' }));
  assert.deepEqual(
    (await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tagged' }))).TagSet,
    [],
  );
  const eleven = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  const tooMany = await errorOf(
    s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'tagged', Tagging: { TagSet: eleven } })),
  );
  assert.equal(tooMany.status, 400);
  const longKey = await errorOf(
    s3.send(
      new PutObjectTaggingCommand({
        Bucket: bucket,
        Key: 'tagged',
        Tagging: { TagSet: [{ Key: 'k'.repeat(129), Value: 'v' }] },
      }),
    ),
  );
  assert.deepEqual([longKey.name, longKey.status], ['InvalidTag', 400]);
  const longValue = await errorOf(
    s3.send(
      new PutObjectTaggingCommand({
        Bucket: bucket,
        Key: 'tagged',
        Tagging: { TagSet: [{ Key: 'k', Value: 'v'.repeat(257) }] },
      }),
    ),
  );
  assert.equal(longValue.name, 'InvalidTag');
  assert.equal(
    (await errorOf(s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'nope' })))).name,
    'NoSuchKey',
  );
});

test('object tagging in a versioned bucket answers x-amz-version-id of the version tagged (Put, Get, Delete)', async () => {
  const versioned = 'objects-e2e-tag-versions';
  await s3.send(new CreateBucketCommand({ Bucket: versioned }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  const { VersionId } = await s3.send(new PutObjectCommand({ Bucket: versioned, Key: 'k', Body: 'x' }));
  const Tagging = { TagSet: [{ Key: 'a', Value: 'b' }] };
  const put = await s3.send(new PutObjectTaggingCommand({ Bucket: versioned, Key: 'k', Tagging }));
  const get = await s3.send(new GetObjectTaggingCommand({ Bucket: versioned, Key: 'k' }));
  const getById = await s3.send(new GetObjectTaggingCommand({ Bucket: versioned, Key: 'k', VersionId }));
  const del = await s3.send(new DeleteObjectTaggingCommand({ Bucket: versioned, Key: 'k' }));
  assert.deepEqual(
    [put.VersionId, get.VersionId, getById.VersionId, del.VersionId],
    Array(4).fill(VersionId),
  );
  // An unversioned bucket has no version id to name.
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'tag-unversioned', Body: 'x' }));
  const plain = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tag-unversioned' }));
  assert.equal(plain.VersionId, undefined);
});

test('copy: COPY keeps metadata and tags, REPLACE replaces them; copying onto itself unchanged is InvalidRequest; copy-source conditions', async () => {
  const src = await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'src',
      Body: 'source body',
      ContentType: 'text/x-src',
      Metadata: { a: '1' },
      Tagging: 't=1',
    }),
  );
  const copied = await s3.send(
    new CopyObjectCommand({ Bucket: bucket, Key: 'dst', CopySource: `${bucket}/src` }),
  );
  assert.equal(copied.CopyObjectResult?.ETag, src.ETag);
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dst' }));
  assert.equal(head.ContentType, 'text/x-src');
  assert.deepEqual(head.Metadata, { a: '1' });
  assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'dst' }))).TagSet, [
    { Key: 't', Value: '1' },
  ]);
  await s3.send(
    new CopyObjectCommand({
      Bucket: bucket,
      Key: 'dst2',
      CopySource: `${bucket}/src`,
      MetadataDirective: 'REPLACE',
      ContentType: 'text/y',
      Metadata: { b: '2' },
      TaggingDirective: 'REPLACE',
      Tagging: 'u=2',
    }),
  );
  const head2 = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dst2' }));
  assert.equal(head2.ContentType, 'text/y');
  assert.deepEqual(head2.Metadata, { b: '2' });
  assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'dst2' }))).TagSet, [
    { Key: 'u', Value: '2' },
  ]);
  const self = await errorOf(
    s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'src', CopySource: `${bucket}/src` })),
  );
  assert.deepEqual([self.name, self.status], ['InvalidRequest', 400]);
  await s3.send(
    new CopyObjectCommand({
      Bucket: bucket,
      Key: 'src',
      CopySource: `${bucket}/src`,
      MetadataDirective: 'REPLACE',
      Metadata: { c: '3' },
    }),
  );
  const cond = await errorOf(
    s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'dst3',
        CopySource: `${bucket}/src`,
        CopySourceIfMatch: '"nope"',
      }),
    ),
  );
  assert.deepEqual([cond.name, cond.status], ['PreconditionFailed', 412]);
  const cond2 = await errorOf(
    s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'dst3',
        CopySource: `${bucket}/src`,
        CopySourceIfNoneMatch: src.ETag!,
      }),
    ),
  );
  assert.equal(cond2.status, 412);
  const missing = await errorOf(
    s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst3', CopySource: `${bucket}/missing` })),
  );
  assert.equal(missing.name, 'NoSuchKey');
  const unicode = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'dir/ü file+1', Body: 'u' }));
  const c3 = await s3.send(
    new CopyObjectCommand({
      Bucket: bucket,
      Key: 'copied ü',
      CopySource: encodeURI(`${bucket}/dir/ü file+1`).replace(/\+/g, '%2B'),
    }),
  );
  assert.equal(c3.CopyObjectResult?.ETag, unicode.ETag);
});

test('DeleteObjects deletes many (missing keys included) and Quiet omits the list', async () => {
  for (const k of ['d1', 'd2', 'd3'])
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
  const r = await s3.send(
    new DeleteObjectsCommand({
      Bucket: bucket,
      Delete: { Objects: [{ Key: 'd1' }, { Key: 'd2' }, { Key: 'ghost' }] },
    }),
  );
  assert.deepEqual(r.Deleted?.map((d) => d.Key).sort(), ['d1', 'd2', 'ghost']);
  const q = await s3.send(
    new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'd3' }], Quiet: true } }),
  );
  assert.equal(q.Deleted, undefined);
  const left = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'd' }));
  assert.deepEqual(left.Contents?.map((c) => c.Key) ?? [], ['digits', 'dir/ü file+1', 'dst', 'dst2']);
});

test('empty objects and a 5 MiB stream body', async () => {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'empty', Body: '' }));
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'empty' }));
  assert.equal(got.ContentLength, 0);
  assert.equal(await got.Body!.transformToString(), '');
  assert.equal(got.ETag, md5(''));
  const big = Buffer.alloc(5 * 1024 * 1024 + 7, 9);
  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big', Body: big }));
  assert.equal(put.ETag, md5(big));
  // Hashed on the background thread (a body of 1 MiB or more): the SDK's CRC32 checked there.
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(big));
  assert.equal(put.ChecksumCRC32, crc.toString('base64'));
  // So is a copy's: the same MD5 and the source's checksum computed again over the copied bytes.
  const copy = await s3.send(
    new CopyObjectCommand({ Bucket: bucket, Key: 'big-copy', CopySource: `${bucket}/big` }),
  );
  assert.equal(copy.CopyObjectResult?.ETag, md5(big));
  assert.equal(copy.CopyObjectResult?.ChecksumCRC32, crc.toString('base64'));
  const back = Buffer.from(
    await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big' }))).Body!.transformToByteArray(),
  );
  assert.ok(back.equals(big));
});
