// Static website hosting: configuration through @aws-sdk/client-s3, the website endpoint
// (BUCKET.s3-website.localhost:PORT on the API's port) read without credentials by node:http
// and by python requests.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteBucketWebsiteCommand,
  DeletePublicAccessBlockCommand,
  GetBucketWebsiteCommand,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  PutBucketWebsiteCommand,
  PutObjectCommand,
  type WebsiteConfiguration,
} from '@aws-sdk/client-s3';
import { python } from '../support/clients.ts';
import { startTestServer } from '../support/server.ts';
import { httpRequest } from '../support/http.ts';
import { clientsFor, createBucket, doc, outcome, unique } from './enforcement-support.ts';

const server = await startTestServer();
after(() => server.stop());
const { s3 } = clientsFor(server);
const port = new URL(server.endpoint).port;

const web = (bucket: string, path: string, method = 'GET', host = `${bucket}.s3-website.localhost:${port}`) =>
  httpRequest(server, method, path, { host });

async function put(bucket: string, key: string, body: string, extra: Record<string, string> = {}) {
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/html', ...extra }),
  );
}

/** A bucket made public the way AWS asks: Block Public Access off, a public-read policy. */
async function publicSite(actions: string[] = ['s3:GetObject', 's3:ListBucket']): Promise<string> {
  const bucket = await createBucket(s3, unique('site'));
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
  const statements = actions.map((a) => ({
    Effect: 'Allow',
    Principal: '*',
    Action: a,
    Resource: a === 's3:ListBucket' ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/*`,
  }));
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: doc(...statements) }));
  return bucket;
}

test('website configuration is validated as S3 does', async () => {
  const bucket = await createBucket(s3, unique('cfg'));
  const err = async (c: WebsiteConfiguration) => {
    const o = await outcome(
      s3.send(new PutBucketWebsiteCommand({ Bucket: bucket, WebsiteConfiguration: c })),
    );
    return o === 'ok' ? 'ok' : `${o.code}: ${o.message}`;
  };
  assert.equal(
    ((await outcome(s3.send(new GetBucketWebsiteCommand({ Bucket: bucket })))) as { code: string }).code,
    'NoSuchWebsiteConfiguration',
  );
  assert.equal(
    await err({ ErrorDocument: { Key: 'e.html' } }),
    'InvalidArgument: A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty',
  );
  assert.equal(
    await err({ IndexDocument: { Suffix: 'a/index.html' } }),
    'InvalidArgument: The IndexDocument Suffix is not well formed',
  );
  assert.equal(
    await err({
      IndexDocument: { Suffix: 'index.html' },
      RoutingRules: [{ Redirect: { ReplaceKeyPrefixWith: 'a', ReplaceKeyWith: 'b' } }],
    }),
    'InvalidArgument: You can only define ReplaceKeyPrefix or ReplaceKey but not both.',
  );
  for (const code of ['300', '200', '30x']) {
    assert.equal(
      await err({
        IndexDocument: { Suffix: 'index.html' },
        RoutingRules: [{ Redirect: { HttpRedirectCode: code } }],
      }),
      `InvalidArgument: The provided HTTP redirect code (${code}) is not valid. Valid codes are 3XX except 300.`,
    );
  }
  assert.equal(
    await err({
      RedirectAllRequestsTo: { HostName: 'example.com' },
      IndexDocument: { Suffix: 'index.html' },
    }),
    'InvalidArgument: RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.',
  );
  const config: WebsiteConfiguration = {
    IndexDocument: { Suffix: 'index.html' },
    ErrorDocument: { Key: 'error.html' },
    RoutingRules: [
      {
        Condition: { KeyPrefixEquals: 'old/' },
        Redirect: { ReplaceKeyPrefixWith: 'new/', HttpRedirectCode: '301' },
      },
    ],
  };
  assert.equal(await err(config), 'ok');
  const got = await s3.send(new GetBucketWebsiteCommand({ Bucket: bucket }));
  assert.deepEqual(
    { IndexDocument: got.IndexDocument, ErrorDocument: got.ErrorDocument, RoutingRules: got.RoutingRules },
    config,
  );
  await s3.send(new DeleteBucketWebsiteCommand({ Bucket: bucket }));
  assert.equal(
    ((await outcome(s3.send(new GetBucketWebsiteCommand({ Bucket: bucket })))) as { code: string }).code,
    'NoSuchWebsiteConfiguration',
  );
});

test('a private bucket: the website endpoint answers 403 AccessDenied in HTML', async () => {
  const bucket = await createBucket(s3, unique('private'));
  await s3.send(
    new PutBucketWebsiteCommand({
      Bucket: bucket,
      WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' } },
    }),
  );
  await put(bucket, 'index.html', '<h1>home</h1>');
  const r = await web(bucket, '/');
  assert.equal(r.status, 403);
  assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  assert.match(
    r.body,
    /^<html>\n<head><title>403 Forbidden<\/title><\/head>\n<body>\n<h1>403 Forbidden<\/h1>\n<ul>\n<li>Code: AccessDenied<\/li>\n<li>Message: Access Denied<\/li>\n<li>RequestId: [0-9A-F]{16}<\/li>\n<li>HostId: /,
  );
  assert.equal(r.body.includes(String(r.headers['x-amz-request-id'])), true);
  // Unknown buckets and buckets without a website configuration.
  const none = await web(unique('nobody'), '/');
  assert.equal(none.status, 404);
  assert.match(
    none.body,
    /<li>Code: NoSuchBucket<\/li>\n<li>Message: The specified bucket does not exist<\/li>\n<li>BucketName: /,
  );
  const plain = await createBucket(s3, unique('plain'));
  const nosite = await web(plain, '/');
  assert.equal(nosite.status, 404);
  assert.match(nosite.body, /<li>Code: NoSuchWebsiteConfiguration<\/li>/);
});

test('a public site: index documents, folder redirects, error documents, routing rules, object redirects', async () => {
  const bucket = await publicSite();
  await s3.send(
    new PutBucketWebsiteCommand({
      Bucket: bucket,
      WebsiteConfiguration: {
        IndexDocument: { Suffix: 'index.html' },
        ErrorDocument: { Key: 'error.html' },
        RoutingRules: [
          { Condition: { KeyPrefixEquals: 'old/' }, Redirect: { ReplaceKeyPrefixWith: 'new/' } },
          {
            Condition: { KeyPrefixEquals: 'gone/', HttpErrorCodeReturnedEquals: '404' },
            Redirect: { HostName: 'archive.example.com', Protocol: 'https', HttpRedirectCode: '302' },
          },
          { Condition: { KeyPrefixEquals: 'exact' }, Redirect: { ReplaceKeyWith: 'docs/' } },
        ],
      },
    }),
  );
  await put(bucket, 'index.html', '<h1>home</h1>');
  await put(bucket, 'docs/index.html', '<h1>docs</h1>');
  await put(bucket, 'error.html', '<h1>oops</h1>');
  await put(bucket, 'moved.html', '', { WebsiteRedirectLocation: '/docs/' });

  const home = await web(bucket, '/');
  assert.deepEqual(
    [home.status, home.body, home.headers['content-type']],
    [200, '<h1>home</h1>', 'text/html'],
  );
  assert.equal((await web(bucket, '/docs/')).body, '<h1>docs</h1>');
  const folder = await web(bucket, '/docs');
  assert.deepEqual([folder.status, folder.headers.location], [302, '/docs/']);
  const missing = await web(bucket, '/nothing.html');
  assert.deepEqual([missing.status, missing.body], [404, '<h1>oops</h1>']);
  const head = await web(bucket, '/nothing.html', 'HEAD');
  assert.deepEqual([head.status, head.body], [404, '']);
  const moved = await web(bucket, '/moved.html');
  assert.deepEqual([moved.status, moved.headers.location], [301, '/docs/']);
  const old = await web(bucket, '/old/page.html');
  assert.deepEqual(
    [old.status, old.headers.location],
    [301, `http://${bucket}.s3-website.localhost:${port}/new/page.html`],
  );
  const gone = await web(bucket, '/gone/x.html');
  assert.deepEqual([gone.status, gone.headers.location], [302, 'https://archive.example.com/gone/x.html']);
  const exact = await web(bucket, '/exact-match');
  assert.equal(exact.headers.location, `http://${bucket}.s3-website.localhost:${port}/docs/`);
  const post = await web(bucket, '/', 'POST');
  assert.equal(post.status, 405);
  assert.match(post.body, /<li>Code: MethodNotAllowed<\/li>/);
  // Regional host names of both styles.
  for (const host of [
    `${bucket}.s3-website-us-east-1.localhost:${port}`,
    `${bucket}.s3-website.us-east-1.localhost.localstack.cloud:${port}`,
  ]) {
    assert.equal((await web(bucket, '/', 'GET', host)).body, '<h1>home</h1>', host);
  }
});

test('error pages without an error document; a missing key without s3:ListBucket is 403', async () => {
  const bucket = await publicSite(['s3:GetObject']);
  await s3.send(
    new PutBucketWebsiteCommand({
      Bucket: bucket,
      WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'error.html' } },
    }),
  );
  // The error document is missing too: S3 says so under the first error.
  const r = await web(bucket, '/a/b.html');
  assert.equal(r.status, 403);
  assert.match(
    r.body,
    /<li>Code: AccessDenied<\/li>[\s\S]*<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document<\/h3>\n<ul>\n<li>Code: AccessDenied<\/li>/,
  );
  await put(bucket, 'error.html', 'custom error');
  const withDoc = await web(bucket, '/a/b.html');
  assert.deepEqual([withDoc.status, withDoc.body], [403, 'custom error']);

  const listable = await publicSite();
  await s3.send(
    new PutBucketWebsiteCommand({
      Bucket: listable,
      WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' } },
    }),
  );
  const nf = await web(listable, '/a%20b.html');
  assert.equal(nf.status, 404);
  assert.match(
    nf.body,
    /<title>404 Not Found<\/title>[\s\S]*<li>Code: NoSuchKey<\/li>\n<li>Message: The specified key does not exist.<\/li>\n<li>Key: a b.html<\/li>\n<li>RequestId: /,
  );
});

test("the bucket's CORS rules apply to website answers", async () => {
  const bucket = await publicSite();
  await s3.send(
    new PutBucketWebsiteCommand({
      Bucket: bucket,
      WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' } },
    }),
  );
  await put(bucket, 'font.woff2', 'font');
  const host = `${bucket}.s3-website.localhost:${port}`;
  const withOrigin = (origin: string) => httpRequest(server, 'GET', '/font.woff2', { host, origin });
  assert.equal(
    (await withOrigin('https://blog.example.com')).headers['access-control-allow-origin'],
    undefined,
  );
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: {
        CORSRules: [{ AllowedOrigins: ['https://*.example.com'], AllowedMethods: ['GET'] }],
      },
    }),
  );
  const r = await withOrigin('https://blog.example.com');
  assert.deepEqual([r.status, r.headers['access-control-allow-origin']], [200, 'https://blog.example.com']);
});

test('conditional and ranged reads of pages', async () => {
  const bucket = await publicSite();
  await s3.send(
    new PutBucketWebsiteCommand({
      Bucket: bucket,
      WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' } },
    }),
  );
  await put(bucket, 'index.html', 'hello website');
  const host = `${bucket}.s3-website.localhost:${port}`;
  const get = (headers: Record<string, string>) => httpRequest(server, 'GET', '/', { host, ...headers });
  const first = await get({});
  const etag = String(first.headers.etag);
  assert.deepEqual(
    [(await get({ 'if-none-match': etag })).status, (await get({ 'if-none-match': etag })).body],
    [304, ''],
  );
  const part = await get({ range: 'bytes=0-4' });
  assert.deepEqual([part.status, part.body, part.headers['content-range']], [206, 'hello', 'bytes 0-4/13']);
  const failed = await get({ 'if-match': '"nope"' });
  assert.equal(failed.status, 412);
  assert.match(failed.body, /<li>Code: PreconditionFailed<\/li>/);
});

test('RedirectAllRequestsTo', async () => {
  const bucket = await publicSite();
  await s3.send(
    new PutBucketWebsiteCommand({
      Bucket: bucket,
      WebsiteConfiguration: { RedirectAllRequestsTo: { HostName: 'www.example.org', Protocol: 'https' } },
    }),
  );
  const r = await web(bucket, '/some/page?x=1');
  assert.deepEqual([r.status, r.headers.location], [301, 'https://www.example.org/some/page']);
});

test('python requests reads the index and error documents without credentials', async () => {
  const bucket = await publicSite();
  await s3.send(
    new PutBucketWebsiteCommand({
      Bucket: bucket,
      WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: '404.html' } },
    }),
  );
  await put(bucket, 'index.html', 'welcome');
  await put(bucket, '404.html', 'not here');
  const r = await python(
    `
import requests
host = ${JSON.stringify(`${bucket}.s3-website.localhost:${port}`)}
base = "http://127.0.0.1:${port}"
a = requests.get(base + "/", headers={"Host": host})
b = requests.get(base + "/missing", headers={"Host": host})
out([a.status_code, a.text, b.status_code, b.text])
`,
    server.env(),
  );
  assert.deepEqual(r, [200, 'welcome', 404, 'not here']);
});

test('--s3-website-hosts replaces the website host suffixes', async () => {
  const custom = await startTestServer(['--s3-website-hosts', 'web.test']);
  try {
    const c = clientsFor(custom).s3;
    const bucket = await createBucket(c, unique('custom'));
    await c.send(
      new PutBucketWebsiteCommand({
        Bucket: bucket,
        WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' } },
      }),
    );
    const p = new URL(custom.endpoint).port;
    const ask = async (host: string) => {
      const res = await httpRequest(custom, 'GET', '/', { host });
      return `${res.status} ${res.headers['content-type']}`;
    };
    // The website handler answers (403 HTML: private bucket) for the configured suffix only.
    assert.equal(await ask(`${bucket}.s3-website.web.test:${p}`), '403 text/html; charset=utf-8');
    // The default suffix is now the REST API's (XML), not a website.
    assert.match(await ask(`${bucket}.s3-website.localhost:${p}`), /xml/);
  } finally {
    await custom.stop();
  }
});

test('SSE-KMS pages are 403 AccessDenied (the endpoint cannot decrypt them); the error document is served', async () => {
  const bucket = await publicSite();
  await s3.send(
    new PutBucketWebsiteCommand({
      Bucket: bucket,
      WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'error.html' } },
    }),
  );
  await put(bucket, 'secret.html', 'kms page', { ServerSideEncryption: 'aws:kms' });
  await put(bucket, 'plain.html', 'plain page', { ServerSideEncryption: 'AES256' });
  const denied = await web(bucket, '/secret.html');
  assert.equal(denied.status, 403);
  assert.match(denied.body, /<li>Code: AccessDenied<\/li>/);
  assert.doesNotMatch(denied.body, /kms page/);
  assert.deepEqual(
    [(await web(bucket, '/plain.html')).status, (await web(bucket, '/plain.html')).body],
    [200, 'plain page'],
  );
  await put(bucket, 'error.html', 'custom error');
  const withDoc = await web(bucket, '/secret.html');
  assert.deepEqual([withDoc.status, withDoc.body], [403, 'custom error']);
  // An SSE-KMS error document cannot be served either.
  await put(bucket, 'error.html', 'kms error', { ServerSideEncryption: 'aws:kms' });
  const kmsDoc = await web(bucket, '/missing.html');
  assert.equal(kmsDoc.status, 404);
  assert.match(kmsDoc.body, /Custom Error Document<\/h3>\n<ul>\n<li>Code: AccessDenied<\/li>/);
});
