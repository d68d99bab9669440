/** Object Ownership writes, default encryption (SSE-S3 reported on every bucket) and notification configuration. */
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
  ServerSideEncryptionRule,
} from '../../../generated/s3/types.ts';
import type { FeatureEnv } from './env.ts';
import { checkNotification } from './notification.ts';
import { checkOwnerOnlyAcl } from './acl-write.ts';
import type { BucketRecord } from '../store/repository.ts';
import type { BucketEncryptionDefault } from '../sse.ts';

const OWNERSHIPS = new Set(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']);
const SSE_ALGORITHMS = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);

/** Every bucket reports SSE-S3 when nothing else was configured (AWS, since January 2023). */
const DEFAULT_RULE: ServerSideEncryptionRule = {
  ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
  BucketKeyEnabled: false,
};
const ENCRYPTION_TYPES = new Set(['NONE', 'SSE-C']);

/**
 * Since April 2026 a new bucket blocks SSE-C writes; BlockedEncryptionTypes NONE lifts the block,
 * and a PutBucketEncryption that leaves the element out keeps the bucket's current setting
 * (terraform-provider-aws#47320: an AES256 rule without it read back as SSE-C).
 */
function blockedTypes(rule: ServerSideEncryptionRule | undefined): string[] {
  return rule?.BlockedEncryptionTypes?.EncryptionType ?? ['SSE-C'];
}

/** Whether the bucket refuses SSE-C writes (S3Env.sseCBlocked). */
export async function sseCBlocked(env: FeatureEnv, b: BucketRecord): Promise<boolean> {
  const c = await env.config.get<ServerSideEncryptionConfiguration>(b, 'encryption');
  return blockedTypes(c?.Rules?.[0]).includes('SSE-C');
}

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
      const b = await env.s3.bucket(input.Bucket);
      const rules = input.OwnershipControls?.Rules ?? [];
      if (rules.length !== 1) throw malformed();
      const o = rules[0]!.ObjectOwnership as string;
      if (!OWNERSHIPS.has(o)) throw malformed();
      if (o === 'BucketOwnerEnforced') checkOwnerOnlyAcl(env, b);
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
      const blocked = rules[0]!.BlockedEncryptionTypes?.EncryptionType;
      // A rule may only set the SSE-C block ({"BlockedEncryptionTypes": {"EncryptionType": ["NONE"]}}).
      if (!d && blocked === undefined) throw malformed();
      if (blocked !== undefined && (!blocked.length || blocked.some((t) => !ENCRYPTION_TYPES.has(t))))
        throw malformed();
      if (d && !SSE_ALGORITHMS.has(d.SSEAlgorithm)) throw malformed();
      if (d && d.SSEAlgorithm === 'AES256' && d.KMSMasterKeyID !== undefined) {
        throw new InvalidArgument(
          'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse',
          {
            ArgumentName: 'ApplyServerSideEncryptionByDefault',
          },
        );
      }
      const current = await env.config.get<ServerSideEncryptionConfiguration>(b, 'encryption');
      const rule: ServerSideEncryptionRule = {
        ...(d ? { ApplyServerSideEncryptionByDefault: { ...d } } : {}),
        BucketKeyEnabled: rules[0]!.BucketKeyEnabled === true,
        BlockedEncryptionTypes: { EncryptionType: blocked ?? blockedTypes(current?.Rules?.[0]) },
      };
      await env.config.put(b, 'encryption', { Rules: [rule] });
    },

    async GetBucketEncryption(input: GetBucketEncryptionRequest): Promise<GetBucketEncryptionOutput> {
      const b = await env.s3.bucket(input.Bucket);
      const rule = (await env.config.get<ServerSideEncryptionConfiguration>(b, 'encryption'))?.Rules?.[0];
      // A rule that only set the block reports the default SSE-S3 beside it.
      const base = rule?.ApplyServerSideEncryptionByDefault ? rule : DEFAULT_RULE;
      return {
        ServerSideEncryptionConfiguration: {
          Rules: [{ ...base, BlockedEncryptionTypes: { EncryptionType: blockedTypes(rule) } }],
        },
      };
    },

    async DeleteBucketEncryption(input: DeleteBucketEncryptionRequest): Promise<void> {
      const b = await env.s3.bucket(input.Bucket);
      // Back to the default SSE-S3, which cannot be turned off. What this does to the SSE-C block
      // is undocumented: it is kept, as an omitted BlockedEncryptionTypes keeps it.
      const c = await env.config.get<ServerSideEncryptionConfiguration>(b, 'encryption');
      const blocked = blockedTypes(c?.Rules?.[0]);
      const keep = blocked.includes('SSE-C')
        ? undefined
        : { Rules: [{ BlockedEncryptionTypes: { EncryptionType: blocked } }] };
      await env.config.put(b, 'encryption', keep);
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
      const empty = !all.length && !c.EventBridgeConfiguration;
      await env.config.put(b, 'notification', empty ? undefined : checkNotification(c, malformed));
    },

    async GetBucketNotificationConfiguration(
      input: GetBucketNotificationConfigurationRequest,
    ): Promise<NotificationConfiguration> {
      const b = await env.s3.bucket(input.Bucket);
      return (await env.config.get<NotificationConfiguration>(b, 'notification')) ?? {};
    },
  };
}
