/** AccountsRepository on SQLite: the worked example of the repository pattern (src/store/README.md). */
import { ConflictError, NotFoundError } from '../store/errors.ts';
import { isUniqueViolation, type SqliteDatabase, type SqliteMigration } from '../store/sqlite/database.ts';
import type {
  Account,
  AccountConflict,
  AccountsRepository,
  NewAccount,
  RootCredentialRecord,
} from './repository.ts';

export const ACCOUNTS_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'accounts and root credentials',
    up: `
      CREATE TABLE accounts (
        id TEXT PRIMARY KEY CHECK (length(id) = 12),
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE root_credentials (
        access_key_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        secret_access_key TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'Active' CHECK (status IN ('Active', 'Inactive')),
        created_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX root_credentials_account ON root_credentials(account_id);
    `,
  },
];

interface AccountRow {
  id: string;
  name: string;
  created_at: string;
}

interface CredentialRow {
  access_key_id: string;
  account_id: string;
  secret_access_key: string;
  status: 'Active' | 'Inactive';
  created_at: string;
}

const toAccount = (r: AccountRow): Account => ({ id: r.id, name: r.name, createdAt: new Date(r.created_at) });
const toCredential = (r: CredentialRow): RootCredentialRecord => ({
  accountId: r.account_id,
  accessKeyId: r.access_key_id,
  secretAccessKey: r.secret_access_key,
  status: r.status,
  createdAt: new Date(r.created_at),
});

/** Maps SQLite's "UNIQUE constraint failed: accounts.name" to the contract's names. */
function conflictOf(e: unknown): ConflictError | undefined {
  if (!isUniqueViolation(e)) return undefined;
  const message = (e as Error).message;
  const constraint: AccountConflict = message.includes('root_credentials.access_key_id')
    ? 'accessKeyId'
    : message.includes('accounts.name')
      ? 'name'
      : 'id';
  return new ConflictError(constraint, `An account with this ${constraint} already exists`, { cause: e });
}

const ACCOUNT_COLUMNS = 'id, name, created_at';
const CREDENTIAL_COLUMNS = 'access_key_id, account_id, secret_access_key, status, created_at';

export class SqliteAccountsRepository implements AccountsRepository {
  private constructor(private readonly db: SqliteDatabase) {}

  /** Migrates the 'accounts' schema, then returns the repository. */
  static open(db: SqliteDatabase): SqliteAccountsRepository {
    db.migrate('accounts', ACCOUNTS_MIGRATIONS);
    return new SqliteAccountsRepository(db);
  }

  async create(input: NewAccount): Promise<{ account: Account; rootCredential: RootCredentialRecord }> {
    const createdAt = (input.createdAt ?? new Date()).toISOString();
    try {
      this.db.transaction(() => {
        this.db
          .statement(`INSERT INTO accounts (${ACCOUNT_COLUMNS}) VALUES (?, ?, ?)`)
          .run(input.id, input.name, createdAt);
        this.db
          .statement(`INSERT INTO root_credentials (${CREDENTIAL_COLUMNS}) VALUES (?, ?, ?, 'Active', ?)`)
          .run(input.rootAccessKeyId, input.id, input.rootSecretAccessKey, createdAt);
      });
    } catch (e) {
      throw conflictOf(e) ?? e;
    }
    return {
      account: { id: input.id, name: input.name, createdAt: new Date(createdAt) },
      rootCredential: {
        accountId: input.id,
        accessKeyId: input.rootAccessKeyId,
        secretAccessKey: input.rootSecretAccessKey,
        status: 'Active',
        createdAt: new Date(createdAt),
      },
    };
  }

  async get(id: string): Promise<Account | undefined> {
    const row = this.db
      .statement<[string], AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = ?`)
      .get(id);
    return row && toAccount(row);
  }

  async getByName(name: string): Promise<Account | undefined> {
    const row = this.db
      .statement<[string], AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE name = ?`)
      .get(name);
    return row && toAccount(row);
  }

  async list(): Promise<Account[]> {
    return this.db
      .statement<[], AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts ORDER BY created_at, id`)
      .all()
      .map(toAccount);
  }

  async findRootCredential(accessKeyId: string): Promise<RootCredentialRecord | undefined> {
    const row = this.db
      .statement<[string], CredentialRow>(
        `SELECT ${CREDENTIAL_COLUMNS} FROM root_credentials WHERE access_key_id = ?`,
      )
      .get(accessKeyId);
    return row && toCredential(row);
  }

  async listRootCredentials(accountId: string): Promise<RootCredentialRecord[]> {
    return this.db
      .statement<[string], CredentialRow>(
        `SELECT ${CREDENTIAL_COLUMNS} FROM root_credentials WHERE account_id = ? ORDER BY created_at, access_key_id`,
      )
      .all(accountId)
      .map(toCredential);
  }

  async setRootCredential(accountId: string, accessKeyId: string, secretAccessKey: string): Promise<void> {
    try {
      this.db.transaction(() => {
        const exists = this.db.statement<[string]>('SELECT 1 FROM accounts WHERE id = ?').get(accountId);
        if (!exists) throw new NotFoundError('Account', accountId);
        this.db
          .statement('DELETE FROM root_credentials WHERE account_id = ? AND access_key_id <> ?')
          .run(accountId, accessKeyId);
        const updated = this.db
          .statement(
            `UPDATE root_credentials SET secret_access_key = ?, status = 'Active'
             WHERE access_key_id = ? AND account_id = ?`,
          )
          .run(secretAccessKey, accessKeyId, accountId);
        if (updated.changes === 0)
          this.db
            .statement(`INSERT INTO root_credentials (${CREDENTIAL_COLUMNS}) VALUES (?, ?, ?, 'Active', ?)`)
            .run(accessKeyId, accountId, secretAccessKey, new Date().toISOString());
      });
    } catch (e) {
      throw conflictOf(e) ?? e;
    }
  }
}
