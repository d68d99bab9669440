/** Account operations above the repository: creating accounts and keeping the default one. */
import type { StratusConfig } from '../config.ts';
import { ConflictError, StoreError } from '../store/errors.ts';
import { generateAccessKeyId, generateAccountId, generateSecretAccessKey } from './keys.ts';
import type { Account, AccountsRepository, RootCredentialRecord } from './repository.ts';

export const DEFAULT_ACCOUNT_NAME = 'default';

/** AWS Organizations' rule for account names: 1-50 printable ASCII characters. */
export function validateAccountName(name: string): string | undefined {
  if (name.length < 1 || name.length > 50) return 'Account name must be 1 to 50 characters long';
  if (!/^[\x20-\x7e]+$/.test(name)) return 'Account name may hold printable ASCII characters only';
  if (name.trim() !== name) return 'Account name may not begin or end with a space';
  return undefined;
}

export class InvalidAccountNameError extends StoreError {}

/**
 * Creates an account with a random id and a new AKIA root key. The secret is returned only
 * here; callers print it once. Retries id and key collisions; a name collision is the caller's
 * ConflictError('name').
 */
export async function createAccount(
  repo: AccountsRepository,
  name: string,
): Promise<{ account: Account; rootCredential: RootCredentialRecord }> {
  const invalid = validateAccountName(name);
  if (invalid) throw new InvalidAccountNameError(invalid);
  for (let attempt = 0; ; attempt++) {
    try {
      return await repo.create({
        id: generateAccountId(),
        name,
        rootAccessKeyId: generateAccessKeyId(),
        rootSecretAccessKey: generateSecretAccessKey(),
      });
    } catch (e) {
      if (e instanceof ConflictError && e.constraint !== 'name' && attempt < 5) continue;
      throw e;
    }
  }
}

/**
 * Makes sure the default account exists. With syncRootKey (the server at start-up) its root key
 * becomes the configured one, so changing STRATUS_ROOT_* between restarts takes effect; other
 * commands (the CLI, whose environment may differ from the server's) leave the key alone.
 */
export async function ensureDefaultAccount(
  repo: AccountsRepository,
  config: Pick<StratusConfig, 'defaultAccountId' | 'rootAccessKeyId' | 'rootSecretAccessKey'>,
  options: { syncRootKey: boolean },
): Promise<Account> {
  const existing = await repo.get(config.defaultAccountId);
  if (!existing) {
    try {
      return (
        await repo.create({
          id: config.defaultAccountId,
          name: DEFAULT_ACCOUNT_NAME,
          rootAccessKeyId: config.rootAccessKeyId,
          rootSecretAccessKey: config.rootSecretAccessKey,
        })
      ).account;
    } catch (e) {
      // Another process (server and CLI starting together) created it first. SQLite may name
      // the name's constraint rather than the id's (WITHOUT ROWID: the key is checked last).
      if (!(e instanceof ConflictError)) throw e;
      const created = await repo.get(config.defaultAccountId);
      if (!created) throw e;
      if (options.syncRootKey) await syncKey(repo, config);
      return created;
    }
  }
  if (options.syncRootKey) await syncKey(repo, config);
  return existing;
}

async function syncKey(
  repo: AccountsRepository,
  config: Pick<StratusConfig, 'defaultAccountId' | 'rootAccessKeyId' | 'rootSecretAccessKey'>,
): Promise<void> {
  const current = await repo.listRootCredentials(config.defaultAccountId);
  const same =
    current.length === 1 &&
    current[0]!.accessKeyId === config.rootAccessKeyId &&
    current[0]!.secretAccessKey === config.rootSecretAccessKey &&
    current[0]!.status === 'Active';
  if (!same) {
    try {
      await repo.setRootCredential(
        config.defaultAccountId,
        config.rootAccessKeyId,
        config.rootSecretAccessKey,
      );
    } catch (e) {
      if (e instanceof ConflictError)
        throw new StoreError(
          `STRATUS_ROOT_ACCESS_KEY_ID ${config.rootAccessKeyId} is already the root key of another account`,
          { cause: e },
        );
      throw e;
    }
  }
}
