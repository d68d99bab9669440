/** STS: handlers and what each operation asks of IAM. */
import type { Service } from '../registry.ts';
import type { ServiceDeps } from '../deps.ts';
import { GetCallerIdentity } from './caller-identity.ts';

export async function createStsService(_deps: ServiceDeps): Promise<Service> {
  return {
    handlers: { GetCallerIdentity },
    // GetCallerIdentity needs no permission: it always works for any valid credential.
    authz: async (operation) =>
      operation === 'GetCallerIdentity' ? [] : [{ action: `sts:${operation}`, resource: '*' }],
  };
}
