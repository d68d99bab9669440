/**
 * The Condition element: operators compiled once into predicates over a normalized request
 * context. Semantics follow the IAM User Guide ("Condition operators", "Multivalued context
 * keys"): blocks and keys AND, values OR; negated operators are the negation of the positive
 * match (so several values NOR); a missing key fails positive operators and satisfies negated
 * ones; `...IfExists` is true on a missing key; ForAllValues is true on a missing/empty set and
 * ForAnyValue false.
 */
import type { NormalizedContext } from './types.ts';
import { cidrContains, parseCidr, type Cidr } from './ip.ts';
import { parseTemplate, partsToString, resolveTemplate, type Template } from './variables.ts';
import { globRegExp, hasWildcard, partsRegExp, splitArn, type PatternPart } from './wildcard.ts';

export const OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
] as const;
export type OperatorName = (typeof OPERATORS)[number];

const BY_LOWER = new Map<string, OperatorName>(OPERATORS.map((o) => [o.toLowerCase(), o]));

export interface ParsedOperator {
  name: OperatorName;
  set?: 'ForAllValues' | 'ForAnyValue';
  ifExists: boolean;
}

/** Parses `ForAnyValue:StringLikeIfExists` and the like; undefined when unknown. */
export function parseOperator(text: string): ParsedOperator | undefined {
  let rest = text;
  let set: ParsedOperator['set'];
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const q = rest.slice(0, colon).toLowerCase();
    if (q === 'forallvalues') set = 'ForAllValues';
    else if (q === 'foranyvalue') set = 'ForAnyValue';
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  let lower = rest.toLowerCase();
  let ifExists = false;
  if (!BY_LOWER.has(lower) && lower.endsWith('ifexists')) {
    ifExists = true;
    lower = lower.slice(0, -'ifexists'.length);
  }
  const name = BY_LOWER.get(lower);
  if (!name || (name === 'Null' && (ifExists || set))) return undefined;
  return { name, set, ifExists };
}

const NEGATED = new Set<OperatorName>([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'NotIpAddress',
  'ArnNotEquals',
  'ArnNotLike',
]);

/** Dates: ISO 8601 or epoch seconds; milliseconds since the epoch, or NaN. */
export function parseDateValue(s: string): number {
  const t = s.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  if (!/^\d{4}-\d{2}(-\d{2})?([Tt ].*)?$/.test(t)) return NaN;
  return Date.parse(t);
}

const parseNumber = (s: string): number => (s.trim() === '' ? NaN : Number(s));

function decodeBase64(s: string): string | undefined {
  const t = s.trim();
  if (!/^[A-Za-z0-9+/=_-]*$/.test(t)) return undefined;
  return Buffer.from(t, 'base64').toString('hex');
}

/** "Some policy value matches this request value", with the values bound at compile time. */
type ValueMatcher = (requestValue: string) => boolean;

function cmp(name: OperatorName, a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  if (name.endsWith('LessThanEquals')) return a <= b;
  if (name.endsWith('LessThan')) return a < b;
  if (name.endsWith('GreaterThanEquals')) return a >= b;
  if (name.endsWith('GreaterThan')) return a > b;
  return a === b;
}

/** ARN comparison: each of the six parts is a glob of its own. */
function arnMatcher(pattern: string, literal: boolean): ValueMatcher | undefined {
  const pp = splitArn(pattern);
  if (!pp) {
    // A pattern of "*" (or any wildcard-only text) still matches any ARN.
    if (!literal && pattern.split('').every((c) => c === '*')) return (r) => splitArn(r) !== undefined;
    return undefined;
  }
  const res = pp.map((p) => (literal || !hasWildcard(p) ? undefined : globRegExp(p)));
  return (r) => {
    const rp = splitArn(r);
    if (!rp) return false;
    for (let i = 0; i < 6; i++) {
      const re = res[i];
      if (re ? !re.test(rp[i]) : rp[i] !== pp[i]) return false;
    }
    return true;
  };
}

/**
 * Builds the matcher for resolved policy values. `partsList` carries the values as pattern parts
 * when variables or escapes were substituted (their text is literal, not wildcards).
 */
