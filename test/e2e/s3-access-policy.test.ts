// Bucket policies, Block Public Access and anonymous reads through @aws-sdk/client-s3 and fetch:
// a new bucket is private and refuses public policies; after the deliberate steps AWS asks for,
// unsigned GET/HEAD read objects path-style and virtual-host style.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { startTestServer } from '../support/server.ts';
import { httpRequest } from '../support/http.ts';
import { clientsFor, createBucket, createUser, doc, outcome, unique } from './enforcement-support.ts';

const server = await startTestServer();
after(() => server.stop());
const root = clientsFor(server);
const publicRead = (bucket: string, prefix = '') =>
  doc({
    Sid: 'PublicRead',
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: `arn:aws:s3:::${bucket}/${prefix}*`,
  });

/** An unsigned request with an explicit Host (virtual-host style names need no DNS). */
const raw = (method: string, path: string, host?: string) =>
  httpRequest(server, method, path, host ? { host } : {});

test('bucket policy lifecycle: validation, NoSuchBucketPolicy, status', async () => {
  const bucket = await createBucket(root.s3, unique('policy'));
  assert.deepEqual(await outcome(root.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))), {
    code: 'NoSuchBucketPolicy',
    status: 404,
    message: 'The bucket policy does not exist',
  });
  assert.equal(
    ((await outcome(root.s3.send(new GetBucketPolicyStatusCommand({ Bucket: bucket })))) as { code: string })
      .code,
    'NoSuchBucketPolicy',
  );
  const bad = await outcome(root.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: 'not json' })));
  assert.deepEqual(bad, {
    code: 'MalformedPolicy',
    status: 400,
    message: "Policies must be valid JSON and the first byte must be '{'",
  });
  const otherBucket = await outcome(
    root.s3.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: doc({
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::000000000000:root' },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::elsewhere/*',
        }),
      }),
    ),
  );
  assert.deepEqual(otherBucket, {
    code: 'MalformedPolicy',
    status: 400,
    message: 'Policy has invalid resource',
  });
  // An action S3 does not have is refused before Block Public Access looks at a public policy.
  const unknownAction = await outcome(
    root.s3.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: doc({
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObjects',
          Resource: `arn:aws:s3:::${bucket}/*`,
        }),
      }),
    ),
  );
  assert.deepEqual(unknownAction, {
    code: 'MalformedPolicy',
    status: 400,
    message: 'Policy has invalid action',
  });
  const huge = doc(
    ...Array.from({ length: 200 }, (_, i) => ({
      Sid: `S${i}`,
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::000000000000:root' },
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${bucket}/${'x'.repeat(60)}${i}`,
    })),
  );
  assert.equal(
    (
      (await outcome(root.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: huge })))) as {
        status: number;
      }
    ).status,
    400,
  );

  const policy = doc({
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::000000000000:root' },
    Action: 's3:GetObject',
    Resource: `arn:aws:s3:::${bucket}/*`,
  });
  await root.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));
  assert.equal((await root.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy, policy);
  assert.equal(
    (await root.s3.send(new GetBucketPolicyStatusCommand({ Bucket: bucket }))).PolicyStatus?.IsPublic,
    false,
  );
  await root.s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
  assert.equal(
    ((await outcome(root.s3.send(new GetBucketPolicyCommand({ Bucket: bucket })))) as { code: string }).code,
    'NoSuchBucketPolicy',
  );
});

test('a private bucket refuses anonymous reads; public access takes the deliberate steps', async () => {
  const bucket = await createBucket(root.s3, unique('public'));
  await root.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'site/hello.txt',
      Body: 'hello world',
      ContentType: 'text/plain',
    }),
  );
  const before = await fetch(`${server.endpoint}/${bucket}/site/hello.txt`);
  assert.equal(before.status, 403);
  assert.match(await before.text(), /<Code>AccessDenied<\/Code>/);
  // A bucket that does not exist is 404 to anonymous callers too (S3's answers tell them apart).
  for (const path of [`/${bucket}-none`, `/${bucket}-none/site/hello.txt`]) {
    const missing = await fetch(`${server.endpoint}${path}`);
    assert.equal(missing.status, 404, path);
    assert.match(
      await missing.text(),
      /<Code>NoSuchBucket<\/Code><Message>The specified bucket does not exist/,
    );
  }

  // Block Public Access is on for new buckets: a public policy is refused.
  const pab = await root.s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
  assert.deepEqual(pab.PublicAccessBlockConfiguration, {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  });
  const refused = await outcome(
    root.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicRead(bucket) })),
  );
  assert.equal((refused as { code: string }).code, 'AccessDenied');
  assert.match(
    (refused as { message: string }).message,
    /because public policies are blocked by the BlockPublicPolicy block public access setting/,
  );

  await root.s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
  assert.deepEqual(await outcome(root.s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))), {
    code: 'NoSuchPublicAccessBlockConfiguration',
    status: 404,
    message: 'The public access block configuration was not found',
  });
  await root.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicRead(bucket, 'site/') }));
  assert.equal(
    (await root.s3.send(new GetBucketPolicyStatusCommand({ Bucket: bucket }))).PolicyStatus?.IsPublic,
    true,
  );

  const got = await fetch(`${server.endpoint}/${bucket}/site/hello.txt`);
  assert.equal(got.status, 200);
  assert.equal(await got.text(), 'hello world');
  assert.equal(got.headers.get('x-amz-server-side-encryption'), 'AES256');
  const head = await fetch(`${server.endpoint}/${bucket}/site/hello.txt`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '11');
  // Virtual-host style, unsigned.
  for (const host of [`${bucket}.s3.localhost.localstack.cloud`, `${bucket}.localhost`]) {
    const v = await raw('GET', '/site/hello.txt', host);
    assert.equal(v.status, 200, host);
    assert.equal(v.body, 'hello world');
  }
  // Only what the policy grants: no listing, no writes, nothing outside the prefix.
  assert.equal((await fetch(`${server.endpoint}/${bucket}?list-type=2`)).status, 403);
  assert.equal(
    (await fetch(`${server.endpoint}/${bucket}/site/new.txt`, { method: 'PUT', body: 'x' })).status,
    403,
  );
  await root.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'private.txt', Body: 'secret' }));
  assert.equal((await fetch(`${server.endpoint}/${bucket}/private.txt`)).status, 403);

  // RestrictPublicBuckets: the public grant is ignored again; the owner still reads.
  await root.s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: bucket,
      PublicAccessBlockConfiguration: { RestrictPublicBuckets: true },
    }),
  );
  assert.equal((await fetch(`${server.endpoint}/${bucket}/site/hello.txt`)).status, 403);
  const own = await root.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'site/hello.txt' }));
  assert.equal(await own.Body!.transformToString(), 'hello world');
  // BlockPublicPolicy alone refuses a new public policy but leaves the stored one working.
  await root.s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: bucket,
      PublicAccessBlockConfiguration: { BlockPublicPolicy: true },
    }),
  );
  assert.equal((await fetch(`${server.endpoint}/${bucket}/site/hello.txt`)).status, 200);
  assert.equal(
    (
      (await outcome(
        root.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicRead(bucket) })),
      )) as { code: string }
    ).code,
    'AccessDenied',
  );
  // A policy pinned to an account is not public, so it is accepted.
  await root.s3.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: doc({
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
        Condition: { StringEquals: { 'aws:PrincipalAccount': '000000000000' } },
      }),
    }),
  );
  assert.equal(
    (await root.s3.send(new GetBucketPolicyStatusCommand({ Bucket: bucket }))).PolicyStatus?.IsPublic,
    false,
  );
  assert.equal((await fetch(`${server.endpoint}/${bucket}/site/hello.txt`)).status, 403);
});

test("a bucket policy's Deny overrides a user's Allow", async () => {
  const bucket = await createBucket(root.s3, unique('deny'));
  await root.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'open.txt', Body: 'open' }));
  await root.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'secret/plans.txt', Body: 'plans' }));
  const user = await createUser(
    root.iam,
    unique('carol'),
    doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }),
  );
  const carol = clientsFor(server, user);
  const read = (key: string) => outcome(carol.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })));
  assert.equal(await read('secret/plans.txt'), 'ok');
  await root.s3.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: doc({
        Effect: 'Deny',
        Principal: { AWS: user.arn },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/secret/*`,
      }),
    }),
  );
  const denied = await read('secret/plans.txt');
  assert.equal((denied as { code: string }).code, 'AccessDenied');
  assert.match((denied as { message: string }).message, /explicit deny in a resource-based policy/);
  assert.equal(await read('open.txt'), 'ok');
  // Carol may not take the policy away either: the Deny is on GetObject only, her Allow covers the rest.
  await carol.s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
  assert.equal(await read('secret/plans.txt'), 'ok');
});

test('the owner root can always manage a policy that denies everyone', async () => {
  const bucket = await createBucket(root.s3, unique('lockout'));
  await root.s3.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: doc({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      }),
    }),
  );
  assert.equal(
    (
      (await outcome(root.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x' })))) as {
        code: string;
      }
    ).code,
    'AccessDenied',
  );
  assert.ok((await root.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy);
  await root.s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
  assert.equal(
    await outcome(root.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x' }))),
    'ok',
  );
});

test('bucket policy conditions: aws:Referer, aws:SourceIp, aws:SecureTransport, s3:prefix', async () => {
  const bucket = await createBucket(root.s3, unique('conditions'));
  await root.s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
  await root.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'img/logo.png', Body: 'png' }));
  const statements = [
    {
      Sid: 'HotLink',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${bucket}/img/*`,
      Condition: { StringLike: { 'aws:Referer': 'https://www.example.com/*' } },
    },
    {
      Sid: 'LocalList',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:ListBucket',
      Resource: `arn:aws:s3:::${bucket}`,
      Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' }, StringEquals: { 's3:prefix': 'img/' } },
    },
  ];
  await root.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: doc(...statements) }));
  const get = (headers: Record<string, string>) =>
    fetch(`${server.endpoint}/${bucket}/img/logo.png`, { headers });
  assert.equal((await get({})).status, 403);
  assert.equal((await get({ referer: 'https://evil.test/page' })).status, 403);
  assert.equal((await get({ referer: 'https://www.example.com/page' })).status, 200);
  assert.equal((await fetch(`${server.endpoint}/${bucket}?list-type=2&prefix=img/`)).status, 200);
  assert.equal((await fetch(`${server.endpoint}/${bucket}?list-type=2`)).status, 403);
  // Deny over plain HTTP: even the owner is refused (the endpoint is http://).
  await root.s3.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: doc(...statements, {
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    }),
  );
  assert.equal((await get({ referer: 'https://www.example.com/page' })).status, 403);
  assert.equal(
    (
      (await outcome(root.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'img/logo.png' })))) as {
        code: string;
      }
    ).code,
    'AccessDenied',
  );
});
