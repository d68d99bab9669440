/**
 * STS AssumeRoleWithWebIdentity (unsigned: the OIDC token is the credential). The token's issuer
 * names an OpenID Connect provider of the role's account; its signature is checked against the
 * JWKS registered for that provider (see iam/oidc-providers.ts: Stratus fetches nothing from the
 * internet), its audience against the provider's client ids, its expiry against the clock; then
 * the role's trust policy must allow the provider with the token's claims as condition keys.
 */
import type { Principal } from '../../auth/principal.ts';
import { AwsError } from '../../errors.ts';
import type { HandlerContext } from '../handler.ts';
import { jwksOf, providerKey } from '../iam/oidc-providers.ts';
import type { PolicySource } from '../iam/policy-source.ts';
import type { IamState } from '../iam/state.ts';
import { noteRoleUse } from './assume-role.ts';
import { issueCredentials, packedPolicySize } from './credentials.ts';
import { JwtError, NOT_A_JWT, verifyJwt } from './jwt.ts';
import {
  checkPolicyArns,
  checkRoleArn,
  checkSessionPolicy,
  roleDuration,
  roleSession,
  sessionTags,
} from './role-session.ts';
import { checkTrust } from './trust.ts';

const invalid = (m: string) => new AwsError('InvalidIdentityToken', m, 400);

export interface AssumeRoleWithWebIdentityInput {
  RoleArn: string;
  RoleSessionName: string;
  WebIdentityToken: string;
  ProviderId?: string;
  PolicyArns?: { arn?: string }[];
  Policy?: string;
  DurationSeconds?: number;
}

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];

export function assumeRoleWithWebIdentityHandler(s: IamState, source: PolicySource) {
  return async function AssumeRoleWithWebIdentity(
    input: AssumeRoleWithWebIdentityInput,
    ctx: HandlerContext,
  ) {
    checkRoleArn(input.RoleArn);
    const role = await source.role(input.RoleArn);
    if (!role)
      throw new AwsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);
    let payload: Record<string, unknown>;
    let providerArn: string;
    let key: string;
    try {
      const parts = input.WebIdentityToken.split('.');
      const claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      const iss = typeof claims.iss === 'string' ? claims.iss : '';
      if (!iss) throw invalid('The web identity token has no issuer (iss).');
      key = providerKey(iss.startsWith('https://') ? iss : `https://${iss}`);
      providerArn = `arn:aws:iam::${role.accountId}:oidc-provider/${key}`;
      const provider = await s.repo.getEntity(role.accountId, 'oidc-provider', key);
      if (!provider) throw invalid(`No OpenIDConnect provider found in your account for ${iss}`);
      const jwks = jwksOf(provider);
      if (!jwks)
        throw invalid(
          `No keys are registered for the OpenIDConnect provider ${providerArn} (tags ${'stratus:jwks:N'})`,
        );
      payload = verifyJwt(input.WebIdentityToken, jwks).payload;
      const aud = list(payload.aud);
      if (!aud.some((a) => provider.clientIds.includes(a))) throw invalid('Incorrect token audience');
    } catch (e) {
      if (e instanceof AwsError) throw e;
      if (e instanceof JwtError) throw invalid(e.message);
      throw invalid(NOT_A_JWT);
    }
    // AWS words it in whole seconds: "current date/time 1753382758 must be before ... 1753089571".
    const nowSec = Math.floor(ctx.now.getTime() / 1000);
    if (typeof payload.exp !== 'number' || payload.exp <= nowSec) {
      throw new AwsError(
        'ExpiredTokenException',
        `Token expired: current date/time ${nowSec} must be before the expiration date/time ${String(payload.exp)}`,
        400,
      );
    }
    if (typeof payload.nbf === 'number' && payload.nbf > nowSec + 300)
      throw invalid('The web identity token is not yet valid');

    const duration = roleDuration(input.DurationSeconds, role, false);
    checkSessionPolicy(input.Policy);
    const policyArns = checkPolicyArns(input.PolicyArns);
    const sub = String(payload.sub ?? '');
    const aud = list(payload.aud);
    const tagClaim = (payload['https://aws.amazon.com/tags'] ?? {}) as {
      principal_tags?: Record<string, string[]>;
      transitive_tag_keys?: string[];
    };
    const tagList = Object.entries(tagClaim.principal_tags ?? {}).map(([Key, v]) => ({
      Key,
      Value: String(list(v)[0] ?? ''),
    }));
    const tags = sessionTags(tagList, tagClaim.transitive_tag_keys, {}, []);

    const caller: Principal = {
      type: 'WebIdentityUser',
      accountId: role.accountId,
      arn: `${providerArn}/${sub}`,
      userId: `${key}:${sub}`,
    };
    const actions = ['sts:AssumeRoleWithWebIdentity'];
    if (tagList.length) actions.push('sts:TagSession');
    checkTrust({
      principal: caller,
      role,
      actions,
      ctx,
      federatedProvider: providerArn,
      context: {
        [`${key}:aud`]: aud,
        [`${key}:sub`]: sub,
        ...(payload.amr !== undefined && { [`${key}:amr`]: list(payload.amr) }),
        ...(payload.azp !== undefined && { [`${key}:azp`]: String(payload.azp) }),
        'sts:RoleSessionName': input.RoleSessionName,
        ...Object.fromEntries(tagList.map((t) => [`aws:RequestTag/${t.Key}`, t.Value])),
        ...(tagList.length && { 'aws:TagKeys': tagList.map((t) => t.Key) }),
      },
    });

    const session = roleSession({
      role,
      sessionName: input.RoleSessionName,
      tags: tags.tags,
      transitive: tags.transitive,
      policy: input.Policy,
      policyArns,
      chained: false,
    });
    // Refused (PackedPolicyTooLarge) before anything is issued.
    const packed = packedPolicySize(input.Policy, policyArns, tagList);
    const Credentials = await issueCredentials(s, role.accountId, session.data, ctx.now, duration);
    await noteRoleUse(s, role.accountId, role.name, ctx);
    return {
      Credentials,
      SubjectFromWebIdentityToken: sub,
      AssumedRoleUser: { AssumedRoleId: session.assumedRoleId, Arn: session.arn },
      PackedPolicySize: packed,
      // The provider's ARN, as AWS answers for OIDC providers (EKS IRSA, SPIRE, OpenShift outputs).
      Provider: providerArn,
      Audience: typeof payload.azp === 'string' ? payload.azp : aud[0],
    };
  };
}
