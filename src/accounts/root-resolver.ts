/**
 * Resolves root access keys (the default account's and those of `stratus accounts create`) to
 * credentials for authentication. IAM user keys and STS temporary credentials come from their
 * own resolvers; chainCredentialResolvers puts them in front of or behind this one.
 */
import type { Credential, CredentialResolver, Principal } from '../auth/principal.ts';
import type { AccountsRepository } from './repository.ts';

export function rootPrincipal(accountId: string, accessKeyId?: string): Principal {
  return {
    type: 'Root',
    accountId,
    arn: `arn:aws:iam::${accountId}:root`,
    userId: accountId,
    ...(accessKeyId !== undefined && { accessKeyId }),
  };
}

export class RootCredentialResolver implements CredentialResolver {
  constructor(private readonly accounts: AccountsRepository) {}

  /**
   * Looks the key up on every call (a primary-key read), so accounts created by the CLI while
   * the server runs work at once. A session token sent with a root key is verify()'s to refuse
   * (InvalidToken, as AWS answers), so the key still resolves.
   */
  async resolve(accessKeyId: string): Promise<Credential | undefined> {
    const cached = this.recent.get(accessKeyId);
    if (cached && cached.until > Date.now()) return cached.credential;
    const record = await this.accounts.findRootCredential(accessKeyId);
    if (!record) return undefined;
    const credential: Credential = {
      accessKeyId: record.accessKeyId,
      secretAccessKey: record.secretAccessKey,
      status: record.status,
      principal: rootPrincipal(record.accountId, record.accessKeyId),
    };
    // Found keys are remembered briefly (a database read per request is measurable); unknown
    // keys are not, so an account created by the CLI works at once.
    if (this.recent.size > 1000) this.recent.clear();
    this.recent.set(accessKeyId, { credential, until: Date.now() + 2000 });
    return credential;
  }

  private readonly recent = new Map<string, { credential: Credential; until: number }>();
}

/** Asks each resolver in turn; the first that knows the key wins. recordUse goes to all. */
export function chainCredentialResolvers(...resolvers: CredentialResolver[]): CredentialResolver {
  return {
    async resolve(accessKeyId, sessionToken) {
      for (const r of resolvers) {
        const found = await r.resolve(accessKeyId, sessionToken);
        if (found) return found;
      }
      return undefined;
    },
    recordUse(accessKeyId, service, region, when) {
      for (const r of resolvers) r.recordUse?.(accessKeyId, service, region, when);
    },
  };
}
