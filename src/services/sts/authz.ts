/**
 * What each STS operation asks of the caller's policies (Service Authorization Reference, STS).
 * GetCallerIdentity and GetSessionToken need no permission; AssumeRoleWithSAML and
 * AssumeRoleWithWebIdentity are unsigned (the role's trust policy alone decides, in the handler).
 * AssumeRole asks sts:AssumeRole on the role (sts:TagSession / sts:SetSourceIdentity too when
 * tags / a source identity are passed), with the role's trust policy as its resource policy.
 */
import type { AuthzMapper, AuthzRequest, ConditionValue } from '../authz.ts';
import type { HandlerContext } from '../handler.ts';
import type { PolicySource } from '../iam/policy-source.ts';
import { verifyMfa } from '../iam/mfa.ts';
import { checkArnSyntax } from './role-session.ts';
import type { IamState } from '../iam/state.ts';

const NO_PERMISSION = new Set([
  'GetCallerIdentity',
  'GetSessionToken',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
]);

function tagContext(tags: { Key: string; Value: string }[] | undefined): Record<string, ConditionValue> {
  const c: Record<string, ConditionValue> = {};
  if (!tags?.length) return c;
  for (const t of tags) c[`aws:RequestTag/${t.Key}`] = t.Value;
  c['aws:TagKeys'] = tags.map((t) => t.Key);
  return c;
}

export function stsAuthz(source: PolicySource, s: IamState): AuthzMapper {
  return async (operation: string, input: any, ctx: HandlerContext): Promise<AuthzRequest[]> => {
    if (NO_PERMISSION.has(operation)) return [];
    if (operation === 'AssumeRole') {
      const roleArn = String(input.RoleArn ?? '');
      checkArnSyntax(roleArn);
      const role = await source.role(roleArn);
      // A valid MFA code (checked here, used up by the handler) counts for the trust policy too.
      const mfa =
        typeof input.SerialNumber === 'string' &&
        typeof input.TokenCode === 'string' &&
        (await verifyMfa(s, ctx.principal, input.SerialNumber, input.TokenCode, ctx.now, false));
      const context: Record<string, ConditionValue> = {
        ...(mfa && { 'aws:MultiFactorAuthPresent': true, 'aws:MultiFactorAuthAge': '0' }),
        ...tagContext(input.Tags),
        'sts:RoleSessionName': input.RoleSessionName,
        ...(input.ExternalId !== undefined && { 'sts:ExternalId': input.ExternalId }),
        ...(input.SourceIdentity !== undefined && { 'sts:SourceIdentity': input.SourceIdentity }),
        ...(input.TransitiveTagKeys?.length && { 'sts:TransitiveTagKeys': input.TransitiveTagKeys }),
      };
      const base = {
        resource: roleArn,
        context,
        resourceAccountId: /^arn:aws:iam::(\d{12}):/.exec(roleArn)?.[1] ?? ctx.accountId,
        // The trust policy must allow even within the account; it alone may suffice when it names the caller.
        resourcePolicyRequired: true,
        ...(role && { resourcePolicy: role.trustPolicy, resourceTags: role.tags }),
      };
      const out: AuthzRequest[] = [{ action: 'sts:AssumeRole', ...base }];
      if (input.Tags?.length || input.TransitiveTagKeys?.length)
        out.push({ action: 'sts:TagSession', ...base });
      if (input.SourceIdentity !== undefined) out.push({ action: 'sts:SetSourceIdentity', ...base });
      return out;
    }
    if (operation === 'GetFederationToken') {
      return [
        {
          action: 'sts:GetFederationToken',
          resource: `arn:aws:sts::${ctx.accountId}:federated-user/${input.Name}`,
          context: tagContext(input.Tags),
        },
      ];
    }
    return [{ action: `sts:${operation}`, resource: '*' }];
  };
}
