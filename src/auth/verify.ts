/**
 * Verifies a parsed request against the credential its key resolved to: clock skew and
 * presigned expiry, temporary-credential token and expiry, then the signature itself.
 * Only the head is verified here; the body is checked while it streams (protocol/streaming).
 */
import type { Credential } from './principal.ts';
import { AuthErrors, amzDateOf, authFamily, type AuthFamily } from './errors.ts';
import {
  header,
  parseHttpDate,
  type AuthRequest,
  type ParsedAuth,
  type SigV4HeaderAuth,
  type SigV4QueryAuth,
  type SigV2HeaderAuth,
  type SigV2QueryAuth,
} from './parse.ts';
import {
  canonicalRequest,
  hmac,
  scopeString,
  sha256Hex,
  signaturesEqual,
  signingKey,
  stringToSign,
  EMPTY_SHA256,
} from './sigv4.ts';
import { sigv2Sign, sigv2StringToSign } from './sigv2.ts';
import { percentDecode } from './encoding.ts';

export const MAX_SKEW_MS = 15 * 60 * 1000;

export interface VerifyOptions {
  /** The endpoint's service (signing name): 's3', 'iam', 'sts', 'ec2', 'cloudtrail'. */
  service: string;
  now?: Date;
  /**
   * Non-S3 services sign the body's SHA-256. Their bodies are small (query/JSON): buffer the
   * body (with a size cap) and pass it, or pass its hex SHA-256. Required for non-S3.
   */
  body?: Buffer | string;
  payloadSha256?: string;
  /** S3 SigV2: the bucket when addressed virtual-host style (it is then signed as /bucket/...). */
  virtualHostBucket?: string;
}

/** What the body stream needs to check chunk signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD*). */
export interface ChunkSigningContext {
  signingKey: Buffer;
  amzDate: string;
  scope: string;
  seedSignature: string;
  /** For the SignatureDoesNotMatch fields of a bad chunk. */
  accessKeyId: string;
  canonicalRequest: string;
}

export interface VerifiedAuth {
  type: Exclude<ParsedAuth['type'], 'anonymous'>;
  accessKeyId: string;
  credential: Credential;
  /** Region and service the request was signed for (SigV4 only). */
  region?: string;
  signedService?: string;
  /** The x-amz-content-sha256 value the signature covers (S3 SigV4), '' otherwise. */
  payloadHash: string;
  /** Present when the body is aws-chunked with signed chunks: hand to the body decoder. */
  chunkSigning?: ChunkSigningContext;
}

export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const ECDSA = [
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER',
];
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Verifies the request's signature with the resolved credential (undefined: unknown key).
 * Throws AwsError in the dialect of opts.service; returns what the body decoder needs.
 */
export function verify(
  parsed: ParsedAuth,
  req: AuthRequest,
  credential: Credential | undefined,
  opts: VerifyOptions,
): VerifiedAuth {
  if (parsed.type === 'anonymous') throw new Error('verify() called for an anonymous request');
  const family = authFamily(opts.service);
  const now = opts.now ?? new Date();
  switch (parsed.type) {
    case 'sigv4-header':
    case 'sigv4-query':
      return verifyV4(parsed, req, credential, opts, family, now);
    case 'sigv2-header':
    case 'sigv2-query':
      return verifyV2(parsed, req, credential, opts, family, now);
  }
}

/** The key exists and is active; a temporary key came with its current session token. */
export function checkCredential(
  family: AuthFamily,
  service: string,
  accessKeyId: string,
  token: string | undefined,
  credential: Credential | undefined,
  now: Date,
): Credential {
  if (!credential || credential.status !== 'Active' || credential.accessKeyId !== accessKeyId) {
    throw AuthErrors.unknownAccessKey(family, accessKeyId, service);
  }
  if (credential.sessionToken !== undefined) {
    // A temporary key without its token does not exist as far as AWS answers.
    if (token === undefined) throw AuthErrors.unknownAccessKey(family, accessKeyId, service);
    if (!signaturesEqual(credential.sessionToken, token))
      throw AuthErrors.invalidToken(family, token, service);
    if (credential.expiration && credential.expiration.getTime() <= now.getTime())
      throw AuthErrors.expiredToken(family, token);
  } else if (token !== undefined && token !== '') {
    throw AuthErrors.invalidToken(family, token, service);
  }
  return credential;
}

