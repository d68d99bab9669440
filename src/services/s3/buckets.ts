/** Buckets: create (naming, location constraints, global uniqueness), head, list, location, delete, tags. */
import { AwsError } from '../../errors.ts';
import {
  BucketAlreadyExists,
  BucketAlreadyOwnedByYou,
  BucketNotEmpty,
  IllegalLocationConstraintException,
  InvalidLocationConstraint,
  NoSuchBucket,
  NoSuchTagSet,
} from '../../generated/s3/errors.ts';
import type {
  CreateBucketOutput,
  CreateBucketRequest,
  DeleteBucketRequest,
  DeleteBucketTaggingRequest,
  GetBucketLocationOutput,
  GetBucketLocationRequest,
  GetBucketTaggingOutput,
  GetBucketTaggingRequest,
  HeadBucketOutput,
  HeadBucketRequest,
  ListBucketsOutput,
  ListBucketsRequest,
  PutBucketTaggingRequest,
} from '../../generated/s3/types.ts';
import type { HandlerContext } from '../handler.ts';
import { recordedTime, type S3Env } from './env.ts';
import { checkBucketName, checkTags } from './validation.ts';
import { decodeToken, encodeToken } from './tokens.ts';
import { isKnownRegion } from '../../regions.ts';
import { bucketOwnership, checkGrantees, createBucketAcl } from './acl.ts';

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
// log-delivery-write: the LogDelivery group may write the bucket's server access logs.
/**
 * CreateBucket's canned ACLs (S3's canned ACL table): aws-exec-read applies to buckets too, and
 * S3 ignores bucket-owner-read and bucket-owner-full-control on a new bucket (its owner is the
 * bucket owner, so they amount to the owner's full control).
 */
