/** What every way of assuming a role shares: durations, session policies, session tags, the session principal. */
import type { Principal } from '../../auth/principal.ts';
import { AwsError } from '../../errors.ts';
import { validateIdentityPolicy } from '../../policy/index.ts';
import type { RoleTrust } from '../iam/policy-source.ts';
import type { SessionData } from '../iam/session-data.ts';

export interface Tag {
  Key: string;
  Value: string;
}

export const validation = (message: string) => new AwsError('ValidationError', message, 400);

/**
 * AssumeRole refuses a RoleArn that is not an ARN at all (fewer than six parts, or no partition,
 * service or resource) before any permission check: ValidationError "<arn> is invalid", as AWS
 * answered LocalStack's recorded test_sts_invalid_parameters. A well-formed ARN that names no role
 * (or not a role) stays AccessDenied.
 */
export function checkArnSyntax(arn: string): void {
  const parts = arn.split(':');
  const ok =
    parts.length >= 6 &&
    parts[0] === 'arn' &&
    parts[1] !== '' &&
    parts[2] !== '' &&
    parts.slice(5).join(':') !== '';
  if (!ok) throw validation(`${arn} is invalid`);
}

/**
 * The federation operations refuse a RoleArn that is not a role's ARN at all (an OIDC or SAML
 * provider's, a certificate's, a typo) before looking at the token: "Request ARN is invalid",
 * as widely reported for GitHub Actions OIDC and IRSA set-ups. A well-formed ARN of a missing
 * role is AccessDenied instead.
 */
export function checkRoleArn(arn: string): void {
  if (!/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn)) throw validation('Request ARN is invalid');
}

/** DurationSeconds against the role's MaxSessionDuration (and the one-hour role-chaining limit). */
export function roleDuration(requested: number | undefined, role: RoleTrust, chained: boolean): number {
  if (chained) {
    if (requested !== undefined && requested > 3600) {
      throw validation(
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      );
    }
    return requested ?? 3600;
  }
  if (requested !== undefined && requested > role.maxSessionDuration) {
    throw validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  if (requested !== undefined && requested < 900) {
    throw validation(
      `1 validation error detected: Value '${requested}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
    );
  }
  return requested ?? 3600;
}

/** Session policies are identity-based policies: validated as IAM validates them. */
export function checkSessionPolicy(policy: string | undefined): void {
  if (policy !== undefined) validateIdentityPolicy(policy);
}

export function checkPolicyArns(arns: { arn?: string }[] | undefined): string[] | undefined {
  if (!arns?.length) return undefined;
  return arns.map((a) => {
    if (!a.arn || !/^arn:aws:iam::(\d{12}|aws):policy\/.+/.test(a.arn))
      throw validation(`Invalid PolicyArn ${a.arn ?? ''}`);
    return a.arn;
  });
}

const invalidParameter = (message: string) => new AwsError('InvalidParameterValue', message, 400);

/**
 * Session tags (at most 50, keys unique case-insensitively) and the transitive keys among them.
 * A chained session's inherited transitive tags cannot be passed again, whatever the value (IAM User Guide, "Chaining roles with session tags";
 * AWS's wording as observed in mahitotsu/gekko_08 experiments/multi-hop-propagation).
 */
export function sessionTags(
  tags: Tag[] | undefined,
  transitive: string[] | undefined,
  inherited: Record<string, string>,
  inheritedTransitive: string[],
) {
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const t of tags ?? []) {
    const k = t.Key.toLowerCase();
    // Session tags follow IAM's tag rules (no aws: keys); the wording is not documented.
    if (k.startsWith('aws:'))
      throw invalidParameter(`The session tag key ${t.Key} is reserved: tag keys can't begin with aws:.`);
    if (seen.has(k))
      throw invalidParameter('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(k);
    out[t.Key] = t.Value;
  }
  if ((tags?.length ?? 0) > 50)
    throw validation('1 validation error detected: Member must have length less than or equal to 50');
  if (inheritedTransitive.some((k) => seen.has(k.toLowerCase()))) {
    throw invalidParameter(
      "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.",
    );
  }
  for (const k of transitive ?? []) {
    if (!seen.has(k.toLowerCase()))
      throw invalidParameter('The specified transitive tag key must be included in the requested tags.');
  }
  // Transitive tags of a chained session are carried over.
  for (const k of inheritedTransitive) if (inherited[k] !== undefined) out[k] = inherited[k]!;
  return { tags: out, transitive: [...new Set([...(transitive ?? []), ...inheritedTransitive])] };
}

export interface RoleSessionInput {
  role: RoleTrust;
  sessionName: string;
  tags: Record<string, string>;
  transitive: string[];
  policy?: string;
  policyArns?: string[];
  sourceIdentity?: string;
  chained: boolean;
  /** The caller proved MFA (aws:MultiFactorAuthPresent in the session). */
  mfa?: boolean;
}

/** The principal and session record of a role session. */
export function roleSession(i: RoleSessionInput): { data: SessionData; assumedRoleId: string; arn: string } {
  const arn = `arn:aws:sts::${i.role.accountId}:assumed-role/${i.role.name}/${i.sessionName}`;
  const assumedRoleId = `${i.role.roleId}:${i.sessionName}`;
  const principal: Omit<Principal, 'tokenIssueTime'> = {
    type: 'AssumedRole',
    accountId: i.role.accountId,
    arn,
    userId: assumedRoleId,
    role: { arn: i.role.arn, roleId: i.role.roleId, name: i.role.name, path: i.role.path },
    sessionName: i.sessionName,
    tags: { ...i.role.tags, ...i.tags },
    ...(i.sourceIdentity && { sourceIdentity: i.sourceIdentity }),
    mfaPresent: i.mfa ?? false,
    temporary: true,
  };
  const sessionPolicies: string[] = i.policy ? [i.policy] : [];
  if (sessionPolicies.length) principal.sessionPolicies = sessionPolicies;
  const data: SessionData = {
    kind: 'role',
    principal,
    ...(i.policy !== undefined && { policy: i.policy }),
    ...(i.policyArns && { policyArns: i.policyArns }),
    ...(i.transitive.length && { transitiveTagKeys: i.transitive }),
    sessionTags: i.tags,
    chained: i.chained,
  };
  return { data, assumedRoleId, arn };
}

export const tagContext = (tags: Tag[] | undefined): Record<string, string | string[]> => {
  const c: Record<string, string | string[]> = {};
  if (!tags?.length) return c;
  for (const t of tags) c[`aws:RequestTag/${t.Key}`] = t.Value;
  c['aws:TagKeys'] = tags.map((t) => t.Key);
  return c;
};
