/**
 * What the request authorizer needs from IAM, fast: for a principal its identity-based policies
 * (inline and attached managed policies of the user and its groups, or of the role for role
 * sessions), its permissions boundary, its session policies and its principal tags; and role
 * trust policies. Results are cached until the next IAM write (IamState.generation), so a
 * request costs a map lookup once a principal has been seen.
 *
 *   const source = policySource(backend);
 *   const p = await source.forPrincipal(ctx.principal);
 *   evaluate({ principal, identityPolicies: p.identity, boundaryPolicies: p.boundary && [p.boundary],
 *              sessionPolicies: p.session, ... });
 */
import type { Principal } from '../../auth/principal.ts';
import type { PolicyRef } from '../../policy/index.ts';
import type { StoreBackend } from '../../store/backend.ts';
import { tagMap } from './common.ts';
import { findPolicy } from './managed-policies.ts';
import type { EntityBase, RoleRecord } from './repository.ts';
import { decodeSession } from './session-data.ts';
import { iamState, type IamState } from './state.ts';

export interface PrincipalPolicies {
  /** Identity-based policies; `id` is the inline policy's name or the managed policy's ARN. */
  identity: PolicyRef[];
  /** The permissions boundary (user's or role's); undefined when the entity has none. */
  boundary?: PolicyRef;
  /** Session policies of temporary credentials; undefined when none were passed. */
  session?: PolicyRef[];
  /** aws:PrincipalTag values: the user's or role's tags, overridden by session tags. */
  tags: Record<string, string>;
  /** False when the user or role behind the principal no longer exists (deny everything). */
  exists: boolean;
}

export interface RoleTrust {
  arn: string;
  accountId: string;
  roleId: string;
  name: string;
  path: string;
  /** The trust policy (AssumeRolePolicyDocument) as JSON text. */
  trustPolicy: string;
  maxSessionDuration: number;
  tags: Record<string, string>;
}

export interface PolicySource {
  forPrincipal(principal: Principal): Promise<PrincipalPolicies>;
  /** The role an ARN names (any account on this server), with its trust policy. */
  role(roleArn: string): Promise<RoleTrust | undefined>;
}

const NONE: PrincipalPolicies = { identity: [], tags: {}, exists: false };
const CACHE_LIMIT = 2000;

export function roleTrust(accountId: string, r: RoleRecord): RoleTrust {
  return {
    arn: r.arn,
    accountId,
    roleId: r.id,
    name: r.name,
    path: r.path,
    trustPolicy: r.trust,
    maxSessionDuration: r.maxSessionDuration,
    tags: tagMap(r.tags),
  };
}

export class IamPolicySource implements PolicySource {
  private cache = new Map<string, { generation: number; value: PrincipalPolicies }>();

  constructor(private readonly s: IamState) {}

  async forPrincipal(p: Principal): Promise<PrincipalPolicies> {
    const key = `${p.arn}|${p.accessKeyId ?? ''}|${p.userId}`;
    const hit = this.cache.get(key);
    if (hit && hit.generation === this.s.generation) return hit.value;
    const generation = this.s.generation;
    const value = await this.compute(p);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, { generation, value });
    return value;
  }

  async role(roleArn: string): Promise<RoleTrust | undefined> {
    const m = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
    if (!m) return undefined;
    const r = await this.s.repo.getEntity(m[1]!, 'role', m[2]!);
    return r && r.arn === roleArn ? roleTrust(m[1]!, r) : undefined;
  }

  private async policiesOf(accountId: string, e: EntityBase): Promise<PolicyRef[]> {
    const out: PolicyRef[] = [];
    for (const p of await this.s.repo.listInline(accountId, e.id))
      out.push({ id: p.name, document: p.document });
    for (const arn of await this.s.repo.linksFrom(accountId, 'attach', e.id)) {
      const doc = await this.managed(accountId, arn);
      if (doc) out.push(doc);
    }
    return out;
  }

  private async managed(accountId: string, arn: string): Promise<PolicyRef | undefined> {
    const p = await findPolicy(this.s, accountId, arn);
    const v = p?.versions.find((x) => x.id === p.defaultVersion);
    return v && { id: arn, document: v.document };
  }

  private async userPolicies(accountId: string, userId: string): Promise<PrincipalPolicies> {
    const found = await this.s.repo.getEntityById('user', userId);
    if (!found) return NONE;
    const u = found.record;
    const identity = await this.policiesOf(accountId, u);
    for (const gid of await this.s.repo.linksFrom(accountId, 'member', u.id)) {
      const g = await this.s.repo.getEntityById('group', gid);
      if (g) identity.push(...(await this.policiesOf(accountId, g.record)));
    }
    const boundary = u.boundary ? await this.managed(accountId, u.boundary) : undefined;
    return { identity, ...(boundary && { boundary }), tags: tagMap(u.tags), exists: true };
  }

  private async sessionPolicies(
    accountId: string,
    policy: string | undefined,
    arns: string[] | undefined,
  ): Promise<PolicyRef[]> {
    const out: PolicyRef[] = [];
    if (policy) out.push({ id: 'session-policy', document: policy });
    for (const arn of arns ?? []) {
      const doc = await this.managed(accountId, arn);
      // A session policy ARN that no longer resolves allows nothing (it still narrows).
      out.push(doc ?? { id: arn, document: '{"Version":"2012-10-17","Statement":[]}' });
    }
    return out;
  }

  private async compute(p: Principal): Promise<PrincipalPolicies> {
    if (p.type === 'Root') return { identity: [], tags: {}, exists: true };
    if (p.type === 'IAMUser' && !p.temporary) return this.userPolicies(p.accountId, p.userId);
    if (!p.accessKeyId?.startsWith('ASIA')) return NONE;
    const rec = await this.s.repo.getSession(p.accessKeyId);
    if (!rec) return NONE;
    const { data, principal } = decodeSession(rec.data);
    const hasSession = data.policy !== undefined || (data.policyArns?.length ?? 0) > 0;
    const session = hasSession
      ? await this.sessionPolicies(rec.accountId, data.policy, data.policyArns)
      : undefined;
    if (data.kind === 'session-token' || data.kind === 'federation') {
      const base = await this.userPolicies(rec.accountId, data.userId ?? '');
      // GetFederationToken sessions have only what their session policies allow (an empty set allows nothing).
      const fed = data.kind === 'federation' ? { session: session ?? [] } : {};
      return { ...base, ...fed, tags: { ...base.tags, ...(data.sessionTags ?? {}) } };
    }
    const roleId = principal.role?.roleId;
    const found = roleId ? await this.s.repo.getEntityById('role', roleId) : undefined;
    if (!found) return NONE;
    const r = found.record;
    const identity = await this.policiesOf(rec.accountId, r);
    const boundary = r.boundary ? await this.managed(rec.accountId, r.boundary) : undefined;
    return {
      identity,
      ...(boundary && { boundary }),
      ...(session && { session }),
      tags: { ...tagMap(r.tags), ...(data.sessionTags ?? principal.tags ?? {}) },
      exists: true,
    };
  }
}

const sources = new WeakMap<object, IamPolicySource>();

/** The policy source of a store backend (one per backend, shared). */
export function policySource(backend: StoreBackend): PolicySource {
  let src = sources.get(backend);
  if (!src) {
    src = new IamPolicySource(iamState(backend));
    sources.set(backend, src);
  }
  return src;
}
