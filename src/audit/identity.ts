/**
 * userIdentity as CloudTrail writes it, from the pipeline's Principal. Shapes follow the
 * CloudTrail userIdentity element reference: Root and IAMUser carry their key; role sessions
 * carry sessionContext with the issuing role; anonymous S3 callers are the AWSAccount
 * ANONYMOUS_PRINCIPAL.
 */
import type { Principal } from '../auth/principal.ts';
import type { SessionContext, UserIdentity } from './types.ts';
import { isoSeconds } from '../time-format.ts';

function attributes(p: Principal): SessionContext['attributes'] {
  return {
    creationDate: isoSeconds(p.tokenIssueTime ?? new Date(0)),
    mfaAuthenticated: p.mfaPresent ? 'true' : 'false',
  };
}

function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

export function userIdentity(p: Principal): UserIdentity {
  switch (p.type) {
    case 'Anonymous':
      return { type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' };
    case 'AWSService':
      return { type: 'AWSService', invokedBy: p.arn.includes('.amazonaws.com') ? p.arn : p.userId };
    case 'AssumedRole': {
      const id: UserIdentity = {
        type: 'AssumedRole',
        principalId: p.userId,
        arn: p.arn,
        accountId: p.accountId,
        accessKeyId: p.accessKeyId,
      };
      const ctx: SessionContext = {
        sessionIssuer: p.role
          ? {
              type: 'Role',
              principalId: p.role.roleId,
              arn: p.role.arn,
              accountId: p.accountId,
              userName: p.role.name,
            }
          : {},
        webIdFederationData: {},
        attributes: attributes(p),
      };
      if (p.sourceIdentity) ctx.sourceIdentity = p.sourceIdentity;
      id.sessionContext = ctx;
      return id;
    }
    case 'FederatedUser': {
      const issuer = p.federatedName;
      return {
        type: 'FederatedUser',
        principalId: p.userId,
        arn: p.arn,
        accountId: p.accountId,
        accessKeyId: p.accessKeyId,
        sessionContext: {
          sessionIssuer: !issuer
            ? {}
            : issuer.endsWith(':root')
              ? { type: 'Root', principalId: p.accountId, arn: issuer, accountId: p.accountId }
              : { type: 'IAMUser', arn: issuer, accountId: p.accountId, userName: lastSegment(issuer) },
          webIdFederationData: {},
          attributes: attributes(p),
        },
      };
    }
    default: {
      const id: UserIdentity = {
        type: p.type === 'Root' ? 'Root' : p.type === 'IAMUser' ? 'IAMUser' : p.type,
        principalId: p.type === 'Root' ? p.accountId : p.userId,
        arn: p.arn,
        accountId: p.accountId,
        accessKeyId: p.accessKeyId,
      };
      if (p.type === 'IAMUser' && p.userName) id.userName = p.userName;
      // GetSessionToken credentials of a user or root: a session without an issuer.
      if (p.temporary)
        id.sessionContext = { sessionIssuer: {}, webIdFederationData: {}, attributes: attributes(p) };
      return id;
    }
  }
}

/** LookupEvents' Username for a principal (root, the user, the role session, the federated user). */
export function lookupUsername(p: Principal): string | undefined {
  switch (p.type) {
    case 'Root':
      return 'root';
    case 'IAMUser':
      return p.userName ?? lastSegment(p.arn);
    case 'AssumedRole':
      return p.sessionName ?? lastSegment(p.arn);
    case 'FederatedUser':
      return lastSegment(p.arn);
    default:
      return undefined;
  }
}

const SIGV4_CREDENTIAL = /Credential=([^/\s,]{1,128})\//;
const SIGV2_HEADER = /^AWS ([^:\s]{1,128}):/;

/** The access key id a request carried, when authentication failed before naming a principal. */
export function requestAccessKeyId(
  headers: Record<string, string>,
  query: URLSearchParams,
  params?: URLSearchParams,
): string | undefined {
  const auth = headers.authorization;
  if (auth) return SIGV4_CREDENTIAL.exec(auth)?.[1] ?? SIGV2_HEADER.exec(auth)?.[1];
  const credential = query.get('X-Amz-Credential') ?? params?.get('X-Amz-Credential');
  if (credential) return credential.split('/')[0] || undefined;
  return query.get('AWSAccessKeyId') ?? params?.get('AWSAccessKeyId') ?? undefined;
}
