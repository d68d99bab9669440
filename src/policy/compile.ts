/**
 * Compiles a policy document once into matchers (actions, resources, principals, conditions),
 * cached by document text, so evaluating a request never re-parses JSON or rebuilds a RegExp.
 * Compilation is lenient: validation happens on write (validate-*.ts); here an element of the
 * wrong shape simply never matches.
 */
import type { NormalizedContext, PolicyDocument } from './types.ts';
import { compileCondition, type CompiledCondition } from './conditions.ts';
import { compilePrincipal, type CompiledPrincipal } from './principal-match.ts';
import { parseTemplate, resolveTemplate, type Template } from './variables.ts';
import { globRegExp, hasWildcard, partsRegExp } from './wildcard.ts';

export interface ActionMatcher {
  all: boolean;
  exact: Set<string>;
  patterns: RegExp[];
}

export interface ResourceMatcher {
  all: boolean;
  exact: Set<string>;
  patterns: RegExp[];
  /** Resources holding policy variables, resolved per request. */
  dynamic: Template[];
}

export interface CompiledStatement {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  action?: ActionMatcher;
  notAction?: ActionMatcher;
  /** Both undefined (trust policies): any resource. */
  resource?: ResourceMatcher;
  notResource?: ResourceMatcher;
  principal?: CompiledPrincipal;
  notPrincipal?: CompiledPrincipal;
  condition?: CompiledCondition;
}

export interface CompiledPolicy {
  readonly compiled: true;
  version?: string;
  id?: string;
  statements: CompiledStatement[];
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];

function compileActions(v: unknown): ActionMatcher {
  const m: ActionMatcher = { all: false, exact: new Set(), patterns: [] };
  for (const a of strings(v)) {
    if (a === '*') m.all = true;
    else if (hasWildcard(a)) m.patterns.push(globRegExp(a, true));
    else m.exact.add(a.toLowerCase());
  }
  return m;
}

export function actionMatches(m: ActionMatcher, actionLower: string): boolean {
  if (m.all || m.exact.has(actionLower)) return true;
  for (const re of m.patterns) if (re.test(actionLower)) return true;
  return false;
}

function compileResources(v: unknown, variables: boolean): ResourceMatcher {
  const m: ResourceMatcher = { all: false, exact: new Set(), patterns: [], dynamic: [] };
  for (const r of strings(v)) {
    const t = parseTemplate(r, variables);
    if (t.dynamic) m.dynamic.push(t);
    else if (t.fixed!.length === 1 && 'raw' in t.fixed![0]) {
      if (r === '*') m.all = true;
      else if (hasWildcard(r)) m.patterns.push(globRegExp(r));
      else m.exact.add(r);
    } else m.patterns.push(partsRegExp(t.fixed!));
  }
  return m;
}

export function resourceMatches(m: ResourceMatcher, resource: string, ctx: NormalizedContext): boolean {
  if (m.all || m.exact.has(resource)) return true;
  for (const re of m.patterns) if (re.test(resource)) return true;
  for (const t of m.dynamic) {
    const parts = resolveTemplate(t, ctx);
    if (parts && partsRegExp(parts).test(resource)) return true;
  }
  return false;
}

function compileDocument(doc: PolicyDocument): CompiledPolicy {
  const version = typeof doc.Version === 'string' ? doc.Version : undefined;
  const variables = version === '2012-10-17';
  const raw = doc.Statement as unknown;
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
  const statements: CompiledStatement[] = [];
  list.forEach((s: Record<string, unknown>, index: number) => {
    if (!s || typeof s !== 'object') return;
    const effect = s.Effect === 'Allow' || s.Effect === 'Deny' ? s.Effect : undefined;
    if (!effect) return;
    const st: CompiledStatement = { index, effect };
    if (typeof s.Sid === 'string') st.sid = s.Sid;
    if (s.Action !== undefined) st.action = compileActions(s.Action);
    else if (s.NotAction !== undefined) st.notAction = compileActions(s.NotAction);
    else st.action = compileActions([]);
    if (s.Resource !== undefined) st.resource = compileResources(s.Resource, variables);
    else if (s.NotResource !== undefined) st.notResource = compileResources(s.NotResource, variables);
    if (s.Principal !== undefined) st.principal = compilePrincipal(s.Principal);
    if (s.NotPrincipal !== undefined) st.notPrincipal = compilePrincipal(s.NotPrincipal);
    if (s.Condition && typeof s.Condition === 'object')
      st.condition = compileCondition(s.Condition as Record<string, Record<string, unknown>>, variables);
    statements.push(st);
  });
  return { compiled: true, version, id: typeof doc.Id === 'string' ? doc.Id : undefined, statements };
}

const textCache = new Map<string, CompiledPolicy>();
const objectCache = new WeakMap<object, CompiledPolicy>();
const TEXT_CACHE_LIMIT = 2000;

export const isCompiledPolicy = (v: unknown): v is CompiledPolicy =>
  !!v && typeof v === 'object' && (v as CompiledPolicy).compiled === true;

/**
 * Compiles (or fetches from cache) a policy given as JSON text, a parsed document or an
 * already compiled policy. Throws SyntaxError for text that is not JSON.
 */
export function compilePolicy(input: string | PolicyDocument | CompiledPolicy): CompiledPolicy {
  if (isCompiledPolicy(input)) return input;
  if (typeof input === 'string') {
    let c = textCache.get(input);
    if (c) {
      // Keep recently used documents: move to the end of the insertion order.
      textCache.delete(input);
      textCache.set(input, c);
      return c;
    }
    const parsed = JSON.parse(input) as unknown;
    c = compileDocument(
      parsed && typeof parsed === 'object' ? (parsed as PolicyDocument) : { Statement: [] },
    );
    if (textCache.size >= TEXT_CACHE_LIMIT) textCache.delete(textCache.keys().next().value as string);
    textCache.set(input, c);
    return c;
  }
  let c = objectCache.get(input);
  if (!c) {
    c = compileDocument(input);
    objectCache.set(input, c);
  }
  return c;
}
