/**
 * Object Lock: buckets created with ObjectLockEnabledForBucket (versioning on for good),
 * Get/PutObjectLockConfiguration (default retention), retention and legal hold per version
 * (request headers on writes, Put/GetObjectRetention, Put/GetObjectLegalHold), enforced when a
 * version is deleted. Wraps the core handlers it extends; buckets without a lock pay one cached
 * lookup.
 */
import { AwsError } from '../../../errors.ts';
import {
  AccessDenied,
  InvalidArgument,
  InvalidBucketState,
  NoSuchObjectLockConfiguration,
  ObjectLockConfigurationNotFoundError,
} from '../../../generated/s3/errors.ts';
import type {
  DeleteObjectRequest,
  DeleteObjectsOutput,
  DeleteObjectsRequest,
  GetObjectLegalHoldRequest,
  GetObjectLockConfigurationRequest,
  GetObjectRetentionRequest,
  PutBucketVersioningRequest,
  PutObjectLegalHoldRequest,
  PutObjectLockConfigurationRequest,
  PutObjectRetentionRequest,
} from '../../../generated/s3/types.ts';
import type { HandlerContext, ServiceHandlers } from '../../handler.ts';
import { hasIntegrityHeader } from '../../../protocol/s3/required-checksum.ts';
import type { S3Env } from '../env.ts';
import type { BucketRecord } from '../store/repository.ts';
import type { BucketLock, DefaultRetentionRule, ObjectLockStore, VersionLock } from './store.ts';

const malformed = () =>
  new AwsError(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
    400,
  );
const missingLock = () => new AwsError('InvalidRequest', 'Bucket is missing Object Lock Configuration', 400);
const protectedVersion = () => new AccessDenied('Access Denied because object protected by object lock.');

/**
 * S3 refuses the body of a write that gets a retention or legal hold (asked for, or the bucket's
 * default) without an integrity header, with these words (reported by many clients, e.g.
 * apache/arrow-rs-object-store#190, s3tools/s3cmd#1436).
 */
function requireIntegrity(ctx: HandlerContext, what: 'Put Object' | 'Put Part') {
  if (hasIntegrityHeader(ctx.request.headers)) return;
  throw new AwsError(
    'InvalidRequest',
    `Content-MD5 OR x-amz-checksum- HTTP header is required for ${what} requests with Object Lock parameters`,
    400,
  );
}

const hasLockHeaders = (input: Input) =>
  input.ObjectLockMode !== undefined ||
  input.ObjectLockRetainUntilDate !== undefined ||
  input.ObjectLockLegalHoldStatus !== undefined;
const MODES = new Set(['GOVERNANCE', 'COMPLIANCE']);
const DAY_MS = 86_400_000;

type Input = Record<string, any>;

/** Is deleting (or overwriting the retention of) this version refused right now? */
export function lockRefuses(lock: VersionLock | undefined, now: number, bypass: boolean): boolean {
  if (!lock) return false;
  if (lock.legalHold) return true;
  if (lock.retainUntil === undefined || lock.retainUntil <= now) return false;
  return lock.mode === 'COMPLIANCE' || !bypass;
}

function lockFromHeaders(input: Input, now: number): VersionLock | undefined {
  const mode = input.ObjectLockMode as string | undefined;
  const until = input.ObjectLockRetainUntilDate as Date | undefined;
  const hold = input.ObjectLockLegalHoldStatus as string | undefined;
  if (mode === undefined && until === undefined && hold === undefined) return undefined;
  if ((mode === undefined) !== (until === undefined))
    throw new InvalidArgument(
      'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied',
    );
  if (mode !== undefined && !MODES.has(mode))
    throw new InvalidArgument('Unknown wormMode directive.', {
      ArgumentName: 'x-amz-object-lock-mode',
      ArgumentValue: mode,
    });
  if (until !== undefined && until.getTime() <= now)
    throw new InvalidArgument('The retain until date must be in the future!');
  if (hold !== undefined && hold !== 'ON' && hold !== 'OFF')
    throw new InvalidArgument('Legal Hold must be either of on or off', {
      ArgumentName: 'x-amz-object-lock-legal-hold',
      ArgumentValue: hold,
    });
  return {
    ...(mode ? { mode: mode as VersionLock['mode'] } : {}),
    ...(until ? { retainUntil: until.getTime() } : {}),
    ...(hold === 'ON' ? { legalHold: true } : {}),
  };
}

