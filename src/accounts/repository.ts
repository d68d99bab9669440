/**
 * Accounts and their root credentials: the backend-neutral contract. Implementations:
 * sqlite-repository.ts (today), a PostgreSQL one later; test/accounts/ runs the same contract
 * suite against each.
 */

export interface Account {
  /** 12 digits. */
  id: string;
  /** Unique, compared case-insensitively. */
  name: string;
  createdAt: Date;
}

/** A root access key. The secret is stored because SigV4 verification needs it (HMAC). */
export interface RootCredentialRecord {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  status: 'Active' | 'Inactive';
  createdAt: Date;
}

export interface NewAccount {
  id: string;
  name: string;
  rootAccessKeyId: string;
  rootSecretAccessKey: string;
  createdAt?: Date;
}

/** What collided when create or setRootCredential throws ConflictError (its `constraint`). */
export type AccountConflict = 'id' | 'name' | 'accessKeyId';

export interface AccountsRepository {
  /**
   * Creates the account and its root key atomically. Throws ConflictError with constraint
   * 'id', 'name' or 'accessKeyId' when one is taken (nothing is written then).
   */
  create(account: NewAccount): Promise<{ account: Account; rootCredential: RootCredentialRecord }>;
  get(id: string): Promise<Account | undefined>;
  getByName(name: string): Promise<Account | undefined>;
  /** Oldest first (the default account first). */
  list(): Promise<Account[]>;
  findRootCredential(accessKeyId: string): Promise<RootCredentialRecord | undefined>;
  listRootCredentials(accountId: string): Promise<RootCredentialRecord[]>;
  /**
   * Makes (accessKeyId, secret) the account's only root key (keeps createdAt when the key id is
   * unchanged). NotFoundError if the account does not exist; ConflictError('accessKeyId') if
   * another account uses that key id.
   */
  setRootCredential(accountId: string, accessKeyId: string, secretAccessKey: string): Promise<void>;
}