function verifyV4(
  p: SigV4HeaderAuth | SigV4QueryAuth,
  req: AuthRequest,
  credential: Credential | undefined,
  opts: VerifyOptions,
  family: AuthFamily,
  now: Date,
): VerifiedAuth {
  const s3 = family === 's3';
  const presigned = p.type === 'sigv4-query';
  const amzDate = amzDateOf(p.date);

  // The scope's date must be the request's day.
  if (p.scope.date !== amzDate.slice(0, 8)) {
    if (s3) {
      const msg = `Invalid credential date "${p.scope.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`;
      throw presigned
        ? AuthErrors.s3QueryParametersError(`Error parsing the X-Amz-Credential parameter; ${msg}`)
        : AuthErrors.s3HeaderMalformed(msg);
    }
    throw AuthErrors.signatureMismatchScope(
      family,
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${p.scope.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }

  // Non-S3 services ignore X-Amz-Expires: a presigned request lives as long as the clock skew allows.
  if (p.type === 'sigv4-header' || !s3) {
    if (Math.abs(p.date.getTime() - now.getTime()) > MAX_SKEW_MS) {
      throw AuthErrors.requestTimeTooSkewed(family, p.requestTime, p.date, now);
    }
  } else if (p.type === 'sigv4-query') {
    const expiresAt = new Date(p.date.getTime() + p.expires * 1000);
    if (p.date.getTime() - now.getTime() > MAX_SKEW_MS)
      throw AuthErrors.presignedNotYetValid(family, p.date, expiresAt, now);
    if (now.getTime() > expiresAt.getTime())
      throw AuthErrors.presignedExpired(family, expiresAt, now, s3 ? p.expiresRaw : undefined);
  }

  const cred = checkCredential(family, opts.service, p.accessKeyId, p.sessionToken, credential, now);

  // Payload hash the signature covers.
  let payloadHash: string;
  const claimed = header(req.headers, 'x-amz-content-sha256');
  if (s3) {
    if (presigned) {
      payloadHash = queryValue(req.rawQuery, 'X-Amz-Content-Sha256') ?? claimed ?? UNSIGNED_PAYLOAD;
    } else {
      if (claimed === undefined)
        throw AuthErrors.s3InvalidRequest('Missing required header for this request: x-amz-content-sha256');
      payloadHash = claimed;
    }
    checkContentSha256(payloadHash);
    if (presigned && payloadHash.startsWith('STREAMING-')) {
      throw AuthErrors.s3InvalidRequest('The value of x-amz-content-sha256 header is invalid.');
    }
    const unsigned = unsignedAmzHeaders(req.headers, p.signedHeaders, presigned);
    // SigV4 always signs Host: without it a signature could be replayed against another host.
    if (!p.signedHeaders.includes('host')) unsigned.unshift('host');
    if (unsigned.length > 0) throw AuthErrors.headersNotSigned(unsigned);
  } else {
    if (!p.signedHeaders.includes('host'))
      throw AuthErrors.incompleteSignature(
        family,
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
      );
    if (opts.payloadSha256 !== undefined) payloadHash = opts.payloadSha256;
    else if (opts.body !== undefined)
      payloadHash = opts.body.length === 0 ? EMPTY_SHA256 : sha256Hex(opts.body);
    else throw new Error('verify(): non-S3 services need opts.body or opts.payloadSha256');
  }

  const canonical = canonicalRequest({
    method: req.method,
    rawPath: req.rawPath,
    rawQuery: req.rawQuery,
    headers: req.headers,
    signedHeaders: p.signedHeaders,
    payloadHash,
    s3,
    presigned,
  });
  const scope = scopeString(p.scope);
  const sts = stringToSign(amzDate, scope, canonical);
  const key = signingKey(cred.secretAccessKey, p.scope.date, p.scope.region, p.scope.service);
  const expected = hmac(key, sts).toString('hex');
  if (!signaturesEqual(expected, p.signature)) {
    throw AuthErrors.signatureMismatch(family, {
      accessKeyId: p.accessKeyId,
      stringToSign: sts,
      signatureProvided: p.signature,
      canonicalRequest: canonical,
    });
  }
  const out: VerifiedAuth = {
    type: p.type,
    accessKeyId: p.accessKeyId,
    credential: cred,
    region: p.scope.region,
    signedService: p.scope.service,
    payloadHash: s3 ? payloadHash : '',
  };
  if (payloadHash === STREAMING_SIGNED || payloadHash === STREAMING_SIGNED_TRAILER) {
    out.chunkSigning = {
      signingKey: key,
      amzDate,
      scope,
      seedSignature: p.signature,
      accessKeyId: p.accessKeyId,
      canonicalRequest: canonical,
    };
  }
  return out;
}

function checkContentSha256(v: string): void {
  if (
    HEX64.test(v) ||
    v === UNSIGNED_PAYLOAD ||
    v === STREAMING_SIGNED ||
    v === STREAMING_SIGNED_TRAILER ||
    v === STREAMING_UNSIGNED_TRAILER
  )
    return;
  if (ECDSA.includes(v)) {
    throw AuthErrors.s3InvalidRequest(
      'SigV4a (STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD) is not supported by Stratus.',
    );
  }
  throw AuthErrors.invalidArgument(
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
    'x-amz-content-sha256',
    v,
  );
}

/** S3 refuses x-amz-* headers the signature does not cover. */
function unsignedAmzHeaders(headers: AuthRequest['headers'], signed: string[], presigned: boolean): string[] {
  const set = new Set(signed);
  const out: string[] = [];
  for (const name of Object.keys(headers)) {
    if (!name.startsWith('x-amz-') || set.has(name) || headers[name] === undefined) continue;
    // Presigned URLs leave the payload hash out of the signature by design.
    if (presigned && name === 'x-amz-content-sha256') continue;
    out.push(name);
  }
  return out.sort();
}

function queryValue(rawQuery: string, name: string): string | undefined {
  if (!rawQuery.includes(name)) return undefined;
  for (const part of rawQuery.split('&')) {
    if (part.startsWith(name + '=')) return percentDecode(part.slice(name.length + 1));
  }
  return undefined;
}

/**
 * A path-style bucket request (`/bucket`, no key) signed as `/bucket/`: botocore's SigV2 signer
 * (and boto2 before it) signs that form, and S3 accepts either.
 */
function bucketSlashForm(
  req: AuthRequest,
  opts: VerifyOptions,
  expires: string | undefined,
  cred: Credential,
  signature: string,
): boolean {
  if (opts.virtualHostBucket || !/^\/[^/]+$/.test(req.rawPath)) return false;
  const sts = sigv2StringToSign({
    req: { ...req, rawPath: req.rawPath + '/' },
    ...(expires !== undefined ? { expires } : {}),
  });
  return signaturesEqual(sigv2Sign(cred.secretAccessKey, sts), signature);
}

function verifyV2(
  p: SigV2HeaderAuth | SigV2QueryAuth,
  req: AuthRequest,
  credential: Credential | undefined,
  opts: VerifyOptions,
  family: AuthFamily,
  now: Date,
): VerifiedAuth {
  if (family !== 's3') {
    throw AuthErrors.incompleteSignature(
      family,
      'Signature Version 2 is not supported by this service; use AWS4-HMAC-SHA256.',
    );
  }
  let expires: string | undefined;
  if (p.type === 'sigv2-header') {
    const raw = header(req.headers, 'x-amz-date') ?? header(req.headers, 'date');
    const date = raw !== undefined ? parseHttpDate(raw) : undefined;
    // S3 takes a date before the epoch as no date at all, not as a skewed one (s3-tests' before_epoch).
    if (!date || date.getTime() < 0)
      throw AuthErrors.s3AccessDenied('AWS authentication requires a valid Date or x-amz-date header');
    if (Math.abs(date.getTime() - now.getTime()) > MAX_SKEW_MS)
      throw AuthErrors.requestTimeTooSkewed(family, raw!, date, now);
  } else {
    const expiresAt = new Date(p.expires * 1000);
    if (now.getTime() > expiresAt.getTime()) throw AuthErrors.presignedExpired(family, expiresAt, now);
    expires = String(p.expires);
  }
  const cred = checkCredential(family, opts.service, p.accessKeyId, p.sessionToken, credential, now);
  const sts = sigv2StringToSign({
    req,
    ...(opts.virtualHostBucket ? { virtualHostBucket: opts.virtualHostBucket } : {}),
    ...(expires !== undefined ? { expires } : {}),
  });
  const expected = sigv2Sign(cred.secretAccessKey, sts);
  if (!signaturesEqual(expected, p.signature) && !bucketSlashForm(req, opts, expires, cred, p.signature)) {
    throw AuthErrors.signatureMismatch(family, {
      accessKeyId: p.accessKeyId,
      stringToSign: sts,
      signatureProvided: p.signature,
    });
  }
  return {
    type: p.type,
    accessKeyId: p.accessKeyId,
    credential: cred,
    payloadHash: header(req.headers, 'x-amz-content-sha256') ?? '',
  };
}
