/** IamRepository on SQLite (better-sqlite3 is synchronous; the async interface wraps it). */
import { ConflictError } from '../../store/errors.ts';
import { isUniqueViolation, type SqliteDatabase, type SqliteMigration } from '../../store/sqlite/database.ts';
import {
  QuotaError,
  type AccessKeyRecord,
  type EntityBase,
  type EntityKind,
  type EntityRecords,
  type IamRepository,
  type InlinePolicy,
  type KeyUse,
  type LinkKind,
  type SessionRecord,
} from './repository.ts';

export const IAM_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'iam entities, links, inline policies, access keys, aliases, sts sessions',
    up: `
      CREATE TABLE iam_entities (
        account_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        name_key TEXT NOT NULL,
        id TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (account_id, kind, name_key)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX iam_entities_id ON iam_entities(kind, id);
      CREATE TABLE iam_links (
        account_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        from_id TEXT NOT NULL,
        to_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (account_id, kind, from_id, to_id)
      ) WITHOUT ROWID;
      CREATE INDEX iam_links_to ON iam_links(account_id, kind, to_id);
      CREATE TABLE iam_inline_policies (
        account_id TEXT NOT NULL,
        owner_id TEXT NOT NULL,
        name_key TEXT NOT NULL,
        name TEXT NOT NULL,
        document TEXT NOT NULL,
        PRIMARY KEY (account_id, owner_id, name_key)
      ) WITHOUT ROWID;
      CREATE TABLE iam_access_keys (
        access_key_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        secret_access_key TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        last_used_service TEXT,
        last_used_region TEXT
      ) WITHOUT ROWID;
      CREATE INDEX iam_access_keys_user ON iam_access_keys(account_id, user_id);
      CREATE TABLE iam_account_aliases (
        account_id TEXT PRIMARY KEY,
        alias TEXT NOT NULL UNIQUE
      ) WITHOUT ROWID;
      CREATE TABLE sts_sessions (
        access_key_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        secret_access_key TEXT NOT NULL,
        session_token TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        data TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX sts_sessions_expiry ON sts_sessions(expires_at);
    `,
  },
  {
    version: 2,
    name: 'iam account settings (password policy)',
    up: `
      CREATE TABLE iam_account_settings (
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (account_id, name)
      ) WITHOUT ROWID;
    `,
  },
];

const key = (name: string): string => name.toLowerCase();

interface KeyRow {
  access_key_id: string;
  account_id: string;
  user_id: string;
  secret_access_key: string;
  status: 'Active' | 'Inactive';
  created_at: string;
  last_used_at: string | null;
  last_used_service: string | null;
  last_used_region: string | null;
}

const toKey = (r: KeyRow): AccessKeyRecord => ({
  accessKeyId: r.access_key_id,
  accountId: r.account_id,
  userId: r.user_id,
  secretAccessKey: r.secret_access_key,
  status: r.status,
  createdAt: r.created_at,
  ...(r.last_used_at && {
    lastUsed: {
      date: r.last_used_at,
      service: r.last_used_service ?? 'N/A',
      region: r.last_used_region ?? 'N/A',
    },
  }),
});

function conflict<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError(what, `Conflict on ${what}`, { cause: e });
    throw e;
  }
}

export class SqliteIamRepository implements IamRepository {
  private seq = 0;

  private constructor(private readonly db: SqliteDatabase) {}

  static open(db: SqliteDatabase): SqliteIamRepository {
    db.migrate('iam', IAM_MIGRATIONS);
    return new SqliteIamRepository(db);
  }

  async getEntity<K extends EntityKind>(
    accountId: string,
    kind: K,
    name: string,
  ): Promise<EntityRecords[K] | undefined> {
    const row = this.db
      .statement<[string, string, string], { data: string }>(
        'SELECT data FROM iam_entities WHERE account_id = ? AND kind = ? AND name_key = ?',
      )
      .get(accountId, kind, key(name));
    return row && (JSON.parse(row.data) as EntityRecords[K]);
  }

  async getEntityById<K extends EntityKind>(
    kind: K,
    id: string,
  ): Promise<{ accountId: string; record: EntityRecords[K] } | undefined> {
    const row = this.db
      .statement<[string, string], { account_id: string; data: string }>(
        'SELECT account_id, data FROM iam_entities WHERE kind = ? AND id = ?',
      )
      .get(kind, id);
    return row && { accountId: row.account_id, record: JSON.parse(row.data) as EntityRecords[K] };
  }

  async createEntity<K extends EntityKind>(
    accountId: string,
    kind: K,
    record: EntityRecords[K],
  ): Promise<void> {
    conflict(kind, () =>
      this.db
        .statement('INSERT INTO iam_entities (account_id, kind, name_key, id, data) VALUES (?, ?, ?, ?, ?)')
        .run(accountId, kind, key(record.name), record.id, JSON.stringify(record)),
    );
  }

