/** Trails: create, read, update, delete, logging on/off and status. */
import type {
  CreateTrailRequest,
  CreateTrailResponse,
  DeleteTrailRequest,
  DescribeTrailsRequest,
  DescribeTrailsResponse,
  GetTrailRequest,
  GetTrailResponse,
  GetTrailStatusRequest,
  GetTrailStatusResponse,
  ListTrailsRequest,
  ListTrailsResponse,
  StartLoggingRequest,
  StopLoggingRequest,
  Trail,
  UpdateTrailRequest,
  UpdateTrailResponse,
} from '../../generated/cloudtrail/types.ts';
import {
  InvalidHomeRegionException,
  InvalidParameterCombinationException,
  InvalidS3PrefixException,
  MaximumNumberOfTrailsExceededException,
  OrganizationsNotInUseException,
  TrailAlreadyExistsException,
} from '../../generated/cloudtrail/errors.ts';
import type { HandlerContext } from '../handler.ts';
import { isoSeconds } from '../../time-format.ts';
import type { CloudTrailEnv } from './env.ts';
import { checkTrailBucket } from './bucket-policy.ts';
import { checkKeyAndTopic } from './key-and-topic.ts';
import { checkTrailName, parseTrailRef, trailArn, trailNotFound } from './names.ts';
import { checkTags } from './tags.ts';
import type { TrailRecord } from './trail-store.ts';

/** AWS allows five trails per region per account. */
const MAX_TRAILS_PER_REGION = 5;

export function trailShape(t: TrailRecord): Trail {
  const s = t.settings;
  return {
    Name: t.name,
    S3BucketName: s.S3BucketName,
    ...(s.S3KeyPrefix ? { S3KeyPrefix: s.S3KeyPrefix } : {}),
    IncludeGlobalServiceEvents: s.IncludeGlobalServiceEvents,
    IsMultiRegionTrail: s.IsMultiRegionTrail,
    HomeRegion: t.homeRegion,
    TrailARN: t.arn,
    LogFileValidationEnabled: s.LogFileValidationEnabled,
    ...(s.KmsKeyId ? { KmsKeyId: s.KmsKeyId } : {}),
    HasCustomEventSelectors: t.eventSelectors !== undefined || t.advancedEventSelectors !== undefined,
    HasInsightSelectors: Boolean(t.insightSelectors?.length),
    IsOrganizationTrail: s.IsOrganizationTrail,
  };
}

/** A trail by name or ARN, as seen from the caller's region (multi-region trails everywhere). */
export async function findTrail(
  env: CloudTrailEnv,
  value: string,
  ctx: HandlerContext,
): Promise<{ trail: TrailRecord; shadow: boolean }> {
  const ref = parseTrailRef(value);
  const notFound = () => trailNotFound(ref.region ?? ctx.region, ref.accountId ?? ctx.accountId, ref.name);
  if (ref.accountId && ref.accountId !== ctx.accountId) throw notFound();
  const home = await env.trails.get(ctx.accountId, ref.region ?? ctx.region, ref.name);
  if (home) {
    if (home.homeRegion !== ctx.region && !home.settings.IsMultiRegionTrail) throw notFound();
    return { trail: home, shadow: home.homeRegion !== ctx.region };
  }
  if (ref.region) throw notFound();
  const shadow = (await env.trails.list(ctx.accountId)).find(
    (t) => t.name === ref.name && t.settings.IsMultiRegionTrail,
  );
  if (!shadow) throw notFound();
  return { trail: shadow, shadow: true };
}

/** Changes are made in the trail's home region only. */
export async function findOwnTrail(
  env: CloudTrailEnv,
  value: string,
  ctx: HandlerContext,
): Promise<TrailRecord> {
  const { trail, shadow } = await findTrail(env, value, ctx);
  if (shadow)
    throw new InvalidHomeRegionException(
      `The home region of the trail ${trail.arn} is ${trail.homeRegion}. Call this operation in that region.`,
    );
  return trail;
}

function checkPrefix(prefix: string | undefined): void {
  if (prefix !== undefined && (prefix.length > 200 || prefix.startsWith('/') || prefix.endsWith('/')))
    throw new InvalidS3PrefixException(`Invalid S3 key prefix: ${prefix}`);
}

function checkLogGroup(input: {
  CloudWatchLogsLogGroupArn?: string;
  CloudWatchLogsRoleArn?: string;
  IsOrganizationTrail?: boolean;
}): void {
  if (Boolean(input.CloudWatchLogsLogGroupArn) !== Boolean(input.CloudWatchLogsRoleArn))
    throw new InvalidParameterCombinationException('You must specify a log group and a role ARN together.');
  // Stratus accounts belong to no AWS Organization.
  if (input.IsOrganizationTrail)
    throw new OrganizationsNotInUseException('This account is not a member of an organization.');
}

