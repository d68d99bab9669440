/** GetSessionToken and GetFederationToken: temporary credentials for an IAM user (or root). */
import type { Principal } from '../../auth/principal.ts';
import { AwsError } from '../../errors.ts';
import type { HandlerContext } from '../handler.ts';
import type { IamState } from '../iam/state.ts';
import { issueCredentials, packedPolicySize } from './credentials.ts';
import { checkMfa } from './mfa-check.ts';
import { checkPolicyArns, checkSessionPolicy, sessionTags, validation, type Tag } from './role-session.ts';

const DEFAULT_DURATION = 43200;
const MAX_DURATION = 129600;
const ROOT_MAX_DURATION = 3600;

function duration(requested: number | undefined, p: Principal): number {
  const d = requested ?? (p.type === 'Root' ? ROOT_MAX_DURATION : DEFAULT_DURATION);
  if (d < 900) {
    throw validation(
      `1 validation error detected: Value '${d}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
    );
  }
  if (d > MAX_DURATION) {
    throw validation(
      `1 validation error detected: Value '${d}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to ${MAX_DURATION}`,
    );
  }
  // The root user's sessions last at most an hour.
  return p.type === 'Root' ? Math.min(d, ROOT_MAX_DURATION) : d;
}

function longTermCaller(ctx: HandlerContext, operation: string): Principal {
  const p = ctx.principal;
  if (p.temporary || p.accessKeyId?.startsWith('ASIA')) {
    throw new AwsError('AccessDenied', `Cannot call ${operation} with session credentials`, 403);
  }
  return p;
}

export function tokenHandlers(s: IamState) {
  return {
    async GetSessionToken(
      input: { DurationSeconds?: number; SerialNumber?: string; TokenCode?: string },
      ctx: HandlerContext,
    ) {
      const p = longTermCaller(ctx, 'GetSessionToken');
      const mfa = await checkMfa(s, p, input.SerialNumber, input.TokenCode, ctx.now);
      const d = duration(input.DurationSeconds, p);
      const { tokenIssueTime: _t, ...base } = p;
      const principal = { ...base, temporary: true, mfaPresent: mfa };
      const Credentials = await issueCredentials(
        s,
        p.accountId,
        { kind: 'session-token', principal, ...(p.type === 'IAMUser' && { userId: p.userId }) },
        ctx.now,
        d,
      );
      return { Credentials };
    },

    async GetFederationToken(
      input: {
        Name: string;
        Policy?: string;
        PolicyArns?: { arn?: string }[];
        DurationSeconds?: number;
        Tags?: Tag[];
      },
      ctx: HandlerContext,
    ) {
      const p = longTermCaller(ctx, 'GetFederationToken');
      const d = duration(input.DurationSeconds, p);
      checkSessionPolicy(input.Policy);
      const policyArns = checkPolicyArns(input.PolicyArns);
      const tags = sessionTags(input.Tags, undefined, {}, []);
      const arn = `arn:aws:sts::${p.accountId}:federated-user/${input.Name}`;
      const federatedUserId = `${p.accountId}:${input.Name}`;
      const principal: Omit<Principal, 'tokenIssueTime'> = {
        type: 'FederatedUser',
        accountId: p.accountId,
        arn,
        userId: federatedUserId,
        federatedName: p.arn,
        tags: { ...(p.tags ?? {}), ...tags.tags },
        temporary: true,
        mfaPresent: false,
        ...(input.Policy && { sessionPolicies: [input.Policy] }),
      };
      const packed = packedPolicySize(input.Policy, policyArns, input.Tags);
      const Credentials = await issueCredentials(
        s,
        p.accountId,
        {
          kind: 'federation',
          principal,
          ...(input.Policy !== undefined && { policy: input.Policy }),
          ...(policyArns && { policyArns }),
          sessionTags: tags.tags,
          ...(p.type === 'IAMUser' && { userId: p.userId }),
        },
        ctx.now,
        d,
      );
      return {
        Credentials,
        FederatedUser: { FederatedUserId: federatedUserId, Arn: arn },
        PackedPolicySize: packed,
      };
    },
  };
}
