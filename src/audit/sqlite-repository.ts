/**
 * SQLite audit trail: one row per event (the CloudTrail JSON as text plus indexed columns) and
 * one row per named resource. Indexes serve LookupEvents' attributes and the console's filters:
 * every one leads with the account and ends with time, so a filtered page is an index range.
 */
import { appendInBackground, stopAppending, type AppendItem } from '../background-thread.ts';
import type { SqliteDatabase, SqliteMigration } from '../store/sqlite/database.ts';
import { InvalidCursorError, type AuditRepository } from './repository.ts';
import type { AuditHistogramBucket, AuditPage, AuditQuery, AuditRecord, LookupResource } from './types.ts';

export const AUDIT_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'events and resources',
    up: `
      CREATE TABLE audit_events (
        seq INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL UNIQUE,
        event_time INTEGER NOT NULL,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        event_source TEXT NOT NULL,
        event_name TEXT NOT NULL,
        username TEXT,
        access_key_id TEXT,
        read_only INTEGER NOT NULL,
        management INTEGER NOT NULL,
        error_code TEXT,
        denied INTEGER NOT NULL,
        resources TEXT NOT NULL,
        event TEXT NOT NULL
      );
      CREATE INDEX audit_events_time ON audit_events (account_id, region, event_time, seq);
      CREATE INDEX audit_events_name ON audit_events (account_id, event_name, event_time, seq);
      CREATE INDEX audit_events_user ON audit_events (account_id, username, event_time, seq);
      CREATE INDEX audit_events_key ON audit_events (account_id, access_key_id, event_time, seq);
      CREATE INDEX audit_events_source ON audit_events (account_id, event_source, event_time, seq);
      CREATE INDEX audit_events_read ON audit_events (account_id, read_only, event_time, seq);
      CREATE INDEX audit_events_all_time ON audit_events (event_time, seq);
      CREATE TABLE audit_event_resources (
        seq INTEGER NOT NULL REFERENCES audit_events (seq) ON DELETE CASCADE,
        account_id TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        resource_name TEXT NOT NULL
      );
      CREATE INDEX audit_resources_name ON audit_event_resources (account_id, resource_name, seq);
      CREATE INDEX audit_resources_type ON audit_event_resources (account_id, resource_type, seq);
      CREATE INDEX audit_resources_seq ON audit_event_resources (seq);
    `,
  },
  {
    version: 2,
    name: 'fewer indexes (cheaper inserts)',
    // ReadOnly filters ride the region index; cross-account scans are admin-only; resource rows
    // are never deleted on their own.
    up: `
      DROP INDEX audit_events_read;
      DROP INDEX audit_events_all_time;
      DROP INDEX audit_resources_seq;
    `,
  },
  {
    version: 3,
    name: 'indexes led by account and category',
    // LookupEvents asks for management events only: with the category second, its pages are
    // index ranges even when data events (S3 objects) outnumber them. (account, time) serves
    // unfiltered pages; trail delivery walks seq (the primary key).
    up: `
      DROP INDEX audit_events_time;
      DROP INDEX audit_events_name;
      DROP INDEX audit_events_user;
      DROP INDEX audit_events_key;
      DROP INDEX audit_events_source;
      CREATE INDEX audit_events_account_time ON audit_events (account_id, event_time, seq);
      CREATE INDEX audit_events_region ON audit_events (account_id, management, region, event_time, seq);
      CREATE INDEX audit_events_name ON audit_events (account_id, management, event_name, event_time, seq);
      CREATE INDEX audit_events_user ON audit_events (account_id, management, username, event_time, seq);
      CREATE INDEX audit_events_key ON audit_events (account_id, management, access_key_id, event_time, seq);
      CREATE INDEX audit_events_source ON audit_events (account_id, management, event_source, event_time, seq);
    `,
  },
  {
    version: 4,
    name: 'attribute indexes for management events only',
    // Only LookupEvents (management events) filters by region, name, user, key or source; data
    // events (every S3 object call) now update two indexes instead of seven. A partial index
    // serves a query whose WHERE says management = 1 literally (where() writes it so).
    up: `
      DROP INDEX audit_events_region;
      DROP INDEX audit_events_name;
      DROP INDEX audit_events_user;
      DROP INDEX audit_events_key;
      DROP INDEX audit_events_source;
      CREATE INDEX audit_events_region ON audit_events (account_id, region, event_time, seq) WHERE management = 1;
      CREATE INDEX audit_events_name ON audit_events (account_id, event_name, event_time, seq) WHERE management = 1;
      CREATE INDEX audit_events_user ON audit_events (account_id, username, event_time, seq) WHERE management = 1;
      CREATE INDEX audit_events_key ON audit_events (account_id, access_key_id, event_time, seq) WHERE management = 1;
      CREATE INDEX audit_events_source ON audit_events (account_id, event_source, event_time, seq) WHERE management = 1;
    `,
  },
];

