/** S3 (rest-xml) round trips through botocore: routing, headers, XML payloads, error envelopes. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { loadModel } from '../../src/protocol/model.ts';
import { resolveOperation, resolveTarget } from '../../src/protocol/s3/router.ts';
import { parseRestXmlInput } from '../../src/protocol/parse/rest-xml.ts';
import { serializeRestXmlError, serializeRestXmlOutput } from '../../src/protocol/serialize/rest-xml.ts';
import { AwsError } from '../../src/errors.ts';
import { startBotocore } from '../support/botocore.ts';

const boto = startBotocore();
after(() => boto.close());
const model = loadModel('s3');

async function roundTrip(operation: string, params: Record<string, unknown>) {
  const req = await boto.serialize('s3', operation, params);
  const [rawPath, rawQuery = ''] = req.url_path.split('?');
  const query = new URLSearchParams(rawQuery);
  for (const [k, v] of Object.entries(req.query)) query.append(k, v);
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const target = resolveTarget('127.0.0.1:4566', rawPath!);
  const op = resolveOperation(model, req.method, target, query, headers);
  assert.ok(op, `no route for ${req.method} ${req.url_path}`);
  const body = Buffer.from(req.body);
  const input = await parseRestXmlInput(model, op.input, {
    labels: { Bucket: target.bucket, Key: target.key },
    query,
    headers,
    body: Readable.from([body]),
    readBody: async () => body,
  });
  return { op: op.name, input };
}

test('routes and reads what botocore sends for S3 operations', async () => {
  const cases: [string, Record<string, unknown>, (input: any) => void][] = [
    ['ListBuckets', {}, () => {}],
    [
      'CreateBucket',
      { Bucket: 'b1', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } },
      (i) => assert.equal(i.CreateBucketConfiguration.LocationConstraint, 'eu-west-1'),
    ],
    [
      'PutObject',
      {
        Bucket: 'b1',
        Key: 'a/b c/ü+%.txt',
        ContentType: 'text/plain',
        Metadata: { Owner: 'ops' },
        Body: 'x',
      },
      (i) => {
        assert.equal(i.Key, 'a/b c/ü+%.txt');
        assert.equal(i.ContentType, 'text/plain');
        assert.deepEqual(i.Metadata, { owner: 'ops' });
      },
    ],
    [
      'GetObject',
      { Bucket: 'b1', Key: 'k', Range: 'bytes=0-1', ResponseContentType: 'x/y' },
      (i) => {
        assert.equal(i.Range, 'bytes=0-1');
        assert.equal(i.ResponseContentType, 'x/y');
      },
    ],
    [
      'CopyObject',
      { Bucket: 'b1', Key: 'k2', CopySource: 'b1/k', MetadataDirective: 'REPLACE' },
      (i) => assert.equal(i.CopySource, 'b1/k'),
    ],
    [
      'UploadPart',
      { Bucket: 'b1', Key: 'k', PartNumber: 3, UploadId: 'u', Body: 'x' },
      (i) => assert.equal(i.PartNumber, 3),
    ],
    [
      'UploadPartCopy',
      {
        Bucket: 'b1',
        Key: 'k',
        PartNumber: 2,
        UploadId: 'u',
        CopySource: 'b1/k',
        CopySourceRange: 'bytes=0-9',
      },
      () => {},
    ],
    ['ListParts', { Bucket: 'b1', Key: 'k', UploadId: 'u' }, () => {}],
    [
      'ListObjectsV2',
      { Bucket: 'b1', Prefix: 'p/', MaxKeys: 5, StartAfter: 'p/a' },
      (i) => assert.equal(i.MaxKeys, 5),
    ],
    ['ListObjects', { Bucket: 'b1', Marker: 'm', Delimiter: '/' }, (i) => assert.equal(i.Marker, 'm')],
    [
      'DeleteObjects',
      { Bucket: 'b1', Delete: { Objects: [{ Key: 'a' }, { Key: 'b&<' }], Quiet: true } },
      (i) => {
        assert.deepEqual(
          i.Delete.Objects.map((o: any) => o.Key),
          ['a', 'b&<'],
        );
        assert.equal(i.Delete.Quiet, true);
      },
    ],
    [
      'CompleteMultipartUpload',
      {
        Bucket: 'b1',
        Key: 'k',
        UploadId: 'u',
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: '"e1"' },
            { PartNumber: 2, ETag: '"e2"' },
          ],
        },
      },
      (i) =>
        assert.deepEqual(i.MultipartUpload.Parts, [
          { PartNumber: 1, ETag: '"e1"' },
          { PartNumber: 2, ETag: '"e2"' },
        ]),
    ],
    ['CreateMultipartUpload', { Bucket: 'b1', Key: 'k' }, () => {}],
    ['AbortMultipartUpload', { Bucket: 'b1', Key: 'k', UploadId: 'u' }, () => {}],
    [
      'PutBucketTagging',
      { Bucket: 'b1', Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } },
      (i) => assert.deepEqual(i.Tagging.TagSet, [{ Key: 'k', Value: 'v' }]),
    ],
    ['GetBucketLocation', { Bucket: 'b1' }, () => {}],
    ['HeadObject', { Bucket: 'b1', Key: 'k', IfNoneMatch: '"x"' }, (i) => assert.equal(i.IfNoneMatch, '"x"')],
    ['DeleteObject', { Bucket: 'b1', Key: 'k' }, () => {}],
    ['GetObjectTagging', { Bucket: 'b1', Key: 'k' }, () => {}],
  ];
  for (const [operation, params, check] of cases) {
    const { op, input } = await roundTrip(operation, params);
    assert.equal(op, operation, `routing of ${operation}`);
    check(input);
  }
});

test('virtual-host-style addressing finds the bucket in Host', () => {
  assert.deepEqual(resolveTarget('my-bucket.s3.localhost.localstack.cloud:4566', '/a/b'), {
    bucket: 'my-bucket',
    key: 'a/b',
    style: 'virtual',
  });
  assert.deepEqual(resolveTarget('my.bucket.localhost:4566', '/'), {
    bucket: 'my.bucket',
    key: undefined,
    style: 'virtual',
  });
  assert.deepEqual(resolveTarget('127.0.0.1:4566', '/b/'), { bucket: 'b', key: undefined, style: 'path' });
  assert.deepEqual(resolveTarget('localhost:4566', '/b/k//x'), { bucket: 'b', key: 'k//x', style: 'path' });
});

test('S3 outputs parse in botocore: listing, location, copy result, headers', async () => {
  const list = serializeRestXmlOutput(model, model.operations.ListObjectsV2!, {
    Name: 'b1',
    Prefix: '',
    KeyCount: 1,
    MaxKeys: 1000,
    IsTruncated: false,
    Contents: [
      {
        Key: 'a\nb&c',
        LastModified: new Date('2026-01-01T00:00:00Z'),
        ETag: '"abc"',
        Size: 3,
        StorageClass: 'STANDARD',
      },
    ],
    CommonPrefixes: [{ Prefix: 'p/' }],
  });
  assert.match(
    list.body as string,
    /^<\?xml[^>]*>\n<ListBucketResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/,
  );
  const parsed = await boto.parse('s3', 'ListObjectsV2', list.status, list.headers, list.body as string);
  assert.equal(parsed.Contents[0].Key, 'a\nb&c');
  assert.equal(parsed.Contents[0].Size, 3);
  assert.equal(parsed.CommonPrefixes[0].Prefix, 'p/');

  const loc = serializeRestXmlOutput(model, model.operations.GetBucketLocation!, {
    LocationConstraint: 'eu-west-1',
  });
  // botocore reads this one in a customization, not its parser: check the wire form instead.
  assert.match(
    loc.body as string,
    /<LocationConstraint xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">eu-west-1<\/LocationConstraint>$/,
  );

  const head = serializeRestXmlOutput(model, model.operations.HeadObject!, {
    ContentLength: 12,
    ETag: '"e"',
    LastModified: new Date('2026-01-01T00:00:00Z'),
    Metadata: { owner: 'ops' },
    ContentType: 'text/plain',
  });
  assert.equal(head.headers['last-modified'], 'Thu, 01 Jan 2026 00:00:00 GMT');
  assert.equal(head.headers['x-amz-meta-owner'], 'ops');

  const copy = serializeRestXmlOutput(model, model.operations.CopyObject!, {
    CopyObjectResult: { ETag: '"e"', LastModified: new Date('2026-01-01T00:00:00Z') },
  });
  const c = await boto.parse('s3', 'CopyObject', 200, copy.headers, copy.body as string);
  assert.equal(c.CopyObjectResult.ETag, '"e"');
});

test('S3 error envelope carries code, message, extra fields and request ids', async () => {
  const err = serializeRestXmlError(
    new AwsError('NoSuchKey', 'The specified key does not exist.', 404, { Key: 'k' }),
    'REQ',
    'HOST',
    'GET',
  );
  assert.match(
    err.body as string,
    /<Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>k<\/Key><RequestId>REQ<\/RequestId><HostId>HOST<\/HostId><\/Error>/,
  );
  const parsed = await boto.parse('s3', 'GetObject', 404, err.headers, err.body as string);
  assert.equal(parsed.Error.Code, 'NoSuchKey');
  const headErr = serializeRestXmlError(new AwsError('NoSuchKey', 'x', 404), 'REQ', 'HOST', 'HEAD');
  assert.equal(headErr.body, undefined);
});