function defaultLock(rule: DefaultRetentionRule | undefined, now: number): VersionLock | undefined {
  if (!rule) return undefined;
  const days = rule.Days ?? (rule.Years ?? 0) * 365;
  return { mode: rule.Mode, retainUntil: now + days * DAY_MS };
}

function lockOutput(lock: VersionLock | undefined): Record<string, unknown> {
  if (!lock) return {};
  return {
    ...(lock.mode ? { ObjectLockMode: lock.mode } : {}),
    ...(lock.retainUntil !== undefined ? { ObjectLockRetainUntilDate: new Date(lock.retainUntil) } : {}),
    ...(lock.legalHold !== undefined ? { ObjectLockLegalHoldStatus: lock.legalHold ? 'ON' : 'OFF' } : {}),
  };
}

export function objectLockHandlers(
  env: S3Env,
  store: ObjectLockStore,
  base: ServiceHandlers,
): ServiceHandlers {
  const call = (op: string, input: unknown, ctx: HandlerContext) =>
    base[op]!(input as never, ctx) as Promise<any>;
  /**
   * The lock an upload's object gets (CreateMultipartUpload's headers or the bucket default then),
   * kept with the version locks under a name no version id takes, so it survives a restart.
   */
  const uploadLockId = (uploadId: string) => `upload:${uploadId}`;
  const uploadLock = (input: Input) =>
    store.version(input.Bucket, input.Key, uploadLockId(input.UploadId as string));

  async function lockedBucket(b: BucketRecord): Promise<BucketLock> {
    const lock = await store.bucket(b);
    if (!lock) throw missingLock();
    return lock;
  }

  /** A write to a bucket: lock headers need a lock-enabled bucket; the default rule applies. */
  async function writeLock(bucket: string, input: Input, now: number): Promise<VersionLock | undefined> {
    const b = await env.bucket(bucket);
    const lock = await store.bucket(b);
    const asked = lockFromHeaders(input, now);
    if (asked && !lock) throw missingLock();
    if (!lock) return undefined;
    return asked?.mode ? asked : { ...defaultLock(lock.rule, now), ...asked };
  }

  async function applyLock(
    bucket: string,
    key: string,
    versionId: string | undefined,
    lock: VersionLock | undefined,
  ) {
    if (!lock || versionId === undefined) return;
    if (lock.mode === undefined && !lock.legalHold) return;
    await store.setVersion(bucket, key, versionId, lock);
  }

  /** The version a retention or legal hold request is about (it must exist). */
  async function target(input: Input): Promise<{ b: BucketRecord; versionId: string }> {
    const b = await env.bucket(input.Bucket);
    await lockedBucket(b);
    const o = await env.object(input.Bucket, input.Key, input.VersionId);
    return { b, versionId: o.versionId ?? 'null' };
  }

  async function checkDelete(
    bucket: BucketRecord,
    key: string,
    versionId: string,
    bypass: boolean,
    now: number,
  ) {
    if (!(await store.bucket(bucket))) return;
    if (lockRefuses(await store.version(bucket.name, key, versionId), now, bypass)) throw protectedVersion();
  }

  return {
    async CreateBucket(input: Input, ctx: HandlerContext) {
      const out = await call('CreateBucket', input, ctx);
      if (input.ObjectLockEnabledForBucket) {
        const b = await env.bucket(input.Bucket);
        await env.repo.setBucketVersioning(b.name, 'Enabled');
        if (!(await store.bucket(b))) await store.setBucket(b, {});
      }
      return out;
    },

    async PutBucketVersioning(input: PutBucketVersioningRequest, ctx: HandlerContext) {
      const b = await env.bucket(input.Bucket);
      if (input.VersioningConfiguration?.Status === 'Suspended' && (await store.bucket(b)))
        throw new InvalidBucketState(
          'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.',
          { BucketName: b.name },
        );
      return call('PutBucketVersioning', input, ctx);
    },

    async PutObjectLockConfiguration(input: PutObjectLockConfigurationRequest, _ctx: HandlerContext) {
      const b = await env.bucket(input.Bucket);
      const c = input.ObjectLockConfiguration;
      if (!c || c.ObjectLockEnabled !== 'Enabled') throw malformed();
      let rule: DefaultRetentionRule | undefined;
      const d = c.Rule?.DefaultRetention;
      if (c.Rule) {
        if (!d || !d.Mode || !MODES.has(d.Mode)) throw malformed();
        if ((d.Days === undefined) === (d.Years === undefined)) throw malformed();
        const n = d.Days ?? d.Years!;
        // S3 names the element at fault and leaves its value out.
        if (!Number.isInteger(n) || n <= 0)
          throw new InvalidArgument('Default retention period must be a positive integer value.', {
            ArgumentName: d.Days !== undefined ? 'Days' : 'Years',
          });
        rule = {
          Mode: d.Mode as DefaultRetentionRule['Mode'],
          ...(d.Days ? { Days: d.Days } : { Years: d.Years! }),
        };
      }
      if (!(await store.bucket(b))) {
        // Existing buckets may turn Object Lock on once versioning is enabled.
        if (b.versioning !== 'Enabled')
          throw new InvalidBucketState(
            "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
            { BucketName: b.name },
          );
      }
      await store.setBucket(b, rule ? { rule } : {});
      return {};
    },

    async GetObjectLockConfiguration(input: GetObjectLockConfigurationRequest, _ctx: HandlerContext) {
      const b = await env.bucket(input.Bucket);
      const lock = await store.bucket(b);
      if (!lock) throw new ObjectLockConfigurationNotFoundError(undefined, { BucketName: b.name });
      return {
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          ...(lock.rule ? { Rule: { DefaultRetention: lock.rule } } : {}),
        },
      };
    },

    async PutObject(input: Input, ctx: HandlerContext) {
      const lock = await writeLock(input.Bucket, input, ctx.now.getTime());
      if (lock && (lock.mode !== undefined || hasLockHeaders(input))) requireIntegrity(ctx, 'Put Object');
      const out = await call('PutObject', input, ctx);
      await applyLock(input.Bucket, input.Key, out.VersionId, lock);
      return out;
    },

    async CopyObject(input: Input, ctx: HandlerContext) {
      const lock = await writeLock(input.Bucket, input, ctx.now.getTime());
      const out = await call('CopyObject', input, ctx);
      await applyLock(input.Bucket, input.Key, out.VersionId, lock);
      return out;
    },

    async CreateMultipartUpload(input: Input, ctx: HandlerContext) {
      const lock = await writeLock(input.Bucket, input, ctx.now.getTime());
      const out = await call('CreateMultipartUpload', input, ctx);
      if (lock && out.UploadId && (lock.mode !== undefined || lock.legalHold))
        await store.setVersion(input.Bucket, input.Key, uploadLockId(out.UploadId), lock);
      return out;
    },

    async UploadPart(input: Input, ctx: HandlerContext) {
      const lock = await store.bucket(await env.bucket(input.Bucket));
      const asked = lock ? await uploadLock(input) : undefined;
      if (lock && (asked?.mode !== undefined || asked?.legalHold || lock.rule))
        requireIntegrity(ctx, 'Put Part');
      return call('UploadPart', input, ctx);
    },

    async CompleteMultipartUpload(input: Input, ctx: HandlerContext) {
      const asked = await uploadLock(input);
      const lock = asked ?? (await writeLock(input.Bucket, {}, ctx.now.getTime()));
      const out = await call('CompleteMultipartUpload', input, ctx);
      if (asked) await store.forget(input.Bucket, input.Key, uploadLockId(input.UploadId));
      await applyLock(input.Bucket, input.Key, out.VersionId, lock);
      return out;
    },

    async AbortMultipartUpload(input: Input, ctx: HandlerContext) {
      const out = await call('AbortMultipartUpload', input, ctx);
      await store.forget(input.Bucket, input.Key, uploadLockId(input.UploadId));
      return out;
    },

    async GetObject(input: Input, ctx: HandlerContext) {
      const out = await call('GetObject', input, ctx);
      return withLockHeaders(input.Bucket, input.Key, out);
    },

    async HeadObject(input: Input, ctx: HandlerContext) {
      const out = await call('HeadObject', input, ctx);
      return withLockHeaders(input.Bucket, input.Key, out);
    },

    async PutObjectRetention(input: PutObjectRetentionRequest, ctx: HandlerContext) {
      const r = input.Retention;
      if (!r) throw malformed();
      // An empty <Retention/> removes the retention ("placing a new lock with empty parameters",
      // S3 User Guide, Managing Object Lock): a governance lock only with the bypass.
      const clearing = r.Mode === undefined && r.RetainUntilDate === undefined;
      const now = ctx.now.getTime();
      if (!clearing) {
        if (!r.Mode || !MODES.has(r.Mode) || !r.RetainUntilDate) throw malformed();
        if (r.RetainUntilDate.getTime() <= now)
          throw new InvalidArgument('The retain until date must be in the future!');
      }
      const { b, versionId } = await target(input);
      const old = await store.version(b.name, input.Key, versionId);
      const until = r.RetainUntilDate?.getTime();
      if (old?.mode && old.retainUntil !== undefined && old.retainUntil > now) {
        const weaker = clearing || r.Mode !== old.mode || until! < old.retainUntil;
        // COMPLIANCE is never weakened; GOVERNANCE only with the bypass header (and permission).
        if (weaker && (old.mode === 'COMPLIANCE' || !input.BypassGovernanceRetention))
          throw new AccessDenied();
      }
      if (clearing) {
        if (old?.legalHold) await store.setVersion(b.name, input.Key, versionId, { legalHold: true });
        else if (old) await store.forget(b.name, input.Key, versionId);
        return {};
      }
      await store.setVersion(b.name, input.Key, versionId, {
        ...old,
        mode: r.Mode as VersionLock['mode'],
        retainUntil: until!,
      });
      return {};
    },

    async GetObjectRetention(input: GetObjectRetentionRequest, _ctx: HandlerContext) {
      const { b, versionId } = await target(input);
      const lock = await store.version(b.name, input.Key, versionId);
      if (!lock?.mode || lock.retainUntil === undefined)
        throw new NoSuchObjectLockConfiguration(undefined, { BucketName: b.name });
      return { Retention: { Mode: lock.mode, RetainUntilDate: new Date(lock.retainUntil) } };
    },

    async PutObjectLegalHold(input: PutObjectLegalHoldRequest, _ctx: HandlerContext) {
      const s = input.LegalHold?.Status;
      if (s !== 'ON' && s !== 'OFF') throw malformed();
      const { b, versionId } = await target(input);
      const old = await store.version(b.name, input.Key, versionId);
      await store.setVersion(b.name, input.Key, versionId, { ...old, legalHold: s === 'ON' });
      return {};
    },

    async GetObjectLegalHold(input: GetObjectLegalHoldRequest, _ctx: HandlerContext) {
      const { b, versionId } = await target(input);
      const lock = await store.version(b.name, input.Key, versionId);
      if (lock?.legalHold === undefined && !lock)
        throw new NoSuchObjectLockConfiguration(undefined, { BucketName: b.name });
      return { LegalHold: { Status: lock?.legalHold ? 'ON' : 'OFF' } };
    },

    async DeleteObject(input: DeleteObjectRequest, ctx: HandlerContext) {
      if (input.VersionId !== undefined) {
        const b = await env.bucket(input.Bucket);
        await checkDelete(
          b,
          input.Key,
          input.VersionId,
          input.BypassGovernanceRetention === true,
          ctx.now.getTime(),
        );
      }
      const out = await call('DeleteObject', input, ctx);
      if (input.VersionId !== undefined) await store.forget(input.Bucket, input.Key, input.VersionId);
      return out;
    },

    async DeleteObjects(input: DeleteObjectsRequest, ctx: HandlerContext) {
      const b = await env.bucket(input.Bucket);
      const objects = input.Delete?.Objects ?? [];
      const refused: NonNullable<DeleteObjectsOutput['Errors']> = [];
      const allowed: typeof objects = [];
      for (const o of objects) {
        if (o.VersionId === undefined) {
          allowed.push(o);
          continue;
        }
        try {
          await checkDelete(
            b,
            o.Key,
            o.VersionId,
            input.BypassGovernanceRetention === true,
            ctx.now.getTime(),
          );
          allowed.push(o);
        } catch (e) {
          if (!(e instanceof AwsError)) throw e;
          refused.push({ Key: o.Key, VersionId: o.VersionId, Code: e.code, Message: e.message });
        }
      }
      const forget = async () => {
        for (const o of allowed)
          if (o.VersionId !== undefined) await store.forget(b.name, o.Key, o.VersionId);
      };
      if (!refused.length) {
        const all = await call('DeleteObjects', input, ctx);
        await forget();
        return all;
      }
      const out: DeleteObjectsOutput = allowed.length
        ? await call('DeleteObjects', { ...input, Delete: { ...input.Delete, Objects: allowed } }, ctx)
        : {};
      await forget();
      return { ...out, Errors: [...(out.Errors ?? []), ...refused] };
    },
  };

  async function withLockHeaders(bucket: string, key: string, out: any) {
    const b = await env.repo.getBucket(bucket);
    if (!b || !(await store.bucket(b))) return out;
    const lock = await store.version(bucket, key, out.VersionId ?? 'null');
    return Object.assign(out, lockOutput(lock));
  }
}
