/** Object Ownership writes, default encryption (SSE-S3 reported on every bucket) and notification configuration. */
import { AwsError } from '../../../errors.ts';
import { InvalidArgument, MalformedXML } from '../../../generated/s3/errors.ts';
import type {
  DeleteBucketEncryptionRequest,
  DeleteBucketOwnershipControlsRequest,
  GetBucketEncryptionOutput,
  GetBucketEncryptionRequest,
  GetBucketNotificationConfigurationRequest,
  NotificationConfiguration,
  PutBucketEncryptionRequest,
  PutBucketNotificationConfigurationRequest,
  PutBucketOwnershipControlsRequest,
  ServerSideEncryptionConfiguration,
} from '../../../generated/s3/types.ts';
import type { FeatureEnv } from './env.ts';
import type { BucketRecord } from '../store/repository.ts';
import type { BucketEncryptionDefault } from '../sse.ts';

const OWNERSHIPS = new Set(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']);
const SSE_ALGORITHMS = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);

/** Every bucket reports SSE-S3 when nothing else was configured (AWS, since January 2023). */
const DEFAULT_ENCRYPTION: ServerSideEncryptionConfiguration = {
  Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }],
};

const malformed = () =>
  new MalformedXML(
    'The XML you provided was not well-formed or did not validate against our published schema',
  );

/** The bucket's configured default encryption, for object writes (S3Env.defaultEncryption). */
export async function encryptionDefault(
  env: FeatureEnv,
  b: BucketRecord,
): Promise<BucketEncryptionDefault | undefined> {
  const c = await env.config.get<ServerSideEncryptionConfiguration>(b, 'encryption');
  const rule = c?.Rules?.[0];
  const d = rule?.ApplyServerSideEncryptionByDefault;
  if (!d) return undefined;
  return {
    algorithm: d.SSEAlgorithm,
    ...(d.KMSMasterKeyID !== undefined ? { kmsKeyId: d.KMSMasterKeyID } : {}),
    bucketKey: rule.BucketKeyEnabled === true,
  };
}

export function bucketSettingsHandlers(env: FeatureEnv) {
  return {
    async PutBucketOwnershipControls(input: PutBucketOwnershipControlsRequest): Promise<void> {
      await env.s3.bucket(input.Bucket);
      const rules = input.OwnershipControls?.Rules ?? [];
      if (rules.length !== 1) throw malformed();
      const o = rules[0]!.ObjectOwnership as string;
      if (!OWNERSHIPS.has(o)) throw malformed();
      await env.s3.repo.setObjectOwnership(input.Bucket, o === 'BucketOwnerEnforced' ? undefined : o);
    },

    async DeleteBucketOwnershipControls(input: DeleteBucketOwnershipControlsRequest): Promise<void> {
      await env.s3.bucket(input.Bucket);
      // No controls at all: ACLs apply as before 2023 (object writer owns its objects).
      await env.s3.repo.setObjectOwnership(input.Bucket, 'none');
    },

    async PutBucketEncryption(input: PutBucketEncryptionRequest): Promise<void> {
      const b = await env.s3.bucket(input.Bucket);
      const rules = input.ServerSideEncryptionConfiguration?.Rules ?? [];
      if (rules.length !== 1) throw malformed();
      const d = rules[0]!.ApplyServerSideEncryptionByDefault;
      if (!d) throw malformed();
      if (!SSE_ALGORITHMS.has(d.SSEAlgorithm)) throw malformed();
      if (d.SSEAlgorithm === 'AES256' && d.KMSMasterKeyID !== undefined) {
        throw new InvalidArgument(
          'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse',
          {
            ArgumentName: 'ApplyServerSideEncryptionByDefault',
          },
        );
      }
      const rule = {
        ApplyServerSideEncryptionByDefault: { ...d },
        BucketKeyEnabled: rules[0]!.BucketKeyEnabled === true,
      };
      await env.config.put(b, 'encryption', { Rules: [rule] });
    },

    async GetBucketEncryption(input: GetBucketEncryptionRequest): Promise<GetBucketEncryptionOutput> {
      const b = await env.s3.bucket(input.Bucket);
      const c = await env.config.get<ServerSideEncryptionConfiguration>(b, 'encryption');
      return { ServerSideEncryptionConfiguration: c ?? DEFAULT_ENCRYPTION };
    },

    async DeleteBucketEncryption(input: DeleteBucketEncryptionRequest): Promise<void> {
      const b = await env.s3.bucket(input.Bucket);
      // Back to the default SSE-S3, which cannot be turned off.
      await env.config.put(b, 'encryption', undefined);
    },

    async PutBucketNotificationConfiguration(
      input: PutBucketNotificationConfigurationRequest,
    ): Promise<void> {
      const b = await env.s3.bucket(input.Bucket);
      const c = input.NotificationConfiguration ?? {};
      const all = [
        ...(c.TopicConfigurations ?? []),
        ...(c.QueueConfigurations ?? []),
        ...(c.LambdaFunctionConfigurations ?? []),
      ];
      for (const t of all) {
        if (!t.Events?.length) throw malformed();
        for (const e of t.Events) {
          if (!/^s3:[A-Za-z]+:(\*|[A-Za-z]+)$|^s3:[A-Za-z]+$/.test(e)) {
            throw new AwsError('InvalidArgument', 'The event is not supported for notifications', 400, {
              ArgumentName: e,
              ArgumentValue: e,
            });
          }
        }
      }
      const empty = !all.length && !c.EventBridgeConfiguration;
      await env.config.put(b, 'notification', empty ? undefined : c);
    },

    async GetBucketNotificationConfiguration(
      input: GetBucketNotificationConfigurationRequest,
    ): Promise<NotificationConfiguration> {
      const b = await env.s3.bucket(input.Bucket);
      return (await env.config.get<NotificationConfiguration>(b, 'notification')) ?? {};
    },
  };
}
