/**
 * Transfer acceleration, Requester Pays and server access logging: stored per bucket and
 * answered as S3 answers them. Nothing acts on them (no accelerate endpoint, no requester
 * billing, no log delivery).
 */
import { AwsError } from '../../../errors.ts';
import { InvalidRequest, InvalidTargetBucketForLogging, MalformedXML } from '../../../generated/s3/errors.ts';
import type {
  GetBucketAccelerateConfigurationOutput,
  GetBucketAccelerateConfigurationRequest,
  GetBucketLoggingOutput,
  GetBucketLoggingRequest,
  GetBucketRequestPaymentOutput,
  GetBucketRequestPaymentRequest,
  LoggingEnabled,
  PutBucketAccelerateConfigurationRequest,
  PutBucketLoggingRequest,
  PutBucketRequestPaymentRequest,
} from '../../../generated/s3/types.ts';
import type { FeatureEnv } from '../access/env.ts';

const ACCELERATE_STATUSES = new Set(['Enabled', 'Suspended']);
const PAYERS = new Set(['BucketOwner', 'Requester']);

export function settingsHandlers(env: FeatureEnv) {
  return {
    async PutBucketAccelerateConfiguration(input: PutBucketAccelerateConfigurationRequest): Promise<void> {
      const b = await env.s3.bucket(input.Bucket);
      const status = input.AccelerateConfiguration?.Status as string | undefined;
      if (status === undefined || !ACCELERATE_STATUSES.has(status)) throw new MalformedXML();
      // The accelerate endpoint is a DNS name per bucket: dotted names cannot have one.
      if (b.name.includes('.'))
        throw new InvalidRequest(
          'S3 Transfer Acceleration is not supported for buckets with periods (.) in their names',
        );
      await env.config.put(b, 'accelerate', status);
    },

    async GetBucketAccelerateConfiguration(
      input: GetBucketAccelerateConfigurationRequest,
    ): Promise<GetBucketAccelerateConfigurationOutput> {
      const b = await env.s3.bucket(input.Bucket);
      const status = await env.config.get<string>(b, 'accelerate');
      // Never set: an empty AccelerateConfiguration, no Status element.
      return status ? { Status: status as GetBucketAccelerateConfigurationOutput['Status'] } : {};
    },

    async PutBucketRequestPayment(input: PutBucketRequestPaymentRequest): Promise<void> {
      const b = await env.s3.bucket(input.Bucket);
      const payer = input.RequestPaymentConfiguration?.Payer as string | undefined;
      if (payer === undefined || !PAYERS.has(payer)) throw new MalformedXML();
      await env.config.put(b, 'request-payment', payer === 'BucketOwner' ? undefined : payer);
    },

    async GetBucketRequestPayment(
      input: GetBucketRequestPaymentRequest,
    ): Promise<GetBucketRequestPaymentOutput> {
      const b = await env.s3.bucket(input.Bucket);
      const payer = (await env.config.get<string>(b, 'request-payment')) ?? 'BucketOwner';
      return { Payer: payer as GetBucketRequestPaymentOutput['Payer'] };
    },

    async PutBucketLogging(input: PutBucketLoggingRequest): Promise<void> {
      const b = await env.s3.bucket(input.Bucket);
      const enabled = input.BucketLoggingStatus?.LoggingEnabled;
      // An empty BucketLoggingStatus turns logging off.
      if (!enabled) return env.config.put(b, 'logging', undefined);
      if (!enabled.TargetBucket || enabled.TargetPrefix === undefined) throw new MalformedXML();
      const target = await env.s3.repo.getBucket(enabled.TargetBucket);
      if (!target)
        throw new InvalidTargetBucketForLogging('The target bucket for logging does not exist', {
          TargetBucket: enabled.TargetBucket,
        });
      if (target.accountId !== b.accountId)
        throw new InvalidTargetBucketForLogging(
          'The owner for the bucket to be logged and the target bucket must be the same.',
          { TargetBucket: enabled.TargetBucket },
        );
      if (target.region !== b.region)
        // S3's own spelling of the code (the documented CrossLocationLoggingProhibited is not sent).
        throw new AwsError(
          'CrossLocationLoggingProhibitted',
          'Cross S3 location logging not allowed. ',
          403,
          {
            TargetBucketLocation: target.region,
            SourceBucketLocation: b.region,
          },
        );
      const stored: LoggingEnabled = { ...enabled };
      await env.config.put(b, 'logging', stored);
    },

    async GetBucketLogging(input: GetBucketLoggingRequest): Promise<GetBucketLoggingOutput> {
      const b = await env.s3.bucket(input.Bucket);
      const enabled = await env.config.get<LoggingEnabled>(b, 'logging');
      return enabled ? { LoggingEnabled: enabled } : {};
    },
  };
}