  async saveEntity<K extends EntityKind>(
    accountId: string,
    kind: K,
    record: EntityRecords[K],
  ): Promise<void> {
    conflict(kind, () =>
      this.db
        .statement(
          'UPDATE iam_entities SET name_key = ?, data = ? WHERE account_id = ? AND kind = ? AND id = ?',
        )
        .run(key(record.name), JSON.stringify(record), accountId, kind, record.id),
    );
  }

  async deleteEntity(accountId: string, kind: EntityKind, record: EntityBase): Promise<void> {
    this.db.transaction(() => {
      this.db
        .statement('DELETE FROM iam_entities WHERE account_id = ? AND kind = ? AND id = ?')
        .run(accountId, kind, record.id);
      this.db
        .statement('DELETE FROM iam_inline_policies WHERE account_id = ? AND owner_id = ?')
        .run(accountId, record.id);
      for (const ref of [record.id, record.arn]) {
        this.db.statement('DELETE FROM iam_links WHERE account_id = ? AND from_id = ?').run(accountId, ref);
        this.db.statement('DELETE FROM iam_links WHERE account_id = ? AND to_id = ?').run(accountId, ref);
      }
    });
  }

  async listEntities<K extends EntityKind>(accountId: string, kind: K): Promise<EntityRecords[K][]> {
    return this.db
      .statement<[string, string], { data: string }>(
        'SELECT data FROM iam_entities WHERE account_id = ? AND kind = ? ORDER BY name_key',
      )
      .all(accountId, kind)
      .map((r) => JSON.parse(r.data) as EntityRecords[K]);
  }

  async addLink(
    accountId: string,
    kind: LinkKind,
    from: string,
    to: string,
    quota?: number,
  ): Promise<boolean> {
    return this.db.transaction(() => {
      const exists = this.db
        .statement('SELECT 1 FROM iam_links WHERE account_id = ? AND kind = ? AND from_id = ? AND to_id = ?')
        .get(accountId, kind, from, to);
      if (exists) return false;
      const { n } = this.db
        .statement<[string, string, string], { n: number }>(
          'SELECT COUNT(*) AS n FROM iam_links WHERE account_id = ? AND kind = ? AND from_id = ?',
        )
        .get(accountId, kind, from)!;
      if (quota !== undefined && n >= quota) throw new QuotaError(quota);
      // seq keeps the order links were made in (attachment order); unique enough per table.
      const seq = Date.now() * 1000 + (this.seq = (this.seq + 1) % 1000);
      this.db
        .statement('INSERT INTO iam_links (account_id, kind, from_id, to_id, seq) VALUES (?, ?, ?, ?, ?)')
        .run(accountId, kind, from, to, seq);
      return true;
    });
  }

  async removeLink(accountId: string, kind: LinkKind, from: string, to: string): Promise<boolean> {
    return (
      this.db
        .statement('DELETE FROM iam_links WHERE account_id = ? AND kind = ? AND from_id = ? AND to_id = ?')
        .run(accountId, kind, from, to).changes > 0
    );
  }

  async linksFrom(accountId: string, kind: LinkKind, from: string): Promise<string[]> {
    return this.db
      .statement<[string, string, string], { to_id: string }>(
        'SELECT to_id FROM iam_links WHERE account_id = ? AND kind = ? AND from_id = ? ORDER BY seq',
      )
      .all(accountId, kind, from)
      .map((r) => r.to_id);
  }

  async linksTo(accountId: string, kind: LinkKind, to: string): Promise<string[]> {
    return this.db
      .statement<[string, string, string], { from_id: string }>(
        'SELECT from_id FROM iam_links WHERE account_id = ? AND kind = ? AND to_id = ? ORDER BY seq',
      )
      .all(accountId, kind, to)
      .map((r) => r.from_id);
  }

  async putInline(accountId: string, ownerId: string, policy: InlinePolicy): Promise<void> {
    this.db
      .statement(
        `INSERT INTO iam_inline_policies (account_id, owner_id, name_key, name, document) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (account_id, owner_id, name_key) DO UPDATE SET name = excluded.name, document = excluded.document`,
      )
      .run(accountId, ownerId, key(policy.name), policy.name, policy.document);
  }

  async getInline(accountId: string, ownerId: string, name: string): Promise<InlinePolicy | undefined> {
    return this.db
      .statement<[string, string, string], InlinePolicy>(
        'SELECT name, document FROM iam_inline_policies WHERE account_id = ? AND owner_id = ? AND name_key = ?',
      )
      .get(accountId, ownerId, key(name));
  }

  async deleteInline(accountId: string, ownerId: string, name: string): Promise<boolean> {
    return (
      this.db
        .statement('DELETE FROM iam_inline_policies WHERE account_id = ? AND owner_id = ? AND name_key = ?')
        .run(accountId, ownerId, key(name)).changes > 0
    );
  }

