/**
 * Archived objects (storage classes GLACIER and DEEP_ARCHIVE) and RestoreObject. An archived
 * object's bytes cannot be read (GetObject, or a copy from it) until a restore completes: 403
 * InvalidObjectState. HeadObject always works and shows x-amz-restore once a restore was asked
 * for. A restore completes STRATUS_S3_RESTORE_SECONDS after the request (default 5, whatever the
 * retrieval tier), and its copy lasts Days days from completion, to the next midnight UTC, as
 * S3 computes the expiry date. GLACIER_IR is readable at once, as on S3.
 */
import { envSeconds } from '../../../config.ts';
import {
  InvalidObjectState,
  MalformedXML,
  NotImplemented,
  RestoreAlreadyInProgress,
} from '../../../generated/s3/errors.ts';
import type {
  RestoreObjectOutput,
  RestoreObjectRequest,
  RestoreRequest,
  RestoreStatus,
} from '../../../generated/s3/types.ts';
import type { ServiceDeps } from '../../deps.ts';
import type { HandlerContext, ServiceHandlers } from '../../handler.ts';
import type { S3Env } from '../env.ts';
import { parseCopySource } from '../copy-source.ts';
import type { ObjectRecord } from '../store/repository.ts';
import { openRestoreStore, type RestoreRecord, type RestoreStore } from './store.ts';

const ARCHIVED = new Set(['GLACIER', 'DEEP_ARCHIVE']);
const TIERS = new Set(['Expedited', 'Standard', 'Bulk']);
const DAY_MS = 86_400_000;

/** S3 rounds a restored copy's expiry up to the next midnight UTC. */
const toMidnight = (t: number): number => Math.ceil(t / DAY_MS) * DAY_MS;

type State = { phase: 'none' } | { phase: 'ongoing' } | { phase: 'restored'; expiresAt: number };

function stateOf(r: RestoreRecord | undefined, now: number): State {
  if (!r) return { phase: 'none' };
  if (now < r.completesAt) return { phase: 'ongoing' };
  const expiresAt = r.expiresAt ?? toMidnight(r.completesAt + r.days * DAY_MS);
  return now < expiresAt ? { phase: 'restored', expiresAt } : { phase: 'none' };
}

/** x-amz-restore as S3 writes it. */
function restoreHeader(s: State): string | undefined {
  if (s.phase === 'ongoing') return 'ongoing-request="true"';
  if (s.phase === 'restored')
    return `ongoing-request="false", expiry-date="${new Date(s.expiresAt).toUTCString()}"`;
  return undefined;
}

function restoreStatus(s: State): RestoreStatus | undefined {
  if (s.phase === 'ongoing') return { IsRestoreInProgress: true };
  if (s.phase === 'restored') return { IsRestoreInProgress: false, RestoreExpiryDate: new Date(s.expiresAt) };
  return undefined;
}

/**
 * The request body S3 accepts for an archive restore: Days, and the tier only inside
 * GlacierJobParameters. S3 answers MalformedXML to a request without Days (aws-sdk-ruby#2380),
 * and to a top-level Tier or an OutputLocation outside a SELECT request (aws-sdk-js-v3#4580,
 * boto3#2109, boto3#2656). SELECT restores (S3 Select, closed to new customers) are not served.
 */
function checkRequest(r: RestoreRequest | undefined): { days: number } {
  if (r?.Type !== undefined) {
    if (r.Type !== 'SELECT') throw new MalformedXML();
    throw new NotImplemented('Stratus does not serve SELECT restore requests (S3 Select)');
  }
  if (!r || r.Tier !== undefined || r.OutputLocation !== undefined || r.SelectParameters !== undefined)
    throw new MalformedXML();
  if (r.Days === undefined || !Number.isInteger(r.Days) || r.Days < 1) throw new MalformedXML();
  const tier = r.GlacierJobParameters?.Tier;
  if (r.GlacierJobParameters && (tier === undefined || !TIERS.has(tier))) throw new MalformedXML();
  return { days: r.Days };
}