function buildMatcher(name: OperatorName, values: string[], partsList?: PatternPart[][]): ValueMatcher {
  switch (name) {
    case 'StringEquals':
    case 'StringNotEquals': {
      if (values.length === 1) {
        const only = values[0];
        return (r) => r === only;
      }
      const set = new Set(values);
      return (r) => set.has(r);
    }
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase': {
      const set = new Set(values.map((v) => v.toLowerCase()));
      return (r) => set.has(r.toLowerCase());
    }
    case 'StringLike':
    case 'StringNotLike': {
      const res = partsList ? partsList.map((p) => partsRegExp(p)) : values.map((v) => globRegExp(v));
      return (r) => res.some((re) => re.test(r));
    }
    case 'NumericEquals':
    case 'NumericNotEquals':
    case 'NumericLessThan':
    case 'NumericLessThanEquals':
    case 'NumericGreaterThan':
    case 'NumericGreaterThanEquals': {
      const nums = values.map(parseNumber);
      return (r) => {
        const n = parseNumber(r);
        return nums.some((p) => cmp(name, n, p));
      };
    }
    case 'DateEquals':
    case 'DateNotEquals':
    case 'DateLessThan':
    case 'DateLessThanEquals':
    case 'DateGreaterThan':
    case 'DateGreaterThanEquals': {
      const dates = values.map(parseDateValue);
      return (r) => {
        const d = parseDateValue(r);
        return dates.some((p) => cmp(name, d, p));
      };
    }
    case 'Bool': {
      const set = new Set(values.map((v) => v.toLowerCase()));
      return (r) => set.has(r.toLowerCase());
    }
    case 'BinaryEquals': {
      const set = new Set(values.map(decodeBase64).filter((v): v is string => v !== undefined));
      return (r) => {
        const d = decodeBase64(r);
        return d !== undefined && set.has(d);
      };
    }
    case 'IpAddress':
    case 'NotIpAddress': {
      const cidrs = values.map(parseCidr).filter((c): c is Cidr => c !== undefined);
      return (r) => cidrs.some((c) => cidrContains(c, r));
    }
    case 'ArnEquals':
    case 'ArnLike':
    case 'ArnNotEquals':
    case 'ArnNotLike': {
      const ms: ValueMatcher[] = [];
      values.forEach((v, i) => {
        // A substituted value holding * or ? is compared literally (approximation: whole ARN).
        const literal = partsList?.[i].some((p) => 'lit' in p && hasWildcard(p.lit)) ?? false;
        const m = arnMatcher(v, literal);
        if (m) ms.push(m);
      });
      return (r) => ms.some((m) => m(r));
    }
    case 'Null':
      return () => false;
  }
}

const VARIABLE_OPERATORS = new Set<OperatorName>([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
]);

export interface CompiledCondition {
  /** Lower-cased condition keys the block reads (for SimulatePolicy's MissingContextValues). */
  keys: string[];
  test(ctx: NormalizedContext): boolean;
}

type EntryTest = (ctx: NormalizedContext) => boolean;

function compileEntry(op: ParsedOperator, key: string, values: string[], variables: boolean): EntryTest {
  const negated = NEGATED.has(op.name);
  if (op.name === 'Null') {
    const wantMissing = values.map((v) => v.toLowerCase() === 'true');
    const wantPresent = values.map((v) => v.toLowerCase() === 'false');
    return (ctx) => {
      const v = ctx.get(key);
      const missing = v === undefined || v.length === 0;
      return (missing && wantMissing.includes(true)) || (!missing && wantPresent.includes(true));
    };
  }
  let templates: Template[] | undefined;
  if (variables && VARIABLE_OPERATORS.has(op.name)) {
    const ts = values.map((v) => parseTemplate(v, true));
    if (ts.some((t) => t.parts.length !== 1 || !('raw' in t.parts[0]))) templates = ts;
  }
  const resolve = (ctx: NormalizedContext): ValueMatcher | undefined => {
    if (!templates) return buildMatcher(op.name, values);
    const partsList: PatternPart[][] = [];
    for (const t of templates) {
      const parts = resolveTemplate(t, ctx);
      if (!parts) return undefined;
      partsList.push(parts);
    }
    return buildMatcher(op.name, partsList.map(partsToString), partsList);
  };
  const dynamic = templates?.some((t) => t.dynamic) ?? false;
  const staticMatcher = dynamic ? undefined : resolve(new Map());

  return (ctx) => {
    const match = staticMatcher ?? resolve(ctx);
    // An unresolvable variable (no value, no default) makes the condition fail.
    if (!match) return false;
    const rv = ctx.get(key);
    if (rv === undefined || rv.length === 0) {
      if (op.ifExists) return true;
      if (op.set === 'ForAllValues') return true;
      if (op.set === 'ForAnyValue') return false;
      return negated;
    }
    const m = match;
    if (op.set === 'ForAnyValue') return rv.some((r) => (negated ? !m(r) : m(r)));
    if (op.set === 'ForAllValues') return rv.every((r) => (negated ? !m(r) : m(r)));
    const any = rv.some(m);
    return negated ? !any : any;
  };
}

export const conditionValueToStrings = (v: unknown): string[] =>
  (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' ? x : String(x)));

/**
 * Compiles a Condition element. Unknown operators make the block never match (the validator
 * refuses them on write; this only guards documents that bypassed it).
 */
export function compileCondition(
  cond: Record<string, Record<string, unknown>>,
  variables: boolean,
): CompiledCondition {
  const tests: EntryTest[] = [];
  const keys: string[] = [];
  for (const [opText, block] of Object.entries(cond)) {
    const op = parseOperator(opText);
    if (!op) {
      tests.push(() => false);
      continue;
    }
    for (const [key, raw] of Object.entries(block ?? {})) {
      const lk = key.toLowerCase();
      keys.push(lk);
      tests.push(compileEntry(op, lk, conditionValueToStrings(raw), variables));
    }
  }
  return {
    keys,
    test: (ctx) => {
      for (const t of tests) if (!t(ctx)) return false;
      return true;
    },
  };
}