export function trailHandlers(env: CloudTrailEnv) {
  return {
    async CreateTrail(input: CreateTrailRequest, ctx: HandlerContext): Promise<CreateTrailResponse> {
      checkTrailName(input.Name);
      checkPrefix(input.S3KeyPrefix);
      checkLogGroup(input);
      const tags = checkTags(input.TagsList ?? []);
      const all = await env.trails.list(ctx.accountId);
      const clash = all.find(
        (t) =>
          t.name === input.Name &&
          (t.homeRegion === ctx.region || t.settings.IsMultiRegionTrail || input.IsMultiRegionTrail),
      );
      if (clash)
        throw new TrailAlreadyExistsException(
          `Trail ${input.Name} already exists for customer: ${ctx.accountId}`,
        );
      if (all.filter((t) => t.homeRegion === ctx.region).length >= MAX_TRAILS_PER_REGION)
        throw new MaximumNumberOfTrailsExceededException(
          `User: ${ctx.accountId} already has ${MAX_TRAILS_PER_REGION} trails in ${ctx.region}.`,
        );
      const arn = trailArn(ctx.region, ctx.accountId, input.Name);
      await checkTrailBucket(env.s3, {
        bucket: input.S3BucketName,
        prefix: input.S3KeyPrefix,
        accountId: ctx.accountId,
        region: ctx.region,
        trailArn: arn,
      });
      checkKeyAndTopic(input, ctx.accountId, ctx.region);
      const trail: TrailRecord = {
        accountId: ctx.accountId,
        homeRegion: ctx.region,
        name: input.Name,
        arn,
        settings: {
          S3BucketName: input.S3BucketName,
          ...(input.S3KeyPrefix ? { S3KeyPrefix: input.S3KeyPrefix } : {}),
          ...(input.SnsTopicName ? { SnsTopicName: input.SnsTopicName } : {}),
          IncludeGlobalServiceEvents: input.IncludeGlobalServiceEvents ?? true,
          IsMultiRegionTrail: input.IsMultiRegionTrail ?? false,
          LogFileValidationEnabled: input.EnableLogFileValidation ?? false,
          ...(input.KmsKeyId ? { KmsKeyId: input.KmsKeyId } : {}),
          IsOrganizationTrail: input.IsOrganizationTrail ?? false,
        },
        tags,
        status: { isLogging: false },
        cursor: 0,
        createdAt: ctx.now.getTime(),
      };
      if (!(await env.trails.create(trail)))
        throw new TrailAlreadyExistsException(
          `Trail ${input.Name} already exists for customer: ${ctx.accountId}`,
        );
      const {
        HomeRegion: _h,
        HasCustomEventSelectors: _c,
        HasInsightSelectors: _i,
        ...out
      } = trailShape(trail);
      return out;
    },

    async GetTrail(input: GetTrailRequest, ctx: HandlerContext): Promise<GetTrailResponse> {
      return { Trail: trailShape((await findTrail(env, input.Name, ctx)).trail) };
    },

    async DescribeTrails(input: DescribeTrailsRequest, ctx: HandlerContext): Promise<DescribeTrailsResponse> {
      const shadows = input.includeShadowTrails ?? true;
      const all = await env.trails.list(ctx.accountId);
      const visible = all.filter(
        (t) => t.homeRegion === ctx.region || (shadows && t.settings.IsMultiRegionTrail),
      );
      const names = input.trailNameList;
      if (!names?.length) return { trailList: visible.map(trailShape) };
      const found = new Set<TrailRecord>();
      for (const value of names) {
        const ref = parseTrailRef(value);
        const t = visible.find((x) => (ref.region ? x.arn === value : x.name === ref.name));
        if (t) found.add(t);
      }
      return { trailList: [...found].map(trailShape) };
    },

    async ListTrails(_input: ListTrailsRequest, ctx: HandlerContext): Promise<ListTrailsResponse> {
      const all = await env.trails.list(ctx.accountId);
      return { Trails: all.map((t) => ({ TrailARN: t.arn, Name: t.name, HomeRegion: t.homeRegion })) };
    },

    async UpdateTrail(input: UpdateTrailRequest, ctx: HandlerContext): Promise<UpdateTrailResponse> {
      const trail = await findOwnTrail(env, input.Name, ctx);
      checkPrefix(input.S3KeyPrefix);
      checkLogGroup(input);
      const s = trail.settings;
      const bucket = input.S3BucketName ?? s.S3BucketName;
      const prefix = input.S3KeyPrefix !== undefined ? input.S3KeyPrefix || undefined : s.S3KeyPrefix;
      if (input.S3BucketName !== undefined || input.S3KeyPrefix !== undefined)
        await checkTrailBucket(env.s3, {
          bucket,
          prefix,
          accountId: ctx.accountId,
          region: ctx.region,
          trailArn: trail.arn,
        });
      checkKeyAndTopic(input, ctx.accountId, ctx.region);
      trail.settings = {
        ...s,
        S3BucketName: bucket,
        ...(prefix ? { S3KeyPrefix: prefix } : { S3KeyPrefix: undefined }),
        ...(input.SnsTopicName !== undefined ? { SnsTopicName: input.SnsTopicName || undefined } : {}),
        ...(input.IncludeGlobalServiceEvents !== undefined
          ? { IncludeGlobalServiceEvents: input.IncludeGlobalServiceEvents }
          : {}),
        ...(input.IsMultiRegionTrail !== undefined ? { IsMultiRegionTrail: input.IsMultiRegionTrail } : {}),
        ...(input.EnableLogFileValidation !== undefined
          ? { LogFileValidationEnabled: input.EnableLogFileValidation }
          : {}),
        ...(input.KmsKeyId !== undefined ? { KmsKeyId: input.KmsKeyId || undefined } : {}),
        ...(input.IsOrganizationTrail !== undefined
          ? { IsOrganizationTrail: input.IsOrganizationTrail }
          : {}),
      };
      if (trail.settings.IsMultiRegionTrail && !trail.settings.IncludeGlobalServiceEvents)
        throw new InvalidParameterCombinationException(
          'Multi-Region trail must include global service events.',
        );
      await env.trails.put(trail);
      const {
        HomeRegion: _h,
        HasCustomEventSelectors: _c,
        HasInsightSelectors: _i,
        ...out
      } = trailShape(trail);
      return out;
    },

    async DeleteTrail(input: DeleteTrailRequest, ctx: HandlerContext): Promise<Record<string, never>> {
      const trail = await findOwnTrail(env, input.Name, ctx);
      await env.trails.delete(trail.accountId, trail.homeRegion, trail.name);
      return {};
    },

    async StartLogging(input: StartLoggingRequest, ctx: HandlerContext): Promise<Record<string, never>> {
      const trail = await findOwnTrail(env, input.Name, ctx);
      if (!trail.status.isLogging) {
        // Deliver what happens from now on.
        await env.audit.flush();
        trail.cursor = await env.audit.repository.lastSeq();
        trail.status = { ...trail.status, isLogging: true, startLoggingTime: ctx.now.getTime() };
        await env.trails.put(trail);
      }
      return {};
    },

    async StopLogging(input: StopLoggingRequest, ctx: HandlerContext): Promise<Record<string, never>> {
      const trail = await findOwnTrail(env, input.Name, ctx);
      if (trail.status.isLogging) {
        // What was recorded while logging still goes out.
        await env.delivery.deliver(trail);
        const fresh = (await env.trails.get(trail.accountId, trail.homeRegion, trail.name)) ?? trail;
        fresh.status = { ...fresh.status, isLogging: false, stopLoggingTime: ctx.now.getTime() };
        await env.trails.put(fresh);
      }
      return {};
    },

    async GetTrailStatus(input: GetTrailStatusRequest, ctx: HandlerContext): Promise<GetTrailStatusResponse> {
      const { trail } = await findTrail(env, input.Name, ctx);
      const s = trail.status;
      const date = (ms?: number) => (ms === undefined ? undefined : new Date(ms));
      const text = (ms?: number) => (ms === undefined ? '' : isoSeconds(new Date(ms)));
      const out: GetTrailStatusResponse = {
        IsLogging: s.isLogging,
        ...(s.latestDeliveryError ? { LatestDeliveryError: s.latestDeliveryError } : {}),
        ...(s.latestDeliveryTime !== undefined ? { LatestDeliveryTime: date(s.latestDeliveryTime) } : {}),
        ...(s.startLoggingTime !== undefined ? { StartLoggingTime: date(s.startLoggingTime) } : {}),
        ...(s.stopLoggingTime !== undefined ? { StopLoggingTime: date(s.stopLoggingTime) } : {}),
        LatestDeliveryAttemptTime: text(s.latestDeliveryAttemptTime),
        LatestNotificationAttemptTime: '',
        LatestNotificationAttemptSucceeded: '',
        LatestDeliveryAttemptSucceeded: s.latestDeliveryAttemptSucceeded
          ? text(s.latestDeliveryAttemptTime)
          : '',
        TimeLoggingStarted: text(s.startLoggingTime),
        TimeLoggingStopped: text(s.stopLoggingTime),
      };
      return out;
    },
  };
}
