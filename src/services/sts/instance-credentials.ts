/**
 * Credentials for the role of an EC2 instance profile, as the instance metadata service hands
 * them out (/latest/meta-data/iam/security-credentials/ROLE): a session of the profile's role
 * named after the instance, allowed only when the role trusts ec2.amazonaws.com. For the EC2
 * service's metadata endpoint; no AWS API maps to it.
 */
import type { Principal } from '../../auth/principal.ts';
import type { StoreBackend } from '../../store/backend.ts';
import { buildGlobalContext, evaluate } from '../../policy/index.ts';
import { roleTrust } from '../iam/policy-source.ts';
import { iamState } from '../iam/state.ts';
import { issueCredentials, type IssuedCredentials } from './credentials.ts';
import { roleSession } from './role-session.ts';

/** How long instance credentials last (AWS rotates them every few hours). */
export const INSTANCE_CREDENTIALS_SECONDS = 6 * 3600;

export interface InstanceCredentials extends IssuedCredentials {
  RoleName: string;
  RoleArn: string;
}

/** undefined when the profile does not exist, has no role, or the role does not trust EC2. */
export async function instanceRoleCredentials(
  backend: StoreBackend,
  o: { accountId: string; instanceProfileArn: string; instanceId: string; now: Date },
): Promise<InstanceCredentials | undefined> {
  const s = iamState(backend);
  const name = o.instanceProfileArn.slice(o.instanceProfileArn.lastIndexOf('/') + 1);
  const profile = await s.repo.getEntity(o.accountId, 'instance-profile', name);
  if (!profile || profile.arn !== o.instanceProfileArn || !profile.roles[0]) return undefined;
  const found = await s.repo.getEntityById('role', profile.roles[0]);
  if (!found) return undefined;
  const role = roleTrust(found.accountId, found.record);
  const ec2: Principal = {
    type: 'AWSService',
    accountId: '',
    arn: 'ec2.amazonaws.com',
    userId: 'ec2.amazonaws.com',
  };
  const trusted = evaluate({
    principal: ec2,
    action: 'sts:AssumeRole',
    resource: role.arn,
    context: buildGlobalContext(ec2, { now: o.now }),
    resourcePolicy: { id: 'trust-policy', document: role.trustPolicy, ownerAccountId: role.accountId },
    resourceAccountId: role.accountId,
    resourcePolicyRequired: true,
  });
  if (trusted.decision !== 'Allow') return undefined;
  const session = roleSession({ role, sessionName: o.instanceId, tags: {}, transitive: [], chained: false });
  const creds = await issueCredentials(s, role.accountId, session.data, o.now, INSTANCE_CREDENTIALS_SECONDS);
  return { ...creds, RoleName: role.name, RoleArn: role.arn };
}
