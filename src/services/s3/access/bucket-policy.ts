/**
 * Bucket policies (validated by the policy engine, evaluated by the authorizer through the S3
 * mapper's resourcePolicy), their public status, and Block Public Access at bucket level.
 */
import { AwsError } from '../../../errors.ts';
import {
  AccessDenied,
  NoSuchBucketPolicy,
  NoSuchPublicAccessBlockConfiguration,
} from '../../../generated/s3/errors.ts';
import type {
  DeleteBucketPolicyRequest,
  DeletePublicAccessBlockRequest,
  GetBucketPolicyOutput,
  GetBucketPolicyRequest,
  GetBucketPolicyStatusOutput,
  GetBucketPolicyStatusRequest,
  GetPublicAccessBlockOutput,
  GetPublicAccessBlockRequest,
  PutBucketPolicyRequest,
  PutPublicAccessBlockRequest,
} from '../../../generated/s3/types.ts';
import { checkBucketPolicy, POLICY_LIMITS } from '../../../policy/index.ts';
import type { HandlerContext } from '../../handler.ts';
import type { FeatureEnv, PublicAccessBlock } from './env.ts';
import { isPublicPolicy } from './public-policy.ts';

const tooLarge = () =>
  new AwsError('PolicyTooLarge', 'Policy exceeds the maximum allowed document size.', 400);

/** The policy payload: the parser hands string payloads over as the body stream. */
async function policyText(v: unknown): Promise<string> {
  if (typeof v === 'string') return v;
  if (!v || typeof (v as AsyncIterable<Buffer>)[Symbol.asyncIterator] !== 'function') return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of v as AsyncIterable<Buffer>) {
    chunks.push(c);
    size += c.length;
    // Far past the quota even after whitespace is dropped: stop reading.
    if (size > 64 * POLICY_LIMITS.bucket) throw tooLarge();
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function bucketPolicyHandlers(env: FeatureEnv) {
  const noPolicy = (bucket: string) =>
    new NoSuchBucketPolicy('The bucket policy does not exist', { BucketName: bucket });
  return {
    async PutBucketPolicy(input: PutBucketPolicyRequest, ctx: HandlerContext): Promise<void> {
      const b = await env.s3.bucket(input.Bucket);
      const text = await policyText(input.Policy as unknown);
      // The 20 KB quota counts the policy without its whitespace.
      if (Buffer.byteLength(text.replace(/\s+/g, ''), 'utf8') > POLICY_LIMITS.bucket) {
        throw tooLarge();
      }
      const checked = checkBucketPolicy(text, { bucket: input.Bucket });
      if (!checked.ok) throw new AwsError(checked.code, checked.message, 400);
      const pab = await env.publicAccessBlock(b);
      if (pab?.BlockPublicPolicy && isPublicPolicy(text)) {
        const who = ctx.principal.type === 'Anonymous' ? 'anonymous' : ctx.principal.arn;
        throw new AccessDenied(
          `User: ${who} is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::${input.Bucket}" because public policies are blocked by the BlockPublicPolicy block public access setting.`,
        );
      }
      await env.s3.repo.setBucketPolicy(input.Bucket, text);
    },

    async GetBucketPolicy(input: GetBucketPolicyRequest): Promise<GetBucketPolicyOutput> {
      const b = await env.s3.bucket(input.Bucket);
      if (!b.policy) throw noPolicy(input.Bucket);
      return { Policy: b.policy };
    },

    async DeleteBucketPolicy(input: DeleteBucketPolicyRequest): Promise<void> {
      await env.s3.bucket(input.Bucket);
      await env.s3.repo.setBucketPolicy(input.Bucket, undefined);
    },

    async GetBucketPolicyStatus(input: GetBucketPolicyStatusRequest): Promise<GetBucketPolicyStatusOutput> {
      const b = await env.s3.bucket(input.Bucket);
      if (!b.policy) throw noPolicy(input.Bucket);
      return { PolicyStatus: { IsPublic: isPublicPolicy(b.policy) } };
    },

    async PutPublicAccessBlock(input: PutPublicAccessBlockRequest): Promise<void> {
      const b = await env.s3.bucket(input.Bucket);
      const c = input.PublicAccessBlockConfiguration ?? {};
      const value: PublicAccessBlock = {
        BlockPublicAcls: c.BlockPublicAcls === true,
        IgnorePublicAcls: c.IgnorePublicAcls === true,
        BlockPublicPolicy: c.BlockPublicPolicy === true,
        RestrictPublicBuckets: c.RestrictPublicBuckets === true,
      };
      await env.config.put(b, 'public-access-block', value);
    },

    async GetPublicAccessBlock(input: GetPublicAccessBlockRequest): Promise<GetPublicAccessBlockOutput> {
      const b = await env.s3.bucket(input.Bucket);
      const pab = await env.publicAccessBlock(b);
      if (!pab)
        throw new NoSuchPublicAccessBlockConfiguration(
          'The public access block configuration was not found',
          { BucketName: input.Bucket },
        );
      return { PublicAccessBlockConfiguration: { ...pab } };
    },

    async DeletePublicAccessBlock(input: DeletePublicAccessBlockRequest): Promise<void> {
      const b = await env.s3.bucket(input.Bucket);
      await env.config.put(b, 'public-access-block', null);
    },
  };
}
