/**
 * x-amz-expiration on PutObject, POST Object, CopyObject, CompleteMultipartUpload, GetObject and HeadObject:
 * when an enabled Expiration rule (Days or Date) applies to the current object, S3 tells its
 * expiry date and the rule's id. Days count from the object's creation rounded up to the next
 * midnight UTC (with a shortened lifecycle day, no rounding).
 */
import type { HandlerContext, ServiceHandlers } from '../../handler.ts';
import type { S3Env } from '../env.ts';
import type { LifecycleStore } from './store.ts';
import { needsTags, ruleMatches, rulePrefix } from './rules.ts';

const DAY = 86_400_000;

export function expiryOf(
  days: number | undefined,
  date: string | undefined,
  lastModified: number,
  dayMs: number,
) {
  if (date !== undefined) return Date.parse(date);
  if (days === undefined) return undefined;
  const t = lastModified + days * dayMs;
  return dayMs === DAY ? Math.ceil(t / DAY) * DAY : t;
}

export function expirationHeaders(
  env: S3Env,
  store: LifecycleStore,
  dayMs: number,
  base: ServiceHandlers,
): ServiceHandlers {
  async function header(bucket: string, key: string): Promise<string | undefined> {
    const b = await env.repo.getBucket(bucket);
    const c = b ? await store.get(b) : undefined;
    if (!c) return undefined;
    const o = await env.repo.getObject(bucket, key);
    if (!o) return undefined;
    for (const r of c.rules) {
      if (r.Status !== 'Enabled' || !r.Expiration || r.Expiration.ExpiredObjectDeleteMarker !== undefined)
        continue;
      if (!key.startsWith(rulePrefix(r))) continue;
      if (!ruleMatches(r, o.size, needsTags(r) ? (o.tags ?? []) : undefined)) continue;
      const at = expiryOf(r.Expiration.Days, r.Expiration.Date, o.lastModified, dayMs);
      if (at === undefined) continue;
      return `expiry-date="${new Date(at).toUTCString()}", rule-id="${r.ID}"`;
    }
    return undefined;
  }

  const wrap =
    (op: string, versioned: boolean) =>
    async (input: Record<string, any>, ctx: HandlerContext): Promise<unknown> => {
      const out = (await base[op]!(input as never, ctx)) as Record<string, unknown>;
      // Reads of an older version are not about the current object's expiry.
      if (versioned && input.VersionId !== undefined) return out;
      // POST Object names its key in the form, not the request.
      const key = (input.Key ?? ctx.post?.key) as string | undefined;
      if (key === undefined) return out;
      const h = await header(input.Bucket, key);
      if (h !== undefined) out.Expiration = h;
      return out;
    };

  return {
    PutObject: wrap('PutObject', false),
    CopyObject: wrap('CopyObject', false),
    CompleteMultipartUpload: wrap('CompleteMultipartUpload', false),
    PostObject: wrap('PostObject', false),
    GetObject: wrap('GetObject', true),
    HeadObject: wrap('HeadObject', true),
  };
}