const CANNED_BUCKET_ACLS = new Set([
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'log-delivery-write',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
]);
const OBJECT_OWNERSHIPS = new Set(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']);

function locationOf(input: CreateBucketRequest, region: string): string {
  const constraint = input.CreateBucketConfiguration?.LocationConstraint as string | undefined;
  if (constraint === undefined || constraint === '') {
    if (region !== 'us-east-1')
      throw new IllegalLocationConstraintException(
        'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.',
      );
    return 'us-east-1';
  }
  // us-east-1 is never a valid constraint: a bucket there is created without one.
  if (constraint === 'us-east-1' || !REGION.test(constraint)) {
    throw new InvalidLocationConstraint('The specified location-constraint is not valid', {
      LocationConstraint: constraint,
    });
  }
  if (constraint !== region) {
    throw new IllegalLocationConstraintException(
      `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
    );
  }
  return constraint;
}

/**
 * ListBuckets' bucket-region filter: a region AWS has, and only the one the request was sent to
 * ("Requests made to a Regional endpoint that is different from the bucket-region parameter are
 * not supported", ListBuckets API reference). The name is read case-insensitively.
 */
function checkBucketRegion(value: string, endpointRegion: string): void {
  if (!isKnownRegion(value.toLowerCase())) {
    throw new AwsError('InvalidArgument', `Argument value ${value} is not a valid AWS Region`, 400, {
      ArgumentName: 'bucket-region',
    });
  }
  if (value.toLowerCase() !== endpointRegion) {
    throw new AwsError(
      'InvalidArgument',
      'Requests with bucket-region specified must be made to the corresponding regional endpoint',
      400,
      { ArgumentName: 'bucket-region' },
    );
  }
}

export function bucketHandlers(env: S3Env) {
  return {
    async CreateBucket(input: CreateBucketRequest, ctx: HandlerContext): Promise<CreateBucketOutput> {
      checkBucketName(input.Bucket);
      const region = locationOf(input, ctx.region);
      if (input.ACL !== undefined && !CANNED_BUCKET_ACLS.has(input.ACL)) {
        throw new AwsError('InvalidArgument', '', 400, {
          ArgumentName: 'x-amz-acl',
          ArgumentValue: input.ACL,
        });
      }
      // An unknown x-amz-object-ownership is a bad argument (AWS, as LocalStack's validated tests
      // record), not an ACL conflict.
      if (input.ObjectOwnership !== undefined && !OBJECT_OWNERSHIPS.has(input.ObjectOwnership)) {
        throw new AwsError(
          'InvalidArgument',
          `Invalid x-amz-object-ownership header: ${input.ObjectOwnership}`,
          400,
          {
            ArgumentName: 'x-amz-object-ownership',
          },
        );
      }
      const objectOwnership = bucketOwnership(input.ObjectOwnership, input.ACL, ctx.request.headers);
      const acl = objectOwnership ? createBucketAcl(input.ACL, ctx.request.headers) : undefined;
      await checkGrantees(env, acl);
      const tags = input.CreateBucketConfiguration?.Tags
        ? checkTags(input.CreateBucketConfiguration.Tags as never, 'bucket')
        : undefined;
      const created = await env.repo.createBucket({
        name: input.Bucket,
        accountId: ctx.accountId,
        region,
        // Exact: the instant also tells this bucket's settings from those of an earlier bucket
        // of the name (they are stamped with it); answers show it in whole seconds.
        createdAt: ctx.now.getTime(),
        ...(acl ? { acl } : {}),
        ...(objectOwnership ? { objectOwnership } : {}),
        ...(tags?.length ? { tags } : {}),
      });
      if (!created.created) {
        const existing = created.existing;
        if (existing.accountId !== ctx.accountId) {
          throw new BucketAlreadyExists(undefined, { BucketName: input.Bucket });
        }
        // us-east-1 answers 200 for legacy reasons (the bucket is left as it was).
        if (!(existing.region === 'us-east-1' && region === 'us-east-1')) {
          throw new BucketAlreadyOwnedByYou(undefined, { BucketName: input.Bucket });
        }
      }
      return {
        Location: region === 'us-east-1' ? `/${input.Bucket}` : `http://${input.Bucket}.s3.amazonaws.com/`,
        BucketArn: `arn:aws:s3:::${input.Bucket}`,
      } as CreateBucketOutput;
    },

    async HeadBucket(input: HeadBucketRequest): Promise<HeadBucketOutput> {
      const b = await env.bucket(input.Bucket);
      return {
        BucketRegion: b.region,
        AccessPointAlias: false,
        BucketArn: `arn:aws:s3:::${b.name}`,
      } as HeadBucketOutput;
    },

    async GetBucketLocation(input: GetBucketLocationRequest): Promise<GetBucketLocationOutput> {
      const b = await env.bucket(input.Bucket);
      return b.region === 'us-east-1' ? {} : ({ LocationConstraint: b.region } as GetBucketLocationOutput);
    },

    async ListBuckets(input: ListBucketsRequest, ctx: HandlerContext): Promise<ListBucketsOutput> {
      const max = input.MaxBuckets;
      if (max !== undefined && (max < 1 || max > 10000)) {
        throw new AwsError(
          'InvalidArgument',
          'Argument max-buckets must be an integer between 1 and 10000',
          400,
          {
            ArgumentName: 'max-buckets',
            ArgumentValue: String(max),
          },
        );
      }
      if (input.BucketRegion !== undefined) checkBucketRegion(input.BucketRegion, ctx.region);
      // An empty continuation-token is no token here (unlike ListObjectsV2, which refuses it).
      const after = input.ContinuationToken
        ? decodeToken(input.ContinuationToken, 'continuation-token')
        : undefined;
      const limit = max ?? 10000;
      const rows = await env.repo.listBuckets(ctx.accountId, {
        ...(input.Prefix ? { prefix: input.Prefix } : {}),
        ...(after !== undefined ? { after } : {}),
        ...(input.BucketRegion ? { region: input.BucketRegion.toLowerCase() } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const more = rows.length > limit;
      return {
        Buckets: page.map((b) => ({
          Name: b.name,
          CreationDate: new Date(recordedTime(new Date(b.createdAt))),
          BucketRegion: b.region,
          BucketArn: `arn:aws:s3:::${b.name}`,
        })),
        Owner: await env.owner(ctx.accountId),
        ...(more ? { ContinuationToken: encodeToken(page[page.length - 1]!.name) } : {}),
        ...(input.Prefix !== undefined ? { Prefix: input.Prefix } : {}),
      } as ListBucketsOutput;
    },

    async DeleteBucket(input: DeleteBucketRequest): Promise<void> {
      const r = await env.repo.deleteBucket(input.Bucket);
      if (r.result === 'missing') throw new NoSuchBucket(undefined, { BucketName: input.Bucket });
      if (r.result === 'not-empty') throw new BucketNotEmpty(undefined, { BucketName: input.Bucket });
      env.free(r.freed);
    },

    async PutBucketTagging(input: PutBucketTaggingRequest): Promise<void> {
      await env.bucket(input.Bucket);
      const tags = checkTags((input.Tagging?.TagSet ?? []) as never, 'bucket');
      await env.repo.setBucketTags(input.Bucket, tags.length ? tags : undefined);
    },

    async GetBucketTagging(input: GetBucketTaggingRequest): Promise<GetBucketTaggingOutput> {
      const b = await env.bucket(input.Bucket);
      if (!b.tags?.length) throw new NoSuchTagSet(undefined, { BucketName: input.Bucket });
      return { TagSet: b.tags };
    },

    async DeleteBucketTagging(input: DeleteBucketTaggingRequest): Promise<void> {
      await env.bucket(input.Bucket);
      await env.repo.setBucketTags(input.Bucket, undefined);
    },
  };
}
