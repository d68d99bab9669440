/**
 * S3's Signature Version 2 string to sign (header and query forms).
 * Signature = Base64(HMAC-SHA1(secret, StringToSign)).
 */
import { createHmac } from 'node:crypto';
import { percentDecode, parseQuery, signedHeaderValue } from './encoding.ts';
import { header, type AuthRequest } from './parse.ts';

/** Query parameters that are part of the signed resource (S3's sub-resources and overrides). */
export const SIGV2_SUBRESOURCES = new Set([
  'accelerate',
  'acl',
  'analytics',
  'cors',
  'defaultObjectAcl',
  'delete',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'location',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'partNumber',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
  'restore',
  'retention',
  'select',
  'select-type',
  'storageClass',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'website',
  'attributes',
]);

export interface SigV2Input {
  req: AuthRequest;
  /** Bucket name when the request was addressed virtual-host style (it is not in the path). */
  virtualHostBucket?: string;
  /** Query form: the Expires value takes the Date line's place. */
  expires?: string;
}

export function sigv2StringToSign({ req, virtualHostBucket, expires }: SigV2Input): string {
  const query = req.rawQuery ? parseQuery(req.rawQuery) : [];
  const amz = new Map<string, string[]>();
  const addAmz = (name: string, value: string) => {
    const list = amz.get(name);
    if (list) list.push(value.trim());
    else amz.set(name, [value.trim()]);
  };
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || !name.startsWith('x-amz-')) continue;
    addAmz(name, signedHeaderValue(Array.isArray(value) ? value.join(',') : value));
  }
  if (expires !== undefined) {
    // Presigned V2 URLs carry x-amz-* values (the security token above all) as query parameters.
    for (const [k, v] of query) {
      const lk = k.toLowerCase();
      if (lk.startsWith('x-amz-') && !amz.has(lk)) addAmz(lk, v);
    }
  }
  let dateLine: string;
  if (expires !== undefined) dateLine = expires;
  else if (header(req.headers, 'x-amz-date') !== undefined) dateLine = '';
  else dateLine = header(req.headers, 'date') ?? '';

  const qv = (name: string) => {
    for (const [k, v] of query) if (k === name) return v;
    return undefined;
  };
  const contentMd5 =
    header(req.headers, 'content-md5') ?? (expires !== undefined ? qv('content-md5') : undefined) ?? '';
  const contentType =
    header(req.headers, 'content-type') ?? (expires !== undefined ? qv('content-type') : undefined) ?? '';

  const amzLines = [...amz.keys()]
    .sort()
    .map((k) => `${k}:${amz.get(k)!.join(',')}\n`)
    .join('');
  return `${req.method.toUpperCase()}\n${contentMd5.trim()}\n${contentType.trim()}\n${dateLine}\n${amzLines}${canonicalResource(req, virtualHostBucket)}`;
}

function canonicalResource(req: AuthRequest, bucket: string | undefined): string {
  let resource = (bucket ? `/${bucket}` : '') + (req.rawPath || '/');
  if (bucket && resource === `/${bucket}`) resource += '/';
  if (!req.rawQuery) return resource;
  const subs: Array<[string, string | undefined]> = [];
  for (const part of req.rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    if (!SIGV2_SUBRESOURCES.has(k)) continue;
    subs.push([k, eq < 0 ? undefined : percentDecode(part.slice(eq + 1))]);
  }
  if (subs.length === 0) return resource;
  subs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return resource + '?' + subs.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join('&');
}

export function sigv2Sign(secret: string, stringToSign: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}
