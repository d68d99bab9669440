/**
 * SigV4 for the console's own calls: header signing for API requests and query signing for
 * presigned S3 downloads. Written independently of src/auth (the verifier), so the console is
 * one more real client of the endpoint rather than a mirror of its checks.
 */
import { createHash, createHmac } from 'node:crypto';

export interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** RFC 3986: everything but unreserved characters percent-encoded (UTF-8). */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Encodes a path, keeping its slashes. */
export function encodePath(path: string): string {
  return path.split('/').map(rfc3986).join('/');
}

export function queryString(pairs: Array<[string, string]>): string {
  return pairs
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

export function amzDate(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

interface Canonical {
  method: string;
  /** Already encoded path (S3: each segment once; others: twice, see below). */
  path: string;
  /** Already canonical query string (sorted, RFC 3986). */
  query: string;
  headers: Record<string, string>;
  payloadHash: string;
}

function signature(
  c: Canonical,
  keys: KeyPair,
  date: string,
  region: string,
  service: string,
): { signedHeaders: string; sig: string; scope: string } {
  const names = Object.keys(c.headers)
    .map((h) => h.toLowerCase())
    .sort();
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.headers)) lower[k.toLowerCase()] = v.trim().replace(/\s+/g, ' ');
  const signedHeaders = names.join(';');
  const canonical = [
    c.method,
    c.path,
    c.query,
    names.map((n) => `${n}:${lower[n]}\n`).join(''),
    signedHeaders,
    c.payloadHash,
  ].join('\n');
  const day = date.slice(0, 8);
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${date}\n${scope}\n${sha256Hex(canonical)}`;
  const key = hmac(hmac(hmac(hmac(`AWS4${keys.secretAccessKey}`, day), region), service), 'aws4_request');
  return { signedHeaders, sig: createHmac('sha256', key).update(toSign).digest('hex'), scope };
}

/** The path as it goes into the canonical request: S3 signs it as sent, others encode it twice. */
function canonicalPath(encodedPath: string, service: string): string {
  return service === 's3' ? encodedPath : encodedPath.replace(/%/g, '%25');
}

export interface SignInput {
  method: string;
  service: string;
  region: string;
  host: string;
  encodedPath: string;
  query: string;
  headers: Record<string, string>;
  body: Buffer;
  now: Date;
}

/** Returns the headers to send (host, x-amz-*, authorization added). */
export function signHeaders(i: SignInput, keys: KeyPair): Record<string, string> {
  const date = amzDate(i.now);
  const payloadHash = sha256Hex(i.body);
  const headers: Record<string, string> = {
    ...i.headers,
    host: i.host,
    'x-amz-date': date,
    'x-amz-content-sha256': payloadHash,
  };
  if (keys.sessionToken) headers['x-amz-security-token'] = keys.sessionToken;
  const { signedHeaders, sig, scope } = signature(
    { method: i.method, path: canonicalPath(i.encodedPath, i.service), query: i.query, headers, payloadHash },
    keys,
    date,
    i.region,
    i.service,
  );
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${keys.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${sig}`;
  return headers;
}

/** A presigned GET URL (query auth, UNSIGNED-PAYLOAD), as the SDK presigners build it. */
export function presignUrl(
  i: {
    origin: string;
    host: string;
    encodedPath: string;
    region: string;
    service: string;
    expiresSeconds: number;
    now: Date;
    extra?: Array<[string, string]>;
  },
  keys: KeyPair,
): string {
  const date = amzDate(i.now);
  const scope = `${date.slice(0, 8)}/${i.region}/${i.service}/aws4_request`;
  const pairs: Array<[string, string]> = [
    ...(i.extra ?? []),
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${keys.accessKeyId}/${scope}`],
    ['X-Amz-Date', date],
    ['X-Amz-Expires', String(i.expiresSeconds)],
    ['X-Amz-SignedHeaders', 'host'],
  ];
  if (keys.sessionToken) pairs.push(['X-Amz-Security-Token', keys.sessionToken]);
  const query = queryString(pairs);
  const { sig } = signature(
    {
      method: 'GET',
      path: canonicalPath(i.encodedPath, i.service),
      query,
      headers: { host: i.host },
      payloadHash: 'UNSIGNED-PAYLOAD',
    },
    keys,
    date,
    i.region,
    i.service,
  );
  return `${i.origin}${i.encodedPath}?${query}&X-Amz-Signature=${sig}`;
}
