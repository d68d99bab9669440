/**
 * Reads what authentication a request carries, without any secret: which scheme, which key,
 * which credential scope. The pipeline uses the scope to learn service and region before it
 * looks the key up and calls verify().
 */
import type { AwsError } from '../errors.ts';
import { AuthErrors, authFamily, type AuthFamily } from './errors.ts';
import { parseQuery } from './encoding.ts';

/** What authentication needs from an HTTP request. `headers` may be node's req.headers as is. */
export interface AuthRequest {
  method: string;
  /** The path as received, still percent-encoded (no query). */
  rawPath: string;
  /** The query string after '?', as received ('' when none). */
  rawQuery: string;
  /** Lower-cased header names. Arrays (repeated headers) are joined with ','. */
  headers: Record<string, string | string[] | undefined>;
}

export interface CredentialScope {
  /** YYYYMMDD */
  date: string;
  region: string;
  service: string;
  /** Always 'aws4_request' once parsed. */
  terminator: string;
}

interface SigV4Common {
  accessKeyId: string;
  scope: CredentialScope;
  /** Lower-cased names exactly as listed in SignedHeaders. */
  signedHeaders: string[];
  signature: string;
  /** The request date as carried (X-Amz-Date value, x-amz-date header or Date header). */
  requestTime: string;
  /** Parsed request date. */
  date: Date;
  sessionToken?: string;
}

export interface SigV4HeaderAuth extends SigV4Common {
  type: 'sigv4-header';
  /** Whether requestTime came from the Date header (then its amz form is signed). */
  fromDateHeader: boolean;
}

export interface SigV4QueryAuth extends SigV4Common {
  type: 'sigv4-query';
  /** X-Amz-Expires in seconds (raw text kept for S3's error fields). */
  expires: number;
  expiresRaw: string;
}

export interface SigV2HeaderAuth {
  type: 'sigv2-header';
  accessKeyId: string;
  signature: string;
  sessionToken?: string;
}

export interface SigV2QueryAuth {
  type: 'sigv2-query';
  accessKeyId: string;
  signature: string;
  /** Expires: seconds since the epoch. */
  expires: number;
  sessionToken?: string;
}

export interface AnonymousAuth {
  type: 'anonymous';
}

export type ParsedAuth = SigV4HeaderAuth | SigV4QueryAuth | SigV2HeaderAuth | SigV2QueryAuth | AnonymousAuth;

