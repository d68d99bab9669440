/** STS AssumeRole: trust policy, durations, session policies, tags, external id, source identity, chaining. */
import { AwsError } from '../../errors.ts';
import type { HandlerContext } from '../handler.ts';
import type { PolicySource } from '../iam/policy-source.ts';
import { decodeSession } from '../iam/session-data.ts';
import type { IamState } from '../iam/state.ts';
import { issueCredentials, packedPolicySize } from './credentials.ts';
import {
  checkArnSyntax,
  checkPolicyArns,
  checkSessionPolicy,
  roleDuration,
  roleSession,
  sessionTags,
  tagContext,
  validation,
  type Tag,
} from './role-session.ts';
import { checkTrust } from './trust.ts';
import { checkMfa } from './mfa-check.ts';

export interface AssumeRoleInput {
  RoleArn: string;
  RoleSessionName: string;
  PolicyArns?: { arn?: string }[];
  Policy?: string;
  DurationSeconds?: number;
  Tags?: Tag[];
  TransitiveTagKeys?: string[];
  ExternalId?: string;
  SerialNumber?: string;
  TokenCode?: string;
  SourceIdentity?: string;
}

export function assumeRoleHandler(s: IamState, source: PolicySource) {
  return async function AssumeRole(input: AssumeRoleInput, ctx: HandlerContext) {
    const p = ctx.principal;
    if (p.type === 'Root')
      throw new AwsError('AccessDenied', 'Roles may not be assumed by root accounts.', 403);
    // GetFederationToken credentials may call no STS operation but GetCallerIdentity.
    if (p.type === 'FederatedUser') {
      throw new AwsError(
        'AccessDenied',
        `User: ${p.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`,
        403,
      );
    }
    checkArnSyntax(input.RoleArn);
    const role = await source.role(input.RoleArn);
    if (!role) {
      throw new AwsError(
        'AccessDenied',
        `User: ${p.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`,
        403,
      );
    }
    const mfa = await checkMfa(s, p, input.SerialNumber, input.TokenCode, ctx.now);
    const chained = p.type === 'AssumedRole';
    const duration = roleDuration(input.DurationSeconds, role, chained);
    checkSessionPolicy(input.Policy);
    const policyArns = checkPolicyArns(input.PolicyArns);

    // A chained session inherits the caller's transitive tags and source identity.
    let inherited: Record<string, string> = {};
    let inheritedTransitive: string[] = [];
    if (chained && p.accessKeyId) {
      const rec = await s.repo.getSession(p.accessKeyId);
      if (rec) {
        const { data } = decodeSession(rec.data);
        inheritedTransitive = data.transitiveTagKeys ?? [];
        inherited = Object.fromEntries(inheritedTransitive.map((k) => [k, data.sessionTags?.[k] ?? '']));
      }
    }
    // AWS's answer as observed (mahitotsu/gekko_08 experiments/multi-hop-propagation).
    if (p.sourceIdentity && input.SourceIdentity && input.SourceIdentity !== p.sourceIdentity)
      throw validation('The source identity is already set for this assume role session');
    const sourceIdentity = input.SourceIdentity ?? p.sourceIdentity;
    const tags = sessionTags(input.Tags, input.TransitiveTagKeys, inherited, inheritedTransitive);

    const actions = ['sts:AssumeRole'];
    // Carrying transitive tags into a chained session is tagging it too: a trust policy without
    // sts:TagSession refuses even a chain that passes no tags (observed, gekko_08 as above).
    if (input.Tags?.length || input.TransitiveTagKeys?.length || inheritedTransitive.length)
      actions.push('sts:TagSession');
    if (input.SourceIdentity !== undefined) actions.push('sts:SetSourceIdentity');
    checkTrust({
      principal: p,
      role,
      actions,
      ctx,
      context: {
        ...(mfa && { 'aws:MultiFactorAuthPresent': true, 'aws:MultiFactorAuthAge': '0' }),
        ...tagContext(input.Tags),
        'sts:RoleSessionName': input.RoleSessionName,
        ...(input.ExternalId !== undefined && { 'sts:ExternalId': input.ExternalId }),
        ...(sourceIdentity !== undefined && { 'sts:SourceIdentity': sourceIdentity }),
        ...(input.TransitiveTagKeys?.length && { 'sts:TransitiveTagKeys': input.TransitiveTagKeys }),
      },
    });

    const session = roleSession({
      role,
      sessionName: input.RoleSessionName,
      tags: tags.tags,
      transitive: tags.transitive,
      policy: input.Policy,
      policyArns,
      sourceIdentity,
      chained,
      mfa,
    });
    // Refused (PackedPolicyTooLarge) before anything is issued.
    const packed = packedPolicySize(input.Policy, policyArns, input.Tags);
    const Credentials = await issueCredentials(s, role.accountId, session.data, ctx.now, duration);
    await noteRoleUse(s, role.accountId, role.name, ctx);
    return {
      Credentials,
      AssumedRoleUser: { AssumedRoleId: session.assumedRoleId, Arn: session.arn },
      PackedPolicySize: packed,
      ...(sourceIdentity !== undefined && { SourceIdentity: sourceIdentity }),
    };
  };
}

/** RoleLastUsed (not a policy change: the policy source's cache stays valid). */
export async function noteRoleUse(
  s: IamState,
  accountId: string,
  roleName: string,
  ctx: HandlerContext,
): Promise<void> {
  const r = await s.repo.getEntity(accountId, 'role', roleName);
  if (r)
    await s.repo.saveEntity(accountId, 'role', {
      ...r,
      lastUsed: { date: ctx.now.toISOString(), region: ctx.region },
    });
}
