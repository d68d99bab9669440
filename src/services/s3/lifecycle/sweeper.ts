/**
 * The lifecycle sweeper: applies every bucket's enabled rules as of a given time. Expires
 * current objects (a delete marker on versioned buckets), removes noncurrent versions and
 * expired delete markers, aborts incomplete multipart uploads. Transitions are only reported.
 * A "day" is `dayMs` long (STRATUS_LIFECYCLE_DAY_SECONDS shortens it for tests and demos).
 */
import type { S3Env } from '../env.ts';
import type { BucketRecord, VersionRecord } from '../store/repository.ts';
import type { LifecycleStore } from './store.ts';
import { expiryOf } from './expiration.ts';
import { needsTags, ruleMatches, rulePrefix, type StoredRule } from './rules.ts';

/** True when a version must not be removed (Object Lock). */
export type ProtectedCheck = (
  bucket: string,
  key: string,
  versionId: string,
  now: number,
) => Promise<boolean>;

export interface SweepReport {
  expired: number;
  deleteMarkersCreated: number;
  noncurrentRemoved: number;
  deleteMarkersRemoved: number;
  uploadsAborted: number;
}

const emptyReport = (): SweepReport => ({
  expired: 0,
  deleteMarkersCreated: 0,
  noncurrentRemoved: 0,
  deleteMarkersRemoved: 0,
  uploadsAborted: 0,
});

/** When a current object falls due under a rule's Expiration (Days or Date); undefined: never. */
export function expirationDue(r: StoredRule, lastModified: number, dayMs: number): number | undefined {
  // The same date x-amz-expiration announces.
  return expiryOf(r.Expiration?.Days, r.Expiration?.Date, lastModified, dayMs);
}

async function expireCurrent(
  env: S3Env,
  b: BucketRecord,
  r: StoredRule,
  now: number,
  dayMs: number,
  out: SweepReport,
) {
  const prefix = rulePrefix(r);
  let after: string | undefined;
  for (;;) {
    const page = await env.repo.listObjects(b.name, {
      prefix,
      ...(after !== undefined ? { after } : {}),
      maxKeys: 1000,
    });
    for (const o of page.contents) {
      const due = expirationDue(r, o.lastModified, dayMs);
      if (due === undefined || now < due) continue;
      const tags = needsTags(r) ? await env.repo.getObjectTags(b.name, o.key) : undefined;
      if (!ruleMatches(r, o.size, tags)) continue;
      // Re-read: a newer write since the listing is not this rule's to expire yet.
      const cur = await env.repo.getObject(b.name, o.key);
      if (!cur || cur.etag !== o.etag || cur.lastModified !== o.lastModified) continue;
      if (b.versioning) {
        const m = await env.repo.putDeleteMarker(b.name, o.key, b.accountId, now);
        env.free(m.freed);
        out.deleteMarkersCreated++;
      } else {
        const d = await env.repo.deleteObjects(b.name, [o.key]);
        env.free(d.freed);
      }
      out.expired++;
    }
    if (!page.truncated || page.last === undefined) break;
    after = page.last;
  }
}

/** Noncurrent versions past their days (beyond the newest N kept) and lone delete markers. */
async function sweepVersions(
  env: S3Env,
  b: BucketRecord,
  r: StoredRule,
  now: number,
  dayMs: number,
  out: SweepReport,
  isProtected?: ProtectedCheck,
) {
  const nve = r.NoncurrentVersionExpiration;
  const edm = r.Expiration?.ExpiredObjectDeleteMarker === true;
  if (!nve && !edm) return;
  const doomed: VersionRecord[] = [];
  let key: string | undefined;
  let group: VersionRecord[] = [];
  const finish = () => {
    if (!group.length) return;
    if (edm && group.length === 1 && group[0]!.deleteMarker && group[0]!.isLatest) doomed.push(group[0]!);
    if (nve) {
      let nth = 0;
      for (let i = 1; i < group.length; i++) {
        const v = group[i]!;
        if (v.isLatest) continue;
        // A version became noncurrent when its successor was written.
        const since = group[i - 1]!.lastModified;
        const keep = nve.NewerNoncurrentVersions !== undefined && nth < nve.NewerNoncurrentVersions;
        nth++;
        if (keep || now < since + (nve.NoncurrentDays ?? 0) * dayMs) continue;
        if (!v.deleteMarker && !ruleMatches(r, v.size, v.tags)) continue;
        doomed.push(v);
      }
    }
    group = [];
  };
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await env.repo.listVersions(b.name, {
      prefix: rulePrefix(r),
      ...(keyMarker !== undefined ? { keyMarker } : {}),
      ...(versionIdMarker !== undefined ? { versionIdMarker } : {}),
      maxKeys: 1000,
    });
    for (const v of page.versions) {
      if (v.key !== key) {
        finish();
        key = v.key;
      }
      group.push(v);
    }
    if (!page.truncated) break;
    keyMarker = page.nextKeyMarker;
    versionIdMarker = page.nextVersionIdMarker;
  }
  finish();
  for (const v of doomed) {
    if (isProtected && (await isProtected(b.name, v.key, v.versionId, now))) continue;
    const d = await env.repo.deleteVersion(b.name, v.key, v.versionId);
    env.free(d.freed);
    if (!d.removed) continue;
    if (v.deleteMarker && v.isLatest) out.deleteMarkersRemoved++;
    else out.noncurrentRemoved++;
  }
}

async function abortUploads(
  env: S3Env,
  b: BucketRecord,
  r: StoredRule,
  now: number,
  dayMs: number,
  out: SweepReport,
) {
  const days = r.AbortIncompleteMultipartUpload?.DaysAfterInitiation;
  if (days === undefined) return;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const ups = await env.repo.listUploads(b.name, {
      prefix: rulePrefix(r),
      ...(keyMarker !== undefined ? { keyMarker } : {}),
      ...(uploadIdMarker !== undefined ? { uploadIdMarker } : {}),
      limit: 1000,
    });
    for (const u of ups) {
      if (now < u.initiated + days * dayMs) continue;
      const a = await env.repo.abortUpload(u.uploadId);
      env.free(a.freed);
      if (a.ok) out.uploadsAborted++;
    }
    if (ups.length < 1000) break;
    keyMarker = ups[ups.length - 1]!.key;
    uploadIdMarker = ups[ups.length - 1]!.uploadId;
  }
}

/** One pass over every bucket with a lifecycle configuration, as of `now`. */
export async function sweep(
  env: S3Env,
  store: LifecycleStore,
  now: number,
  dayMs: number,
  isProtected?: ProtectedCheck,
): Promise<SweepReport> {
  const out = emptyReport();
  for (const c of await store.all()) {
    const b = await env.repo.getBucket(c.bucket);
    if (!b || b.createdAt !== c.createdAt) continue;
    for (const r of c.value.rules) {
      if (r.Status !== 'Enabled') continue;
      await expireCurrent(env, b, r, now, dayMs, out);
      if (b.versioning) await sweepVersions(env, b, r, now, dayMs, out, isProtected);
      await abortUploads(env, b, r, now, dayMs, out);
    }
  }
  return out;
}
