/** ListObjects v1 and v2 as clients page them: markers, tokens, delimiters, url encoding, byte order. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  PutObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  paginateListObjectsV2,
  ListObjectVersionsCommand,
  GetBucketVersioningCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';

const bucket = 'listing-e2e';
const keys = [
  'a',
  'a/b',
  'a/c/d',
  'b+c',
  'b c',
  'dir/x',
  'dir/y',
  'dir/z/1',
  'é',
  '\u{ff5e}',
  '\u{1f600}',
  'zz',
];

const { server, s3 } = useServer({
  async setup() {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
  },
});

test('UTF-8 byte order (U+FF5E before U+1F600, unlike UTF-16), KeyCount, owner only with FetchOwner', async () => {
  const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  assert.deepEqual(
    r.Contents!.map((c) => c.Key),
    [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))),
  );
  assert.equal(r.KeyCount, keys.length);
  assert.equal(r.Contents![0]!.Owner, undefined);
  assert.equal(r.Contents![0]!.StorageClass, 'STANDARD');
  const owned = await s3.send(new ListObjectsV2Command({ Bucket: bucket, FetchOwner: true, MaxKeys: 1 }));
  assert.ok(owned.Contents![0]!.Owner?.ID);
});

test('v2: delimiter rolls up common prefixes; tokens page through; StartAfter; MaxKeys counts prefixes too', async () => {
  const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/' }));
  assert.deepEqual(
    r.CommonPrefixes?.map((p) => p.Prefix),
    ['a/', 'dir/'],
  );
  assert.ok(!r.Contents!.some((c) => c.Key!.includes('/')));
  const paged: string[] = [];
  for await (const page of paginateListObjectsV2(
    { client: s3, pageSize: 2 },
    { Bucket: bucket, Delimiter: '/' },
  )) {
    assert.ok((page.KeyCount ?? 0) <= 2);
    paged.push(
      ...(page.Contents ?? []).map((c) => c.Key!),
      ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!),
    );
  }
  assert.deepEqual(paged.sort(), [...r.Contents!.map((c) => c.Key!), 'a/', 'dir/'].sort());
  const after = await s3.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: 'dir/y' }));
  assert.deepEqual(after.Contents!.map((c) => c.Key).slice(0, 2), ['dir/z/1', 'zz']);
  assert.equal(after.StartAfter, 'dir/y');
  const nested = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'dir/', Delimiter: '/' }));
  assert.deepEqual(
    [nested.Contents!.map((c) => c.Key), nested.CommonPrefixes!.map((p) => p.Prefix)],
    [['dir/x', 'dir/y'], ['dir/z/']],
  );
  const bad = await errorOf(
    s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: 'not-a-token' })),
  );
  assert.deepEqual([bad.name, bad.status], ['InvalidArgument', 400]);
  const zero = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 0 }));
  assert.deepEqual([zero.KeyCount, zero.IsTruncated], [0, false]);
  assert.equal(
    (await errorOf(s3.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket-l' })))).name,
    'NoSuchBucket',
  );
});

test('v1: NextMarker only with a delimiter; Marker continues after the last key', async () => {
  const plain = await s3.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 3 }));
  assert.equal(plain.IsTruncated, true);
  assert.equal(plain.NextMarker, undefined);
  const next = await s3.send(
    new ListObjectsCommand({ Bucket: bucket, MaxKeys: 3, Marker: plain.Contents![2]!.Key }),
  );
  assert.equal(next.Contents![0]!.Key, 'b c');
  const withDelimiter = await s3.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 2, Delimiter: '/' }));
  assert.deepEqual(
    [withDelimiter.Contents!.map((c) => c.Key), withDelimiter.CommonPrefixes!.map((p) => p.Prefix)],
    [['a'], ['a/']],
  );
  assert.equal(withDelimiter.NextMarker, 'a/');
  const cont = await s3.send(
    new ListObjectsCommand({ Bucket: bucket, MaxKeys: 2, Delimiter: '/', Marker: 'a/' }),
  );
  assert.deepEqual(
    cont.Contents!.map((c) => c.Key),
    ['b c', 'b+c'],
  );
});

test('boto3 sends EncodingType=url and decodes keys; raw XML is percent-encoded', async () => {
  const r = await python(
    `
c = boto3.client("s3", config=NO_RETRY)
v2 = [o["Key"] for o in c.list_objects_v2(Bucket="${bucket}")["Contents"]]
v1 = [o["Key"] for o in c.list_objects(Bucket="${bucket}", Prefix="b")["Contents"]]
pages = [p.get("KeyCount") for p in c.get_paginator("list_objects").paginate(Bucket="${bucket}", PaginationConfig={"PageSize": 5})]
out([v2, v1, pages])
`,
    server.env(),
  );
  assert.deepEqual(
    r[0],
    [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))),
  );
  assert.deepEqual(r[1], ['b c', 'b+c']);
  assert.equal(r[2].length, 3);
  const xml = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'b', EncodingType: 'url' }));
  assert.deepEqual(
    xml.Contents!.map((c) => c.Key),
    ['b%20c', 'b%2Bc'],
  );
});

test('unversioned buckets: GetBucketVersioning is empty; ListObjectVersions lists each object as version "null"', async () => {
  const v = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
  assert.equal(v.Status, undefined);
  const versions = await s3.send(
    new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'dir/', MaxKeys: 2 }),
  );
  assert.deepEqual(
    versions.Versions?.map((o) => [o.Key, o.VersionId, o.IsLatest]),
    [
      ['dir/x', 'null', true],
      ['dir/y', 'null', true],
    ],
  );
  assert.equal(versions.IsTruncated, true);
  const rest = await s3.send(
    new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'dir/', KeyMarker: versions.NextKeyMarker }),
  );
  assert.deepEqual(
    rest.Versions?.map((o) => o.Key),
    ['dir/z/1'],
  );
});

test('encoding-type=url encodes Prefix in v1 as in v2 (boto3 decodes only v2’s)', async () => {
  const r = await python(
    `
c = boto3.client("s3", config=NO_RETRY)
v1 = c.list_objects(Bucket="${bucket}", Prefix="b ")
v1nl = c.list_objects(Bucket="${bucket}", Prefix="\\n")
v2 = c.list_objects_v2(Bucket="${bucket}", Prefix="b ")
out([v1["Prefix"], [o["Key"] for o in v1["Contents"]], v1nl["Prefix"], v2["Prefix"]])
`,
    server.env(),
  );
  assert.deepEqual(r, ['b%20', ['b c'], '%0A', 'b ']);
});

test('max-keys outside a 32-bit integer or padded with spaces → "not an integer"; negative → the range message', async () => {
  const r = await python(
    `
c = boto3.client("s3", config=NO_RETRY)
def with_query(q):
    def add(request, **kw):
        request.url += "&" + q
    c.meta.events.register_first("before-sign.s3.ListObjects", add)
    res = call(c.list_objects, Bucket="${bucket}")
    c.meta.events.unregister("before-sign.s3.ListObjects", add)
    return [res.get("error"), res.get("message")]
out([with_query(q) for q in ["max-keys=2147483648", "max-keys=%201", "max-keys=-1"]])
`,
    server.env(),
  );
  const notInt = ['InvalidArgument', 'Provided max-keys not an integer or within integer range'];
  assert.deepEqual(r, [
    notInt,
    notInt,
    ['InvalidArgument', 'Argument maxKeys must be an integer between 0 and 2147483647'],
  ]);
});

test('a continuation token S3 never issued → InvalidArgument naming continuation-token, the token not echoed', async () => {
  const r = await python(
    `
c = boto3.client("s3", config=NO_RETRY)
def err(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response["Error"]
out([err(c.list_objects_v2, Bucket="${bucket}", ContinuationToken="garbage"),
     err(c.list_buckets, ContinuationToken="garbage")])
`,
    server.env(),
  );
  const refused = {
    Code: 'InvalidArgument',
    Message: 'The continuation token provided is incorrect',
    ArgumentName: 'continuation-token',
  };
  assert.deepEqual(r, [refused, refused]);
});

test('v2: a continuation token overrides StartAfter, which the page then does not echo', async () => {
  const first = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 2 }));
  const next = await s3.send(
    new ListObjectsV2Command({
      Bucket: bucket,
      StartAfter: 'dir/y',
      ContinuationToken: first.NextContinuationToken,
      MaxKeys: 1,
    }),
  );
  assert.deepEqual(
    [next.Contents!.map((c) => c.Key), next.StartAfter, next.ContinuationToken],
    [['a/c/d'], undefined, first.NextContinuationToken],
  );
});

test('an empty integer parameter (max-keys=, max-buckets=) is read as absent', async () => {
  const r = await python(
    `
c = boto3.client("s3", config=NO_RETRY)
def with_query(event, q):
    def add(request, **kw):
        request.url += ("&" if "?" in request.url else "?") + q
    c.meta.events.register_first("before-sign.s3." + event, add)
    return add
add = with_query("ListObjects", "max-keys=")
v1 = call(c.list_objects, Bucket="${bucket}")
c.meta.events.unregister("before-sign.s3.ListObjects", add)
with_query("ListBuckets", "max-buckets=")
lb = call(c.list_buckets)
out([v1.get("error"), v1.get("MaxKeys"), len(v1.get("Contents", [])), lb.get("error"), len(lb.get("Buckets", []))])
`,
    server.env(),
  );
  assert.deepEqual(r, [null, 1000, keys.length, null, 1]);
});
