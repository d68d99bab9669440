/**
 * Glob matching as IAM does it: `*` is any run of characters (including `/` and `:`), `?` is
 * exactly one character. Patterns are compiled to RegExps once and cached, because the same
 * handful of patterns is matched on every request.
 */

/** A pattern piece: raw text (where `*` and `?` are wildcards) or a literal (from a variable). */
export type PatternPart = { raw: string } | { lit: string };

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 5000;

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function rawToRe(raw: string): string {
  let out = '';
  for (const ch of raw) {
    if (ch === '*') out += '[\\s\\S]*';
    else if (ch === '?') out += '[\\s\\S]';
    else out += escapeRe(ch);
  }
  return out;
}

function cached(key: string, build: () => RegExp): RegExp {
  let re = cache.get(key);
  if (re) return re;
  re = build();
  // Crude bound: forget everything when full (patterns built from variables can be unbounded).
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, re);
  return re;
}

/** Compiles a glob (all of it wildcard-capable). */
export function globRegExp(pattern: string, ignoreCase = false): RegExp {
  return cached(
    `${ignoreCase ? 'i' : 's'}\u0000${pattern}`,
    () => new RegExp(`^${rawToRe(pattern)}$`, ignoreCase ? 'i' : ''),
  );
}

/** Compiles a glob whose literal parts (substituted variable values, `${*}`) are not wildcards. */
export function partsRegExp(parts: PatternPart[], ignoreCase = false): RegExp {
  if (parts.length === 1 && 'raw' in parts[0]) return globRegExp(parts[0].raw, ignoreCase);
  let key = ignoreCase ? 'i' : 's';
  let src = '';
  for (const p of parts) {
    if ('raw' in p) {
      key += `\u0001${p.raw}`;
      src += rawToRe(p.raw);
    } else {
      key += `\u0002${p.lit}`;
      src += escapeRe(p.lit);
    }
  }
  return cached(key, () => new RegExp(`^${src}$`, ignoreCase ? 'i' : ''));
}

export const hasWildcard = (s: string): boolean => s.includes('*') || s.includes('?');

/** Matches a glob without building a RegExp when the pattern has no wildcard. */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  if (!hasWildcard(pattern))
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  return globRegExp(pattern, ignoreCase).test(value);
}

/** Splits an ARN into its six colon-separated parts (the last keeps its colons), or undefined. */
export function splitArn(arn: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const c = arn.indexOf(':', start);
    if (c < 0) return undefined;
    parts.push(arn.slice(start, c));
    start = c + 1;
  }
  parts.push(arn.slice(start));
  return parts;
}