export function restoreFeature(deps: ServiceDeps, env: S3Env) {
  const store: RestoreStore = openRestoreStore(deps.backend);
  const delayMs = envSeconds('STRATUS_S3_RESTORE_SECONDS', 5) * 1000;
  const now = () => deps.app.now().getTime();

  const stateFor = async (o: ObjectRecord): Promise<State> =>
    ARCHIVED.has(o.storageClass)
      ? stateOf(await store.get(o.bucket, o.key, o.blobId), now())
      : { phase: 'none' };

  /** The object a read names, or undefined when reading it fails (the operation answers that). */
  const find = async (
    bucket: string,
    key: string,
    versionId: string | undefined,
    ctx?: HandlerContext,
  ): Promise<ObjectRecord | undefined> => {
    try {
      return await env.object(bucket, key, versionId, 'GET', ctx);
    } catch {
      return undefined;
    }
  };

  /** Refuses a read of an archived object's bytes until a restore of it has completed. */
  const checkReadable = async (o: ObjectRecord | undefined, message: string): Promise<void> => {
    if (!o || !ARCHIVED.has(o.storageClass)) return;
    if ((await stateFor(o)).phase !== 'restored')
      throw new InvalidObjectState(message, { StorageClass: o.storageClass });
  };

  const handlers: ServiceHandlers = {
    async RestoreObject(input: RestoreObjectRequest, ctx: HandlerContext): Promise<RestoreObjectOutput> {
      await env.bucket(input.Bucket);
      const { days } = checkRequest(input.RestoreRequest);
      const o = await env.object(input.Bucket, input.Key, input.VersionId, 'POST', ctx);
      if (!ARCHIVED.has(o.storageClass))
        throw new InvalidObjectState("The operation is not valid for the object's storage class", {
          StorageClass: o.storageClass,
        });
      const t = now();
      const existing = await store.get(o.bucket, o.key, o.blobId);
      const state = stateOf(existing, t);
      if (state.phase === 'ongoing')
        throw new RestoreAlreadyInProgress('Object restore is already in progress');
      if (state.phase === 'restored' && existing) {
        // A restored copy's period restarts from now (S3: "relative to the current time").
        await store.put(o.bucket, o.key, o.blobId, {
          ...existing,
          days,
          expiresAt: toMidnight(t + days * DAY_MS),
        });
        return { StatusCode: 200 };
      }
      const completesAt = t + delayMs;
      await store.put(o.bucket, o.key, o.blobId, {
        requestedAt: t,
        completesAt,
        days,
        expiresAt: toMidnight(completesAt + days * DAY_MS),
      });
      return { StatusCode: 202 };
    },
  };

  const withRestoreHeader = async (out: Record<string, unknown>, o: ObjectRecord | undefined) => {
    const h = o ? restoreHeader(await stateFor(o)) : undefined;
    return h ? { ...out, Restore: h } : out;
  };

  /** RestoreStatus on listed archived objects, when OptionalObjectAttributes asks for it. */
  const listed = async (
    bucket: string,
    entries: Record<string, unknown>[] | undefined,
    encoded: boolean,
    versions: boolean,
  ): Promise<void> => {
    for (const e of entries ?? []) {
      if (!ARCHIVED.has(e.StorageClass as string)) continue;
      const key = encoded ? decodeURIComponent(e.Key as string) : (e.Key as string);
      if (!(await store.any(bucket, key))) continue;
      const o = versions
        ? await env.repo.getVersion(bucket, key, e.VersionId as string)
        : await env.repo.getObject(bucket, key);
      const status = o ? restoreStatus(await stateFor(o)) : undefined;
      if (status) e.RestoreStatus = status;
    }
  };
  const wantsRestoreStatus = (input: { OptionalObjectAttributes?: string[] }) =>
    input.OptionalObjectAttributes?.includes('RestoreStatus') ?? false;

  return {
    handlers,
    /** Wraps the object reads, copies and listings these (final) handlers serve. */
    wrap: (base: ServiceHandlers): ServiceHandlers => ({
      async GetObject(input: any, ctx: HandlerContext) {
        const o = await find(input.Bucket, input.Key, input.VersionId, ctx);
        await checkReadable(o, "The operation is not valid for the object's storage class");
        return withRestoreHeader(await base.GetObject!(input, ctx), o);
      },
      async HeadObject(input: any, ctx: HandlerContext) {
        const out = await base.HeadObject!(input, ctx);
        return withRestoreHeader(out, await find(input.Bucket, input.Key, input.VersionId, ctx));
      },
      ...Object.fromEntries(
        (['CopyObject', 'UploadPartCopy'] as const).map((op) => [
          op,
          async (input: any, ctx: HandlerContext) => {
            let src: ObjectRecord | undefined;
            try {
              const s = parseCopySource(input.CopySource);
              if (s.versionId !== '') src = await find(s.bucket, s.key, s.versionId);
            } catch {
              // A malformed source: the copy itself answers it.
            }
            await checkReadable(src, "Operation is not valid for the source object's storage class");
            return base[op]!(input, ctx);
          },
        ]),
      ),
      ...Object.fromEntries(
        (['ListObjects', 'ListObjectsV2', 'ListObjectVersions'] as const).map((op) => [
          op,
          async (input: any, ctx: HandlerContext) => {
            const out = await base[op]!(input, ctx);
            if (!wantsRestoreStatus(input)) return out;
            const encoded = input.EncodingType === 'url';
            const versions = op === 'ListObjectVersions';
            await listed(input.Bucket, versions ? out.Versions : out.Contents, encoded, versions);
            return out;
          },
        ]),
      ),
    }),
  };
}
