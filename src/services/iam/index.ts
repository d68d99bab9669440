/** IAM: handlers by resource area, the authz mapper, shared state with STS. */
import { mergeHandlers } from '../handler.ts';
import type { Service } from '../registry.ts';
import type { ServiceDeps } from '../deps.ts';
import { accessKeyHandlers } from './access-keys.ts';
import { accountHandlers } from './account.ts';
import { iamAuthz } from './authz.ts';
import { entityPolicyHandlers } from './entity-policies.ts';
import { groupHandlers } from './groups.ts';
import { instanceProfileHandlers } from './instance-profiles.ts';
import { managedPolicyHandlers } from './managed-policies.ts';
import { oidcProviderHandlers } from './oidc-providers.ts';
import { policyVersionHandlers } from './policy-versions.ts';
import { roleHandlers } from './roles.ts';
import { samlProviderHandlers } from './saml-providers.ts';
import { iamState } from './state.ts';
import { userHandlers } from './users.ts';
import { authorizationDetailsHandlers } from './authorization-details.ts';
import { serviceSpecificCredentialHandlers } from './service-specific-credentials.ts';
import { passwordPolicyHandlers } from './password-policy.ts';
import { mfaHandlers } from './mfa.ts';
import { serviceLinkedRoleHandlers } from './service-linked-roles.ts';
import { credentialReportHandlers } from './credential-report.ts';
import { simulateHandlers } from './simulate.ts';
import { changePasswordHandlers } from './change-password.ts';
import { serverCertificateHandlers } from './server-certificates.ts';
import { sshPublicKeyHandlers } from './ssh-public-keys.ts';
import { signingCertificateHandlers } from './signing-certificates.ts';

export async function createIamService(deps: ServiceDeps): Promise<Service> {
  const s = iamState(deps.backend);
  return {
    handlers: mergeHandlers(
      userHandlers(s, deps.accounts),
      groupHandlers(s),
      roleHandlers(s),
      managedPolicyHandlers(s),
      policyVersionHandlers(s),
      entityPolicyHandlers(s),
      accessKeyHandlers(s),
      instanceProfileHandlers(s),
      samlProviderHandlers(s),
      oidcProviderHandlers(s),
      accountHandlers(s, deps.accounts),
      authorizationDetailsHandlers(s),
      serviceSpecificCredentialHandlers(s),
      passwordPolicyHandlers(s),
      mfaHandlers(s),
      serviceLinkedRoleHandlers(s),
      credentialReportHandlers(s),
      simulateHandlers(s),
      changePasswordHandlers(s, deps.accounts),
      serverCertificateHandlers(s),
      sshPublicKeyHandlers(s),
      signingCertificateHandlers(s),
    ),
    authz: iamAuthz(s),
    close: () => s.flushKeyUses(),
  };
}
