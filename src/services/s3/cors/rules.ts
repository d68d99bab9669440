/**
 * CORS configuration rules as S3 validates and matches them: the first rule whose origin
 * (one `*` wildcard allowed), method and every requested header (wildcards, case-insensitive)
 * match answers the request.
 */
import { AwsError } from '../../../errors.ts';
import type { CORSRule } from '../../../generated/s3/types.ts';

const METHODS = new Set(['GET', 'PUT', 'HEAD', 'POST', 'DELETE']);

const invalid = (message: string) => new AwsError('InvalidRequest', message, 400);

export function checkCorsRules(rules: CORSRule[]): CORSRule[] {
  if (rules.length === 0 || rules.length > 100) {
    throw new AwsError(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
      400,
    );
  }
  for (const r of rules) {
    if (!r.AllowedMethods?.length || !r.AllowedOrigins?.length) {
      throw new AwsError(
        'MalformedXML',
        'The XML you provided was not well-formed or did not validate against our published schema',
        400,
      );
    }
    for (const m of r.AllowedMethods) {
      if (!METHODS.has(m))
        throw invalid(`Found unsupported HTTP method in CORS config. Unsupported method is ${m}`);
    }
    for (const o of r.AllowedOrigins) {
      if (o.split('*').length > 2) throw invalid(`AllowedOrigin "${o}" can not have more than one wildcard.`);
    }
    for (const h of r.AllowedHeaders ?? []) {
      if (h.split('*').length > 2) throw invalid(`AllowedHeader "${h}" can not have more than one wildcard.`);
    }
    for (const h of r.ExposeHeaders ?? []) {
      if (h.includes('*'))
        throw invalid(
          `ExposeHeader "${h}" contains wildcard. We currently do not support wildcard for ExposeHeader.`,
        );
    }
    if (r.ID !== undefined && r.ID.length > 255) throw invalid('The ID must be less than 255 characters');
  }
  return rules;
}

/** A pattern with at most one `*` against a value. */
function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star < 0) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

export interface CorsRequest {
  origin: string;
  method: string;
  /** Preflight: Access-Control-Request-Headers, lower-cased. */
  headers: string[];
}

export function matchRule(rules: CORSRule[], req: CorsRequest): CORSRule | undefined {
  return rules.find(
    (r) =>
      r.AllowedOrigins.some((o) => wildcard(o, req.origin, false)) &&
      r.AllowedMethods.includes(req.method) &&
      req.headers.every((h) => (r.AllowedHeaders ?? []).some((a) => wildcard(a, h, true))),
  );
}

/** The Access-Control-* headers for a matched rule. */
export function corsHeaders(rule: CORSRule, req: CorsRequest, preflight: boolean): Record<string, string> {
  const any = rule.AllowedOrigins.includes('*');
  const out: Record<string, string> = {
    'access-control-allow-origin': any ? '*' : req.origin,
    'access-control-allow-methods': rule.AllowedMethods.join(', '),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  if (!any) out['access-control-allow-credentials'] = 'true';
  if (preflight && req.headers.length) out['access-control-allow-headers'] = req.headers.join(', ');
  if (rule.ExposeHeaders?.length) out['access-control-expose-headers'] = rule.ExposeHeaders.join(', ');
  if (rule.MaxAgeSeconds !== undefined) out['access-control-max-age'] = String(rule.MaxAgeSeconds);
  return out;
}

export function requestedHeaders(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}
