/**
 * The audit trail's storage contract (sqlite-repository.ts implements it). Records are append
 * only; queries are newest first by default and page with an opaque cursor.
 */
import type { AuditHistogramBucket, AuditPage, AuditQuery, AuditRecord } from './types.ts';

export interface AuditRepository {
  /** Appends records in one transaction; sets each record's seq. */
  append(records: AuditRecord[]): Promise<void>;
  /** Records matching every given field. Throws InvalidCursorError for a cursor it did not issue. */
  query(q: AuditQuery): Promise<AuditPage>;
  /** Calls, failures and denials per time bucket of `bucketMs`, oldest first (empty buckets left out). */
  histogram(
    q: Omit<AuditQuery, 'limit' | 'cursor' | 'order'>,
    bucketMs: number,
  ): Promise<AuditHistogramBucket[]>;
  /** The highest seq stored (0 when empty). */
  lastSeq(): Promise<number>;
}

export class InvalidCursorError extends Error {}
