/** What services are built from at start-up (their stores live on these). */
import type { StratusConfig } from '../config.ts';
import type { StoreBackend } from '../store/backend.ts';
import type { BlobStore } from '../blob/blob-store.ts';
import type { AccountsRepository } from '../accounts/repository.ts';
import type { App } from '../app.ts';

export interface ServiceDeps {
  config: StratusConfig;
  backend: StoreBackend;
  blobs: BlobStore;
  accounts: AccountsRepository;
  app: App;
}
