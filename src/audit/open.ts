/** Picks the AuditRepository implementation for a backend (one case per backend kind). */
import { unsupportedBackend, type StoreBackend } from '../store/backend.ts';
import type { AuditRepository } from './repository.ts';
import { SqliteAuditRepository } from './sqlite-repository.ts';

export function openAuditRepository(backend: StoreBackend): AuditRepository {
  switch (backend.kind) {
    case 'sqlite':
      return SqliteAuditRepository.open(backend.db);
    default:
      return unsupportedBackend(backend.kind);
  }
}
