/**
 * The console over plain HTTP (no browser): sign-in and sign-out rules, cookies, security
 * headers, redirects, static assets, and that every call it makes on a user's behalf is a
 * read-only one (checked in the audit trail).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { S3Client, CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  IAMClient,
  CreateUserCommand,
  PutUserPolicyCommand,
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { startTestServer, sdkConfig, type TestServer } from '../support/server.ts';

let server: TestServer;
let base: string;

before(async () => {
  server = await startTestServer(['--machines=metadata']);
  base = `${server.endpoint}/_stratus/console`;
  const s3 = new S3Client(sdkConfig(server));
  await s3.send(new CreateBucketCommand({ Bucket: 'http-console' }));
  await s3.send(new PutObjectCommand({ Bucket: 'http-console', Key: 'a/b.txt', Body: 'hello' }));
});
after(async () => {
  await server?.stop();
});

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

async function signIn(
  extra: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${base}/signin`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form({ accessKeyId: 'test', secretAccessKey: 'test', region: 'us-east-1', ...extra }),
  });
}

function sessionCookie(r: Response): string {
  const c = r.headers.get('set-cookie') ?? '';
  return c.split(';')[0]!;
}

test('pages need a session: a redirect to sign-in that keeps the page; no open redirect after sign-in', async () => {
  const r = await fetch(`${base}/s3/buckets/http-console?prefix=a/`, { redirect: 'manual' });
  assert.equal(r.status, 303);
  assert.equal(
    r.headers.get('location'),
    '/_stratus/console/signin?next=%2F_stratus%2Fconsole%2Fs3%2Fbuckets%2Fhttp-console%3Fprefix%3Da%2F',
  );
  const ok = await signIn({ next: '/_stratus/console/s3' });
  assert.equal(ok.headers.get('location'), '/_stratus/console/s3');
  for (const next of ['https://evil.example/', '//evil.example/x', '/elsewhere']) {
    const r2 = await signIn({ next });
    assert.equal(r2.headers.get('location'), '/_stratus/console/', next);
  }
});

test('sign-in: a session cookie that is HttpOnly, SameSite=Strict and scoped to the console; bad keys answer 401 without the secret', async () => {
  const r = await signIn();
  assert.equal(r.status, 303);
  const cookie = r.headers.get('set-cookie')!;
  assert.match(
    cookie,
    /^stratus_console=[A-Za-z0-9_-]{43}; Path=\/_stratus\/console; HttpOnly; SameSite=Strict$/,
  );
  assert.ok(!cookie.includes('test;'), 'no key material in the cookie');

  const bad = await signIn({ secretAccessKey: 'wrong-secret-123' });
  assert.equal(bad.status, 401);
  const body = await bad.text();
  assert.match(body, /SignatureDoesNotMatch/);
  assert.ok(!body.includes('wrong-secret-123'));
  const unknown = await signIn({ accessKeyId: 'AKIANOSUCHKEY0000000' });
  assert.match(await unknown.text(), /InvalidClientTokenId/);
});

test('cross-site POSTs are refused (sign-in and sign-out); sign-out ends the server-side session', async () => {
  assert.equal((await signIn({}, { origin: 'http://evil.example' })).status, 403);
  assert.equal((await signIn({}, { 'sec-fetch-site': 'cross-site' })).status, 403);
  const cookie = sessionCookie(await signIn());
  const page = await fetch(`${base}/`, { headers: { cookie } });
  assert.equal(page.status, 200);
  const cross = await fetch(`${base}/signout`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'sec-fetch-site': 'cross-site' },
  });
  assert.equal(cross.status, 403);
  assert.equal(
    (await fetch(`${base}/`, { headers: { cookie }, redirect: 'manual' })).status,
    200,
    'still signed in',
  );
  const out = await fetch(`${base}/signout`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'sec-fetch-site': 'same-origin' },
  });
  assert.equal(out.status, 303);
  assert.match(out.headers.get('set-cookie')!, /^stratus_console=; .*Max-Age=0/);
  // The old cookie is worthless now: the session is gone on the server.
  assert.equal((await fetch(`${base}/`, { headers: { cookie }, redirect: 'manual' })).status, 303);
});

test('pages carry a strict CSP, no-store, frame denial; other methods are refused', async () => {
  const cookie = sessionCookie(await signIn());
  const r = await fetch(`${base}/s3/buckets/http-console?prefix=a/`, { headers: { cookie } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-security-policy')!, /default-src 'none'; style-src 'self'/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal(r.headers.get('x-frame-options'), 'DENY');
  assert.match(await r.text(), /b\.txt/);
  for (const method of ['PUT', 'DELETE', 'POST']) {
    const m = await fetch(`${base}/s3`, { method, headers: { cookie } });
    assert.equal(m.status, 405, method);
  }
  const missing = await fetch(`${base}/no/such/page`, { headers: { cookie } });
  assert.equal(missing.status, 404);
});

test('static assets: the stylesheet is served; nothing outside the assets folder is', async () => {
  const css = await fetch(`${base}/assets/console.css`);
  assert.equal(css.status, 200);
  assert.match(css.headers.get('content-type')!, /^text\/css/);
  for (const p of [
    '/assets/..%2Findex.ts',
    '/assets/%2e%2e/index.ts',
    '/assets/index.ts',
    '/assets/',
    '/assets/..%2F..%2F..%2Fpackage.json',
  ]) {
    const r = await fetch(base + p, { redirect: 'manual' });
    const body = await r.text();
    assert.ok(r.status === 404 || r.status === 303, `${p}: ${r.status}`);
    assert.ok(!body.includes('consoleRoute') && !body.includes('"dependencies"'), p);
  }
});

test('every call the console makes for a user is a read-only one (the audit trail says so)', async () => {
  const cookie = sessionCookie(await signIn());
  for (const p of [
    '/',
    '/s3',
    '/s3/buckets/http-console',
    '/s3/buckets/http-console/object?key=a/b.txt',
    '/iam',
    '/ec2',
    '/audit',
  ]) {
    assert.equal((await fetch(base + p, { headers: { cookie } })).status, 200, p);
  }
  const ct = new CloudTrailClient(sdkConfig(server));
  let events: Array<{ readOnly?: boolean; userAgent?: string; eventName?: string }> = [];
  // Recording is batched off the request path: ask again until the console's calls are there (bounded).
  for (let i = 0; i < 50; i++) {
    const r = await ct.send(new LookupEventsCommand({ MaxResults: 50 }));
    events = (r.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent!));
    if (events.some((e) => e.eventName === 'LookupEvents' && e.userAgent?.startsWith('stratus-console/')))
      break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const mine = events.filter((e) => e.userAgent?.startsWith('stratus-console/'));
  assert.ok(mine.length > 5, `the console's calls are recorded (${mine.length})`);
  assert.deepEqual(
    mine.filter((e) => e.readOnly !== true).map((e) => e.eventName),
    [],
  );
});

test('a deleted access key ends the session: the next page sends the user to sign in again', async () => {
  const iam = new IAMClient(sdkConfig(server));
  await iam.send(new CreateUserCommand({ UserName: 'short-lived' }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'short-lived',
      PolicyName: 's3',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
      }),
    }),
  );
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'short-lived' }))).AccessKey!;
  const r = await signIn({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
  assert.equal(r.status, 303);
  const cookie = sessionCookie(r);
  const ok = await fetch(`${base}/s3`, { headers: { cookie } });
  assert.match(await ok.text(), /http-console/);
  await iam.send(new DeleteAccessKeyCommand({ UserName: 'short-lived', AccessKeyId: key.AccessKeyId! }));
  const after = await fetch(`${base}/s3`, { headers: { cookie }, redirect: 'manual' });
  assert.equal(after.status, 303);
  assert.equal(after.headers.get('location'), '/_stratus/console/signin?expired=InvalidAccessKeyId');
  assert.match(after.headers.get('set-cookie')!, /Max-Age=0/);
  const again = await fetch(`${base}/s3`, { headers: { cookie }, redirect: 'manual' });
  assert.match(again.headers.get('location')!, /\/signin\?next=/, 'the session is gone');
  const form = await (await fetch(`${base}/signin?expired=InvalidAccessKeyId`)).text();
  assert.match(form, /Your credentials no longer work \(InvalidAccessKeyId\)/);
});

test('audit filters: a time range outside the events finds none; attribute filters narrow; the region picker switches region', async () => {
  const cookie = sessionCookie(await signIn());
  const get = async (q: Record<string, string>) =>
    (await fetch(`${base}/audit?${new URLSearchParams(q)}`, { headers: { cookie } })).text();
  const future = await get({ start: '2099-01-01T00:00', end: '2099-01-02T00:00' });
  assert.match(future, /No events match\./);
  const now = new Date();
  const iso = (d: Date) => d.toISOString().slice(0, 19);
  let around = '';
  for (let i = 0; i < 50 && !/CreateBucket/.test(around); i++) {
    around = await get({
      key: 'EventName',
      value: 'CreateBucket',
      start: iso(new Date(now.getTime() - 3_600_000)),
      end: iso(new Date(now.getTime() + 60_000)),
    });
    if (!/CreateBucket/.test(around)) await new Promise((r) => setTimeout(r, 100));
  }
  assert.match(around, /<th scope="row">CreateBucket<\/th>/);
  assert.doesNotMatch(around, /<th scope="row">(?!CreateBucket<)/, 'only CreateBucket events');
  const west = await get({ region: 'us-west-2', key: 'EventName', value: 'CreateBucket' });
  assert.match(west, /<option value="us-west-2" selected>/);
  const ec2West = await (await fetch(`${base}/ec2?region=us-west-2`, { headers: { cookie } })).text();
  assert.match(ec2West, /<h1>EC2 · us-west-2<\/h1>/);
  // A malformed region falls back to the session's.
  const bogus = await (await fetch(`${base}/ec2?region=../../etc`, { headers: { cookie } })).text();
  assert.match(bogus, /<h1>EC2 · us-east-1<\/h1>/);
});

test('a script fetching a page (Sec-Fetch-Dest other than document) is refused; pages isolate their opener', async () => {
  const cookie = sessionCookie(await signIn());
  const doc = await fetch(`${base}/`, { headers: { cookie, 'sec-fetch-dest': 'document' } });
  assert.equal(doc.status, 200);
  assert.equal(doc.headers.get('cross-origin-opener-policy'), 'same-origin');
  const scripted = await fetch(`${base}/`, { headers: { cookie, 'sec-fetch-dest': 'empty' } });
  assert.equal(scripted.status, 403);
});