  async listInline(accountId: string, ownerId: string): Promise<InlinePolicy[]> {
    return this.db
      .statement<[string, string], InlinePolicy>(
        'SELECT name, document FROM iam_inline_policies WHERE account_id = ? AND owner_id = ? ORDER BY name_key',
      )
      .all(accountId, ownerId);
  }

  async createAccessKey(k: AccessKeyRecord, quota: number): Promise<void> {
    this.db.transaction(() => {
      const { n } = this.db
        .statement<[string, string], { n: number }>(
          'SELECT COUNT(*) AS n FROM iam_access_keys WHERE account_id = ? AND user_id = ?',
        )
        .get(k.accountId, k.userId)!;
      if (n >= quota) throw new QuotaError(quota);
      this.db
        .statement(
          'INSERT INTO iam_access_keys (access_key_id, account_id, user_id, secret_access_key, status, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(k.accessKeyId, k.accountId, k.userId, k.secretAccessKey, k.status, k.createdAt);
    });
  }

  async getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    const row = this.db
      .statement<[string], KeyRow>('SELECT * FROM iam_access_keys WHERE access_key_id = ?')
      .get(accessKeyId);
    return row && toKey(row);
  }

  async listAccessKeys(accountId: string, userId: string): Promise<AccessKeyRecord[]> {
    return this.db
      .statement<[string, string], KeyRow>(
        'SELECT * FROM iam_access_keys WHERE account_id = ? AND user_id = ? ORDER BY created_at, access_key_id',
      )
      .all(accountId, userId)
      .map(toKey);
  }

  async setAccessKeyStatus(accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void> {
    this.db
      .statement('UPDATE iam_access_keys SET status = ? WHERE access_key_id = ?')
      .run(status, accessKeyId);
  }

  async deleteAccessKey(accessKeyId: string): Promise<void> {
    this.db.statement('DELETE FROM iam_access_keys WHERE access_key_id = ?').run(accessKeyId);
  }

  async recordKeyUses(uses: KeyUse[]): Promise<void> {
    if (uses.length === 0) return;
    this.db.transaction(() => {
      const st = this.db.statement(
        'UPDATE iam_access_keys SET last_used_at = ?, last_used_service = ?, last_used_region = ? WHERE access_key_id = ?',
      );
      for (const u of uses) st.run(u.date, u.service, u.region, u.accessKeyId);
    });
  }

  async getAlias(accountId: string): Promise<string | undefined> {
    return this.db
      .statement<[string], { alias: string }>('SELECT alias FROM iam_account_aliases WHERE account_id = ?')
      .get(accountId)?.alias;
  }

  async setAlias(accountId: string, alias: string): Promise<void> {
    conflict('alias', () =>
      this.db
        .statement(
          'INSERT INTO iam_account_aliases (account_id, alias) VALUES (?, ?) ON CONFLICT (account_id) DO UPDATE SET alias = excluded.alias',
        )
        .run(accountId, alias),
    );
  }

  async deleteAlias(accountId: string): Promise<void> {
    this.db.statement('DELETE FROM iam_account_aliases WHERE account_id = ?').run(accountId);
  }

  async getSetting(accountId: string, name: string): Promise<string | undefined> {
    return this.db
      .statement<[string, string], { data: string }>(
        'SELECT data FROM iam_account_settings WHERE account_id = ? AND name = ?',
      )
      .get(accountId, name)?.data;
  }

  async putSetting(accountId: string, name: string, data: string): Promise<void> {
    this.db
      .statement(
        'INSERT INTO iam_account_settings (account_id, name, data) VALUES (?, ?, ?) ON CONFLICT (account_id, name) DO UPDATE SET data = excluded.data',
      )
      .run(accountId, name, data);
  }

  async deleteSetting(accountId: string, name: string): Promise<boolean> {
    return (
      this.db
        .statement('DELETE FROM iam_account_settings WHERE account_id = ? AND name = ?')
        .run(accountId, name).changes > 0
    );
  }

  async putSession(s: SessionRecord): Promise<void> {
    this.db
      .statement(
        'INSERT INTO sts_sessions (access_key_id, account_id, secret_access_key, session_token, expires_at, data) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(s.accessKeyId, s.accountId, s.secretAccessKey, s.sessionToken, s.expiresAt, s.data);
  }

  async getSession(accessKeyId: string): Promise<SessionRecord | undefined> {
    const row = this.db
      .statement<
        [string],
        {
          access_key_id: string;
          account_id: string;
          secret_access_key: string;
          session_token: string;
          expires_at: string;
          data: string;
        }
      >('SELECT * FROM sts_sessions WHERE access_key_id = ?')
      .get(accessKeyId);
    return (
      row && {
        accessKeyId: row.access_key_id,
        accountId: row.account_id,
        secretAccessKey: row.secret_access_key,
        sessionToken: row.session_token,
        expiresAt: row.expires_at,
        data: row.data,
      }
    );
  }

  async deleteExpiredSessions(before: string): Promise<number> {
    return this.db.statement('DELETE FROM sts_sessions WHERE expires_at < ?').run(before).changes;
  }
}