interface Row {
  seq: number;
  event_time: number;
  account_id: string;
  username: string | null;
  access_key_id: string | null;
  denied: number;
  resources: string;
  event: string;
}

interface Cursor {
  t: number;
  s: number;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.t}.${c.s}`).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  const m = /^(\d+)\.(\d+)$/.exec(Buffer.from(text, 'base64url').toString());
  if (!m) throw new InvalidCursorError('invalid cursor');
  return { t: Number(m[1]), s: Number(m[2]) };
}

function where(q: Omit<AuditQuery, 'limit'>): { sql: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  const eq = (column: string, value: unknown) => {
    if (value === undefined) return;
    parts.push(`${column} = ?`);
    args.push(value);
  };
  eq('account_id', q.accountId);
  eq('region', q.region);
  eq('event_id', q.eventId);
  eq('event_name', q.eventName);
  eq('event_source', q.eventSource);
  eq('username', q.username);
  eq('access_key_id', q.accessKeyId);
  eq('read_only', q.readOnly === undefined ? undefined : q.readOnly ? 1 : 0);
  // A literal, not a parameter: only then may SQLite use the partial indexes (migration 4).
  if (q.management !== undefined) parts.push(`management = ${q.management ? 1 : 0}`);
  if (q.errors === 'denied') parts.push('denied = 1');
  else if (q.errors === true) parts.push('error_code IS NOT NULL');
  else if (q.errors === false) parts.push('error_code IS NULL');
  if (q.start) {
    parts.push('event_time >= ?');
    args.push(q.start.getTime());
  }
  if (q.end) {
    parts.push('event_time <= ?');
    args.push(q.end.getTime());
  }
  if (q.afterSeq !== undefined) {
    parts.push('seq > ?');
    args.push(q.afterSeq);
  }
  if (q.throughSeq !== undefined) {
    parts.push('seq <= ?');
    args.push(q.throughSeq);
  }
  if (q.resourceName !== undefined || q.resourceType !== undefined) {
    const sub: string[] = [];
    if (q.accountId !== undefined) {
      sub.push('r.account_id = ?');
      args.push(q.accountId);
    }
    if (q.resourceName !== undefined) {
      sub.push('r.resource_name = ?');
      args.push(q.resourceName);
    }
    if (q.resourceType !== undefined) {
      sub.push('r.resource_type = ?');
      args.push(q.resourceType);
    }
    parts.push(`seq IN (SELECT r.seq FROM audit_event_resources r WHERE ${sub.join(' AND ')})`);
  }
  return { sql: parts.length ? parts.join(' AND ') : '1', args };
}

const INSERT_EVENT = `INSERT INTO audit_events (event_id, event_time, account_id, region, event_source, event_name,
  username, access_key_id, read_only, management, error_code, denied, resources, event)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const INSERT_RESOURCE =
  'INSERT INTO audit_event_resources (seq, account_id, resource_type, resource_name) VALUES (?, ?, ?, ?)';

/** A record as the two INSERTs' parameters (the resource rows' seq is filled in on insert). */
function rowOf(r: AuditRecord): AppendItem {
  const e = r.event;
  return [
    [
      e.eventID,
      r.time,
      r.accountId,
      e.awsRegion,
      e.eventSource,
      e.eventName,
      r.username ?? null,
      r.accessKeyId ?? null,
      e.readOnly ? 1 : 0,
      e.managementEvent ? 1 : 0,
      e.errorCode ?? null,
      r.denied ? 1 : 0,
      JSON.stringify(r.resources),
      JSON.stringify(e),
    ],
    // Resource filters serve the event history (management events); data events keep their
    // resources in the event itself, so a busy bucket does not flood the resource index.
    e.managementEvent ? r.resources.map((res) => [r.accountId, res.type, res.name]) : [],
  ];
}

export class SqliteAuditRepository implements AuditRepository {
  private constructor(
    private readonly db: SqliteDatabase,
    /** The file appends go to from the background worker; none: appends run here. */
    private readonly appendFile: string | undefined,
  ) {}

