/**
 * x-amz-abort-date and x-amz-abort-rule-id on CreateMultipartUpload and ListParts: when an enabled
 * AbortIncompleteMultipartUpload rule's prefix matches the upload's key, S3 tells when the upload
 * will be aborted (its initiation plus DaysAfterInitiation, rounded up to midnight UTC like an
 * expiry) and by which rule (CreateMultipartUpload and ListParts API references).
 */
import type { HandlerContext, ServiceHandlers } from '../../handler.ts';
import type { S3Env } from '../env.ts';
import type { LifecycleStore } from './store.ts';
import { rulePrefix } from './rules.ts';
import { expiryOf } from './expiration.ts';

export function abortDateHeaders(
  env: S3Env,
  store: LifecycleStore,
  dayMs: number,
  base: ServiceHandlers,
): ServiceHandlers {
  async function abortDate(bucket: string, key: string, uploadId: string) {
    const b = await env.repo.getBucket(bucket);
    const c = b ? await store.get(b) : undefined;
    if (!c) return undefined;
    const upload = await env.repo.getUpload(uploadId);
    if (!upload) return undefined;
    let best: { at: number; id: string } | undefined;
    for (const r of c.rules) {
      const days = r.AbortIncompleteMultipartUpload?.DaysAfterInitiation;
      if (r.Status !== 'Enabled' || days === undefined || !key.startsWith(rulePrefix(r))) continue;
      const at = expiryOf(days, undefined, upload.initiated, dayMs)!;
      // Several rules may match: the upload goes at the earliest.
      if (!best || at < best.at) best = { at, id: r.ID };
    }
    return best;
  }

  const wrap =
    (op: string) =>
    async (input: Record<string, any>, ctx: HandlerContext): Promise<unknown> => {
      const out = (await base[op]!(input as never, ctx)) as Record<string, unknown>;
      const uploadId = (input.UploadId ?? out.UploadId) as string | undefined;
      if (uploadId === undefined) return out;
      const a = await abortDate(input.Bucket, input.Key, uploadId);
      if (a) Object.assign(out, { AbortDate: new Date(a.at), AbortRuleId: a.id });
      return out;
    };

  return {
    CreateMultipartUpload: wrap('CreateMultipartUpload'),
    ListParts: wrap('ListParts'),
  };
}
