/**
 * The S3 website endpoint: requests whose Host is BUCKET.s3-website.SUFFIX,
 * BUCKET.s3-website-REGION.SUFFIX or BUCKET.s3-website.REGION.SUFFIX (SUFFIX from
 * --s3-website-hosts; localhost and localhost.localstack.cloud by default), on the API's port.
 * GET and HEAD only, as an anonymous caller (the bucket policy must allow public reads): index
 * documents for folders, error documents, routing rules, whole-site and per-object redirects,
 * and HTML error pages as S3 writes them.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { HostRoute } from '../../../app.ts';
import { ANONYMOUS } from '../../../auth/principal.ts';
import type { CORSRule, RoutingRule, WebsiteConfiguration } from '../../../generated/s3/types.ts';
import { corsHeaders, matchRule } from '../cors/rules.ts';
import { buildGlobalContext, evaluate } from '../../../policy/index.ts';
import type { FeatureEnv } from '../access/env.ts';
import { denyStatementsOnly, isPublicPolicy } from '../access/public-policy.ts';
import type { BucketRecord, ObjectRecord } from '../store/repository.ts';
import { isKms, sseMembers } from '../sse.ts';
import { errorPage, type WebsiteError } from './html.ts';
import { AwsError } from '../../../errors.ts';
import type { ByteRange } from '../../../blob/blob-store.ts';
import { checkReadConditions } from '../conditions.ts';
import { contentRange, parseRange } from '../ranges.ts';

export const DEFAULT_WEBSITE_SUFFIXES = ['localhost', 'localhost.localstack.cloud'];

/** The bucket a website Host names, or undefined. */
export function websiteBucket(host: string, suffixes: readonly string[]): string | undefined {
  const name = host.replace(/:\d+$/, '').toLowerCase();
  for (const suffix of suffixes) {
    if (!name.endsWith(`.${suffix}`)) continue;
    const m = /^(.+)\.s3-website(?:[.-][a-z]{2}(?:-[a-z]+)+-\d{1,2})?$/.exec(
      name.slice(0, -suffix.length - 1),
    );
    if (m) return m[1];
  }
  return undefined;
}

class Answer {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body?: Readable | string,
  ) {}
}

const NO_SUCH_KEY = (key: string): WebsiteError => ({
  status: 404,
  code: 'NoSuchKey',
  message: 'The specified key does not exist.',
  details: [['Key', key]],
});
const ACCESS_DENIED: WebsiteError = { status: 403, code: 'AccessDenied', message: 'Access Denied' };

