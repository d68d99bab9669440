/**
 * Operations S3 refuses without Content-MD5 or an x-amz-checksum-* header (DeleteObjects,
 * PutBucketCors, lifecycle, bucket tagging, Object Lock settings): hand-built requests without
 * either are refused, and every real client (SDK v3, boto3 1.43 and Debian's 1.26, AWS CLI v1
 * and v2) still succeeds, each sending one or the other.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  PutObjectCommand,
  DeleteObjectsCommand,
  PutBucketCorsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketTaggingCommand,
  PutObjectTaggingCommand,
} from '@aws-sdk/client-s3';
import { useServer } from '../support/use-server.ts';
import {
  python,
  hasDebianBoto3,
  DEBIAN_PYTHON,
  awsCli,
  AWS_CLI_V1,
  AWS_CLI_V2,
  hasAwsCliV2,
} from '../support/clients.ts';
import { contentMd5, s3Raw } from './s3-raw-support.ts';

const B = 'required-checksum';

const { server, s3 } = useServer({
  async setup() {
    await s3.send(new CreateBucketCommand({ Bucket: B }));
  },
});

const MISSING = 'Missing required header for this request: Content-MD5 OR x-amz-checksum-*';
const DELETE = '<Delete><Object><Key>a</Key></Object></Delete>';
const CORS =
  '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>';
const TAGGING = '<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>';

test('hand-built requests without Content-MD5 or a checksum are refused', async () => {
  await s3.send(new PutObjectCommand({ Bucket: B, Key: 'a', Body: 'x' }));
  await s3.send(new PutObjectCommand({ Bucket: B, Key: 'tagged', Body: 'x' }));
  const cases: [string, string, Record<string, string>, string][] = [
    ['POST', `/${B}`, { delete: '' }, DELETE],
    ['PUT', `/${B}`, { cors: '' }, CORS],
    ['PUT', `/${B}`, { tagging: '' }, TAGGING],
  ];
  for (const [method, path, query, body] of cases) {
    const r = await s3Raw(server, method, path, { query, body });
    assert.equal(r.status, 400, `${method} ${JSON.stringify(query)}: ${r.body}`);
    assert.equal(r.field('Code'), 'InvalidRequest');
    assert.equal(r.field('Message'), MISSING);
  }
  // Nothing was deleted.
  assert.equal((await s3Raw(server, 'HEAD', `/${B}/a`)).status, 200);
  // Either header is enough.
  const md5 = await s3Raw(server, 'POST', `/${B}`, {
    query: { delete: '' },
    body: DELETE,
    headers: { 'content-md5': contentMd5(DELETE) },
  });
  assert.equal(md5.status, 200, md5.body);
  const crc = await s3Raw(server, 'PUT', `/${B}`, {
    query: { cors: '' },
    body: CORS,
    headers: { 'x-amz-checksum-sha256': 'FJg1iYsXfTd3rjO9hy2P+Fh9/NZgc/b+SXkTYK6jHEE=' },
  });
  // The checksum is checked too: a wrong one is BadDigest, not the missing-header error.
  assert.notEqual(crc.field('Message'), MISSING);
  // PutObjectTagging is not among them (S3 takes it without either).
  const tags = await s3Raw(server, 'PUT', `/${B}/tagged`, { query: { tagging: '' }, body: TAGGING });
  assert.equal(tags.status, 200, tags.body);
});

test('SDK v3 sends what S3 wants for each of them', async () => {
  await s3.send(new PutObjectCommand({ Bucket: B, Key: 'sdk', Body: 'x' }));
  await s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'sdk' }] } }));
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: B,
      CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'] }] },
    }),
  );
  await s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: B,
      LifecycleConfiguration: {
        Rules: [{ ID: 'r', Status: 'Enabled', Filter: { Prefix: 'x/' }, Expiration: { Days: 3 } }],
      },
    }),
  );
  await s3.send(new PutBucketTaggingCommand({ Bucket: B, Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } }));
  await s3.send(new PutObjectTaggingCommand({ Bucket: B, Key: 'tagged', Tagging: { TagSet: [] } }));
});

const BOTO = (b: string) => `
s3 = client("s3", config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
b = "${b}"
s3.create_bucket(Bucket=b)
s3.put_object(Bucket=b, Key="k", Body=b"x")
r = {}
r["delete"] = call(s3.delete_objects, Bucket=b, Delete={"Objects": [{"Key": "k"}]})
r["cors"] = call(s3.put_bucket_cors, Bucket=b, CORSConfiguration={"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]})
r["lifecycle"] = call(s3.put_bucket_lifecycle_configuration, Bucket=b, LifecycleConfiguration={"Rules": [{"ID": "r", "Status": "Enabled", "Filter": {"Prefix": "x/"}, "Expiration": {"Days": 3}}]})
r["tagging"] = call(s3.put_bucket_tagging, Bucket=b, Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
out({k: v.get("error") for k, v in r.items()})
`;

test('boto3 1.43', async () => {
  const r = await python(BOTO('rc-boto3'), server.env());
  assert.deepEqual(r, { delete: null, cors: null, lifecycle: null, tagging: null });
});

test("Debian's boto3 1.26", { skip: !hasDebianBoto3() && 'python3-boto3 not installed' }, async () => {
  const r = await python(BOTO('rc-boto3-126'), server.env(), DEBIAN_PYTHON);
  assert.deepEqual(r, { delete: null, cors: null, lifecycle: null, tagging: null });
});

for (const [name, cli, skip] of [
  ['AWS CLI v1', AWS_CLI_V1, false],
  ['AWS CLI v2', AWS_CLI_V2, !hasAwsCliV2() && 'awscli not installed'],
] as const) {
  test(`${name}: delete-objects, put-bucket-cors, put-bucket-tagging`, { skip }, async () => {
    const b = `rc-cli-${name.endsWith('1') ? 'one' : 'two'}`;
    const aws = (...args: string[]) => awsCli(cli, server.endpoint, ['s3api', ...args], server.env());
    assert.equal((await aws('create-bucket', '--bucket', b)).code, 0);
    for (const args of [
      ['delete-objects', '--bucket', b, '--delete', 'Objects=[{Key=k}]'],
      [
        'put-bucket-cors',
        '--bucket',
        b,
        '--cors-configuration',
        '{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]}',
      ],
      ['put-bucket-tagging', '--bucket', b, '--tagging', 'TagSet=[{Key=k,Value=v}]'],
    ]) {
      const r = await aws(...args);
      assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`);
    }
  });
}
