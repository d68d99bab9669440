/**
 * Signature Version 2 for EC2's Query API: AWSAccessKeyId, SignatureVersion=2, SignatureMethod
 * (HmacSHA256 or HmacSHA1), Timestamp or Expires, and Signature among the request's parameters
 * (the query string of a GET, the form body of a POST). EC2's API reference still lists these
 * among its common parameters ("Parameters for Signature Version 2"), and boto 2-era tools sign
 * EC2 calls this way. S3's SigV2 is another scheme (sigv2.ts).
 *
 * StringToSign = METHOD \n lower-case host \n path \n the parameters but Signature, sorted by name,
 * RFC 3986-encoded, joined by '&'. Signature = Base64(HMAC(secret, StringToSign)).
 */
import { createHmac } from 'node:crypto';
import type { Credential } from './principal.ts';
import { AuthErrors } from './errors.ts';
import { signaturesEqual } from './sigv4.ts';
import { checkCredential } from './verify.ts';

const MAX_SKEW_MS = 15 * 60 * 1000;
const ALGORITHMS: Record<string, 'sha1' | 'sha256'> = { HmacSHA1: 'sha1', HmacSHA256: 'sha256' };

export interface QuerySigV2 {
  accessKeyId: string;
  signature: string;
  algorithm: 'sha1' | 'sha256';
  /** Timestamp (signed at) or Expires (valid until). */
  timestamp?: Date;
  expires?: Date;
  sessionToken?: string;
  params: [string, string][];
}

/** Whether the parameters carry a SigV2 query signature (SignatureVersion=2). */
export function hasQuerySigV2(params: [string, string][]): boolean {
  return params.some(([k, v]) => k === 'SignatureVersion' && v === '2');
}

function first(params: [string, string][], name: string): string | undefined {
  return params.find(([k]) => k === name)?.[1];
}

function isoDate(v: string): Date | undefined {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)$/.test(v)) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function parseQuerySigV2(params: [string, string][]): QuerySigV2 {
  const missing = (name: string) => AuthErrors.incompleteSignature('ec2', `Request is missing ${name}.`);
  const accessKeyId = first(params, 'AWSAccessKeyId');
  const signature = first(params, 'Signature');
  if (!accessKeyId) throw missing('AWSAccessKeyId');
  if (!signature) throw missing('Signature');
  const method = first(params, 'SignatureMethod') ?? '';
  const algorithm = ALGORITHMS[method];
  if (!algorithm)
    throw AuthErrors.incompleteSignature('ec2', `Unsupported SignatureMethod: ${method || '(none)'}.`);
  const rawTimestamp = first(params, 'Timestamp');
  const rawExpires = first(params, 'Expires');
  if ((rawTimestamp === undefined) === (rawExpires === undefined))
    throw AuthErrors.incompleteSignature(
      'ec2',
      'Request must contain either a Timestamp or an Expires parameter.',
    );
  const timestamp = rawTimestamp !== undefined ? isoDate(rawTimestamp) : undefined;
  const expires = rawExpires !== undefined ? isoDate(rawExpires) : undefined;
  if (!timestamp && !expires)
    throw AuthErrors.incompleteSignature('ec2', `Invalid date: ${rawTimestamp ?? rawExpires}.`);
  const sessionToken = first(params, 'SecurityToken');
  return {
    accessKeyId,
    signature,
    algorithm,
    ...(timestamp ? { timestamp } : {}),
    ...(expires ? { expires } : {}),
    ...(sessionToken !== undefined ? { sessionToken } : {}),
    params,
  };
}

/** RFC 3986: everything but unreserved characters percent-encoded, from UTF-8. */
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function queryV2StringToSign(
  method: string,
  host: string,
  path: string,
  params: [string, string][],
): string {
  const pairs = params
    .filter(([k]) => k !== 'Signature')
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = pairs.map(([k, v]) => `${k}=${v}`).join('&');
  return `${method}\n${host.toLowerCase()}\n${path || '/'}\n${query}`;
}

/** Checks the dates, the key and the signature; the key's credential when all hold. */
export function verifyQuerySigV2(
  p: QuerySigV2,
  req: { method: string; host: string; path: string },
  credential: Credential | undefined,
  service: string,
  now: Date,
): Credential {
  if (p.timestamp && Math.abs(p.timestamp.getTime() - now.getTime()) > MAX_SKEW_MS)
    throw AuthErrors.requestTimeTooSkewed('ec2', p.timestamp.toISOString(), p.timestamp, now);
  if (p.expires && p.expires.getTime() < now.getTime())
    throw AuthErrors.presignedExpired('ec2', p.expires, now);
  const cred = checkCredential('ec2', service, p.accessKeyId, p.sessionToken, credential, now);
  const sts = queryV2StringToSign(req.method, req.host, req.path, p.params);
  const expected = createHmac(p.algorithm, cred.secretAccessKey).update(sts, 'utf8').digest('base64');
  if (!signaturesEqual(expected, p.signature))
    throw AuthErrors.signatureMismatch('ec2', {
      accessKeyId: p.accessKeyId,
      stringToSign: sts,
      signatureProvided: p.signature,
    });
  return cred;
}
