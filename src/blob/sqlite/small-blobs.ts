/**
 * Small blobs as rows of their own SQLite file (`<blobs>/small.db`). A body of a few KiB costs a
 * file open, write, close and rename on the way in and an open, read and close on the way out,
 * each a thread-pool round trip; as a row it is one statement each way. SQLite reads and writes
 * blobs of this size faster than the filesystem does, which is also why object stores such as
 * MinIO keep small objects inline with their metadata.
 *
 * Durability matches the files: a write returns once its commit is in the WAL (synchronous =
 * NORMAL), so it survives kill -9; power-loss durability would need synchronous = FULL.
 * Ids are `s` + the row id; AUTOINCREMENT never hands out an id again after a delete, so a reader
 * holding a stale id finds nothing rather than another blob.
 */
import { SqliteDatabase, type SqliteMigration } from '../../store/sqlite/database.ts';
import type { ByteRange } from '../blob-store.ts';

const SCHEMA: SqliteMigration[] = [
  {
    version: 1,
    name: 'small blobs',
    up: `CREATE TABLE small_blobs (
           id INTEGER PRIMARY KEY AUTOINCREMENT,
           data BLOB NOT NULL,
           created_ms INTEGER NOT NULL
         )`,
  },
];

const ID = /^s[1-9][0-9]{0,15}$/;

export function isSmallBlobId(id: unknown): id is string {
  return typeof id === 'string' && ID.test(id);
}

export class SmallBlobs {
  private constructor(private readonly db: SqliteDatabase) {}

  static open(path: string): SmallBlobs {
    // A small cache: bodies are read once per request, and the OS page cache keeps the file
    // anyway (16 MB, better-sqlite3's default, was most of what the server grew by serving them).
    const db = SqliteDatabase.open(path, { backgroundCheckpoints: true, cacheKiB: 2048 });
    db.migrate('small-blobs', SCHEMA);
    return new SmallBlobs(db);
  }

  /** Stores the bytes in this turn's group commit; resolves with the new id once committed. */
  put(data: Uint8Array): Promise<string> {
    return this.db.groupTransaction(() => {
      const { lastInsertRowid } = this.db
        .statement('INSERT INTO small_blobs (data, created_ms) VALUES (?, ?)')
        .run(data, Date.now());
      return `s${lastInsertRowid}`;
    });
  }

  /** The bytes (or a range of them), or undefined when there is no such blob. */
  get(id: string, range?: ByteRange): Buffer | undefined {
    const row = this.db
      .statement<[number], { data: Buffer }>('SELECT data FROM small_blobs WHERE id = ?')
      .get(rowId(id));
    if (!row) return undefined;
    return range ? row.data.subarray(range.start, range.end + 1) : row.data;
  }

  info(id: string): { size: number; createdMs: number } | undefined {
    const row = this.db
      .statement<[number], { size: number; created_ms: number }>(
        'SELECT length(data) AS size, created_ms FROM small_blobs WHERE id = ?',
      )
      .get(rowId(id));
    return row ? { size: row.size, createdMs: row.created_ms } : undefined;
  }

  delete(id: string): void {
    this.db.statement('DELETE FROM small_blobs WHERE id = ?').run(rowId(id));
  }

  /** A new blob with the same bytes, or undefined when the source is gone. */
  copy(id: string): string | undefined {
    const { changes, lastInsertRowid } = this.db
      .statement('INSERT INTO small_blobs (data, created_ms) SELECT data, ? FROM small_blobs WHERE id = ?')
      .run(Date.now(), rowId(id));
    return changes === 1 ? `s${lastInsertRowid}` : undefined;
  }

  /** Ids in order, a page at a time: no statement stays open across the caller's awaits. */
  *ids(pageSize = 1000): Generator<string> {
    const page = this.db.statement<[number, number], { id: number }>(
      'SELECT id FROM small_blobs WHERE id > ? ORDER BY id LIMIT ?',
    );
    for (let after = 0; ;) {
      const rows = page.all(after, pageSize);
      for (const { id } of rows) yield `s${id}`;
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  /** Closes the file; resolves once the background worker has let go of it too. */
  close(): Promise<void> {
    this.db.close();
    return this.db.released();
  }
}

function rowId(id: string): number {
  return Number(id.slice(1));
}
