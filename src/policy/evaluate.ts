/**
 * Policy evaluation as the IAM User Guide documents it ("Policy evaluation logic",
 * "Cross-account policy evaluation logic", "Permissions boundaries", "Session policies"):
 *
 * 1. An explicit Deny in any applicable policy wins.
 * 2. The account's root user may do everything in its own account.
 * 3. Same account: a resource-based policy naming the caller itself (IAM user ARN, role-session
 *    ARN, federated-user ARN, "*") allows on its own; one naming the role (or, for a
 *    federated-user session, the issuing user) allows only where the permissions boundary and the
 *    session policies also allow; one naming only the account delegates to identity policies.
 *    Otherwise identity-based ∩ boundary ∩ session policies must allow.
 * 4. Cross-account: the caller's identity-based ∩ boundary ∩ session policies AND the
 *    resource-based policy must both allow.
 * Anonymous callers and AWS service principals are allowed only by a resource-based policy.
 * There are no SCPs / RCPs in Stratus.
 */
import type { Principal } from '../auth/principal.ts';
import type {
  Decision,
  EvalDecision,
  MatchedStatement,
  NormalizedContext,
  PolicyDocument,
  PolicySourceType,
  RequestContextValues,
} from './types.ts';
import {
  actionMatches,
  compilePolicy,
  isCompiledPolicy,
  resourceMatches,
  type CompiledPolicy,
  type CompiledStatement,
} from './compile.ts';
import {
  notPrincipalExcludes,
  principalMatchLevel,
  type Caller,
  type MatchLevel,
} from './principal-match.ts';

/** A policy: JSON text, a parsed document, a compiled policy, or one of those with its id. */
export type PolicyInput = string | PolicyDocument | CompiledPolicy | PolicyRef;
export interface PolicyRef {
  /** Policy name or ARN (IAM's SourcePolicyId). */
  id?: string;
  document: string | PolicyDocument | CompiledPolicy;
}

export interface ResourcePolicyInput extends PolicyRef {
  /** The account owning the resource (defaults to the request's resourceAccountId). */
  ownerAccountId?: string;
}

export interface EvaluationRequest {
  principal: Principal;
  /** `service:Action`, e.g. `s3:GetObject` (compared case-insensitively). */
  action: string;
  /** The resource ARN (or `*` for actions without a resource). */
  resource: string;
  /** Condition keys (case-insensitive names); see buildGlobalContext for the aws:* ones. */
  context?: RequestContextValues | NormalizedContext;
  /** The caller's identity-based policies (user + groups, or the role's). */
  identityPolicies?: PolicyInput[];
  /** The permissions boundary; undefined = the entity has none. */
  boundaryPolicies?: PolicyInput[];
  /** Session policies of temporary credentials; undefined = none were passed. */
  sessionPolicies?: PolicyInput[];
  resourcePolicy?: ResourcePolicyInput;
  /** The account owning the resource. */
  resourceAccountId: string;
  /**
   * The resource policy must allow even within the account (role trust policies, KMS key
   * policies): identity policies alone never suffice.
   */
  resourcePolicyRequired?: boolean;
  /** For SAML / web-identity callers: the provider ({"Federated": ...} principal). */
  federatedProvider?: string;
  /** The caller account's S3 canonical user id ({"CanonicalUser": ...} principal). */
  canonicalUserId?: string;
  /** For federated-user sessions: the issuing IAM user's ARN (defaults to principal.federatedName). */
  parentUser?: string;
}

export type DecisionReason =
  | 'RootUser'
  | 'IdentityPolicy'
  | 'ResourcePolicy'
  | 'CrossAccount'
  | 'ExplicitDeny'
  | 'NoIdentityAllow'
  | 'NoBoundaryAllow'
  | 'NoSessionAllow'
  | 'NoResourceAllow';

export interface EvaluationResult {
  decision: Decision;
  /** The same decision spelt as IAM's SimulatePolicy EvalDecision. */
  evalDecision: EvalDecision;
  reason: DecisionReason;
  /** For denials: the policy type AWS names in the AccessDenied message. */
  deniedBy?: PolicySourceType;
  /** Every statement that matched (Allow and Deny), in evaluation order. */
  matchedStatements: MatchedStatement[];
  /** Condition keys read by statements whose action and resource matched but absent from the context. */
  missingContextValues: string[];
}