  /**
   * Queries run on db. With `background`, db must be a file only this repository appends to:
   * inserts then run in the background thread (src/background-thread.ts), off the thread
   * that serves requests.
   */
  static open(db: SqliteDatabase, options: { background?: boolean } = {}): SqliteAuditRepository {
    db.migrate('audit', AUDIT_MIGRATIONS);
    const file = options.background && db.file !== ':memory:' ? db.file : undefined;
    if (file) db.onClose(() => stopAppending(file));
    return new SqliteAuditRepository(db, file);
  }

  async append(records: AuditRecord[]): Promise<void> {
    if (!records.length) return;
    const items = records.map(rowOf);
    if (this.appendFile) {
      const seqs = await appendInBackground(
        this.appendFile,
        { parentSql: INSERT_EVENT, childSql: INSERT_RESOURCE },
        items,
      );
      records.forEach((r, i) => (r.seq = seqs[i]));
      return;
    }
    const insert = this.db.statement(INSERT_EVENT);
    const insertResource = this.db.statement(INSERT_RESOURCE);
    this.db.transaction(() => {
      items.forEach(([params, children], i) => {
        const seq = Number(insert.run(...params).lastInsertRowid);
        for (const c of children) insertResource.run(seq, ...c);
        records[i]!.seq = seq;
      });
    });
  }

  async query(q: AuditQuery): Promise<AuditPage> {
    const w = where(q);
    let sql = w.sql;
    const args = [...w.args];
    const bySeq = q.order === 'seq';
    const asc = q.order === 'asc';
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      if (bySeq) sql += ' AND seq > ?';
      else
        sql += asc
          ? ' AND (event_time > ? OR (event_time = ? AND seq > ?))'
          : ' AND (event_time < ? OR (event_time = ? AND seq < ?))';
      args.push(...(bySeq ? [c.s] : [c.t, c.t, c.s]));
    }
    const dir = asc ? 'ASC' : 'DESC';
    const order = bySeq ? 'seq ASC' : `event_time ${dir}, seq ${dir}`;
    // A resource names few events: drive from its rows (rowid lookups), not from a time index;
    // storage-order tails walk the primary key from afterSeq.
    const byRowid = bySeq || q.resourceName !== undefined || q.resourceType !== undefined;
    const from = byRowid ? 'audit_events NOT INDEXED' : 'audit_events';
    const limit = Math.max(1, Math.trunc(q.limit));
    const rows = this.db
      .statement<unknown[], Row>(
        `SELECT seq, event_time, account_id, username, access_key_id, denied, resources, event FROM ${from}
         WHERE ${sql} ORDER BY ${order} LIMIT ?`,
      )
      .all(...args, limit + 1);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      records: page.map(toRecord),
      ...(more && last ? { cursor: encodeCursor({ t: last.event_time, s: last.seq }) } : {}),
    };
  }

  async histogram(
    q: Omit<AuditQuery, 'limit' | 'cursor' | 'order'>,
    bucketMs: number,
  ): Promise<AuditHistogramBucket[]> {
    const size = Math.max(1000, Math.trunc(bucketMs));
    const w = where(q);
    const rows = this.db
      .statement<unknown[], { b: number; calls: number; errors: number; denied: number }>(
        `SELECT event_time - (event_time % CAST(? AS INTEGER)) AS b, COUNT(*) AS calls, COUNT(error_code) AS errors, SUM(denied) AS denied
         FROM audit_events WHERE ${w.sql} GROUP BY b ORDER BY b`,
      )
      .all(size, ...w.args);
    return rows.map((r) => ({ start: r.b, calls: r.calls, errors: r.errors, denied: r.denied }));
  }

  async lastSeq(): Promise<number> {
    return (
      this.db.statement<[], { s: number | null }>('SELECT MAX(seq) AS s FROM audit_events').get()?.s ?? 0
    );
  }
}

function toRecord(row: Row): AuditRecord {
  return {
    seq: row.seq,
    event: JSON.parse(row.event),
    time: row.event_time,
    accountId: row.account_id,
    ...(row.username !== null ? { username: row.username } : {}),
    ...(row.access_key_id !== null ? { accessKeyId: row.access_key_id } : {}),
    resources: JSON.parse(row.resources) as LookupResource[],
    denied: row.denied === 1,
  };
}