export function websiteRoute(
  env: FeatureEnv,
  opts: { suffixes: readonly string[]; enforce: boolean },
): HostRoute {
  return (req, res) => {
    const bucket = websiteBucket(req.headers.host ?? '', opts.suffixes);
    if (bucket === undefined) return false;
    serve(env, opts.enforce, bucket, req, res).catch((err: unknown) => {
      console.error('website endpoint failed', err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/html; charset=utf-8' });
      res.end();
    });
    return true;
  };
}

async function serve(
  env: FeatureEnv,
  enforce: boolean,
  bucketName: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const ids = {
    requestId: randomBytes(8).toString('hex').toUpperCase(),
    hostId: randomBytes(24).toString('base64'),
  };
  const answer = await respond(env, enforce, bucketName, req, ids);
  const headers: Record<string, string> = {
    server: 'Stratus',
    date: new Date().toUTCString(),
    'x-amz-request-id': ids.requestId,
    'x-amz-id-2': ids.hostId,
    ...answer.headers,
  };
  Object.assign(headers, await websiteCors(env, bucketName, req));
  req.resume();
  const body = answer.body;
  if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
  else if (body === undefined && headers['content-length'] === undefined) headers['content-length'] = '0';
  res.writeHead(answer.status, headers);
  if (req.method === 'HEAD' || body === undefined) {
    if (body instanceof Readable) body.destroy();
    res.end();
    return;
  }
  if (typeof body === 'string') {
    res.end(body);
    return;
  }
  try {
    await pipeline(body, res);
  } catch {
    res.destroy();
  }
}

/** The bucket's CORS rules apply to website answers too (fonts, fetches from other sites). */
async function websiteCors(
  env: FeatureEnv,
  bucketName: string,
  req: IncomingMessage,
): Promise<Record<string, string>> {
  const origin = req.headers.origin;
  if (origin === undefined) return {};
  const b = await env.s3.repo.getBucket(bucketName);
  const rules = b ? await env.config.get<CORSRule[]>(b, 'cors') : undefined;
  if (!rules) return {};
  const r = { origin, method: req.method ?? 'GET', headers: [] };
  const rule = matchRule(rules, r);
  return rule ? corsHeaders(rule, r, false) : {};
}

function htmlError(
  e: WebsiteError,
  ids: { requestId: string; hostId: string },
  docError?: WebsiteError,
): Answer {
  return new Answer(e.status, { 'content-type': 'text/html; charset=utf-8' }, errorPage(e, ids, docError));
}

async function respond(
  env: FeatureEnv,
  enforce: boolean,
  bucketName: string,
  req: IncomingMessage,
  ids: { requestId: string; hostId: string },
): Promise<Answer> {
  const url = req.url ?? '/';
  const rawPath = url.split('?')[0]!;
  let key: string;
  try {
    key = decodeURIComponent(rawPath.slice(1));
  } catch {
    key = rawPath.slice(1);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return htmlError(
      {
        status: 405,
        code: 'MethodNotAllowed',
        message: 'The specified method is not allowed against this resource.',
        details: [
          ['Method', req.method ?? ''],
          ['ResourceType', 'OBJECT'],
        ],
      },
      ids,
    );
  }
  const b = await env.s3.repo.getBucket(bucketName);
  if (!b)
    return htmlError(
      {
        status: 404,
        code: 'NoSuchBucket',
        message: 'The specified bucket does not exist',
        details: [['BucketName', bucketName]],
      },
      ids,
    );
  const site = await env.config.get<WebsiteConfiguration>(b, 'website');
  if (!site) {
    return htmlError(
      {
        status: 404,
        code: 'NoSuchWebsiteConfiguration',
        message: 'The specified bucket does not have a website configuration',
        details: [['BucketName', bucketName]],
      },
      ids,
    );
  }
  const scheme = 'http';
  const host = req.headers.host ?? '';
  if (site.RedirectAllRequestsTo) {
    const to = site.RedirectAllRequestsTo;
    return new Answer(301, { location: `${to.Protocol ?? scheme}://${to.HostName}${rawPath}` });
  }
  const rules = site.RoutingRules ?? [];
  // Rules without an error-code condition apply before the object is looked up.
  const early = rules.find(
    (r) => r.Condition?.HttpErrorCodeReturnedEquals === undefined && prefixMatches(r, key),
  );
  if (early) return redirect(early, key, scheme, host);

  const allowed = await reader(env, enforce, b, req);
  const suffix = site.IndexDocument!.Suffix;
  const target = key === '' || key.endsWith('/') ? key + suffix : key;
  let error: WebsiteError;
  if (!(await allowed('s3:GetObject', target))) {
    error = ACCESS_DENIED;
  } else {
    const o = await env.s3.repo.getObject(b.name, target);
    // The endpoint's anonymous reads cannot decrypt SSE-KMS objects (SigV4 only): 403, as AWS's
    // knowledge-center s3-website-cloudfront-error-403 lists among the website's requirements.
    if (o && !isKms(o.attrs.sse)) return objectAnswer(env, o, b.region, 200, { req, ids });
    if (o) error = ACCESS_DENIED;
    // A folder without its trailing slash: S3 redirects when the folder's index exists.
    else if (target === key && (await env.s3.repo.getObject(b.name, `${key}/${suffix}`))) {
      return new Answer(302, { location: `/${encodePath(key)}/` });
    }
    // Without s3:ListBucket a missing key is indistinguishable from a forbidden one.
    else error = (await allowed('s3:ListBucket', '')) ? NO_SUCH_KEY(target) : ACCESS_DENIED;
  }
  const onError = rules.find(
    (r) => r.Condition?.HttpErrorCodeReturnedEquals === String(error.status) && prefixMatches(r, key),
  );
  if (onError) return redirect(onError, key, scheme, host);
  const docKey = site.ErrorDocument?.Key;
  if (!docKey) return htmlError(error, ids);
  if (!(await allowed('s3:GetObject', docKey))) return htmlError(error, ids, ACCESS_DENIED);
  const doc = await env.s3.repo.getObject(b.name, docKey);
  if (!doc)
    return htmlError(error, ids, (await allowed('s3:ListBucket', '')) ? NO_SUCH_KEY(docKey) : ACCESS_DENIED);
  if (isKms(doc.attrs.sse)) return htmlError(error, ids, ACCESS_DENIED);
  return objectAnswer(env, doc, b.region, error.status);
}

function prefixMatches(r: RoutingRule, key: string): boolean {
  const p = r.Condition?.KeyPrefixEquals;
  return p === undefined || key.startsWith(p);
}

const encodePath = (key: string) => key.split('/').map(encodeURIComponent).join('/');

function redirect(r: RoutingRule, key: string, scheme: string, host: string): Answer {
  const d = r.Redirect;
  let newKey = key;
  if (d.ReplaceKeyWith !== undefined) newKey = d.ReplaceKeyWith;
  else if (d.ReplaceKeyPrefixWith !== undefined) {
    const prefix = r.Condition?.KeyPrefixEquals ?? '';
    newKey = d.ReplaceKeyPrefixWith + key.slice(prefix.length);
  }
  const location = `${d.Protocol ?? scheme}://${d.HostName ?? host}/${encodePath(newKey)}`;
  return new Answer(Number(d.HttpRedirectCode ?? 301), { location });
}

/** Conditional and ranged reads of the page itself (status 200), as GetObject answers them. */
interface ReadRequest {
  req: IncomingMessage;
  ids: { requestId: string; hostId: string };
}

function date(v: string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

async function objectAnswer(
  env: FeatureEnv,
  o: ObjectRecord,
  region: string,
  status: number,
  read?: ReadRequest,
): Promise<Answer> {
  const a = o.attrs;
  if (status === 200 && a.websiteRedirectLocation !== undefined) {
    return new Answer(301, { location: a.websiteRedirectLocation });
  }
  const headers: Record<string, string> = {
    'content-type': o.contentType ?? 'binary/octet-stream',
    'content-length': String(o.size),
    etag: o.etag,
    'last-modified': new Date(o.lastModified).toUTCString(),
  };
  const sse = sseMembers(a, { accountId: o.owner, region });
  headers['x-amz-server-side-encryption'] = sse.ServerSideEncryption;
  if (sse.SSEKMSKeyId !== undefined) headers['x-amz-server-side-encryption-aws-kms-key-id'] = sse.SSEKMSKeyId;
  if (sse.BucketKeyEnabled) headers['x-amz-server-side-encryption-bucket-key-enabled'] = 'true';
  if (a.cacheControl !== undefined) headers['cache-control'] = a.cacheControl;
  if (a.contentEncoding !== undefined) headers['content-encoding'] = a.contentEncoding;
  if (a.contentLanguage !== undefined) headers['content-language'] = a.contentLanguage;
  if (a.contentDisposition !== undefined) headers['content-disposition'] = a.contentDisposition;
  for (const [k, v] of Object.entries(a.metadata ?? {})) headers[`x-amz-meta-${k}`] = v;
  let range: ByteRange | undefined;
  if (read) {
    const h = read.req.headers;
    try {
      checkReadConditions(
        {
          IfMatch: h['if-match'],
          IfNoneMatch: h['if-none-match'],
          IfModifiedSince: date(h['if-modified-since']),
          IfUnmodifiedSince: date(h['if-unmodified-since']),
        },
        o,
      );
      range = parseRange(h.range, o.size);
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      if (e.status === 304)
        return new Answer(304, { etag: o.etag, 'last-modified': headers['last-modified']! });
      const details = Object.entries(e.extra ?? {}).map(([k, v]) => [k, String(v)] as [string, string]);
      return htmlError({ status: e.status, code: e.code, message: e.message, details }, read.ids);
    }
  }
  if (range) {
    headers['content-range'] = contentRange(range, o.size);
    headers['content-length'] = String(range.end - range.start + 1);
    return new Answer(206, headers, await env.s3.blobs.read(o.blobId, range));
  }
  const body = o.size === 0 ? Readable.from([]) : await env.s3.blobs.read(o.blobId);
  return new Answer(status, headers, body);
}

/** Whether an anonymous caller may do `action` on the bucket (key '' with ListBucket) or an object. */
async function reader(env: FeatureEnv, enforce: boolean, b: BucketRecord, req: IncomingMessage) {
  const pab = await env.publicAccessBlock(b);
  let policy = b.policy;
  if (policy && pab?.RestrictPublicBuckets && isPublicPolicy(policy)) policy = denyStatementsOnly(policy);
  const context = buildGlobalContext(ANONYMOUS, {
    sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    secureTransport: false,
    now: new Date(),
    userAgent: req.headers['user-agent'] ?? '',
    ...(req.headers.referer !== undefined ? { referer: req.headers.referer } : {}),
  });
  context['aws:ResourceAccount'] = b.accountId;
  return async (action: string, key: string): Promise<boolean> => {
    if (!enforce) return true;
    const resource = action === 's3:ListBucket' ? `arn:aws:s3:::${b.name}` : `arn:aws:s3:::${b.name}/${key}`;
    const result = evaluate({
      principal: ANONYMOUS,
      action,
      resource,
      context: action === 's3:ListBucket' ? { ...context, 's3:prefix': '' } : context,
      ...(policy ? { resourcePolicy: { id: 'resource-policy', document: policy } } : {}),
      resourceAccountId: b.accountId,
    });
    return result.decision === 'Allow';
  };
}