/** Lower-cases keys and turns every value into a string list (undefined values are dropped). */
export function normalizeContext(
  values: RequestContextValues | NormalizedContext | undefined,
): NormalizedContext {
  if (values instanceof Map) return values;
  const m: NormalizedContext = new Map();
  if (!values) return m;
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    m.set(
      k.toLowerCase(),
      Array.isArray(v) ? v.map(String) : [typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v)],
    );
  }
  return m;
}

const toRef = (p: PolicyInput, fallbackId: string): { id: string; policy: CompiledPolicy } => {
  if (typeof p === 'string' || isCompiledPolicy(p)) return { id: fallbackId, policy: compilePolicy(p) };
  if ('document' in p) return { id: p.id ?? fallbackId, policy: compilePolicy(p.document) };
  return { id: fallbackId, policy: compilePolicy(p) };
};

interface SetOutcome {
  allow: boolean;
  deny: boolean;
  /** Resource policies: the strongest way an Allow statement named the caller. */
  level?: MatchLevel;
}

const LEVEL_RANK: Record<MatchLevel, number> = { direct: 3, role: 2, account: 1 };

interface Scratch {
  ctx: NormalizedContext;
  actionLower: string;
  resource: string;
  matched: MatchedStatement[];
  missing: Set<string>;
}

function statementMatches(st: CompiledStatement, s: Scratch): boolean {
  if (
    st.action
      ? !actionMatches(st.action, s.actionLower)
      : st.notAction
        ? actionMatches(st.notAction, s.actionLower)
        : true
  )
    return false;
  if (
    st.resource
      ? !resourceMatches(st.resource, s.resource, s.ctx)
      : st.notResource
        ? resourceMatches(st.notResource, s.resource, s.ctx)
        : false
  )
    return false;
  if (st.condition) {
    for (const k of st.condition.keys) if (!s.ctx.has(k)) s.missing.add(k);
    if (!st.condition.test(s.ctx)) return false;
  }
  return true;
}

function evalSet(policies: PolicyInput[] | undefined, type: PolicySourceType, s: Scratch): SetOutcome {
  const out: SetOutcome = { allow: false, deny: false };
  if (!policies) return out;
  policies.forEach((p, i) => {
    const { id, policy } = toRef(p, `${type}-policy-${i + 1}`);
    for (const st of policy.statements) {
      if (!statementMatches(st, s)) continue;
      s.matched.push({
        sourcePolicyId: id,
        sourcePolicyType: type,
        effect: st.effect,
        sid: st.sid,
        index: st.index,
      });
      if (st.effect === 'Deny') out.deny = true;
      else out.allow = true;
    }
  });
  return out;
}

function evalResourcePolicy(
  rp: ResourcePolicyInput | undefined,
  caller: Caller,
  hasBoundary: boolean,
  s: Scratch,
): SetOutcome {
  const out: SetOutcome = { allow: false, deny: false };
  if (!rp) return out;
  const { id, policy } = toRef(rp, 'resource-policy');
  for (const st of policy.statements) {
    let level: MatchLevel | undefined;
    if (st.principal) level = principalMatchLevel(st.principal, caller);
    else if (st.notPrincipal) {
      // Documented quirk: Deny + NotPrincipal denies any principal with a permissions boundary.
      const applies = (st.effect === 'Deny' && hasBoundary) || !notPrincipalExcludes(st.notPrincipal, caller);
      level = applies ? 'direct' : undefined;
    }
    if (!level || !statementMatches(st, s)) continue;
    s.matched.push({
      sourcePolicyId: id,
      sourcePolicyType: 'resource-based',
      effect: st.effect,
      sid: st.sid,
      index: st.index,
    });
    if (st.effect === 'Deny') out.deny = true;
    else {
      out.allow = true;
      if (!out.level || LEVEL_RANK[level] > LEVEL_RANK[out.level]) out.level = level;
    }
  }
  return out;
}

const EVAL: Record<Decision, EvalDecision> = {
  Allow: 'allowed',
  ExplicitDeny: 'explicitDeny',
  ImplicitDeny: 'implicitDeny',
};

