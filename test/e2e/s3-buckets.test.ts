/**
 * S3 buckets through SDK v3 and boto3: naming rules, location constraints, the global namespace
 * across accounts, HeadBucket's region header, ListBuckets pagination and filters, deletion,
 * tagging, and what other accounts and anonymous callers may do.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  S3Client,
  CreateBucketCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  GetBucketLocationCommand,
  DeleteBucketCommand,
  PutObjectCommand,
  DeleteObjectCommand,
  PutBucketTaggingCommand,
  GetBucketTaggingCommand,
  DeleteBucketTaggingCommand,
  GetBucketAclCommand,
  GetObjectAclCommand,
  GetBucketOwnershipControlsCommand,
  DeletePublicAccessBlockCommand,
  PutBucketAclCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  GetObjectLockConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  GetBucketLifecycleConfigurationCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.ts';
import { sdkConfig } from '../support/server.ts';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';

const otherKeys = {
  accessKeyId: 'AKIAOTHERACCOUNT0001',
  secretAccessKey: 'other-secret-other-secret-other-secret-0',
};

const { server, s3, client } = useServer({
  async setup() {
    await server.accounts.create({
      id: '111111111111',
      name: 'other',
      rootAccessKeyId: otherKeys.accessKeyId,
      rootSecretAccessKey: otherKeys.secretAccessKey,
    });
  },
});
const other = client((running) => new S3Client(sdkConfig(running, otherKeys)));

test('bucket names are validated (InvalidBucketName)', async () => {
  for (const name of [
    'ab',
    'UPPER',
    'under_score',
    'a..b',
    '192.168.1.1',
    '-start',
    'end-',
    'xn--punycode',
    'x'.repeat(64),
    'ends-s3alias',
  ]) {
    const e = await errorOf(s3.send(new CreateBucketCommand({ Bucket: name })));
    assert.deepEqual([e.name, e.status], ['InvalidBucketName', 400], name);
  }
});

test('us-east-1: create, create again → 200; another account → BucketAlreadyExists; HeadBucket names the region', async () => {
  await s3.send(new CreateBucketCommand({ Bucket: 'b-east', ACL: 'private' }));
  const again = await s3.send(new CreateBucketCommand({ Bucket: 'b-east' }));
  assert.equal(again.$metadata.httpStatusCode, 200);
  const taken = await errorOf(other.send(new CreateBucketCommand({ Bucket: 'b-east' })));
  assert.deepEqual([taken.name, taken.status], ['BucketAlreadyExists', 409]);
  const head = await s3.send(new HeadBucketCommand({ Bucket: 'b-east' }));
  assert.equal(head.BucketRegion, 'us-east-1');
  const loc = await s3.send(new GetBucketLocationCommand({ Bucket: 'b-east' }));
  assert.equal(loc.LocationConstraint, undefined);
  assert.equal((await errorOf(s3.send(new HeadBucketCommand({ Bucket: 'no-such-bucket-x' })))).status, 404);
});

test('location constraints: per region, IllegalLocationConstraintException, InvalidLocationConstraint, BucketAlreadyOwnedByYou outside us-east-1', async () => {
  const west = new S3Client(sdkConfig(server, server.credentials, 'eu-west-1'));
  try {
    await west.send(
      new CreateBucketCommand({
        Bucket: 'b-west',
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    const loc = await west.send(new GetBucketLocationCommand({ Bucket: 'b-west' }));
    assert.equal(loc.LocationConstraint, 'eu-west-1');
    const dup = await errorOf(
      west.send(
        new CreateBucketCommand({
          Bucket: 'b-west',
          CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
        }),
      ),
    );
    assert.deepEqual([dup.name, dup.status], ['BucketAlreadyOwnedByYou', 409]);
    // (SDK v3 adds the client's region as LocationConstraint itself; boto3 below does not.)
    const mismatch = await errorOf(
      west.send(
        new CreateBucketCommand({
          Bucket: 'b-west-3',
          CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' },
        }),
      ),
    );
    assert.equal(mismatch.name, 'IllegalLocationConstraintException');
  } finally {
    west.destroy();
  }
  const fromEast = await errorOf(
    s3.send(
      new CreateBucketCommand({
        Bucket: 'b-x',
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    ),
  );
  assert.equal(fromEast.name, 'IllegalLocationConstraintException');
  const explicitEast = await errorOf(
    s3.send(
      new CreateBucketCommand({
        Bucket: 'b-y',
        CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as never },
      }),
    ),
  );
  assert.deepEqual([explicitEast.name, explicitEast.status], ['InvalidLocationConstraint', 400]);
});

test('ListBuckets BucketRegion: filters at that region’s endpoint; elsewhere or not a region AWS has → InvalidArgument', async () => {
  const west = new S3Client(sdkConfig(server, server.credentials, 'eu-west-1'));
  try {
    const list = await west.send(new ListBucketsCommand({ BucketRegion: 'eu-west-1' }));
    assert.deepEqual(
      list.Buckets?.map((b) => [b.Name, b.BucketRegion]),
      [['b-west', 'eu-west-1']],
    );
  } finally {
    west.destroy();
  }
  const r = await python(
    `
c = client("s3", region_name="us-east-1")
out([call(c.list_buckets, BucketRegion=r) for r in ["eu-west-1", "zz", "", "eu-east-1"]]
    + [[b["Name"] for b in call(c.list_buckets, BucketRegion="US-EAST-1", Prefix="b-east")["Buckets"]]])
`,
    server.env(),
  );
  assert.deepEqual(r.pop(), ['b-east']);
  assert.deepEqual(
    r.map((e: { error: string; message: string; status: number }) => [e.error, e.status, e.message]),
    [
      [
        'InvalidArgument',
        400,
        'Requests with bucket-region specified must be made to the corresponding regional endpoint',
      ],
      ['InvalidArgument', 400, 'Argument value zz is not a valid AWS Region'],
      ['InvalidArgument', 400, 'Argument value  is not a valid AWS Region'],
      ['InvalidArgument', 400, 'Argument value eu-east-1 is not a valid AWS Region'],
    ],
  );
});

test('ListBuckets: only the caller’s buckets, MaxBuckets pages with ContinuationToken, Prefix', async () => {
  for (const n of ['page-a', 'page-b', 'page-c', 'page-d', 'page-e'])
    await s3.send(new CreateBucketCommand({ Bucket: n }));
  await other.send(new CreateBucketCommand({ Bucket: 'page-other' }));
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const r = await s3.send(
      new ListBucketsCommand({
        MaxBuckets: 2,
        Prefix: 'page-',
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    assert.ok((r.Buckets?.length ?? 0) <= 2);
    assert.equal(r.Prefix, 'page-');
    seen.push(...r.Buckets!.map((b) => b.Name!));
    token = r.ContinuationToken;
    pages++;
  } while (token);
  assert.deepEqual(seen, ['page-a', 'page-b', 'page-c', 'page-d', 'page-e']);
  assert.equal(pages, 3);
  const all = await s3.send(new ListBucketsCommand({}));
  assert.ok(!all.Buckets!.some((b) => b.Name === 'page-other'));
  assert.ok(all.Owner?.ID && /^[0-9a-f]{64}$/.test(all.Owner.ID));
  const bad = await errorOf(s3.send(new ListBucketsCommand({ ContinuationToken: 'garbage!' })));
  assert.equal(bad.name, 'InvalidArgument');
});

test('another account and anonymous callers are refused (AccessDenied)', async () => {
  await s3.send(new PutObjectCommand({ Bucket: 'b-east', Key: 'secret', Body: 's' }));
  const e = await errorOf(other.send(new GetObjectCommand({ Bucket: 'b-east', Key: 'secret' })));
  assert.deepEqual([e.name, e.status], ['AccessDenied', 403]);
  const l = await errorOf(other.send(new ListObjectsV2Command({ Bucket: 'b-east' })));
  assert.equal(l.name, 'AccessDenied');
  const expected = await errorOf(
    s3.send(new GetObjectCommand({ Bucket: 'b-east', Key: 'secret', ExpectedBucketOwner: '111111111111' })),
  );
  assert.deepEqual([expected.name, expected.status], ['AccessDenied', 403]);
  const own = await s3.send(
    new GetObjectCommand({ Bucket: 'b-east', Key: 'secret', ExpectedBucketOwner: '000000000000' }),
  );
  await own.Body!.transformToString();
  const anon = await fetch(`${server.endpoint}/b-east/secret`);
  assert.equal(anon.status, 403);
  assert.match(await anon.text(), /<Code>AccessDenied<\/Code>/);
  await s3.send(new DeleteObjectCommand({ Bucket: 'b-east', Key: 'secret' }));
});

test('DeleteBucket: BucketNotEmpty until emptied, then NoSuchBucket', async () => {
  await s3.send(new CreateBucketCommand({ Bucket: 'b-delete' }));
  await s3.send(new PutObjectCommand({ Bucket: 'b-delete', Key: 'k', Body: 'v' }));
  const full = await errorOf(s3.send(new DeleteBucketCommand({ Bucket: 'b-delete' })));
  assert.deepEqual([full.name, full.status], ['BucketNotEmpty', 409]);
  await s3.send(new DeleteObjectCommand({ Bucket: 'b-delete', Key: 'k' }));
  const r = await s3.send(new DeleteBucketCommand({ Bucket: 'b-delete' }));
  assert.equal(r.$metadata.httpStatusCode, 204);
  assert.equal(
    (await errorOf(s3.send(new DeleteBucketCommand({ Bucket: 'b-delete' })))).name,
    'NoSuchBucket',
  );
  // The name is free again, for any account.
  await other.send(new CreateBucketCommand({ Bucket: 'b-delete' }));
});

test('a bucket deleted and created again at once inherits none of the old one’s settings', async () => {
  // Settings are kept beside the bucket row, stamped with its creation time: a stamp of whole
  // seconds let a bucket re-created within the second take over object lock and lifecycle.
  const Bucket = 'b-reborn';
  await s3.send(new CreateBucketCommand({ Bucket, ObjectLockEnabledForBucket: true }));
  await s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket,
      LifecycleConfiguration: {
        Rules: [{ ID: 'r', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } }],
      },
    }),
  );
  await s3.send(new DeleteBucketCommand({ Bucket }));
  await s3.send(new CreateBucketCommand({ Bucket }));
  const lock = await errorOf(s3.send(new GetObjectLockConfigurationCommand({ Bucket })));
  assert.equal(lock.name, 'ObjectLockConfigurationNotFoundError');
  const rules = await errorOf(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })));
  assert.equal(rules.name, 'NoSuchLifecycleConfiguration');
  const listed = (await s3.send(new ListBucketsCommand({}))).Buckets!.find((b) => b.Name === Bucket)!;
  assert.equal(listed.CreationDate!.getTime() % 1000, 0, 'CreationDate is whole seconds, as S3 answers it');
});

test('bucket tagging: put, get, delete → NoSuchTagSet', async () => {
  await s3.send(
    new PutBucketTaggingCommand({ Bucket: 'b-east', Tagging: { TagSet: [{ Key: 'cost', Value: 'ops' }] } }),
  );
  assert.deepEqual((await s3.send(new GetBucketTaggingCommand({ Bucket: 'b-east' }))).TagSet, [
    { Key: 'cost', Value: 'ops' },
  ]);
  await s3.send(new DeleteBucketTaggingCommand({ Bucket: 'b-east' }));
  const e = await errorOf(s3.send(new GetBucketTaggingCommand({ Bucket: 'b-east' })));
  assert.deepEqual([e.name, e.status], ['NoSuchTagSet', 404]);
});

test('boto3: create in eu-west-1 with LocationConstraint, head_bucket region header, errors', async () => {
  const r = await python(
    `
c = boto3.client("s3", region_name="eu-west-1", config=NO_RETRY)
c.create_bucket(Bucket="boto-west", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
h = c.head_bucket(Bucket="boto-west")
out([h["ResponseMetadata"]["HTTPHeaders"].get("x-amz-bucket-region"),
     c.get_bucket_location(Bucket="boto-west")["LocationConstraint"],
     call(c.create_bucket, Bucket="boto-west", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})["error"],
     call(c.create_bucket, Bucket="Bad_Name")["error"],
     call(c.create_bucket, Bucket="boto-west-unspecified")["error"]])
`,
    server.env(),
  );
  assert.deepEqual(r, [
    'eu-west-1',
    'eu-west-1',
    'BucketAlreadyOwnedByYou',
    'InvalidBucketName',
    'IllegalLocationConstraintException',
  ]);
});

test('ACLs: disabled by default (BucketOwnerEnforced); ObjectWriter buckets keep canned ACLs', async () => {
  const enforced = await errorOf(
    s3.send(new CreateBucketCommand({ Bucket: 'acl-public', ACL: 'public-read' })),
  );
  assert.deepEqual([enforced.name, enforced.status], ['InvalidBucketAclWithObjectOwnership', 400]);
  await s3.send(new CreateBucketCommand({ Bucket: 'acl-default' }));
  const controls = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'acl-default' }));
  assert.equal(controls.OwnershipControls?.Rules?.[0]?.ObjectOwnership, 'BucketOwnerEnforced');
  const put = await errorOf(
    s3.send(new PutObjectCommand({ Bucket: 'acl-default', Key: 'k', Body: 'x', ACL: 'public-read' })),
  );
  assert.deepEqual([put.name, put.status], ['AccessControlListNotSupported', 400]);
  await s3.send(
    new PutObjectCommand({ Bucket: 'acl-default', Key: 'k', Body: 'x', ACL: 'bucket-owner-full-control' }),
  );
  const objectAcl = await s3.send(new GetObjectAclCommand({ Bucket: 'acl-default', Key: 'k' }));
  assert.deepEqual(
    objectAcl.Grants?.map((g) => [g.Grantee?.Type, g.Permission]),
    [['CanonicalUser', 'FULL_CONTROL']],
  );
  assert.equal(objectAcl.Grants?.[0]?.Grantee?.ID, objectAcl.Owner?.ID);
  // New buckets block public access (April 2023): a public ACL needs the block lifted first.
  const blocked = await errorOf(
    s3.send(
      new CreateBucketCommand({ Bucket: 'acl-writer', ACL: 'public-read', ObjectOwnership: 'ObjectWriter' }),
    ),
  );
  assert.deepEqual([blocked.name, blocked.status], ['InvalidBucketAclWithBlockPublicAccessError', 400]);
  await s3.send(new CreateBucketCommand({ Bucket: 'acl-writer', ObjectOwnership: 'ObjectWriter' }));
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'acl-writer' }));
  await s3.send(new PutBucketAclCommand({ Bucket: 'acl-writer', ACL: 'public-read' }));
  const bucketAcl = await s3.send(new GetBucketAclCommand({ Bucket: 'acl-writer' }));
  assert.deepEqual(
    bucketAcl.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.URI, g.Permission]),
    [
      ['CanonicalUser', undefined, 'FULL_CONTROL'],
      ['Group', 'http://acs.amazonaws.com/groups/global/AllUsers', 'READ'],
    ],
  );
  await s3.send(new PutObjectCommand({ Bucket: 'acl-writer', Key: 'k', Body: 'x', ACL: 'public-read' }));
});

test('CreateBucket with an unknown ObjectOwnership → InvalidArgument naming the header; no bucket is made', async () => {
  const e = await errorOf(
    s3.send(new CreateBucketCommand({ Bucket: 'b-bad-ownership', ObjectOwnership: 'Foo' as never })),
  );
  assert.deepEqual(
    [e.name, e.status, e.message, e.raw.ArgumentName],
    ['InvalidArgument', 400, 'Invalid x-amz-object-ownership header: Foo', 'x-amz-object-ownership'],
  );
  const head = await errorOf(s3.send(new HeadBucketCommand({ Bucket: 'b-bad-ownership' })));
  assert.equal(head.status, 404);
});

test('HeadBucket refused (another account, anonymous) still names the bucket’s region in x-amz-bucket-region', async () => {
  const otherWest = new S3Client(sdkConfig(server, otherKeys, 'eu-west-1'));
  try {
    const e = await errorOf(otherWest.send(new HeadBucketCommand({ Bucket: 'b-west' })));
    assert.deepEqual([e.status, e.raw.$response?.headers?.['x-amz-bucket-region']], [403, 'eu-west-1']);
  } finally {
    otherWest.destroy();
  }
  const anon = await fetch(`${server.endpoint}/b-east`, { method: 'HEAD' });
  assert.deepEqual([anon.status, anon.headers.get('x-amz-bucket-region')], [403, 'us-east-1']);
});

test('ListBuckets with an empty ContinuationToken lists from the start', async () => {
  const r = await python(
    `
c = client("s3", region_name="us-east-1")
page = call(c.list_buckets, ContinuationToken="", MaxBuckets=1)
out([page.get("error"), len(page.get("Buckets", [])), "ContinuationToken" in page])
`,
    server.env(),
  );
  assert.deepEqual(r, [null, 1, true]);
});
