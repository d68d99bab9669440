/**
 * What GetSessionToken and GetFederationToken credentials may not call, whatever the policies
 * say (STS API Reference, "GetSessionToken" and "GetFederationToken"):
 *  - the IAM API: not from federation tokens, nor from session tokens obtained without MFA.
 *    AWS answers as if the key did not exist (InvalidClientTokenId; AWS support calls it
 *    "expected behaviour": 99designs/aws-vault#15, cloudyr/aws.iam#15, jantman/awslimitchecker#139);
 *  - STS: session tokens only AssumeRole and GetCallerIdentity, federation tokens only
 *    GetCallerIdentity. AWS's evidenced refusal is "AccessDenied: Cannot call GetSessionToken with
 *    session credentials"; the other operations answer in the same form.
 * Role sessions have no such limits (they are policy-bound only). Checked at authentication, so
 * it holds with enforcement off too.
 */
import { AwsError } from '../errors.ts';
import { AuthErrors } from './errors.ts';
import type { Principal } from './principal.ts';

/** Which STS operation issued a temporary credential, from the principal it stands for. */
function issuedBy(p: Principal): 'GetSessionToken' | 'GetFederationToken' | undefined {
  if (!p.temporary) return undefined;
  if (p.type === 'FederatedUser') return 'GetFederationToken';
  // A session token keeps the identity of its user (or root).
  if (p.type === 'IAMUser' || p.type === 'Root') return 'GetSessionToken';
  return undefined;
}

const STS_ALLOWED = {
  GetSessionToken: new Set(['AssumeRole', 'GetCallerIdentity']),
  // AssumeRole answers its own AccessDenied ("User: ... is not authorized") in the handler.
  GetFederationToken: new Set(['AssumeRole', 'GetCallerIdentity']),
};

/** Throws when the caller's credentials may not call this service operation at all. */
export function checkSessionScope(p: Principal, service: string, operation: string | undefined): void {
  const by = issuedBy(p);
  if (!by) return;
  if (service === 'iam') {
    if (by === 'GetFederationToken' || !p.mfaPresent)
      throw AuthErrors.unknownAccessKey('query', p.accessKeyId ?? '', 'iam');
    return;
  }
  if (service === 'sts' && operation && !STS_ALLOWED[by].has(operation))
    throw new AwsError('AccessDenied', `Cannot call ${operation} with session credentials`, 403);
}
