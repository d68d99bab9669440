/**
 * EC2's state: one document per resource (VPC, subnet, instance, key pair...), scoped by account
 * and region as AWS scopes them. Documents keep AWS's member names so Describe* answers are the
 * stored documents, filtered; internal fields start with `_` (the serializer ignores them).
 */
import type { StoreBackend } from '../../store/backend.ts';
import type { SqliteDatabase, SqliteMigration } from '../../store/sqlite/database.ts';

export interface Scope {
  account: string;
  region: string;
}

export type Kind =
  | 'vpc'
  | 'subnet'
  | 'igw'
  | 'rtb'
  | 'acl'
  | 'sg'
  | 'dopt'
  | 'eni'
  | 'key'
  | 'image'
  | 'instance'
  | 'snapshot'
  | 'volume'
  | 'lt'
  | 'eip'
  | 'nat'
  | 'meta';

export interface Found<T> {
  scope: Scope;
  kind: Kind;
  doc: T;
}

/** The async repository EC2's handlers use; SQLite below, other backends later. */
export interface Ec2Repository {
  get<T>(scope: Scope, id: string): Promise<T | undefined>;
  list<T>(scope: Scope, kind: Kind): Promise<T[]>;
  put(scope: Scope, kind: Kind, id: string, doc: unknown): Promise<void>;
  delete(scope: Scope, id: string): Promise<void>;
  /** A resource by its globally unique id, in whatever account and region it lives. */
  findById<T>(id: string): Promise<Found<T> | undefined>;
  /** Every resource of a kind in every account and region (start-up reconciliation). */
  all<T>(kind: Kind): Promise<Found<T>[]>;
}

export const EC2_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'ec2 resources',
    up: `
      CREATE TABLE ec2_resources (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        id TEXT NOT NULL,
        kind TEXT NOT NULL,
        doc TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (account, region, id)
      ) WITHOUT ROWID;
      CREATE INDEX ec2_resources_kind ON ec2_resources(account, region, kind, seq);
      CREATE INDEX ec2_resources_id ON ec2_resources(id);
    `,
  },
];

interface Row {
  account: string;
  region: string;
  kind: Kind;
  doc: string;
}

class SqliteEc2Repository implements Ec2Repository {
  private seq: number;
  constructor(private readonly db: SqliteDatabase) {
    const row = db.statement<[], { s: number | null }>('SELECT MAX(seq) AS s FROM ec2_resources').get();
    this.seq = row?.s ?? 0;
  }

  async get<T>(scope: Scope, id: string): Promise<T | undefined> {
    const row = this.db
      .statement<[string, string, string], Row>(
        'SELECT doc FROM ec2_resources WHERE account = ? AND region = ? AND id = ?',
      )
      .get(scope.account, scope.region, id);
    return row ? (JSON.parse(row.doc) as T) : undefined;
  }

  async list<T>(scope: Scope, kind: Kind): Promise<T[]> {
    return this.db
      .statement<[string, string, string], Row>(
        'SELECT doc FROM ec2_resources WHERE account = ? AND region = ? AND kind = ? ORDER BY seq',
      )
      .all(scope.account, scope.region, kind)
      .map((r) => JSON.parse(r.doc) as T);
  }

  async put(scope: Scope, kind: Kind, id: string, doc: unknown): Promise<void> {
    // Keeps the first insertion order (seq) on updates, so listings stay stable.
    this.db
      .statement(
        `INSERT INTO ec2_resources (account, region, id, kind, doc, seq) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, id) DO UPDATE SET doc = excluded.doc, kind = excluded.kind`,
      )
      .run(scope.account, scope.region, id, kind, JSON.stringify(doc), ++this.seq);
  }

  async delete(scope: Scope, id: string): Promise<void> {
    this.db
      .statement('DELETE FROM ec2_resources WHERE account = ? AND region = ? AND id = ?')
      .run(scope.account, scope.region, id);
  }

  async findById<T>(id: string): Promise<Found<T> | undefined> {
    const row = this.db
      .statement<[string], Row>('SELECT account, region, kind, doc FROM ec2_resources WHERE id = ? LIMIT 1')
      .get(id);
    return row
      ? { scope: { account: row.account, region: row.region }, kind: row.kind, doc: JSON.parse(row.doc) as T }
      : undefined;
  }

  async all<T>(kind: Kind): Promise<Found<T>[]> {
    return this.db
      .statement<[string], Row>(
        'SELECT account, region, kind, doc FROM ec2_resources WHERE kind = ? ORDER BY seq',
      )
      .all(kind)
      .map((r) => ({
        scope: { account: r.account, region: r.region },
        kind: r.kind,
        doc: JSON.parse(r.doc) as T,
      }));
  }
}

export function openEc2Repository(backend: StoreBackend): Ec2Repository {
  switch (backend.kind) {
    case 'sqlite':
      backend.db.migrate('ec2', EC2_MIGRATIONS);
      return new SqliteEc2Repository(backend.db);
  }
}
