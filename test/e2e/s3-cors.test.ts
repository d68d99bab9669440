// CORS: configuration through @aws-sdk/client-s3 and boto3, preflight OPTIONS and the
// Access-Control-* headers on S3's own answers, matched as S3 matches rules.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteBucketCorsCommand,
  GetBucketCorsCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  type CORSRule,
} from '@aws-sdk/client-s3';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { auditLogFor } from '../../src/audit/index.ts';
import { python } from '../support/clients.ts';
import { sdkConfig } from '../support/server.ts';
import { startTestServer } from '../support/server.ts';
import { clientsFor, createBucket, outcome, unique } from './enforcement-support.ts';

const server = await startTestServer();
after(() => server.stop());
const { s3 } = clientsFor(server);

const RULES: CORSRule[] = [
  {
    ID: 'app',
    AllowedOrigins: ['https://*.example.com'],
    AllowedMethods: ['GET', 'PUT', 'POST'],
    AllowedHeaders: ['content-type', 'x-amz-*'],
    ExposeHeaders: ['ETag', 'x-amz-request-id'],
    MaxAgeSeconds: 600,
  },
  { AllowedOrigins: ['*'], AllowedMethods: ['GET'] },
];

const preflight = (
  bucket: string,
  path: string,
  origin: string | undefined,
  method: string | undefined,
  headers?: string,
) => {
  const h: Record<string, string> = {};
  if (origin !== undefined) h.origin = origin;
  if (method !== undefined) h['access-control-request-method'] = method;
  if (headers !== undefined) h['access-control-request-headers'] = headers;
  return fetch(`${server.endpoint}/${bucket}${path}`, { method: 'OPTIONS', headers: h });
};

test('CORS configuration: validation, NoSuchCORSConfiguration, round trip', async () => {
  const bucket = await createBucket(s3, unique('cors-cfg'));
  assert.deepEqual(await outcome(s3.send(new GetBucketCorsCommand({ Bucket: bucket }))), {
    code: 'NoSuchCORSConfiguration',
    status: 404,
    message: 'The CORS configuration does not exist',
  });
  const bad = async (rule: CORSRule) => {
    const o = await outcome(
      s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [rule] } })),
    );
    return o === 'ok' ? 'ok' : `${o.code}: ${o.message}`;
  };
  assert.equal(
    await bad({ AllowedOrigins: ['*'], AllowedMethods: ['PATCH'] }),
    'InvalidRequest: Found unsupported HTTP method in CORS config. Unsupported method is PATCH',
  );
  assert.equal(
    await bad({ AllowedOrigins: ['https://*.*.com'], AllowedMethods: ['GET'] }),
    'InvalidRequest: AllowedOrigin "https://*.*.com" can not have more than one wildcard.',
  );
  assert.equal(
    await bad({ AllowedOrigins: ['*'], AllowedMethods: ['GET'], AllowedHeaders: ['x-*-*'] }),
    'InvalidRequest: AllowedHeader "x-*-*" can not have more than one wildcard.',
  );
  await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: RULES } }));
  assert.deepEqual((await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules, RULES);
  await s3.send(new DeleteBucketCorsCommand({ Bucket: bucket }));
  assert.equal(
    ((await outcome(s3.send(new GetBucketCorsCommand({ Bucket: bucket })))) as { code: string }).code,
    'NoSuchCORSConfiguration',
  );
});

