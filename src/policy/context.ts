/**
 * The global condition keys (aws:*) of a request, built from the authenticated principal and the
 * facts the pipeline knows about the request. Which keys are present for which callers follows
 * the IAM User Guide's "AWS global condition context keys" (e.g. aws:username only for IAM users,
 * aws:MultiFactorAuthPresent and aws:TokenIssueTime only for temporary credentials).
 */
import type { Principal } from '../auth/principal.ts';
import type { RequestContextValues } from './types.ts';

export interface RequestFacts {
  /** Client address (aws:SourceIp). */
  sourceIp?: string;
  /** TLS (aws:SecureTransport). */
  secureTransport?: boolean;
  /** Request time (aws:CurrentTime, aws:EpochTime); defaults to now. */
  now?: Date;
  /** aws:RequestedRegion. */
  region?: string;
  /** aws:ViaAWSService: the request was made by a service on the principal's behalf. */
  viaAWSService?: boolean;
  /** aws:CalledVia (service principals, first to last). */
  calledVia?: string[];
  userAgent?: string;
  referer?: string;
  /** aws:RequestTag/<k> and aws:TagKeys. */
  requestTags?: Record<string, string>;
  /** aws:ResourceTag/<k>. */
  resourceTags?: Record<string, string>;
  /** aws:FederatedProvider for web-identity / SAML sessions. */
  federatedProvider?: string;
}

/** ISO 8601 without milliseconds, as aws:CurrentTime is shown. */
const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

const PRINCIPAL_TYPE: Record<Principal['type'], string | undefined> = {
  Root: 'Account',
  IAMUser: 'User',
  AssumedRole: 'AssumedRole',
  FederatedUser: 'FederatedUser',
  Anonymous: 'Anonymous',
  AWSService: undefined,
  SAMLUser: 'AssumedRole',
  WebIdentityUser: 'AssumedRole',
};

/** aws:PrincipalArn: the role's ARN for role sessions, else the caller's ARN. */
export function principalArn(p: Principal): string | undefined {
  if (p.type === 'Anonymous' || p.type === 'AWSService') return undefined;
  if (p.type === 'AssumedRole' && p.role) return p.role.arn;
  return p.arn;
}

export function buildGlobalContext(p: Principal, facts: RequestFacts = {}): RequestContextValues {
  const now = facts.now ?? new Date();
  const c: RequestContextValues = {
    'aws:CurrentTime': iso(now),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:SecureTransport': facts.secureTransport ?? false,
    'aws:ViaAWSService': facts.viaAWSService ?? false,
    'aws:PrincipalIsAWSService': p.type === 'AWSService',
  };
  if (facts.sourceIp) c['aws:SourceIp'] = facts.sourceIp;
  if (facts.region) c['aws:RequestedRegion'] = facts.region;
  if (facts.userAgent !== undefined) c['aws:UserAgent'] = facts.userAgent;
  if (facts.referer !== undefined) c['aws:Referer'] = facts.referer;
  if (facts.calledVia?.length) {
    c['aws:CalledVia'] = facts.calledVia;
    c['aws:CalledViaFirst'] = facts.calledVia[0];
    c['aws:CalledViaLast'] = facts.calledVia[facts.calledVia.length - 1];
  }
  const type = PRINCIPAL_TYPE[p.type];
  if (type) c['aws:PrincipalType'] = type;
  if (p.type === 'AWSService') c['aws:PrincipalServiceName'] = p.arn;
  c['aws:userid'] = p.userId;
  const arn = principalArn(p);
  if (arn) c['aws:PrincipalArn'] = arn;
  if (p.accountId && p.type !== 'Anonymous' && p.type !== 'AWSService')
    c['aws:PrincipalAccount'] = p.accountId;
  if (p.type === 'IAMUser' && p.userName) c['aws:username'] = p.userName;
  if (p.temporary || p.type === 'AssumedRole' || p.type === 'FederatedUser') {
    c['aws:MultiFactorAuthPresent'] = p.mfaPresent ?? false;
    if (p.tokenIssueTime) {
      c['aws:TokenIssueTime'] = iso(p.tokenIssueTime);
      if (p.mfaPresent)
        c['aws:MultiFactorAuthAge'] = String(
          Math.max(0, Math.floor((now.getTime() - p.tokenIssueTime.getTime()) / 1000)),
        );
    }
  }
  if (p.sourceIdentity) c['aws:SourceIdentity'] = p.sourceIdentity;
  if (p.type === 'AssumedRole' && p.sessionName) c['aws:RoleSessionName'] = p.sessionName;
  for (const [k, v] of Object.entries(p.tags ?? {})) c[`aws:PrincipalTag/${k}`] = v;
  if (facts.requestTags) {
    for (const [k, v] of Object.entries(facts.requestTags)) c[`aws:RequestTag/${k}`] = v;
    c['aws:TagKeys'] = Object.keys(facts.requestTags);
  }
  for (const [k, v] of Object.entries(facts.resourceTags ?? {})) c[`aws:ResourceTag/${k}`] = v;
  if (facts.federatedProvider) c['aws:FederatedProvider'] = facts.federatedProvider;
  return c;
}
