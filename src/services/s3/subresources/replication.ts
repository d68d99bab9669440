/**
 * Put/Get/DeleteBucketReplication: the configuration is checked as S3 checks it (versioning on
 * both ends, the two rule schemas) and stored; no object is ever replicated.
 */
import {
  InvalidRequest,
  MalformedXML,
  ReplicationConfigurationNotFoundError,
} from '../../../generated/s3/errors.ts';
import type {
  DeleteBucketReplicationRequest,
  GetBucketReplicationOutput,
  GetBucketReplicationRequest,
  PutBucketReplicationRequest,
  ReplicationConfiguration,
  ReplicationRule,
} from '../../../generated/s3/types.ts';
import type { FeatureEnv } from '../access/env.ts';

const MAX_RULES = 1000;
const SCHEMA_GUIDE = 'Please refer to S3 Developer Guide for more information.';

/** A rule with a Filter is of the V2 schema, which needs DeleteMarkerReplication; V1 (Prefix) refuses it. */
function checkRuleSchema(rule: ReplicationRule): void {
  if (rule.Filter !== undefined && rule.DeleteMarkerReplication === undefined)
    throw new InvalidRequest(
      `DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema. ${SCHEMA_GUIDE}`,
    );
  if (rule.Filter === undefined && rule.DeleteMarkerReplication !== undefined)
    throw new InvalidRequest(
      `DeleteMarkerReplication cannot be used for this version of Cross Region Replication configuration schema. ${SCHEMA_GUIDE}`,
    );
}

export function replicationHandlers(env: FeatureEnv) {
  return {
    async PutBucketReplication(input: PutBucketReplicationRequest): Promise<void> {
      const b = await env.s3.bucket(input.Bucket);
      const config = input.ReplicationConfiguration;
      const rules = config?.Rules ?? [];
      if (!config?.Role || rules.length === 0 || rules.length > MAX_RULES) throw new MalformedXML();
      if (b.versioning !== 'Enabled')
        throw new InvalidRequest(
          "Versioning must be 'Enabled' on the bucket to apply a replication configuration",
        );
      for (const rule of rules) {
        if (!rule.Destination?.Bucket || !rule.Status) throw new MalformedXML();
        checkRuleSchema(rule);
        // A destination served here must be versioned too; others (another endpoint) are taken as given.
        const name = /^arn:aws[\w-]*:s3:::([^/]+)$/.exec(rule.Destination.Bucket)?.[1];
        const dest = name ? await env.s3.repo.getBucket(name) : undefined;
        if (dest && dest.versioning !== 'Enabled')
          throw new InvalidRequest('Destination bucket must have versioning enabled.');
      }
      const stored: ReplicationConfiguration = { Role: config.Role, Rules: rules };
      await env.config.put(b, 'replication', stored);
    },

    async GetBucketReplication(input: GetBucketReplicationRequest): Promise<GetBucketReplicationOutput> {
      const b = await env.s3.bucket(input.Bucket);
      const config = await env.config.get<ReplicationConfiguration>(b, 'replication');
      if (!config)
        throw new ReplicationConfigurationNotFoundError('The replication configuration was not found', {
          BucketName: input.Bucket,
        });
      return { ReplicationConfiguration: config };
    },

    async DeleteBucketReplication(input: DeleteBucketReplicationRequest): Promise<void> {
      const b = await env.s3.bucket(input.Bucket);
      await env.config.put(b, 'replication', undefined);
    },
  };
}