test('preflight: first matching rule, wildcards, requested headers; 403 CORSResponse otherwise', async () => {
  const bucket = await createBucket(s3, unique('cors-pre'));
  const none = await preflight(bucket, '/k', 'https://app.example.com', 'PUT');
  assert.equal(none.status, 403);
  assert.match(
    await none.text(),
    /<Code>AccessForbidden<\/Code><Message>CORSResponse: CORS is not enabled for this bucket.<\/Message>/,
  );

  await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: RULES } }));
  const ok = await preflight(
    bucket,
    '/upload/file.txt',
    'https://app.example.com',
    'PUT',
    'Content-Type, X-Amz-Date',
  );
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example.com');
  assert.equal(ok.headers.get('access-control-allow-methods'), 'GET, PUT, POST');
  assert.equal(ok.headers.get('access-control-allow-headers'), 'content-type, x-amz-date');
  assert.equal(ok.headers.get('access-control-expose-headers'), 'ETag, x-amz-request-id');
  assert.equal(ok.headers.get('access-control-max-age'), '600');
  assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
  assert.match(ok.headers.get('vary') ?? '', /Origin/);
  // The bucket URL too (presigned POST goes there).
  assert.equal((await preflight(bucket, '', 'https://app.example.com', 'POST')).status, 200);
  // The second rule: any origin, GET only, no headers.
  const any = await preflight(bucket, '/k', 'http://elsewhere.test', 'GET');
  assert.equal(any.headers.get('access-control-allow-origin'), '*');
  assert.equal(any.headers.get('access-control-allow-credentials'), null);

  for (const [origin, method, headers] of [
    ['http://elsewhere.test', 'PUT', undefined],
    ['https://app.example.com', 'DELETE', undefined],
    ['https://app.example.com', 'PUT', 'authorization'],
    ['https://example.com', 'PUT', undefined],
  ] as const) {
    const r = await preflight(bucket, '/k', origin, method, headers);
    assert.equal(r.status, 403, `${origin} ${method} ${headers}`);
    const body = await r.text();
    assert.match(
      body,
      /<Code>AccessForbidden<\/Code><Message>CORSResponse: This CORS request is not allowed\. This is usually because the evalution of Origin, request method \/ Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource(&apos;|')s CORS spec\.<\/Message>/,
    );
    assert.match(body, new RegExp(`<Method>${method}</Method><ResourceType>OBJECT</ResourceType>`));
    assert.equal(r.headers.get('access-control-allow-origin'), null);
  }
  // A presigned URL preflighted by a browser: OPTIONS with the signature's query, never verified.
  const signed = await preflight(
    bucket,
    '/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00',
    'https://app.example.com',
    'PUT',
  );
  assert.equal(signed.status, 200);
  assert.equal(signed.headers.get('access-control-allow-origin'), 'https://app.example.com');
  const noOrigin = await preflight(bucket, '/k', undefined, 'GET');
  assert.equal(noOrigin.status, 400);
  assert.match(await noOrigin.text(), /Insufficient information. Origin request header needed./);
});

test('Access-Control-* headers on S3 answers whose Origin matches', async () => {
  const bucket = await createBucket(s3, unique('cors-resp'));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'v' }));
  await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: RULES } }));
  const r = await python(
    `
s3 = client("s3")
seen = {}
def capture(http_response, **kw):
    seen["h"] = {k.lower(): v for k, v in http_response.headers.items() if k.lower().startswith("access-control") or k.lower() == "vary"}
s3.meta.events.register("after-call.s3.GetObject", capture)
def origin(request, **kw):
    request.headers["Origin"] = "https://www.example.com"
s3.meta.events.register("before-sign.s3.GetObject", origin)
s3.get_object(Bucket=${JSON.stringify(bucket)}, Key="k")["Body"].read()
out(seen["h"])
`,
    server.env(),
  );
  assert.equal(r['access-control-allow-origin'], 'https://www.example.com');
  assert.equal(r['access-control-allow-methods'], 'GET, PUT, POST');
  assert.equal(r['access-control-expose-headers'], 'ETag, x-amz-request-id');
  assert.match(r.vary, /Origin/);
  // No match, no headers; the answer itself is unchanged.
  const signedless = await fetch(`${server.endpoint}/${bucket}/k`, {
    headers: { origin: 'http://other.test' },
  });
  assert.equal(signedless.status, 403);
  assert.equal(signedless.headers.get('access-control-allow-origin'), '*');
  const deleteOrigin = await fetch(`${server.endpoint}/${bucket}/k`, {
    method: 'DELETE',
    headers: { origin: 'http://other.test' },
  });
  assert.equal(deleteOrigin.headers.get('access-control-allow-origin'), null);
});

test('preflights are not recorded by CloudTrail; the configuration calls are', async () => {
  const bucket = await createBucket(s3, unique('cors-audit'));
  await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: RULES } }));
  assert.equal((await preflight(bucket, '/k', 'https://app.example.com', 'PUT')).status, 200);
  await auditLogFor(server.backend).flush();
  const trail = new CloudTrailClient(sdkConfig(server));
  const named = async (name: string) =>
    (
      await trail.send(
        new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }] }),
      )
    ).Events ?? [];
  assert.equal((await named('PutBucketCors')).length > 0, true);
  assert.deepEqual(await named('OptionsObject'), []);
});
