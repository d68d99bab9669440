/** STS: handlers and what each operation asks of IAM. */
import type { Service } from '../registry.ts';
import type { ServiceDeps } from '../deps.ts';
import { iamState } from '../iam/state.ts';
import { policySource } from '../iam/policy-source.ts';
import { GetCallerIdentity } from './caller-identity.ts';
import { assumeRoleHandler } from './assume-role.ts';
import { assumeRoleWithSamlHandler } from './assume-role-with-saml.ts';
import { assumeRoleWithWebIdentityHandler } from './assume-role-with-web-identity.ts';
import { tokenHandlers } from './tokens.ts';
import { infoHandlers } from './info.ts';
import { stsAuthz } from './authz.ts';
import { decodeAuthorizationMessageHandlers } from './decode-authorization-message.ts';

export async function createStsService(deps: ServiceDeps): Promise<Service> {
  const s = iamState(deps.backend);
  const source = policySource(deps.backend);
  return {
    handlers: {
      GetCallerIdentity,
      AssumeRole: assumeRoleHandler(s, source),
      AssumeRoleWithSAML: assumeRoleWithSamlHandler(s, source),
      AssumeRoleWithWebIdentity: assumeRoleWithWebIdentityHandler(s, source),
      ...tokenHandlers(s),
      ...infoHandlers(s, deps.accounts),
      ...decodeAuthorizationMessageHandlers(deps),
    },
    authz: stsAuthz(source, s),
  };
}
