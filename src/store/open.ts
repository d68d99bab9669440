/**
 * Opening a data directory: the database, the blob store and the accounts, ready for the server
 * (openStores) or for a CLI command running beside it (openAdminStores).
 */
import { join } from 'node:path';
import { ensureDefaultAccount } from '../accounts/accounts.ts';
import { openAccountsRepository } from '../accounts/open.ts';
import type { AccountsRepository } from '../accounts/repository.ts';
import { RootCredentialResolver } from '../accounts/root-resolver.ts';
import { FsBlobStore } from '../blob/fs/fs-blob-store.ts';
import { SmallBlobs } from '../blob/sqlite/small-blobs.ts';
import { TieredBlobStore } from '../blob/tiered-blob-store.ts';
import type { StratusConfig } from '../config.ts';
import { openBackend, type StoreBackend } from './backend.ts';
import { lockDataDir } from './data-dir-lock.ts';

export type StoresConfig = Pick<
  StratusConfig,
  'dataDir' | 'defaultAccountId' | 'rootAccessKeyId' | 'rootSecretAccessKey'
>;

export interface Stores {
  backend: StoreBackend;
  /**
   * `<dataDir>/blobs`: small blobs as rows of `blobs/small.db`, the rest files (temp files of a
   * previous run already swept).
   */
  blobs: TieredBlobStore;
  accounts: AccountsRepository;
  /** Root keys of every account; chain IAM/STS resolvers with it (chainCredentialResolvers). */
  rootCredentials: RootCredentialResolver;
  close(): Promise<void>;
}

export interface AdminStores {
  backend: StoreBackend;
  accounts: AccountsRepository;
  close(): Promise<void>;
}

/**
 * For the server: locks the data dir (one server each), opens and migrates the database, makes
 * the default account's root key the configured one, opens the blob store.
 */
export async function openStores(config: StoresConfig): Promise<Stores> {
  const lock = lockDataDir(config.dataDir);
  let backend: StoreBackend | undefined;
  try {
    backend = await openBackend(config);
    const accounts = await openAccountsRepository(backend);
    await ensureDefaultAccount(accounts, config, { syncRootKey: true });
    const blobDir = join(config.dataDir, 'blobs');
    const files = await FsBlobStore.open(blobDir);
    const blobs = new TieredBlobStore(files, SmallBlobs.open(join(blobDir, 'small.db')));
    const opened = backend;
    return {
      backend: opened,
      blobs,
      accounts,
      rootCredentials: new RootCredentialResolver(accounts),
      async close() {
        await blobs.close();
        await opened.close();
        lock.release();
      },
    };
  } catch (e) {
    await backend?.close();
    lock.release();
    throw e;
  }
}

/** For CLI commands: the database only, no lock, no blob sweep, the root key left as it is. */
export async function openAdminStores(config: StoresConfig): Promise<AdminStores> {
  const backend = await openBackend(config);
  try {
    const accounts = await openAccountsRepository(backend);
    await ensureDefaultAccount(accounts, config, { syncRootKey: false });
    return { backend, accounts, close: () => backend.close() };
  } catch (e) {
    await backend.close();
    throw e;
  }
}
