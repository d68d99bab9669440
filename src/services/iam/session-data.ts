/**
 * What an STS session record holds (sts_sessions.data): the principal the temporary credentials
 * stand for and their session policies. Written by sts/, read by the credential resolver and the
 * policy source.
 */
import type { Principal } from '../../auth/principal.ts';

export type SessionKind = 'role' | 'session-token' | 'federation';

export interface SessionData {
  kind: SessionKind;
  principal: Omit<Principal, 'tokenIssueTime'> & { tokenIssueTime?: string };
  /** Inline session policy (AssumeRole*'s Policy, GetFederationToken's Policy). */
  policy?: string;
  /** Managed session policies (PolicyArns). */
  policyArns?: string[];
  /** Session tags (aws:PrincipalTag values that override the role's tags). */
  sessionTags?: Record<string, string>;
  /** Session tags marked transitive (carried into chained role sessions). */
  transitiveTagKeys?: string[];
  /** For 'session-token' and 'federation': the IAM user's id the credentials were issued to. */
  userId?: string;
  /** The credentials came from a role session assuming another role (one-hour limit). */
  chained?: boolean;
}

export const encodeSession = (d: SessionData): string => JSON.stringify(d);

export function decodeSession(text: string): { data: SessionData; principal: Principal } {
  const data = JSON.parse(text) as SessionData;
  const { tokenIssueTime, ...rest } = data.principal;
  const principal: Principal = {
    ...rest,
    ...(tokenIssueTime && { tokenIssueTime: new Date(tokenIssueTime) }),
  };
  return { data, principal };
}
