/**
 * Trails: one row per (account, home region, name) holding the trail's settings, selectors,
 * tags and logging/delivery status as JSON; `cursor` is the audit seq delivered up to.
 */
import { unsupportedBackend, type StoreBackend } from '../../store/backend.ts';
import type { SqliteDatabase, SqliteMigration } from '../../store/sqlite/database.ts';
import type {
  AdvancedEventSelector,
  EventSelector,
  InsightSelector,
  Tag,
} from '../../generated/cloudtrail/types.ts';

export interface TrailSettings {
  S3BucketName: string;
  S3KeyPrefix?: string;
  SnsTopicName?: string;
  IncludeGlobalServiceEvents: boolean;
  IsMultiRegionTrail: boolean;
  LogFileValidationEnabled: boolean;
  CloudWatchLogsLogGroupArn?: string;
  CloudWatchLogsRoleArn?: string;
  KmsKeyId?: string;
  IsOrganizationTrail: boolean;
}

export interface TrailStatus {
  isLogging: boolean;
  startLoggingTime?: number;
  stopLoggingTime?: number;
  latestDeliveryTime?: number;
  latestDeliveryAttemptTime?: number;
  latestDeliveryError?: string;
  latestDeliveryAttemptSucceeded?: boolean;
}

export interface TrailRecord {
  accountId: string;
  homeRegion: string;
  name: string;
  arn: string;
  settings: TrailSettings;
  /** undefined: the default selector (all management events, no data events). */
  eventSelectors?: EventSelector[];
  advancedEventSelectors?: AdvancedEventSelector[];
  /** Stored and reported; Stratus produces no Insights events. */
  insightSelectors?: InsightSelector[];
  tags: Tag[];
  status: TrailStatus;
  /** Audit seq delivered up to. */
  cursor: number;
  createdAt: number;
}

export interface TrailRepository {
  /** false when a trail of that name already exists in that account and region. */
  create(trail: TrailRecord): Promise<boolean>;
  get(accountId: string, homeRegion: string, name: string): Promise<TrailRecord | undefined>;
  /** Every trail of an account (all regions), by name. */
  list(accountId: string): Promise<TrailRecord[]>;
  /** Trails being logged, every account. */
  logging(): Promise<TrailRecord[]>;
  put(trail: TrailRecord): Promise<void>;
  delete(accountId: string, homeRegion: string, name: string): Promise<boolean>;
}

const MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'trails',
    up: `CREATE TABLE cloudtrail_trails (
      account_id TEXT NOT NULL,
      home_region TEXT NOT NULL,
      name TEXT NOT NULL,
      is_logging INTEGER NOT NULL,
      record TEXT NOT NULL,
      PRIMARY KEY (account_id, home_region, name)
    ) WITHOUT ROWID;
    CREATE INDEX cloudtrail_trails_logging ON cloudtrail_trails (is_logging);`,
  },
];

class SqliteTrailRepository implements TrailRepository {
  constructor(private readonly db: SqliteDatabase) {
    db.migrate('cloudtrail', MIGRATIONS);
  }

  async create(t: TrailRecord): Promise<boolean> {
    const r = this.db
      .statement(
        'INSERT OR IGNORE INTO cloudtrail_trails (account_id, home_region, name, is_logging, record) VALUES (?, ?, ?, ?, ?)',
      )
      .run(t.accountId, t.homeRegion, t.name, t.status.isLogging ? 1 : 0, JSON.stringify(t));
    return r.changes === 1;
  }

  async get(accountId: string, homeRegion: string, name: string): Promise<TrailRecord | undefined> {
    const row = this.db
      .statement<[string, string, string], { record: string }>(
        'SELECT record FROM cloudtrail_trails WHERE account_id = ? AND home_region = ? AND name = ?',
      )
      .get(accountId, homeRegion, name);
    return row ? (JSON.parse(row.record) as TrailRecord) : undefined;
  }

  async list(accountId: string): Promise<TrailRecord[]> {
    return this.db
      .statement<[string], { record: string }>(
        'SELECT record FROM cloudtrail_trails WHERE account_id = ? ORDER BY name, home_region',
      )
      .all(accountId)
      .map((r) => JSON.parse(r.record) as TrailRecord);
  }

  async logging(): Promise<TrailRecord[]> {
    return this.db
      .statement<[], { record: string }>('SELECT record FROM cloudtrail_trails WHERE is_logging = 1')
      .all()
      .map((r) => JSON.parse(r.record) as TrailRecord);
  }

  async put(t: TrailRecord): Promise<void> {
    this.db
      .statement(
        'UPDATE cloudtrail_trails SET is_logging = ?, record = ? WHERE account_id = ? AND home_region = ? AND name = ?',
      )
      .run(t.status.isLogging ? 1 : 0, JSON.stringify(t), t.accountId, t.homeRegion, t.name);
  }

  async delete(accountId: string, homeRegion: string, name: string): Promise<boolean> {
    return (
      this.db
        .statement('DELETE FROM cloudtrail_trails WHERE account_id = ? AND home_region = ? AND name = ?')
        .run(accountId, homeRegion, name).changes === 1
    );
  }
}

export function openTrailRepository(backend: StoreBackend): TrailRepository {
  switch (backend.kind) {
    case 'sqlite':
      return new SqliteTrailRepository(backend.db);
    default:
      return unsupportedBackend(backend.kind);
  }
}
