/** Picks the AccountsRepository implementation for a backend (one case per backend kind). */
import { unsupportedBackend, type StoreBackend } from '../store/backend.ts';
import type { AccountsRepository } from './repository.ts';
import { SqliteAccountsRepository } from './sqlite-repository.ts';

export async function openAccountsRepository(backend: StoreBackend): Promise<AccountsRepository> {
  switch (backend.kind) {
    case 'sqlite':
      return SqliteAccountsRepository.open(backend.db);
    default:
      return unsupportedBackend(backend.kind);
  }
}
