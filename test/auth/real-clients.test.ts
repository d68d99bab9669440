// Real clients (JS SDK v3, boto3) against a small loopback server that uses only the auth and
// streaming APIs: what the SDKs actually send must authenticate and decode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { S3Client, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { parseAuth, type AuthRequest } from '../../src/auth/parse.ts';
import { verify } from '../../src/auth/verify.ts';
import { readPostForm } from '../../src/auth/post-form.ts';
import { postAccessKeyId, verifyPostPolicy } from '../../src/auth/post-policy.ts';
import { createBodyDecoder, type BodyResult } from '../../src/protocol/streaming/body.ts';
import { isAwsError } from '../../src/errors.ts';
import { AKID, SECRET, credential } from './helpers.ts';

const creds = new Map([
  [AKID, credential()],
  [
    'ASIATEMPORARYKEY',
    credential({
      accessKeyId: 'ASIATEMPORARYKEY',
      sessionToken: 'SESSION+TOKEN/==',
      expiration: new Date(Date.now() + 3600e3),
    }),
  ],
]);

interface Seen {
  method: string;
  path: string;
  auth: string;
  data: Buffer;
  result?: BodyResult;
  contentSha256?: string;
}
const seen: Seen[] = [];
let server: Server;
let endpoint = '';

async function collect(stream: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    stream,
    new Writable({
      write(c, _e, cb) {
        out.push(c);
        cb();
      },
    }),
  );
  return Buffer.concat(out);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const areq: AuthRequest = {
    method: req.method!,
    rawPath: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    headers: req.headers,
  };
  if (req.method === 'POST' && String(req.headers['content-type']).startsWith('multipart/form-data')) {
    const form = await readPostForm(req, req.headers['content-type']);
    const akid = postAccessKeyId(form.fields)!;
    const auth = verifyPostPolicy(form.fields, creds.get(akid), {
      bucket: areq.rawPath.split('/')[1]!,
      filename: form.file.filename,
    });
    const decoder = createBodyDecoder({ headers: {} });
    const data = await collect(form.file.stream.pipe(auth.lengthCheck).pipe(decoder));
    await form.done;
    seen.push({ method: 'POST', path: auth.key, auth: auth.type, data, result: decoder.result! });
    res.writeHead(204).end();
    return;
  }
  const parsed = parseAuth(areq);
  if (parsed.type === 'anonymous') throw new Error('anonymous');
  const service = 'scope' in parsed ? parsed.scope.service : 's3';
  if (service === 's3') {
    const v = verify(parsed, areq, creds.get(parsed.accessKeyId), { service, now: new Date() });
    const decoder = createBodyDecoder({
      headers: req.headers,
      ...(v.chunkSigning ? { chunkSigning: v.chunkSigning } : {}),
    });
    const data = await collect(req.pipe(decoder));
    seen.push({
      method: req.method!,
      path: areq.rawPath,
      auth: parsed.type,
      data,
      result: decoder.result!,
      contentSha256: String(req.headers['x-amz-content-sha256']),
    });
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
    } else {
      res.writeHead(200, { etag: `"${decoder.result!.md5!.toString('hex')}"` }).end();
    }
    return;
  }
  const body = await collect(req);
  const v = verify(parsed, areq, creds.get(parsed.accessKeyId), { service, now: new Date(), body });
  seen.push({ method: req.method!, path: areq.rawPath, auth: parsed.type, data: body });
  res
    .writeHead(200, { 'content-type': 'text/xml' })
    .end(
      `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${v.credential.principal.arn}</Arn><UserId>${v.credential.principal.userId}</UserId><Account>${v.credential.principal.accountId}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    );
}

before(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      const code = isAwsError(e) ? e.code : 'InternalError';
      const status = isAwsError(e) ? e.status : 500;
      if (!res.headersSent) {
        res.writeHead(status, { 'content-type': 'application/xml', connection: 'close' });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${isAwsError(e) ? e.message : String(e)}</Message></Error>`,
        );
      }
      req.resume();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  endpoint = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

after(() => new Promise<void>((r) => server.close(() => r())));

const s3 = (over: { secret?: string; akid?: string; token?: string } = {}) =>
  new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: {
      accessKeyId: over.akid ?? AKID,
      secretAccessKey: over.secret ?? SECRET,
      ...(over.token ? { sessionToken: over.token } : {}),
    },
  });

test('JS SDK PutObject (Buffer and stream bodies, odd key, session token)', async () => {
  const key = 'dir/a b+c~(1)!ü.txt';
  seen.length = 0;
  await s3().send(new PutObjectCommand({ Bucket: 'bucket', Key: key, Body: Buffer.from('hello world') }));
  assert.equal(seen.at(-1)!.data.toString(), 'hello world');
  const big = Buffer.alloc(300_000, 5);
  await s3({ akid: 'ASIATEMPORARYKEY', token: 'SESSION+TOKEN/==' }).send(
    new PutObjectCommand({
      Bucket: 'bucket',
      Key: key,
      Body: Readable.from([big.subarray(0, 100_000), big.subarray(100_000)]),
      ContentLength: big.length,
    }),
  );
  const last = seen.at(-1)!;
  assert.ok(last.data.equals(big));
  // The SDK sends a checksum by default (header or trailer); it was verified.
  assert.ok(last.result!.supplied, `no checksum supplied (x-amz-content-sha256: ${last.contentSha256})`);
});

