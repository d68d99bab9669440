/** Pure parts of the console: escaping, SigV4 (cross-checked with @smithy/signature-v4), the chart, sessions, the read-only list. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { markup, href } from '../../src/console/html.ts';
import { signHeaders, queryString, encodePath } from '../../src/console/aws/sign.ts';
import { assertReadOnly } from '../../src/console/aws/read-only.ts';
import { activityChart } from '../../src/console/chart.ts';
import { SessionStore, readCookie } from '../../src/console/sessions.ts';
import { policyDocument } from '../../src/console/layout.ts';

test('html: interpolations are escaped, nested Html and arrays are not escaped twice', () => {
  const name = `<img src=x onerror="alert('1')">&`;
  const out = markup`<p title="${name}">${name}${[markup`<b>${'<i>'}</b>`, 'x']}</p>`.value;
  assert.equal(
    out,
    '<p title="&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;">&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;<b>&lt;i&gt;</b>x</p>',
  );
  assert.equal(
    href('/s3/buckets/b', { prefix: 'a b/&', token: '' }),
    '/_stratus/console/s3/buckets/b?prefix=a+b%2F%26',
  );
});

test('policy documents: URL-encoded JSON is decoded and pretty-printed', () => {
  const doc = encodeURIComponent(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    }),
  );
  assert.match(
    policyDocument(doc, 'p').value,
    /\{\n {2}&quot;Version&quot;: &quot;2012-10-17&quot;,\n {2}&quot;Statement&quot;: \[/,
  );
});

test('SigV4: the console signs as @smithy/signature-v4 does (query service, with session token; S3 path)', async () => {
  const credentials = {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    sessionToken: 'tok/+=',
  };
  const now = new Date('2024-05-01T12:34:56Z');
  for (const c of [
    {
      service: 'iam',
      region: 'us-east-1',
      method: 'POST',
      path: '/',
      query: [] as Array<[string, string]>,
      body: 'Action=ListUsers&Version=2010-05-08',
    },
    {
      service: 's3',
      region: 'eu-west-1',
      method: 'GET',
      path: '/bucket/a b/ü+~.txt',
      query: [
        ['list-type', '2'],
        ['prefix', 'x y/'],
        ['tagging', ''],
      ] as Array<[string, string]>,
      body: '',
    },
  ]) {
    const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    const ours = signHeaders(
      {
        method: c.method,
        service: c.service,
        region: c.region,
        host: '127.0.0.1:4606',
        encodedPath: encodePath(c.path),
        query: queryString(c.query),
        headers,
        body: Buffer.from(c.body),
        now,
      },
      credentials,
    );
    const signer = new SignatureV4({
      service: c.service,
      region: c.region,
      credentials,
      sha256: Sha256,
      uriEscapePath: c.service !== 's3',
    });
    const theirs = await signer.sign(
      {
        method: c.method,
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 4606,
        path: c.service === 's3' ? encodePath(c.path) : c.path,
        query: Object.fromEntries(c.query),
        headers: {
          ...headers,
          host: '127.0.0.1:4606',
          'x-amz-content-sha256': ours['x-amz-content-sha256']!,
        },
        body: c.body,
      },
      { signingDate: now },
    );
    const sig = (h: string) => /Signature=([0-9a-f]{64})/.exec(h)![1];
    assert.equal(
      sig(ours.authorization!),
      sig(String(theirs.headers.authorization)),
      `${c.service} signature`,
    );
  }
});

test('read-only: the console refuses to call anything that changes state', () => {
  assert.doesNotThrow(() => assertReadOnly('s3', 'ListObjectsV2'));
  assert.doesNotThrow(() => assertReadOnly('cloudtrail', 'LookupEvents'));
  for (const [svc, op] of [
    ['s3', 'DeleteBucket'],
    ['s3', 'PutObject'],
    ['iam', 'CreateAccessKey'],
    ['sts', 'GetSessionToken'],
    ['ec2', 'TerminateInstances'],
    ['cloudtrail', 'StopLogging'],
  ]) {
    assert.throws(() => assertReadOnly(svc!, op!), /not a read-only operation/);
  }
});

test('chart: calls and denials fall into their time bins; the summary counts them', () => {
  const from = Date.parse('2024-05-01T00:00:00Z');
  const pts = [
    { time: from + 1000, denied: false },
    { time: from + 2000, denied: true },
    { time: from + 3_600_000 * 23.5, denied: true },
  ];
  const svg = activityChart(pts, from, from + 86_400_000).value;
  assert.equal((svg.match(/<rect class="calls"/g) ?? []).length, 2);
  assert.equal((svg.match(/<rect class="denials"/g) ?? []).length, 2);
  assert.match(svg, /3 calls, 2 denied/);
  assert.match(svg, /role="img"/);
});

test('sessions: random ids, idle expiry, sign-out wipes the secret', () => {
  let t = 0;
  const store = new SessionStore(() => t);
  const keys = { accessKeyId: 'AKID', secretAccessKey: 'secret' };
  const s = store.create(keys, { account: '1', arn: 'arn', userId: 'u' }, 'us-east-1');
  assert.match(s.id, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(store.get(s.id), s);
  assert.equal(store.get(s.id.slice(0, -1) + (s.id.endsWith('A') ? 'B' : 'A')), undefined);
  assert.equal(readCookie(`a=1; stratus_console=${s.id}; b=2`, 'stratus_console'), s.id);
  t += 61 * 60 * 1000;
  assert.equal(store.get(s.id), undefined, 'idle for over an hour');
  const s2 = store.create(keys, { account: '1', arn: 'arn', userId: 'u' }, 'us-east-1');
  store.delete(s2.id);
  assert.equal(s2.keys.secretAccessKey, '');
  assert.equal(store.get(s2.id), undefined);
});
