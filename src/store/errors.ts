/**
 * Domain errors of the storage layer. Stores never throw AwsError: a service catches these and
 * maps them once to the AWS error its API returns (BucketAlreadyExists, EntityAlreadyExists, ...).
 */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A uniqueness rule was violated; `constraint` names what collided (e.g. 'account.name'). */
export class ConflictError extends StoreError {
  constructor(
    readonly constraint: string,
    message = `Conflict on ${constraint}`,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The record an update or delete refers to does not exist. */
export class NotFoundError extends StoreError {
  constructor(
    readonly entity: string,
    readonly key: string,
  ) {
    super(`${entity} ${JSON.stringify(key)} not found`);
  }
}

/** The database was written by a newer Stratus (a migration version we do not know). */
export class SchemaTooNewError extends StoreError {}
