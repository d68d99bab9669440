/**
 * The role side of assuming a role: does the role's trust policy allow this caller? Evaluated
 * with the policy engine as the resource-based policy, alone: the caller's own permission for
 * sts:AssumeRole (identity side) is the request authorizer's job, so here the identity side is
 * taken as granted and only the trust policy (and its explicit denies) decides.
 */
import type { Principal } from '../../auth/principal.ts';
import { AwsError } from '../../errors.ts';
import {
  accessDeniedMessage,
  buildGlobalContext,
  evaluate,
  type RequestContextValues,
} from '../../policy/index.ts';
import type { HandlerContext } from '../handler.ts';
import type { RoleTrust } from '../iam/policy-source.ts';

export interface TrustCheck {
  principal: Principal;
  role: RoleTrust;
  actions: string[];
  context: RequestContextValues;
  ctx: HandlerContext;
  federatedProvider?: string;
}

/** Throws AccessDenied (AWS's message) unless the trust policy allows every action. */
export function checkTrust(t: TrustCheck): void {
  const global = buildGlobalContext(t.principal, {
    now: t.ctx.now,
    sourceIp: t.ctx.request.sourceIp,
    region: t.ctx.region,
    secureTransport: t.ctx.request.secure,
    userAgent: t.ctx.request.userAgent,
    ...(t.federatedProvider && { federatedProvider: t.federatedProvider }),
  });
  for (const action of t.actions) {
    const result = evaluate({
      principal: t.principal,
      action,
      resource: t.role.arn,
      context: { ...global, ...t.context },
      identityPolicies: [
        {
          id: 'caller',
          document: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
          },
        },
      ],
      resourcePolicy: { id: 'trust-policy', document: t.role.trustPolicy, ownerAccountId: t.role.accountId },
      resourceAccountId: t.role.accountId,
      resourcePolicyRequired: true,
      ...(t.federatedProvider && { federatedProvider: t.federatedProvider }),
    });
    if (result.decision !== 'Allow') {
      const who =
        t.principal.type === 'SAMLUser' || t.principal.type === 'WebIdentityUser' ? undefined : t.principal;
      // STS gives no reason for an implicit deny; an explicit one names the trust policy.
      const message = who
        ? accessDeniedMessage(who, action, t.role.arn, {
            decision: result.decision,
            deniedBy: 'resource-based',
          }).replace(/ because .*$/, '')
        : `Not authorized to perform ${action}`;
      throw new AwsError('AccessDenied', message, 403);
    }
  }
}