export function header(headers: AuthRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

const AMZ_DATE_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parses 20130524T000000Z; undefined when malformed. */
export function parseAmzDate(s: string): Date | undefined {
  const m = AMZ_DATE_RE.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  const d = new Date(t);
  // Reject 20130231 and the like, which Date.UTC would roll over.
  if (d.getUTCDate() !== +m[3]! || d.getUTCMonth() !== +m[2]! - 1 || d.getUTCHours() !== +m[4]!)
    return undefined;
  return d;
}

/** Parses an HTTP date (RFC 1123 and the forms Date.parse knows); undefined when malformed. */
export function parseHttpDate(s: string): Date | undefined {
  const t = Date.parse(s);
  return Number.isFinite(t) ? new Date(t) : undefined;
}

const CREDENTIAL_FORMAT = 'expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".';

export interface ParseOptions {
  /**
   * The service the endpoint belongs to, when the pipeline already knows it (S3 by host or
   * path). Chooses the error dialect; without it the credential scope's service decides.
   */
  service?: string;
}

/** Reads the authentication a request carries. Throws AwsError when it is malformed. */
export function parseAuth(req: AuthRequest, opts: ParseOptions = {}): ParsedAuth {
  const authz = header(req.headers, 'authorization');
  const query = req.rawQuery ? parseQuery(req.rawQuery) : [];
  const q = (name: string): string | undefined => {
    for (const [k, v] of query) if (k === name) return v;
    return undefined;
  };
  const hasV4Query =
    q('X-Amz-Algorithm') !== undefined ||
    q('X-Amz-Credential') !== undefined ||
    q('X-Amz-Signature') !== undefined;
  const hasV2Query = !hasV4Query && (q('AWSAccessKeyId') !== undefined || q('Signature') !== undefined);
  const hinted = opts.service ? authFamily(opts.service) : undefined;

  if (authz !== undefined) {
    if ((hasV4Query || hasV2Query) && (hinted ?? 's3') === 's3') {
      throw AuthErrors.invalidArgument(
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
        'Authorization',
        authz,
      );
    }
    return parseAuthorizationHeader(authz, req, hinted);
  }
  if (hasV4Query) return parseV4Query(q, req, hinted);
  if (hasV2Query) return parseV2Query(q, hinted);
  return { type: 'anonymous' };
}

function parseAuthorizationHeader(
  authz: string,
  req: AuthRequest,
  hinted: AuthFamily | undefined,
): ParsedAuth {
  const trimmed = authz.trim();
  if (trimmed.startsWith('AWS4-HMAC-SHA256 ') || trimmed === 'AWS4-HMAC-SHA256') {
    return parseV4Header(trimmed, authz, req, hinted);
  }
  if (trimmed.startsWith('AWS ')) {
    const family = hinted ?? 's3';
    const rest = trimmed.slice(4).trim();
    const colon = rest.lastIndexOf(':');
    if (colon <= 0 || colon === rest.length - 1) {
      if (family === 's3') {
        throw AuthErrors.invalidArgument(
          'AWS authorization header is invalid.  Expected AwsAccessKeyId:signature',
          'Authorization',
          authz,
        );
      }
      throw AuthErrors.incompleteSignature(
        family,
        `Authorization header requires 'Credential' parameter. Authorization=${authz}`,
      );
    }
    const sessionToken = header(req.headers, 'x-amz-security-token');
    return {
      type: 'sigv2-header',
      accessKeyId: rest.slice(0, colon),
      signature: rest.slice(colon + 1),
      ...(sessionToken !== undefined ? { sessionToken } : {}),
    };
  }
  const family = hinted ?? 'query';
  if (family === 's3')
    throw AuthErrors.invalidArgument('Unsupported Authorization Type', 'Authorization', authz);
  throw v4HeaderIncomplete(family, authz, ['Credential', 'Signature', 'SignedHeaders'], false);
}

function v4HeaderIncomplete(
  family: AuthFamily,
  authz: string,
  missing: string[],
  missingDate: boolean,
): AwsError {
  const parts = missing.map((m) => `Authorization header requires '${m}' parameter.`);
  if (missingDate)
    parts.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  return AuthErrors.incompleteSignature(family, `${parts.join(' ')} Authorization=${authz}`);
}

function parseV4Header(
  trimmed: string,
  authz: string,
  req: AuthRequest,
  hinted: AuthFamily | undefined,
): SigV4HeaderAuth {
  const fields: Record<string, string> = {};
  const noEquals: string[] = [];
  for (const part of trimmed.slice('AWS4-HMAC-SHA256'.length).split(',')) {
    const p = part.trim();
    const eq = p.indexOf('=');
    if (eq <= 0) {
      if (p !== '') noEquals.push(p);
      continue;
    }
    fields[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  const credential = fields.Credential;
  const signedHeaders = fields.SignedHeaders;
  const signature = fields.Signature;
  // The scope names the service when the endpoint did not say which it is.
  const scopeService = credential?.split('/')[3];
  const family = hinted ?? (scopeService ? authFamily(scopeService) : 'query');

  if (noEquals.length > 0 && family !== 's3') {
    throw AuthErrors.incompleteSignature(
      family,
      `'${noEquals[0]}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authz}'.`,
    );
  }
  const amzDateHeader = header(req.headers, 'x-amz-date');
  const dateHeader = header(req.headers, 'date');
  const missing: string[] = [];
  if (!credential) missing.push('Credential');
  if (!signature) missing.push('Signature');
  if (!signedHeaders) missing.push('SignedHeaders');
  if (missing.length > 0) {
    if (family === 's3') {
      throw AuthErrors.s3HeaderMalformed(
        'the authorization header requires three components: Credential, SignedHeaders, and Signature.',
      );
    }
    throw v4HeaderIncomplete(family, authz, missing, amzDateHeader === undefined && dateHeader === undefined);
  }
  const scoped = parseCredential(credential!, family, 'header');

  let requestTime: string;
  let date: Date | undefined;
  let fromDateHeader = false;
  if (amzDateHeader !== undefined) {
    requestTime = amzDateHeader;
    date = parseAmzDate(amzDateHeader) ?? parseHttpDate(amzDateHeader);
  } else if (dateHeader !== undefined) {
    requestTime = dateHeader;
    date = parseHttpDate(dateHeader) ?? parseAmzDate(dateHeader);
    fromDateHeader = true;
  } else {
    requestTime = '';
  }
  if (!date) {
    if (family === 's3')
      throw AuthErrors.s3AccessDenied('AWS authentication requires a valid Date or x-amz-date header');
    throw v4HeaderIncomplete(family, authz, [], true);
  }
  const sessionToken = header(req.headers, 'x-amz-security-token');
  return {
    type: 'sigv4-header',
    accessKeyId: scoped.accessKeyId,
    scope: scoped.scope,
    signedHeaders: signedHeaders!.split(';').map((h) => h.trim().toLowerCase()),
    signature: signature!,
    requestTime,
    date,
    fromDateHeader,
    ...(sessionToken !== undefined ? { sessionToken } : {}),
  };
}

function parseCredential(
  credential: string,
  family: AuthFamily,
  where: 'header' | 'query',
): { accessKeyId: string; scope: CredentialScope } {
  const parts = credential.split('/');
  const s3Malformed = (detail: string) =>
    where === 'header'
      ? AuthErrors.s3HeaderMalformed(detail)
      : AuthErrors.s3QueryParametersError(`Error parsing the X-Amz-Credential parameter; ${detail}`);
  if (parts.length !== 5 || parts.some((p) => p === '')) {
    if (family === 's3') throw s3Malformed(`the Credential is mal-formed; ${CREDENTIAL_FORMAT}`);
    throw AuthErrors.incompleteSignature(
      family,
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (terminator !== 'aws4_request') {
    if (family === 's3')
      throw s3Malformed(`incorrect terminal "${terminator}". This endpoint uses "aws4_request".`);
    throw AuthErrors.signatureMismatchScope(
      family,
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `,
    );
  }
  return { accessKeyId, scope: { date, region, service, terminator } };
}

const V4_QUERY_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Signature',
  'X-Amz-Date',
  'X-Amz-SignedHeaders',
  'X-Amz-Expires',
];

function parseV4Query(
  q: (name: string) => string | undefined,
  _req: AuthRequest,
  hinted: AuthFamily | undefined,
): SigV4QueryAuth {
  const credential = q('X-Amz-Credential');
  const scopeService = credential?.split('/')[3];
  const family = hinted ?? (scopeService ? authFamily(scopeService) : 'query');
  const isS3 = family === 's3';
  // Non-S3 services do not insist on X-Amz-Expires (it then defaults to 15 minutes).
  const required = isS3 ? V4_QUERY_PARAMS : V4_QUERY_PARAMS.filter((p) => p !== 'X-Amz-Expires');
  // An empty X-Amz-SignedHeaders is present: the request then fails for its unsigned host.
  const missing = required.filter((p) => (p === 'X-Amz-SignedHeaders' ? q(p) === undefined : !q(p)));
  if (missing.length > 0) {
    if (isS3) {
      throw AuthErrors.s3QueryParametersError(
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      );
    }
    throw AuthErrors.incompleteSignature(
      family,
      missing.map((p) => `AWS query-string parameters must include '${p}'.`).join(' ') +
        ' Re-examine the query-string parameters.',
    );
  }
  const algorithm = q('X-Amz-Algorithm')!;
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    if (isS3) throw AuthErrors.s3QueryParametersError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    throw AuthErrors.incompleteSignature(family, `Unsupported AWS 'algorithm': '${algorithm}'`);
  }
  const scoped = parseCredential(credential!, family, 'query');
  const requestTime = q('X-Amz-Date')!;
  const date = parseAmzDate(requestTime);
  if (!date) {
    const msg = "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"";
    throw isS3 ? AuthErrors.s3QueryParametersError(msg) : AuthErrors.incompleteSignature(family, msg);
  }
  const expiresRaw = q('X-Amz-Expires') ?? '900';
  const bad = (msg: string) =>
    isS3 ? AuthErrors.s3QueryParametersError(msg) : AuthErrors.incompleteSignature(family, msg);
  if (!/^-?\d+$/.test(expiresRaw)) throw bad('X-Amz-Expires should be a number');
  const expires = Number(expiresRaw);
  if (expires < 0) throw bad('X-Amz-Expires must be non-negative');
  if (expires > 604800)
    throw bad(
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
    );
  const sessionToken = q('X-Amz-Security-Token');
  return {
    type: 'sigv4-query',
    accessKeyId: scoped.accessKeyId,
    scope: scoped.scope,
    signedHeaders: q('X-Amz-SignedHeaders')!
      .split(';')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== ''),
    signature: q('X-Amz-Signature')!,
    requestTime,
    date,
    expires,
    expiresRaw,
    ...(sessionToken !== undefined ? { sessionToken } : {}),
  };
}

function parseV2Query(
  q: (name: string) => string | undefined,
  hinted: AuthFamily | undefined,
): SigV2QueryAuth {
  const family = hinted ?? 's3';
  const accessKeyId = q('AWSAccessKeyId');
  const signature = q('Signature');
  const expires = q('Expires');
  if (family !== 's3') {
    throw AuthErrors.incompleteSignature(
      family,
      'Signature Version 2 query authentication is not supported by this service.',
    );
  }
  if (!accessKeyId || !signature || !expires) {
    throw AuthErrors.s3AccessDenied(
      'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters',
    );
  }
  if (!/^\d+$/.test(expires))
    throw AuthErrors.s3AccessDenied(`Invalid date (should be seconds since epoch): ${expires}`);
  const sessionToken = q('x-amz-security-token') ?? q('X-Amz-Security-Token');
  return {
    type: 'sigv2-query',
    accessKeyId,
    signature,
    expires: Number(expires),
    ...(sessionToken !== undefined ? { sessionToken } : {}),
  };
}

/**
 * Checks the credential scope against the endpoint's service and region. Call once the
 * pipeline has settled which service and region the request is for (S3 may first look up the
 * bucket's region). SigV2 has no scope and always passes.
 */
export function checkScope(
  parsed: ParsedAuth,
  expected: {
    service: string;
    region: string;
    /** Whether a region exists: one that does not is the wrong one (S3 then expects `fallbackRegion`). */
    known?: (region: string) => boolean;
    fallbackRegion?: string;
  },
): void {
  if (parsed.type !== 'sigv4-header' && parsed.type !== 'sigv4-query') return;
  const family = authFamily(expected.service);
  const { region, service } = parsed.scope;
  if (expected.known && !expected.known(region))
    expected = { ...expected, region: expected.fallbackRegion ?? expected.region, known: undefined };
  const inQuery = parsed.type === 'sigv4-query';
  if (family === 's3') {
    const wrap = (detail: string, extra: Record<string, string> = {}) =>
      inQuery
        ? AuthErrors.s3QueryParametersError(`Error parsing the X-Amz-Credential parameter; ${detail}`, extra)
        : AuthErrors.s3HeaderMalformed(detail, extra);
    if (service !== expected.service)
      throw wrap(`incorrect service "${service}". This endpoint belongs to "${expected.service}".`);
    if (region !== expected.region)
      throw wrap(`the region '${region}' is wrong; expecting '${expected.region}'`, {
        Region: expected.region,
      });
    return;
  }
  if (service !== expected.service) {
    throw AuthErrors.signatureMismatchScope(
      family,
      `Credential should be scoped to correct service: '${expected.service}'. `,
    );
  }
  if (region !== expected.region) {
    throw AuthErrors.signatureMismatchScope(
      family,
      `Credential should be scoped to a valid region, not '${region}'. `,
    );
  }
}
