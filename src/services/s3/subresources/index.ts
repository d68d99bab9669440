/**
 * Bucket subresources S3 stores but Stratus never acts on: transfer acceleration, Requester
 * Pays, server access logging, replication and the Id-keyed analytics, inventory, metrics and
 * Intelligent-Tiering configurations. Handlers and the IAM action of each operation (deletes
 * need the Put action, as the Service Authorization Reference lists them).
 */
import type { FeatureEnv } from '../access/env.ts';
import { settingsHandlers } from './settings.ts';
import { replicationHandlers } from './replication.ts';
import { idConfigHandlers } from './id-configs.ts';

const ID_KEYED: Record<string, string> = {
  Analytics: 'AnalyticsConfiguration',
  Inventory: 'InventoryConfiguration',
  Metrics: 'MetricsConfiguration',
  IntelligentTiering: 'IntelligentTieringConfiguration',
};

export const SUBRESOURCE_ACTIONS: Record<string, string> = {
  GetBucketAccelerateConfiguration: 's3:GetAccelerateConfiguration',
  PutBucketAccelerateConfiguration: 's3:PutAccelerateConfiguration',
  GetBucketRequestPayment: 's3:GetBucketRequestPayment',
  PutBucketRequestPayment: 's3:PutBucketRequestPayment',
  GetBucketLogging: 's3:GetBucketLogging',
  PutBucketLogging: 's3:PutBucketLogging',
  GetBucketReplication: 's3:GetReplicationConfiguration',
  PutBucketReplication: 's3:PutReplicationConfiguration',
  DeleteBucketReplication: 's3:PutReplicationConfiguration',
  ...Object.fromEntries(
    Object.entries(ID_KEYED).flatMap(([noun, action]) => [
      [`GetBucket${noun}Configuration`, `s3:Get${action}`],
      [`ListBucket${noun}Configurations`, `s3:Get${action}`],
      [`PutBucket${noun}Configuration`, `s3:Put${action}`],
      [`DeleteBucket${noun}Configuration`, `s3:Put${action}`],
    ]),
  ),
};

export function subresourceHandlers(env: FeatureEnv) {
  return {
    ...settingsHandlers(env),
    ...replicationHandlers(env),
    ...idConfigHandlers(env),
  };
}