/** Evaluates one request (one action on one resource) against all applicable policies. */
export function evaluate(req: EvaluationRequest): EvaluationResult {
  const p = req.principal;
  const s: Scratch = {
    ctx: normalizeContext(req.context),
    actionLower: req.action.toLowerCase(),
    resource: req.resource,
    matched: [],
    missing: new Set(),
  };
  const caller: Caller = {
    principal: p,
    parentUser: req.parentUser ?? p.federatedName,
    federatedProvider: req.federatedProvider ?? s.ctx.get('aws:federatedprovider')?.[0],
    canonicalUserId: req.canonicalUserId,
  };
  const hasBoundary = req.boundaryPolicies !== undefined;
  const hasSession = req.sessionPolicies !== undefined;
  const iam =
    p.type === 'Root' || p.type === 'IAMUser' || p.type === 'AssumedRole' || p.type === 'FederatedUser';

  const id = iam ? evalSet(req.identityPolicies, 'identity-based', s) : { allow: false, deny: false };
  const bnd = iam ? evalSet(req.boundaryPolicies, 'permissions boundary', s) : { allow: false, deny: false };
  const ses = iam ? evalSet(req.sessionPolicies, 'session', s) : { allow: false, deny: false };
  const res = evalResourcePolicy(req.resourcePolicy, caller, iam && hasBoundary, s);

  const done = (
    decision: Decision,
    reason: DecisionReason,
    deniedBy?: PolicySourceType,
  ): EvaluationResult => ({
    decision,
    evalDecision: EVAL[decision],
    reason,
    deniedBy,
    matchedStatements: s.matched,
    missingContextValues: [...s.missing],
  });

  if (id.deny) return done('ExplicitDeny', 'ExplicitDeny', 'identity-based');
  if (res.deny) return done('ExplicitDeny', 'ExplicitDeny', 'resource-based');
  if (bnd.deny) return done('ExplicitDeny', 'ExplicitDeny', 'permissions boundary');
  if (ses.deny) return done('ExplicitDeny', 'ExplicitDeny', 'session');

  if (!iam)
    return res.allow
      ? done('Allow', 'ResourcePolicy')
      : done('ImplicitDeny', 'NoResourceAllow', 'resource-based');

  const resourceAccount = req.resourceAccountId || req.resourcePolicy?.ownerAccountId || '';
  const sameAccount = p.accountId === resourceAccount;
  const isRoot = p.type === 'Root';
  // The root user's identity permissions are implicitly everything; it has no boundary/session.
  const identityOk = isRoot || id.allow;
  const boundaryOk = isRoot || !hasBoundary || bnd.allow;
  const sessionOk = isRoot || !hasSession || ses.allow;
  const chainFail: PolicySourceType | undefined = !identityOk
    ? 'identity-based'
    : !boundaryOk
      ? 'permissions boundary'
      : !sessionOk
        ? 'session'
        : undefined;
  const failReason = (t: PolicySourceType): DecisionReason =>
    t === 'identity-based'
      ? 'NoIdentityAllow'
      : t === 'permissions boundary'
        ? 'NoBoundaryAllow'
        : t === 'session'
          ? 'NoSessionAllow'
          : 'NoResourceAllow';

  if (sameAccount) {
    if (res.level === 'direct') return done('Allow', 'ResourcePolicy');
    if (res.level === 'role') {
      if (boundaryOk && sessionOk) return done('Allow', 'ResourcePolicy');
      const t: PolicySourceType = !boundaryOk ? 'permissions boundary' : 'session';
      return done('ImplicitDeny', failReason(t), t);
    }
    if (req.resourcePolicyRequired && !res.level)
      return done('ImplicitDeny', 'NoResourceAllow', 'resource-based');
    if (isRoot) return done('Allow', 'RootUser');
    if (!chainFail) return done('Allow', 'IdentityPolicy');
    return done('ImplicitDeny', failReason(chainFail), chainFail);
  }
  if (chainFail) return done('ImplicitDeny', failReason(chainFail), chainFail);
  if (!res.level) return done('ImplicitDeny', 'NoResourceAllow', 'resource-based');
  return done('Allow', 'CrossAccount');
}
