/**
 * The Principal / NotPrincipal elements of resource-based and trust policies, and how a caller
 * matches them. The match level matters for same-account evaluation: a resource policy that
 * names the caller itself (user ARN, role-session ARN, "*") grants directly; one that names the
 * role (for a role session) or the issuing user (for a federated-user session) is still limited
 * by the permissions boundary and session policies; one that names the account only delegates
 * to the account's identity-based policies.
 */
import type { Principal } from '../auth/principal.ts';
import type { PrincipalJson } from './types.ts';

export type MatchLevel = 'direct' | 'role' | 'account';

export interface CompiledPrincipal {
  any: boolean;
  awsAny: boolean;
  accounts: Set<string>;
  arns: Set<string>;
  services: Set<string>;
  federated: Set<string>;
  canonical: Set<string>;
}

const ACCOUNT_RE = /^\d{12}$/;
const ROOT_RE = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];

export function compilePrincipal(p: PrincipalJson | unknown): CompiledPrincipal {
  const c: CompiledPrincipal = {
    any: false,
    awsAny: false,
    accounts: new Set(),
    arns: new Set(),
    services: new Set(),
    federated: new Set(),
    canonical: new Set(),
  };
  if (p === '*') {
    c.any = true;
    return c;
  }
  if (!p || typeof p !== 'object') return c;
  const o = p as Record<string, unknown>;
  for (const v of list(o.AWS)) {
    if (v === '*') c.awsAny = true;
    else if (ACCOUNT_RE.test(v)) c.accounts.add(v);
    else {
      const m = ROOT_RE.exec(v);
      if (m) c.accounts.add(m[1]);
      else c.arns.add(v);
    }
  }
  for (const v of list(o.Service)) c.services.add(v.toLowerCase());
  for (const v of list(o.Federated)) c.federated.add(v);
  for (const v of list(o.CanonicalUser)) c.canonical.add(v);
  return c;
}

/** The facts about the caller that principal matching needs, derived once per request. */
export interface Caller {
  principal: Principal;
  /** The IAM user ARN behind a federated-user session, or its name when only that is known. */
  parentUser?: string;
  federatedProvider?: string;
  canonicalUserId?: string;
}

const isIamIdentity = (t: Principal['type']): boolean =>
  t === 'Root' || t === 'IAMUser' || t === 'AssumedRole' || t === 'FederatedUser';

function parentMatches(c: Caller, arns: Set<string>): boolean {
  const parent = c.parentUser;
  if (!parent) return false;
  if (parent.startsWith('arn:')) return arns.has(parent);
  const prefix = `arn:aws:iam::${c.principal.accountId}:user/`;
  for (const a of arns) if (a.startsWith(prefix) && a.slice(a.lastIndexOf('/') + 1) === parent) return true;
  return false;
}

/** How the caller matches a Principal element, or undefined when it does not. */
export function principalMatchLevel(cp: CompiledPrincipal, c: Caller): MatchLevel | undefined {
  if (cp.any) return 'direct';
  const p = c.principal;
  switch (p.type) {
    case 'AWSService':
      return cp.services.has(p.arn.toLowerCase()) || cp.services.has(p.userId.toLowerCase())
        ? 'direct'
        : undefined;
    case 'Anonymous':
      return cp.awsAny ? 'direct' : undefined;
    case 'SAMLUser':
    case 'WebIdentityUser':
      if (c.federatedProvider !== undefined && cp.federated.has(c.federatedProvider)) return 'direct';
      return cp.awsAny ? 'direct' : undefined;
  }
  if (!isIamIdentity(p.type)) return undefined;
  if (cp.awsAny || cp.arns.has(p.arn)) return 'direct';
  if (p.type === 'AssumedRole' && p.role && cp.arns.has(p.role.arn)) return 'role';
  if (p.type === 'FederatedUser' && parentMatches(c, cp.arns)) return 'role';
  if (cp.accounts.has(p.accountId)) return p.type === 'Root' ? 'direct' : 'account';
  // A canonical user id names an account, as its root ARN or 12 digits do.
  if (c.canonicalUserId !== undefined && cp.canonical.has(c.canonicalUserId))
    return p.type === 'Root' ? 'direct' : 'account';
  return undefined;
}

/**
 * NotPrincipal: the statement applies unless the caller is fully named. Following the documented
 * examples, an IAM user is excluded when its ARN and its account are listed, a role session when
 * its session ARN, its role's ARN and its account are listed.
 */
export function notPrincipalExcludes(cp: CompiledPrincipal, c: Caller): boolean {
  if (cp.any) return true;
  const p = c.principal;
  switch (p.type) {
    case 'AWSService':
      return cp.services.has(p.arn.toLowerCase()) || cp.services.has(p.userId.toLowerCase());
    case 'Anonymous':
      return cp.awsAny;
    case 'SAMLUser':
    case 'WebIdentityUser':
      return cp.awsAny || (c.federatedProvider !== undefined && cp.federated.has(c.federatedProvider));
  }
  if (cp.awsAny) return true;
  const account =
    cp.accounts.has(p.accountId) || (c.canonicalUserId !== undefined && cp.canonical.has(c.canonicalUserId));
  if (p.type === 'Root') return account;
  if (!account) return false;
  // A role session must be named with its session ARN and its role's ARN ("principals must
  // always name a specific session"; without the role ARN the role itself is denied).
  if (p.type === 'AssumedRole') return cp.arns.has(p.arn) && !!p.role && cp.arns.has(p.role.arn);
  if (cp.arns.has(p.arn)) return true;
  if (p.type === 'FederatedUser' && parentMatches(c, cp.arns)) return true;
  return false;
}
