/**
 * Trail delivery: every STRATUS_TRAIL_DELIVERY_MS (default 60 s; AWS takes about 5 minutes)
 * each logging trail gets the events recorded since its last delivery that its region and
 * selectors take, as gzip JSON files ({"Records": [...]}, one per event region) written into its
 * bucket as cloudtrail.amazonaws.com, at CloudTrail's keys:
 *   [prefix/]AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_RANDOM.json.gz
 * StopLogging delivers what is pending at once.
 */
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { AwsError } from '../../errors.ts';
import type { AuditLog, CloudTrailEvent } from '../../audit/index.ts';
import { selects } from './selectors.ts';
import { checkTrailBucket } from './bucket-policy.ts';
import type { TrailBucketAccess } from './s3-access.ts';
import type { TrailRecord, TrailRepository } from './trail-store.ts';

const gzip = promisify(gzipCb);
const PAGE = 1000;
/** Records per log file (CloudTrail's files stay small). */
const FILE_RECORDS = 1000;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomSuffix(): string {
  const bytes = randomBytes(16);
  let s = '';
  for (const b of bytes) s += ALNUM[b % ALNUM.length];
  return s;
}

export function logFileKey(t: { accountId: string; prefix?: string }, region: string, at: Date): string {
  const iso = at.toISOString();
  const [y, m, d] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
  const stamp = `${y}${m}${d}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
  const head = t.prefix ? `${t.prefix}/` : '';
  return `${head}AWSLogs/${t.accountId}/CloudTrail/${region}/${y}/${m}/${d}/${t.accountId}_CloudTrail_${region}_${stamp}_${randomSuffix()}.json.gz`;
}

function isGlobal(e: CloudTrailEvent): boolean {
  return (
    e.eventSource === 'iam.amazonaws.com' ||
    (e.eventSource === 'sts.amazonaws.com' && e.awsRegion === 'us-east-1')
  );
}

/** Whether the trail takes the event: its region (or every region), global events, selectors. */
export function trailTakes(t: TrailRecord, e: CloudTrailEvent): boolean {
  const s = t.settings;
  const regionOk = isGlobal(e)
    ? s.IncludeGlobalServiceEvents
    : s.IsMultiRegionTrail || e.awsRegion === t.homeRegion;
  return regionOk && selects(t.eventSelectors, t.advancedEventSelectors, e);
}

export class TrailDelivery {
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly trails: TrailRepository,
    private readonly audit: AuditLog,
    private readonly s3: TrailBucketAccess,
    private readonly now: () => Date,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.deliverAll(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Delivers every logging trail (one run at a time). */
  deliverAll(): Promise<void> {
    this.running = this.running.then(async () => {
      for (const t of await this.trails.logging()) await this.deliverOne(t);
    });
    return this.running;
  }

  /** Delivers one trail now (StopLogging), after any run in progress. */
  deliver(trail: TrailRecord): Promise<void> {
    this.running = this.running.then(() => this.deliverOne(trail));
    return this.running;
  }

  /** The bucket is checked again at each delivery: a policy changed since CreateTrail stops it, as on AWS. */
  private async bucketError(trail: TrailRecord): Promise<string | undefined> {
    try {
      await checkTrailBucket(this.s3, {
        bucket: trail.settings.S3BucketName,
        prefix: trail.settings.S3KeyPrefix,
        accountId: trail.accountId,
        region: trail.homeRegion,
        trailArn: trail.arn,
      });
      return undefined;
    } catch (e) {
      const code = e instanceof AwsError ? e.code : 'InternalError';
      return code === 'S3BucketDoesNotExistException'
        ? 'NoSuchBucket'
        : code === 'InsufficientS3BucketPolicyException'
          ? 'AccessDenied'
          : code;
    }
  }

  private async deliverOne(given: TrailRecord): Promise<void> {
    const trail =
      (await this.trails.get(given.accountId, given.homeRegion, given.name).catch(() => undefined)) ?? given;
    try {
      await this.audit.flush();
      const through = await this.audit.repository.lastSeq();
      if (through <= trail.cursor) return;
      const byRegion = new Map<string, CloudTrailEvent[]>();
      let cursor: string | undefined;
      do {
        const page = await this.audit.repository.query({
          accountId: trail.accountId,
          afterSeq: trail.cursor,
          throughSeq: through,
          order: 'seq',
          limit: PAGE,
          ...(cursor ? { cursor } : {}),
        });
        for (const r of page.records) {
          if (!trailTakes(trail, r.event)) continue;
          const list = byRegion.get(r.event.awsRegion) ?? [];
          list.push(r.event);
          byRegion.set(r.event.awsRegion, list);
        }
        cursor = page.cursor;
      } while (cursor);
      const at = this.now();
      let delivered = false;
      let error: string | undefined;
      if (byRegion.size) error = await this.bucketError(trail);
      for (const [region, events] of byRegion) {
        for (let i = 0; i < events.length && !error; i += FILE_RECORDS) {
          const body = await gzip(
            Buffer.from(JSON.stringify({ Records: events.slice(i, i + FILE_RECORDS) })),
          );
          const key = logFileKey(
            { accountId: trail.accountId, prefix: trail.settings.S3KeyPrefix },
            region,
            at,
          );
          try {
            await this.s3.putObject(
              trail.settings.S3BucketName,
              key,
              body,
              trail.accountId,
              trail.homeRegion,
            );
            delivered = true;
          } catch (e) {
            error = e instanceof AwsError ? e.code : 'InternalError';
          }
        }
      }
      // Re-read: the trail may have changed (selectors, StopLogging) while files were written.
      const fresh = await this.trails.get(trail.accountId, trail.homeRegion, trail.name);
      if (!fresh) return;
      fresh.status = {
        ...fresh.status,
        latestDeliveryAttemptTime: at.getTime(),
        latestDeliveryAttemptSucceeded: !error,
        ...(delivered ? { latestDeliveryTime: at.getTime() } : {}),
        ...(error ? { latestDeliveryError: error } : { latestDeliveryError: undefined }),
      };
      // A failed delivery is retried next time (files already written may repeat, as on AWS).
      if (!error) fresh.cursor = through;
      await this.trails.put(fresh);
    } catch (err) {
      console.error(`cloudtrail: delivery of ${trail.arn} failed`, err);
    }
  }
}
