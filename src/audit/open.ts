/**
 * Picks the AuditRepository implementation for a backend (one case per backend kind).
 *
 * On SQLite the trail lives in its own file, `<dataDir>/audit.db`, appended to by the SQLite
 * background worker: recording every request then costs the request thread only the building
 * of the rows, and the trail's writes never share a WAL with the resources'. Data dirs from
 * before keep their events: the first open moves them over from stratus.db.
 */
import { unsupportedBackend, type StoreBackend } from '../store/backend.ts';
import type { SqliteDatabase } from '../store/sqlite/database.ts';
import type { AuditRepository } from './repository.ts';
import { AUDIT_MIGRATIONS, SqliteAuditRepository } from './sqlite-repository.ts';

export const AUDIT_DATABASE_FILE = 'audit.db';

export function openAuditRepository(backend: StoreBackend): AuditRepository {
  switch (backend.kind) {
    case 'sqlite': {
      // 16 KiB pages: an event row is ~1.2 KB, and at 4 KiB a page held three of them; measured
      // on batches of 200, 7.4 -> 4.3 µs of CPU per stored event.
      // 2 MiB of page cache (16 MB by default): the trail is appended to and seldom read.
      const db = backend.sibling(AUDIT_DATABASE_FILE, { pageSize: 16_384, cacheKiB: 2048 });
      if (db === backend.db) return SqliteAuditRepository.open(db);
      const repository = SqliteAuditRepository.open(db, { background: true });
      moveEventsOutOf(backend.db, db);
      return repository;
    }
    default:
      return unsupportedBackend(backend.kind);
  }
}

/** Moves the events a data dir kept in stratus.db (before audit.db) into audit.db. */
function moveEventsOutOf(legacy: SqliteDatabase, audit: SqliteDatabase): void {
  if (legacy.schemaVersion('audit') === 0) return;
  // Same columns in every version; bring the indexes level too, then copy (unless a move that
  // crashed before the drop below already did) and drop.
  legacy.migrate('audit', AUDIT_MIGRATIONS);
  const empty = !audit.raw.prepare('SELECT 1 FROM audit_events LIMIT 1').get();
  if (empty) {
    audit.raw.prepare('ATTACH DATABASE ? AS legacy').run(legacy.file);
    try {
      audit.transaction(() => {
        audit.raw.exec('INSERT INTO audit_events SELECT * FROM legacy.audit_events');
        audit.raw.exec('INSERT INTO audit_event_resources SELECT * FROM legacy.audit_event_resources');
      });
    } finally {
      audit.raw.exec('DETACH DATABASE legacy');
    }
  }
  legacy.transaction(() => {
    legacy.raw.exec('DROP TABLE audit_event_resources; DROP TABLE audit_events');
    legacy.raw.prepare("DELETE FROM schema_migrations WHERE service = 'audit'").run();
  });
}
