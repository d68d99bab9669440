/**
 * Presigned access without credentials: SDK v3 getSignedUrl (SigV4) GET/PUT, boto3 SigV2 and
 * SigV4 URLs, expiry and tampering, and presigned POST forms (createPresignedPost) with their
 * policy enforced and refused uploads leaving nothing behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  PutObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { useServer } from '../support/use-server.ts';
import { python } from '../support/clients.ts';

const bucket = 'presigned-e2e';

const { server, s3 } = useServer({
  async setup() {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc.txt', Body: 'document' }));
  },
});

const codeOf = (xml: string) => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];

test('SDK v3 presigned GET and PUT work without credentials; a changed key is SignatureDoesNotMatch', async () => {
  const get = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'doc.txt' }), {
    expiresIn: 60,
  });
  const r = await fetch(get);
  assert.equal(r.status, 200);
  assert.equal(await r.text(), 'document');
  const put = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: 'up/by-url.bin' }), {
    expiresIn: 60,
  });
  const w = await fetch(put, { method: 'PUT', body: 'uploaded by url' });
  assert.equal(w.status, 200, await w.clone().text());
  const back = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'up/by-url.bin' }));
  assert.equal(await back.Body!.transformToString(), 'uploaded by url');
  const forged = await fetch(get.replace('doc.txt', 'other.txt'));
  assert.equal(forged.status, 403);
  assert.equal(codeOf(await forged.text()), 'SignatureDoesNotMatch');
});

test('boto3 SigV2 (s3) and SigV4 presigned URLs; expired URLs are AccessDenied', async () => {
  const urls = await python(
    `
from botocore.config import Config
v2 = boto3.client("s3", config=Config(signature_version="s3"))
v4 = boto3.client("s3", config=Config(signature_version="s3v4"))
p = {"Bucket": "${bucket}", "Key": "doc.txt"}
out([v2.generate_presigned_url("get_object", Params=p, ExpiresIn=60),
     v4.generate_presigned_url("get_object", Params=p, ExpiresIn=60),
     v2.generate_presigned_url("get_object", Params=p, ExpiresIn=-10),
     v2.generate_presigned_url("put_object", Params={"Bucket": "${bucket}", "Key": "v2-put"}, ExpiresIn=60)])
`,
    server.env(),
  );
  assert.match(urls[0], /Signature=/);
  for (const u of urls.slice(0, 2)) {
    const r = await fetch(u);
    assert.equal(r.status, 200, u);
    assert.equal(await r.text(), 'document');
  }
  const expired = await fetch(urls[2]);
  assert.equal(expired.status, 403);
  assert.equal(codeOf(await expired.text()), 'AccessDenied');
  // (No Content-Type: SigV2 signs it, and the URL was made without one.)
  const put = await fetch(urls[3], { method: 'PUT', body: new Uint8Array(Buffer.from('v2 body')) });
  assert.equal(put.status, 200, await put.clone().text());
  assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'v2-put' }))).ContentLength, 7);
});

async function postForm(
  url: string,
  fields: Record<string, string>,
  file: Buffer | string,
  filename = 'file.bin',
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([file]), filename);
  return fetch(url, { method: 'POST', body: form, redirect: 'manual' });
}

test('createPresignedPost: 204 by default, 201 with XML, 303 redirect, ${filename}, metadata fields', async () => {
  const { url, fields } = await createPresignedPost(s3, {
    Bucket: bucket,
    Key: 'posted/${filename}',
    Fields: { 'x-amz-meta-origin': 'browser', 'Content-Type': 'text/plain' },
    Conditions: [
      ['starts-with', '$key', 'posted/'],
      ['content-length-range', 1, 1024],
      { 'x-amz-meta-origin': 'browser' },
      { 'Content-Type': 'text/plain' },
    ],
    Expires: 60,
  });
  const r = await postForm(url, fields, 'posted body', 'hello.txt');
  assert.equal(r.status, 204, await r.clone().text());
  assert.ok(r.headers.get('etag'));
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'posted/hello.txt' }));
  assert.deepEqual([head.ContentType, head.Metadata], ['text/plain', { origin: 'browser' }]);

  const created = await createPresignedPost(s3, {
    Bucket: bucket,
    Key: 'posted/created',
    Fields: { success_action_status: '201' },
    Conditions: [{ success_action_status: '201' }],
  });
  const c = await postForm(created.url, created.fields, 'x');
  assert.equal(c.status, 201);
  const xml = await c.text();
  assert.match(xml, /<PostResponse[^>]*>[\s\S]*<Key>posted\/created<\/Key>/);

  const redirect = await createPresignedPost(s3, {
    Bucket: bucket,
    Key: 'posted/redirected',
    Fields: { success_action_redirect: 'http://example.com/done' },
    Conditions: [{ success_action_redirect: 'http://example.com/done' }],
  });
  const d = await postForm(redirect.url, redirect.fields, 'x');
  assert.equal(d.status, 303);
  const loc = new URL(d.headers.get('location')!);
  assert.deepEqual(
    [loc.origin + loc.pathname, loc.searchParams.get('bucket'), loc.searchParams.get('key')],
    ['http://example.com/done', bucket, 'posted/redirected'],
  );
  assert.ok(loc.searchParams.get('etag'));
});

test('POST policy: outside the size range (EntityTooLarge/EntityTooSmall), wrong key (AccessDenied), no policy → refused, nothing stored', async () => {
  const { url, fields } = await createPresignedPost(s3, {
    Bucket: bucket,
    Key: 'limited/${filename}',
    Conditions: [
      ['starts-with', '$key', 'limited/'],
      ['content-length-range', 10, 100],
    ],
  });
  const big = await postForm(url, fields, Buffer.alloc(300_000, 1), 'big.bin');
  assert.equal(big.status, 400);
  assert.equal(codeOf(await big.text()), 'EntityTooLarge');
  const small = await postForm(url, fields, 'tiny', 'small.bin');
  assert.equal(small.status, 400);
  assert.equal(codeOf(await small.text()), 'EntityTooSmall');
  const moved = await postForm(url, { ...fields, key: 'elsewhere/x' }, 'long enough body');
  assert.equal(moved.status, 403);
  assert.equal(codeOf(await moved.text()), 'AccessDenied');
  const anonymous = await postForm(url, { key: 'limited/anon' }, 'long enough body');
  assert.equal(anonymous.status, 403);
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'limited/' }));
  assert.equal(listed.KeyCount, 0);
  const elsewhere = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'elsewhere/' }));
  assert.equal(elsewhere.KeyCount, 0);
});

test('boto3 presigned POST forms, SigV4 and SigV2 (signature_version="s3"), with requests', async () => {
  const r = await python(
    `
import requests
from botocore.config import Config
res = []
for sv in ("s3v4", "s3"):
    c = boto3.client("s3", config=Config(signature_version=sv))
    post = c.generate_presigned_post(Bucket="${bucket}", Key="boto-post/" + sv + "/\${filename}", Fields={"success_action_status": "201"},
                                     Conditions=[{"success_action_status": "201"}, ["starts-with", "$key", "boto-post/"]], ExpiresIn=60)
    ok = requests.post(post["url"], data=post["fields"], files={"file": ("f.txt", b"from " + sv.encode())}, timeout=30)
    body = c.get_object(Bucket="${bucket}", Key="boto-post/" + sv + "/f.txt")["Body"].read().decode()
    res.append([sorted(k.lower() for k in post["fields"] if "signature" in k.lower()), ok.status_code, body])
out(res)
`,
    server.env(),
  );
  assert.deepEqual(r, [
    [['x-amz-signature'], 201, 'from s3v4'],
    [['signature'], 201, 'from s3'],
  ]);
});

test('an S3 URL presigned or signed for another service is refused by S3: incorrect service', async () => {
  const url = new URL(server.endpoint);
  const request = (service: string) => ({
    signer: new SignatureV4({
      credentials: server.credentials,
      region: 'us-east-1',
      service,
      sha256: Sha256,
    }),
    req: {
      method: 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: `/${bucket}/doc.txt`,
      query: {},
      headers: { host: url.host },
    },
  });
  const msgOf = (xml: string) => /<Message>([^<]*)<\/Message>/.exec(xml)?.[1]?.replace(/&quot;/g, '"');
  for (const service of ['ec2', 'sts', 'iam']) {
    const { signer, req } = request(service);
    const presigned = await signer.presign(req, { expiresIn: 60 });
    const qs = new URLSearchParams(presigned.query as Record<string, string>).toString();
    const r = await fetch(`${server.endpoint}/${bucket}/doc.txt?${qs}`);
    const body = await r.text();
    assert.equal(r.status, 400, body);
    assert.equal(codeOf(body), 'AuthorizationQueryParametersError');
    assert.equal(
      msgOf(body),
      `Error parsing the X-Amz-Credential parameter; incorrect service "${service}". This endpoint belongs to "s3".`,
    );
    const signed = await request(service).signer.sign({
      ...req,
      headers: { ...req.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    const h = await fetch(`${server.endpoint}/${bucket}/doc.txt`, {
      headers: signed.headers as Record<string, string>,
    });
    const hb = await h.text();
    assert.equal(h.status, 400, hb);
    assert.equal(codeOf(hb), 'AuthorizationHeaderMalformed');
  }
});
