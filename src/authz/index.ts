/**
 * The server's authorizer: the policy engine over IAM's policy source, enforcing unless the
 * server runs with --no-enforce-iam. Wired in src/server/start.ts.
 */
import type { StratusConfig } from '../config.ts';
import type { StoreBackend } from '../store/backend.ts';
import { policySource } from '../services/iam/policy-source.ts';
import { authorizationMessages } from './authorization-message.ts';
import { createEnforcingAuthorizer, type EnforcingAuthorizer } from './authorizer.ts';

export { createEnforcingAuthorizer, authzRequests, type EnforcingAuthorizer } from './authorizer.ts';
export {
  authorizationMessages,
  AuthorizationMessageCodec,
  InvalidAuthorizationMessage,
} from './authorization-message.ts';

export function stratusAuthorizer(config: StratusConfig, backend: StoreBackend): EnforcingAuthorizer {
  return createEnforcingAuthorizer({
    enforce: config.enforceIam,
    policies: policySource(backend),
    messages: authorizationMessages(config.dataDir),
  });
}
