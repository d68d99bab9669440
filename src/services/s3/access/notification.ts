/**
 * PutBucketNotificationConfiguration's checks: every event one of S3's event types (the model's
 * Event enum), filter rules named prefix or suffix at most once each, and an Id generated for a
 * configuration that has none (AWS answers one on Get: ministack#1776). Destinations are kept as
 * given; nothing is delivered.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../../../errors.ts';
import type { NotificationConfiguration } from '../../../generated/s3/types.ts';

const EVENTS = new Set([
  's3:ReducedRedundancyLostObject',
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*',
  's3:ObjectRestore:Post',
  's3:ObjectRestore:Completed',
  's3:ObjectRestore:Delete',
  's3:Replication:*',
  's3:Replication:OperationFailedReplication',
  's3:Replication:OperationNotTracked',
  's3:Replication:OperationMissedThreshold',
  's3:Replication:OperationReplicatedAfterThreshold',
  's3:LifecycleTransition',
  's3:IntelligentTiering',
  's3:ObjectAcl:Put',
  's3:LifecycleExpiration:*',
  's3:LifecycleExpiration:Delete',
  's3:LifecycleExpiration:DeleteMarkerCreated',
  's3:ObjectTagging:*',
  's3:ObjectTagging:Put',
  's3:ObjectTagging:Delete',
]);

const invalid = (message: string, extra: Record<string, string> = {}) =>
  new AwsError('InvalidArgument', message, 400, extra);

interface Target {
  Id?: string;
  Events?: string[];
  Filter?: { Key?: { FilterRules?: { Name?: string; Value?: string }[] } };
}

/** The configuration to store (Ids filled in); throws as S3 refuses a bad one. */
export function checkNotification(
  c: NotificationConfiguration,
  malformed: () => Error,
): NotificationConfiguration {
  const lists = ['TopicConfigurations', 'QueueConfigurations', 'LambdaFunctionConfigurations'] as const;
  const out: NotificationConfiguration = { ...c };
  for (const name of lists) {
    const targets = c[name] as Target[] | undefined;
    if (!targets) continue;
    (out as Record<string, unknown>)[name] = targets.map((t) => {
      if (!t.Events?.length) throw malformed();
      for (const e of t.Events) {
        if (!EVENTS.has(e))
          throw invalid('The event is not supported for notifications', {
            ArgumentName: e,
            ArgumentValue: e,
          });
      }
      const seen = new Set<string>();
      for (const r of t.Filter?.Key?.FilterRules ?? []) {
        const n = (r.Name ?? '').toLowerCase();
        if (n !== 'prefix' && n !== 'suffix')
          throw invalid('filter rule name must be either prefix or suffix');
        if (seen.has(n)) throw invalid(`Cannot specify more than one ${n} rule in a filter.`);
        seen.add(n);
      }
      return { ...t, Id: t.Id || Buffer.from(randomUUID()).toString('base64') };
    });
  }
  return out;
}