test('JS SDK with a wrong secret gets SignatureDoesNotMatch', async () => {
  await assert.rejects(
    s3({ secret: 'wrong' }).send(new PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: 'x' })),
    { name: 'SignatureDoesNotMatch' },
  );
  await assert.rejects(
    s3({ akid: 'AKIAUNKNOWN' }).send(new PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: 'x' })),
    { name: 'InvalidAccessKeyId' },
  );
});

test('JS SDK presigned GET and PUT URLs, fetched without the SDK', async () => {
  const get = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: 'bucket', Key: 'a b/c+d' }), {
    expiresIn: 60,
  });
  const r = await fetch(get);
  assert.equal(r.status, 200, await r.clone().text());
  const put = await getSignedUrl(s3(), new PutObjectCommand({ Bucket: 'bucket', Key: 'up' }), {
    expiresIn: 60,
  });
  const r2 = await fetch(put, { method: 'PUT', body: 'payload' });
  assert.equal(r2.status, 200, await r2.text());
  assert.equal(seen.at(-1)!.data.toString(), 'payload');
});

test('JS SDK presigned POST, posted as a browser would', async () => {
  const { url, fields } = await createPresignedPost(s3(), {
    Bucket: 'bucket',
    Key: 'uploads/${filename}',
    Conditions: [['content-length-range', 1, 100]],
    Expires: 60,
  });
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob(['file body']), 'note.txt');
  const r = await fetch(url, { method: 'POST', body: form });
  assert.equal(r.status, 204, await r.text());
  assert.equal(seen.at(-1)!.path, 'uploads/note.txt');
  assert.equal(seen.at(-1)!.data.toString(), 'file body');
});

test('JS SDK STS GetCallerIdentity (query protocol, body hash)', async () => {
  const sts = new STSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
  });
  const out = await sts.send(new GetCallerIdentityCommand({}));
  assert.equal(out.Account, '123456789012');
});

test('boto3: SigV4 put_object, SigV2 (signature_version=s3), presigned URLs, STS', async () => {
  const script = `
import boto3, json, urllib.request
from botocore.config import Config
kw = dict(endpoint_url='${endpoint}', region_name='us-east-1', aws_access_key_id='${AKID}', aws_secret_access_key='${SECRET}')
out = {}
s3 = boto3.client('s3', config=Config(s3={'addressing_style': 'path'}), **kw)
s3.put_object(Bucket='bucket', Key='boto key+~/ü', Body=b'from boto3')
out['v4'] = 'ok'
v2 = boto3.client('s3', config=Config(signature_version='s3', s3={'addressing_style': 'path'}), **kw)
v2.put_object(Bucket='bucket', Key='v2 key', Body=b'from sigv2', ContentType='text/plain', Metadata={'a': 'b'})
out['v2'] = 'ok'
for c in (s3, v2):
    url = c.generate_presigned_url('get_object', Params={'Bucket': 'bucket', 'Key': 'p q+r'}, ExpiresIn=60)
    out.setdefault('presigned', []).append(urllib.request.urlopen(url).status)
sts = boto3.client('sts', **kw)
out['account'] = sts.get_caller_identity()['Account']
print(json.dumps(out))
`;
  // Asynchronous: the server answering it runs in this process.
  const r = await promisify(execFile)('python3', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  assert.deepEqual(out, { v4: 'ok', v2: 'ok', presigned: [200, 200], account: '123456789012' });
  assert.ok(seen.some((s) => s.auth === 'sigv2-header' && s.data.toString() === 'from sigv2'));
  assert.ok(seen.some((s) => s.auth === 'sigv4-header' && s.data.toString() === 'from boto3'));
});

test('boto3 generate_presigned_post (SigV4 and SigV2), posted with fetch', async () => {
  const script = `
import boto3, json
from botocore.config import Config
kw = dict(endpoint_url='${endpoint}', region_name='us-east-1', aws_access_key_id='${AKID}', aws_secret_access_key='${SECRET}')
out = []
for sv in ('s3v4', 's3'):
    c = boto3.client('s3', config=Config(signature_version=sv, s3={'addressing_style': 'path'}), **kw)
    out.append(c.generate_presigned_post('bucket', 'in/\${filename}', Fields={'acl': 'private'}, Conditions=[{'acl': 'private'}, ['content-length-range', 1, 50]], ExpiresIn=60))
print(json.dumps(out))
`;
  const r = await promisify(execFile)('python3', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
  const posts = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Array<{
    url: string;
    fields: Record<string, string>;
  }>;
  const types = [];
  for (const p of posts) {
    const form = new FormData();
    for (const [k, v] of Object.entries(p.fields)) form.append(k, v);
    form.append('file', new Blob(['boto form']), 'b.txt');
    const res = await fetch(p.url, { method: 'POST', body: form });
    assert.equal(res.status, 204, await res.text());
    assert.equal(seen.at(-1)!.path, 'in/b.txt');
    types.push(seen.at(-1)!.auth);
  }
  assert.deepEqual(types, ['sigv4', 'sigv2']);
});
