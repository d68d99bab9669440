/**
 * The enforcing authorizer: for every request, each (action, resource) the service's AuthzMapper
 * names is evaluated by the policy engine against the caller's identity policies, permissions
 * boundary and session policies (IAM's policy source, compiled once per IAM change), the
 * resource's own policy and account, and the global condition keys of the request merged with
 * the service's keys. All must be allowed; the first denial answers in the service's own words.
 *
 * With enforcement off (--no-enforce-iam) requests are still authenticated, and the decision is
 * recorded as allowed.
 */
import type { App, Authorizer } from '../app.ts';
import type { Principal } from '../auth/principal.ts';
import { handlerContext } from '../pipeline/steps/dispatch.ts';
import type { RequestContext } from '../pipeline/context.ts';
import {
  buildGlobalContext,
  evaluate,
  normalizeContext,
  type NormalizedContext,
  type RequestContextValues,
} from '../policy/index.ts';
import type { AuthzRequest } from '../services/authz.ts';
import type { PolicySource } from '../services/iam/policy-source.ts';
import type { AuthorizationMessageCodec } from './authorization-message.ts';
import { decodedMessage, denialError, needsEncodedMessage, type DeniedRequest } from './denial.ts';
import { PolicyCache, type CompiledPolicySet } from './policy-cache.ts';

export interface EnforcingAuthorizerOptions {
  /** false = permissive mode: authenticate, map, record, but allow everything. */
  enforce: boolean;
  policies: PolicySource;
  messages: AuthorizationMessageCodec;
}

export interface EnforcingAuthorizer extends Authorizer {
  readonly cache: PolicyCache;
}

/** The requests an operation makes of IAM; a service without a mapper asks for `svc:Operation` on `*`. */
export async function authzRequests(app: App, ctx: RequestContext): Promise<AuthzRequest[]> {
  const service = ctx.service!;
  const operation = ctx.operation!.name;
  const mapper = app.authz[service];
  if (!mapper) return [{ action: `${service}:${operation}`, resource: '*' }];
  return mapper(operation, ctx.input ?? {}, handlerContext(app, ctx));
}

interface GlobalContext {
  second: number;
  plain: RequestContextValues;
  normalized: NormalizedContext;
}

/**
 * The global keys of one request, the same for each of its AuthzRequests. They depend on the
 * credential, the client's address and agent, the region and the time to the second (aws:
 * CurrentTime has no milliseconds), so a client's burst of requests reuses one context. Kept per
 * compiled policy set, which changes whenever IAM data (principal tags) does.
 */
const globals = new WeakMap<CompiledPolicySet, Map<string, GlobalContext>>();
const MAX_CONTEXTS = 1000;

function globalContext(
  ctx: RequestContext,
  principal: Principal,
  set: CompiledPolicySet,
  now: Date,
): GlobalContext {
  const second = Math.floor(now.getTime() / 1000);
  const f = ctx.facts;
  // Everything else about a principal is fixed per access key; its tags are part of the key.
  const tags = principal.tags ? JSON.stringify(principal.tags) : '';
  const key = `${principal.arn}\n${principal.accessKeyId ?? ''}\n${tags}\n${f.sourceIp}\n${f.secure}\n${ctx.region}\n${f.userAgent}`;
  let byKey = globals.get(set);
  const hit = byKey?.get(key);
  if (hit && hit.second === second) return hit;
  const plain = buildGlobalContext(principal, {
    sourceIp: f.sourceIp,
    secureTransport: f.secure,
    now,
    region: ctx.region,
    userAgent: f.userAgent,
  });
  const fresh: GlobalContext = { second, plain, normalized: normalizeContext(plain) };
  if (!byKey) globals.set(set, (byKey = new Map()));
  if (byKey.size >= MAX_CONTEXTS) byKey.clear();
  byKey.set(key, fresh);
  return fresh;
}

/** Global keys overlaid with the resource's account and tags and the request's service keys. */
function requestContext(
  base: NormalizedContext,
  r: AuthzRequest,
  resourceAccountId: string,
): NormalizedContext {
  const out = new Map(base);
  // aws:ResourceAccount: the account owning the resource (absent for anonymous callers' unknown ones).
  if (resourceAccountId) out.set('aws:resourceaccount', [resourceAccountId]);
  for (const [k, v] of Object.entries(r.resourceTags ?? {}))
    out.set(`aws:resourcetag/${k.toLowerCase()}`, [v]);
  for (const [k, v] of normalizeContext(r.context)) out.set(k, v);
  return out;
}

function plainContext(
  base: RequestContextValues,
  r: AuthzRequest,
  resourceAccountId: string,
): RequestContextValues {
  const out: RequestContextValues = { ...base };
  if (resourceAccountId) out['aws:ResourceAccount'] = resourceAccountId;
  for (const [k, v] of Object.entries(r.resourceTags ?? {})) out[`aws:ResourceTag/${k}`] = v;
  for (const [k, v] of Object.entries(r.context ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

/** The caller as the engine sees it: user/role tags under the session's own. */
function withTags(p: Principal, set: CompiledPolicySet): Principal {
  if (!Object.keys(set.tags).length) return p;
  return { ...p, tags: { ...set.tags, ...p.tags } };
}

export function createEnforcingAuthorizer(opts: EnforcingAuthorizerOptions): EnforcingAuthorizer {
  const cache = new PolicyCache(opts.policies);

  const authorizer = async (app: App, ctx: RequestContext): Promise<void> => {
    // Permissive mode skips the mapping too (its store reads): nothing will be evaluated.
    if (!opts.enforce) {
      ctx.authorization = { allowed: true };
      return;
    }
    const requests = await authzRequests(app, ctx);
    const first = requests[0];
    // Operations that need no permission (sts:GetCallerIdentity) map to no request.
    if (!first) {
      ctx.authorization = { allowed: true };
      return;
    }
    const set = await cache.forPrincipal(ctx.principal!);
    const principal = withTags(ctx.principal!, set);
    const { plain: plainBase, normalized: base } = globalContext(ctx, principal, set, app.now());
    for (const r of requests) {
      const resourceAccountId = r.resourceAccountId ?? principal.accountId;
      const result = evaluate({
        principal,
        action: r.action,
        resource: r.resource,
        context: requestContext(base, r, resourceAccountId),
        identityPolicies: set.identity,
        boundaryPolicies: set.boundary,
        sessionPolicies: set.session,
        resourcePolicy:
          r.resourcePolicy === undefined ? undefined : { id: 'resource-policy', document: r.resourcePolicy },
        resourceAccountId,
        ...(r.resourcePolicyRequired && { resourcePolicyRequired: true }),
        ...(r.canonicalUserId !== undefined && { canonicalUserId: r.canonicalUserId }),
      });
      if (result.decision === 'Allow') continue;
      ctx.authorization = { allowed: false, action: r.action, resource: r.resource };
      const denied: DeniedRequest = {
        service: ctx.service!,
        principal,
        action: r.action,
        resource: r.resource,
        resourceAccountId,
        result,
      };
      let encoded: string | undefined;
      if (needsEncodedMessage(denied)) {
        const message = decodedMessage(
          denied,
          plainContext(plainBase, r, resourceAccountId),
          set.sources,
          r.resourcePolicy,
        );
        encoded = opts.messages.encode(principal.accountId, message);
      }
      throw denialError(denied, encoded);
    }
    ctx.authorization = { allowed: true, action: first.action, resource: first.resource };
  };
  return Object.assign(authorizer, { cache });
}
