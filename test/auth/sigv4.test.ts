import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuth, checkScope } from '../../src/auth/parse.ts';
import { verify } from '../../src/auth/verify.ts';
import { isAwsError, type AwsError } from '../../src/errors.ts';
import { AKID, SECRET, credential, rfc3986, smithySign } from './helpers.ts';

const NOW = new Date('2026-03-01T12:00:00Z');

function fails(fn: () => unknown, code: string, status?: number): AwsError {
  try {
    fn();
  } catch (e) {
    assert.ok(isAwsError(e), `expected AwsError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (status !== undefined) assert.equal(e.status, status);
    return e;
  }
  assert.fail(`expected ${code}`);
}

test('AWS documented S3 GET object vector verifies', () => {
  const req = {
    method: 'GET',
    rawPath: '/test.txt',
    rawQuery: '',
    headers: {
      host: 'examplebucket.s3.amazonaws.com',
      range: 'bytes=0-9',
      'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'x-amz-date': '20130524T000000Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    },
  };
  const parsed = parseAuth(req);
  assert.equal(parsed.type, 'sigv4-header');
  const v = verify(parsed, req, credential(), { service: 's3', now: new Date('2013-05-24T00:05:00Z') });
  assert.equal(v.accessKeyId, AKID);
  assert.equal(v.region, 'us-east-1');
});

const ODD_KEYS = [
  'a b+c',
  "tilde~and(paren)!*'",
  'ünïcödé/ключ',
  'dir//double/./dot/../x',
  'plus+sign%percent',
  '=&?#',
];

for (const key of ODD_KEYS) {
  test(`S3 header auth with odd key ${JSON.stringify(key)}`, async () => {
    const path = '/bucket/' + key.split('/').map(rfc3986).join('/');
    const req = await smithySign({
      method: 'PUT',
      path,
      query: { 'x-id': 'PutObject', empty: '', 'sp ace': 'v a+l' },
      headers: {
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        'content-type': 'text/plain',
        'x-amz-meta-a': '  x   y  ',
      },
      date: NOW,
    });
    const parsed = parseAuth(req, { service: 's3' });
    verify(parsed, req, credential(), { service: 's3', now: NOW });
    // Changing the path breaks it.
    const other = { ...req, rawPath: path + 'x' };
    fails(
      () => verify(parsed, other, credential(), { service: 's3', now: NOW }),
      'SignatureDoesNotMatch',
      403,
    );
  });

  test(`S3 presigned URL with odd key ${JSON.stringify(key)} and session token`, async () => {
    const path = '/bucket/' + key.split('/').map(rfc3986).join('/');
    const req = await smithySign({
      path,
      presign: 3600,
      sessionToken: 'TOKEN/+=',
      date: NOW,
      query: { 'response-content-type': 'a/b c', v: '' },
    });
    const parsed = parseAuth(req);
    assert.equal(parsed.type, 'sigv4-query');
    const cred = credential({
      accessKeyId: AKID,
      sessionToken: 'TOKEN/+=',
      expiration: new Date(NOW.getTime() + 3600e3),
    });
    verify(parsed, req, cred, { service: 's3', now: new Date(NOW.getTime() + 1000) });
  });
}

test('S3 signature mismatch carries the AWS extra fields', async () => {
  const req = await smithySign({
    path: '/bucket/k',
    headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    date: NOW,
    secret: 'wrong',
  });
  const e = fails(
    () => verify(parseAuth(req), req, credential(), { service: 's3', now: NOW }),
    'SignatureDoesNotMatch',
    403,
  );
  assert.equal(
    e.message,
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  );
  assert.equal(e.extra.AWSAccessKeyId, AKID);
  assert.match(
    e.extra.StringToSign!,
    /^AWS4-HMAC-SHA256\n20260301T120000Z\n20260301\/us-east-1\/s3\/aws4_request\n[0-9a-f]{64}$/,
  );
  assert.match(e.extra.CanonicalRequest!, /^GET\n\/bucket\/k\n\nhost:bucket\.s3\.amazonaws\.com\n/);
  assert.equal(e.extra.StringToSignBytes!.split(' ')[0], '41');
  assert.ok(e.extra.SignatureProvided!.length === 64);
  assert.ok(e.extra.CanonicalRequestBytes!.startsWith('47 45 54 0a'));
});

test('S3 clock skew beyond 15 minutes is RequestTimeTooSkewed', async () => {
  const req = await smithySign({
    path: '/bucket/k',
    headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    date: NOW,
  });
  const later = new Date(NOW.getTime() + 15 * 60e3 + 1000);
  const e = fails(
    () => verify(parseAuth(req), req, credential(), { service: 's3', now: later }),
    'RequestTimeTooSkewed',
    403,
  );
  assert.deepEqual(e.extra, {
    RequestTime: '20260301T120000Z',
    ServerTime: '2026-03-01T12:15:01Z',
    MaxAllowedSkewMilliseconds: '900000',
  });
  // Exactly 15 minutes is still fine.
  verify(parseAuth(req), req, credential(), { service: 's3', now: new Date(NOW.getTime() + 15 * 60e3) });
});

test('S3 presigned expiry and week limit', async () => {
  const req = await smithySign({ path: '/bucket/k', presign: 60, date: NOW });
  const parsed = parseAuth(req);
  verify(parsed, req, credential(), { service: 's3', now: new Date(NOW.getTime() + 60e3) });
  const e = fails(
    () => verify(parsed, req, credential(), { service: 's3', now: new Date(NOW.getTime() + 61e3) }),
    'AccessDenied',
    403,
  );
  assert.equal(e.message, 'Request has expired');
  assert.deepEqual(e.extra, {
    'X-Amz-Expires': '60',
    Expires: '2026-03-01T12:01:00Z',
    ServerTime: '2026-03-01T12:01:01Z',
  });
  const long = { ...req, rawQuery: req.rawQuery.replace('X-Amz-Expires=60', 'X-Amz-Expires=604801') };
  const e2 = fails(() => parseAuth(long), 'AuthorizationQueryParametersError', 400);
  assert.equal(
    e2.message,
    'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
  );
  const missing = { ...req, rawQuery: req.rawQuery.replace(/&X-Amz-Date=[^&]*/, '') };
  fails(() => parseAuth(missing), 'AuthorizationQueryParametersError');
});

test('S3 unsigned x-amz-* header is refused', async () => {
  const req = await smithySign({
    path: '/bucket/k',
    headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    date: NOW,
  });
  req.headers['x-amz-meta-late'] = 'x';
  const e = fails(
    () => verify(parseAuth(req), req, credential(), { service: 's3', now: NOW }),
    'AccessDenied',
  );
  assert.equal(e.extra.HeadersNotSigned, 'x-amz-meta-late');
});

test('Host must be signed: S3 lists it in HeadersNotSigned, other services refuse the signature', async () => {
  const s3 = await smithySign({
    path: '/bucket/k',
    headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    date: NOW,
  });
  s3.headers.authorization = String(s3.headers.authorization).replace(
    'SignedHeaders=host;',
    'SignedHeaders=',
  );
  const e = fails(
    () => verify(parseAuth(s3), s3, credential(), { service: 's3', now: NOW }),
    'AccessDenied',
    403,
  );
  assert.equal(e.message, 'There were headers present in the request which were not signed');
  assert.equal(e.extra.HeadersNotSigned, 'host');
  // A presigned URL with an empty X-Amz-SignedHeaders is the same refusal, not a missing parameter.
  const url = await smithySign({ path: '/bucket/k', presign: 60, date: NOW });
  url.rawQuery = url.rawQuery.replace('X-Amz-SignedHeaders=host', 'X-Amz-SignedHeaders=');
  const p = fails(
    () => verify(parseAuth(url), url, credential(), { service: 's3', now: NOW }),
    'AccessDenied',
  );
  assert.equal(p.extra.HeadersNotSigned, 'host');

  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  const sts = await smithySign({
    method: 'POST',
    host: 'sts.amazonaws.com',
    path: '/',
    service: 'sts',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
    date: NOW,
  });
  sts.headers.authorization = String(sts.headers.authorization).replace(
    /SignedHeaders=[^,]*/,
    'SignedHeaders=content-type',
  );
  const q = fails(
    () => verify(parseAuth(sts), sts, credential(), { service: 'sts', now: NOW, body: Buffer.from(body) }),
    'IncompleteSignature',
  );
  assert.equal(q.message, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
});

test('S3 requires and validates x-amz-content-sha256', async () => {
  const req = await smithySign({ path: '/bucket/k', date: NOW });
  delete req.headers['x-amz-content-sha256'];
  fails(() => verify(parseAuth(req), req, credential(), { service: 's3', now: NOW }), 'InvalidRequest');
  const bad = await smithySign({ path: '/bucket/k', headers: { 'x-amz-content-sha256': 'nope' }, date: NOW });
  const e = fails(
    () => verify(parseAuth(bad), bad, credential(), { service: 's3', now: NOW }),
    'InvalidArgument',
  );
  assert.equal(e.extra.ArgumentName, 'x-amz-content-sha256');
});

test('streaming signed payload yields a chunk signing context', async () => {
  const req = await smithySign({
    method: 'PUT',
    path: '/bucket/k',
    headers: {
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': '5',
    },
    date: NOW,
  });
  const v = verify(parseAuth(req), req, credential(), { service: 's3', now: NOW });
  assert.ok(v.chunkSigning);
  assert.equal(v.chunkSigning.seedSignature, (parseAuth(req) as any).signature);
  assert.equal(v.chunkSigning.scope, '20260301/us-east-1/s3/aws4_request');
});

test('session tokens: missing, wrong, unexpected, expired', async () => {
  const temp = credential({
    accessKeyId: 'ASIAEXAMPLE',
    sessionToken: 'good',
    expiration: new Date(NOW.getTime() + 3600e3),
  });
  const sign = (token?: string, service = 's3') =>
    smithySign({
      path: service === 's3' ? '/bucket/k' : '/',
      accessKeyId: 'ASIAEXAMPLE',
      ...(token ? { sessionToken: token } : {}),
      headers: service === 's3' ? { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } : {},
      service,
      date: NOW,
    });
  const ok = await sign('good');
  verify(parseAuth(ok), ok, temp, { service: 's3', now: NOW });
  const none = await sign();
  fails(() => verify(parseAuth(none), none, temp, { service: 's3', now: NOW }), 'InvalidAccessKeyId', 403);
  const noneSts = await sign(undefined, 'sts');
  fails(
    () => verify(parseAuth(noneSts), noneSts, temp, { service: 'sts', now: NOW, body: '' }),
    'InvalidClientTokenId',
    403,
  );
  const wrong = await sign('bad');
  fails(() => verify(parseAuth(wrong), wrong, temp, { service: 's3', now: NOW }), 'InvalidToken', 400);
  const unexpected = await smithySign({
    path: '/bucket/k',
    sessionToken: 'x',
    headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    date: NOW,
  });
  fails(
    () => verify(parseAuth(unexpected), unexpected, credential(), { service: 's3', now: NOW }),
    'InvalidToken',
  );
  const expired = credential({
    accessKeyId: 'ASIAEXAMPLE',
    sessionToken: 'good',
    expiration: new Date(NOW.getTime() - 1),
  });
  const e = fails(() => verify(parseAuth(ok), ok, expired, { service: 's3', now: NOW }), 'ExpiredToken', 400);
  assert.equal(e.message, 'The provided token has expired.');
  const okSts = await sign('good', 'sts');
  const e2 = fails(
    () => verify(parseAuth(okSts), okSts, expired, { service: 'sts', now: NOW, body: '' }),
    'ExpiredToken',
    403,
  );
  assert.equal(e2.message, 'The security token included in the request is expired');
});

test('unknown key errors per service', async () => {
  const req = await smithySign({
    path: '/bucket/k',
    headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    date: NOW,
  });
  const e = fails(
    () => verify(parseAuth(req), req, undefined, { service: 's3', now: NOW }),
    'InvalidAccessKeyId',
    403,
  );
  assert.equal(e.message, 'The AWS Access Key Id you provided does not exist in our records.');
  const iam = await smithySign({ path: '/', service: 'iam', date: NOW });
  const e2 = fails(
    () => verify(parseAuth(iam), iam, undefined, { service: 'iam', now: NOW, body: '' }),
    'InvalidClientTokenId',
    403,
  );
  // IAM's wording has no closing period (STS's has).
  assert.equal(e2.message, 'The security token included in the request is invalid');
  fails(
    () =>
      verify(parseAuth(iam), iam, credential({ status: 'Inactive' }), { service: 'iam', now: NOW, body: '' }),
    'InvalidClientTokenId',
  );
});

test('IAM query POST: body hash, double-encoded path, mismatch message', async () => {
  const body = 'Action=ListUsers&Version=2010-05-08&PathPrefix=%2Fa%20b%2F';
  const req = await smithySign({
    method: 'POST',
    host: 'iam.amazonaws.com',
    path: '/',
    service: 'iam',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
    date: NOW,
  });
  const parsed = parseAuth(req);
  if (parsed.type !== 'sigv4-header') throw new Error('type');
  assert.deepEqual(parsed.scope, {
    date: '20260301',
    region: 'us-east-1',
    service: 'iam',
    terminator: 'aws4_request',
  });
  verify(parsed, req, credential(), { service: 'iam', now: NOW, body: Buffer.from(body) });
  const e = fails(
    () => verify(parsed, req, credential(), { service: 'iam', now: NOW, body: body + 'x' }),
    'SignatureDoesNotMatch',
    403,
  );
  assert.equal(
    e.message,
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );
  assert.throws(() => verify(parsed, req, credential(), { service: 'iam', now: NOW }), /opts.body/);
});

test('non-S3 path normalisation and double encoding match smithy', async () => {
  const path = '/a/./b/../c%20d/e%2Ff/';
  const req = await smithySign({
    method: 'GET',
    host: 'x.amazonaws.com',
    path,
    service: 'cloudtrail',
    date: NOW,
    query: { q: 'a b', e: '' },
  });
  verify(parseAuth(req), req, credential(), { service: 'cloudtrail', now: NOW, body: '' });
});

test('non-S3 clock skew message and STS presigned GetCallerIdentity', async () => {
  const req = await smithySign({
    method: 'POST',
    host: 'sts.amazonaws.com',
    path: '/',
    service: 'sts',
    body: 'Action=GetCallerIdentity&Version=2011-06-15',
    date: NOW,
  });
  const late = new Date(NOW.getTime() + 30 * 60e3);
  const e = fails(
    () =>
      verify(parseAuth(req), req, credential(), {
        service: 'sts',
        now: late,
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      }),
    'SignatureDoesNotMatch',
    403,
  );
  assert.equal(
    e.message,
    'Signature expired: 20260301T120000Z is now earlier than 20260301T121500Z (20260301T123000Z - 15 min.)',
  );
  const pre = await smithySign({
    host: 'sts.amazonaws.com',
    path: '/',
    service: 'sts',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    presign: 60,
    date: NOW,
  });
  verify(parseAuth(pre), pre, credential(), { service: 'sts', now: NOW, body: '' });
});

test('scope checks: service and region', async () => {
  const req = await smithySign({
    path: '/bucket/k',
    headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    date: NOW,
    region: 'eu-west-1',
  });
  const parsed = parseAuth(req);
  checkScope(parsed, { service: 's3', region: 'eu-west-1' });
  const e = fails(
    () => checkScope(parsed, { service: 's3', region: 'us-east-1' }),
    'AuthorizationHeaderMalformed',
    400,
  );
  assert.equal(
    e.message,
    "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'",
  );
  assert.equal(e.extra.Region, 'us-east-1');
  const pre = await smithySign({ path: '/bucket/k', presign: 60, date: NOW, region: 'eu-west-1' });
  fails(
    () => checkScope(parseAuth(pre), { service: 's3', region: 'us-east-1' }),
    'AuthorizationQueryParametersError',
  );
  const iam = await smithySign({ path: '/', service: 'iam', date: NOW, region: 'us-west-2' });
  fails(() => checkScope(parseAuth(iam), { service: 'sts', region: 'us-west-2' }), 'SignatureDoesNotMatch');

  // A region AWS does not have is the wrong region, even though the request is scoped to it.
  const known = (r: string) => r === 'us-east-1' || r === 'eu-west-1';
  const fake = await smithySign({ path: '/bucket/k', date: NOW, region: 'xx-fake-9' });
  const f = fails(
    () =>
      checkScope(parseAuth(fake), { service: 's3', region: 'xx-fake-9', known, fallbackRegion: 'us-east-1' }),
    'AuthorizationHeaderMalformed',
  );
  assert.equal(f.extra.Region, 'us-east-1');
  assert.match(f.message, /the region 'xx-fake-9' is wrong; expecting 'us-east-1'/);
  const sts = await smithySign({ path: '/', service: 'sts', date: NOW, region: 'xx-fake-9' });
  const g = fails(
    () =>
      checkScope(parseAuth(sts), { service: 'sts', region: 'xx-fake-9', known, fallbackRegion: 'us-east-1' }),
    'SignatureDoesNotMatch',
  );
  assert.match(g.message, /Credential should be scoped to a valid region, not 'xx-fake-9'/);
  checkScope(parsed, { service: 's3', region: 'eu-west-1', known, fallbackRegion: 'us-east-1' });
});

test('malformed Authorization headers', () => {
  const base = { method: 'GET', rawPath: '/', rawQuery: '', headers: {} as Record<string, string> };
  const withAuth = (a: string, extra: Record<string, string> = {}) => ({
    ...base,
    headers: { authorization: a, 'x-amz-date': '20260301T120000Z', ...extra },
  });
  let e = fails(
    () =>
      parseAuth(withAuth('AWS4-HMAC-SHA256 Credential=AKID/20260301/us-east-1/s3/aws4_request'), {
        service: 's3',
      }),
    'AuthorizationHeaderMalformed',
  );
  assert.equal(
    e.message,
    'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.',
  );
  e = fails(
    () => parseAuth(withAuth('AWS4-HMAC-SHA256 Credential=AKID/20260301/us-east-1/iam/aws4_request')),
    'IncompleteSignature',
    400,
  );
  assert.equal(
    e.message,
    "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=AKID/20260301/us-east-1/iam/aws4_request",
  );
  e = fails(
    () =>
      parseAuth(
        withAuth(
          'AWS4-HMAC-SHA256 Credential=AKID/20260301/s3/aws4_request, SignedHeaders=host, Signature=00',
        ),
        { service: 's3' },
      ),
    'AuthorizationHeaderMalformed',
  );
  assert.match(e.message, /Credential is mal-formed/);
  e = fails(() => parseAuth(withAuth('Bearer abc'), { service: 's3' }), 'InvalidArgument');
  assert.equal(e.message, 'Unsupported Authorization Type');
  fails(() => parseAuth(withAuth('AWS AKIDONLY'), { service: 's3' }), 'InvalidArgument');
  const both = { ...withAuth('AWS AKID:sig'), rawQuery: 'X-Amz-Algorithm=AWS4-HMAC-SHA256' };
  fails(() => parseAuth(both, { service: 's3' }), 'InvalidArgument');
  const noDate = {
    ...base,
    headers: {
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKID/20260301/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00',
    },
  };
  e = fails(() => parseAuth(noDate, { service: 's3' }), 'AccessDenied', 403);
  assert.equal(e.message, 'AWS authentication requires a valid Date or x-amz-date header');
  assert.deepEqual(parseAuth(base), { type: 'anonymous' });
});

test('credential scope date must match the request date', async () => {
  const req = await smithySign({
    path: '/bucket/k',
    headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    date: NOW,
  });
  req.headers.authorization = (req.headers.authorization as string).replace('/20260301/', '/20260302/');
  fails(
    () => verify(parseAuth(req), req, credential(), { service: 's3', now: NOW }),
    'AuthorizationHeaderMalformed',
  );
});

test('signing keys are cached per (secret, date, region, service)', async () => {
  const { signingKey } = await import('../../src/auth/sigv4.ts');
  const a = signingKey(SECRET, '20260301', 'us-east-1', 's3');
  assert.equal(signingKey(SECRET, '20260301', 'us-east-1', 's3'), a);
  assert.notEqual(signingKey(SECRET, '20260301', 'us-east-1', 'iam'), a);
});

test('presigned URLs dated in the future; non-S3 presigned requests live by the skew window', async () => {
  const future = await smithySign({
    path: '/bucket/k',
    presign: 3600,
    date: new Date(NOW.getTime() + 20 * 60e3),
  });
  const e = fails(
    () => verify(parseAuth(future), future, credential(), { service: 's3', now: NOW }),
    'AccessDenied',
  );
  assert.equal(e.message, 'Request is not yet valid');
  assert.equal(e.extra['X-Amz-Date'], String(NOW.getTime() + 20 * 60e3));
  const sts = await smithySign({
    host: 'sts.amazonaws.com',
    path: '/',
    service: 'sts',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    presign: 3600,
    date: NOW,
  });
  verify(parseAuth(sts), sts, credential(), {
    service: 'sts',
    now: new Date(NOW.getTime() + 14 * 60e3),
    body: '',
  });
  const e2 = fails(
    () =>
      verify(parseAuth(sts), sts, credential(), {
        service: 'sts',
        now: new Date(NOW.getTime() + 16 * 60e3),
        body: '',
      }),
    'SignatureDoesNotMatch',
  );
  assert.match(e2.message, /^Signature expired: 20260301T120000Z is now earlier than/);
});

test('non-S3: an Authorization component without "=" is IncompleteSignature', () => {
  const authz = 'AWS4-HMAC-SHA256 AKID/20260301/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00';
  const req = {
    method: 'POST',
    rawPath: '/',
    rawQuery: '',
    headers: { authorization: authz, 'x-amz-date': '20260301T120000Z' },
  };
  const e = fails(() => parseAuth(req, { service: 'sts' }), 'IncompleteSignature', 400);
  assert.equal(
    e.message,
    `'AKID/20260301/us-east-1/sts/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: '${authz}'.`,
  );
  fails(() => parseAuth(req, { service: 'cloudtrail' }), 'IncompleteSignatureException', 400);
});
