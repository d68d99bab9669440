/**
 * Orphan blobs, collected in the background. A blob nothing references is left by a crash
 * between its write and its object's commit, or between a commit and the delete of the blob it
 * replaced; nothing else ever reads it, so only the disk notices. The collector asks S3's tables
 * (objects, versions, multipart parts) about every stored blob and deletes the unclaimed ones
 * older than ten minutes (a write between its two steps is never raced): first
 * STRATUS_BLOB_GC_DELAY_SECONDS after start (default 300), then every
 * STRATUS_BLOB_GC_INTERVAL_SECONDS (default 21600, six hours).
 */
import { collectOrphanBlobs, type BlobGcResult } from '../../blob/gc.ts';
import { envSeconds } from '../../config.ts';
import type { S3Env } from './env.ts';

export function blobCollector(env: S3Env): { close(): Promise<void> } {
  const delayMs = envSeconds('STRATUS_BLOB_GC_DELAY_SECONDS', 300) * 1000;
  const intervalMs = envSeconds('STRATUS_BLOB_GC_INTERVAL_SECONDS', 21_600) * 1000;
  let running: Promise<BlobGcResult | void> | undefined;
  let interval: NodeJS.Timeout | undefined;
  const run = () => {
    if (running) return;
    running = collectOrphanBlobs(env.blobs, [(ids) => env.repo.referencedBlobs(ids)])
      .then((r) => {
        if (r.deleted) console.log(`blobs: removed ${r.deleted} orphaned of ${r.scanned}`);
      })
      .catch((err: unknown) => console.error('blob collection failed', err))
      .finally(() => (running = undefined));
  };
  const first = setTimeout(() => {
    run();
    interval = setInterval(run, intervalMs).unref();
  }, delayMs).unref();
  return {
    async close() {
      clearTimeout(first);
      clearInterval(interval);
      await running;
    },
  };
}
