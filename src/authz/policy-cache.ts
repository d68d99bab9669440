/**
 * Compiled policy sets per principal. IAM's policy source (src/services/iam/policy-source.ts)
 * caches each principal's policies until the next IAM write and hands back the same object
 * while nothing changed; compiling is keyed on that object, so a request by a known principal
 * costs two map lookups and never parses JSON. An IAM write yields a new object, hence a new
 * compilation: invalidation follows IAM's generation counter without a timer.
 */
import type { Principal } from '../auth/principal.ts';
import { compilePolicy, isCompiledPolicy, type PolicyRef } from '../policy/index.ts';
import type { PolicySource, PrincipalPolicies } from '../services/iam/policy-source.ts';

/** A set ready for evaluation. */
export interface CompiledPolicySet {
  identity: PolicyRef[];
  /** undefined = no boundary. */
  boundary?: PolicyRef[];
  /** undefined = no session policies. */
  session?: PolicyRef[];
  tags: Record<string, string>;
  /** `type\nid` → the document as IAM holds it (for decoded denial messages). */
  sources: Map<string, unknown>;
}

const compileRefs = (refs: PolicyRef[]): PolicyRef[] =>
  refs.map((r) => (isCompiledPolicy(r.document) ? r : { id: r.id, document: compilePolicy(r.document) }));

export function compileSet(set: PrincipalPolicies): CompiledPolicySet {
  const sources = new Map<string, unknown>();
  const keep = (type: string, refs: PolicyRef[] | undefined) => {
    for (const r of refs ?? [])
      if (r.id && !isCompiledPolicy(r.document)) sources.set(`${type}\n${r.id}`, r.document);
  };
  const boundary = set.boundary ? [set.boundary] : undefined;
  keep('identity-based', set.identity);
  keep('permissions boundary', boundary);
  keep('session', set.session);
  return {
    identity: compileRefs(set.identity),
    ...(boundary && { boundary: compileRefs(boundary) }),
    ...(set.session && { session: compileRefs(set.session) }),
    tags: set.tags,
    sources,
  };
}

const EMPTY: CompiledPolicySet = { identity: [], tags: {}, sources: new Map() };

/** Principals whose permissions come from IAM entities (root and anonymous have none). */
export const hasIdentityPolicies = (p: Principal): boolean =>
  p.type === 'IAMUser' ||
  p.type === 'AssumedRole' ||
  p.type === 'FederatedUser' ||
  p.type === 'SAMLUser' ||
  p.type === 'WebIdentityUser';

export class PolicyCache {
  private compiled = new WeakMap<PrincipalPolicies, CompiledPolicySet>();

  constructor(readonly source: PolicySource) {}

  async forPrincipal(p: Principal): Promise<CompiledPolicySet> {
    if (!hasIdentityPolicies(p)) return EMPTY;
    const raw = await this.source.forPrincipal(p);
    let set = this.compiled.get(raw);
    if (!set) {
      set = compileSet(raw);
      this.compiled.set(raw, set);
    }
    return set;
  }
}
