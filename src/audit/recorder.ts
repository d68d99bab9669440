/**
 * The audit log: the pipeline's recorder (queues each finished request; nothing else on the
 * request's path), a batch writer that turns the queue into CloudTrail events and appends them
 * in one transaction per batch (every 50 ms or 500 events, after the responses are out), and
 * the query side used by LookupEvents, trail delivery, the console and `stratus events`.
 */
import type { App, Recorder } from '../app.ts';
import type { Principal } from '../auth/principal.ts';
import type { RequestContext } from '../pipeline/context.ts';
import { buildRecords } from './build-event.ts';
import { handlerContext } from '../pipeline/steps/dispatch.ts';
import { requestAccessKeyId } from './identity.ts';
import type { AuditRepository } from './repository.ts';
import type { AuditHistogramBucket, AuditPage, AuditQuery, AuditRecord } from './types.ts';

export type AuditListener = (records: readonly AuditRecord[]) => void;

/**
 * How long the queue gathers before a batch is written, and the size that writes at once. One
 * transaction per batch: measured on SQLite (WAL), a batch of 1 costs ~4x the CPU per event of a
 * batch of 100, so a short window keeps recording a few percent of a small PUT.
 */
const BATCH_WINDOW_MS = 50;
const BATCH_MAX = 500;
const OWNER_TTL_MS = 10_000;

export class AuditLog {
  /** Requests in order: built records, or a request still to build (its lookups are async). */
  private queue: (RequestContext | AuditRecord[])[] = [];
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<AuditListener>();
  private app?: App;
  private readonly owners = new Map<string, { owner: string | undefined; at: number }>();
  private closed = false;

  constructor(readonly repository: AuditRepository) {}

  /**
   * The pipeline's recorder, called once the response is out. A request whose caller and bucket
   * owner are known becomes its records at once, so the queue holds those rather than the whole
   * request (kept until the batch, requests outlive young-generation collections and cost more
   * in GC than the building does); the others wait for the batch's lookups.
   */
  readonly recorder: Recorder = (ctx) => {
    // CORS preflights (S3's synthetic OptionsObject) are not API calls: CloudTrail records none.
    if (this.closed || ctx.operation?.name === 'OptionsObject') return;
    let entry: RequestContext | AuditRecord[] = ctx;
    const owner = ctx.service === 's3' ? this.knownOwner(ctx) : { owner: undefined };
    if (ctx.principal && owner) {
      try {
        entry = buildRecords(ctx, ctx.principal, owner.owner);
      } catch (err) {
        console.error('audit: could not build an event', err);
        return;
      }
    }
    if (this.queue.push(entry) >= BATCH_MAX) setImmediate(this.drain);
    else if (!this.timer) this.timer = setTimeout(this.drain, BATCH_WINDOW_MS);
  };

  /** The running server (its credential store names callers whose authentication failed). */
  attach(app: App): void {
    this.app = app;
  }

  private readonly drain = (): void => {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.writeBatch());
  };

  private async writeBatch(): Promise<void> {
    const batch = this.queue;
    if (!batch.length) return;
    this.queue = [];
    const records: AuditRecord[] = [];
    for (const ctx of batch) {
      if (Array.isArray(ctx)) {
        records.push(...ctx);
        continue;
      }
      try {
        const principal = ctx.principal ?? (await this.callerOf(ctx));
        const owner = ctx.service === 's3' ? await this.bucketOwner(ctx) : undefined;
        records.push(...buildRecords(ctx, principal, owner));
      } catch (err) {
        console.error('audit: could not build an event', err);
      }
    }
    try {
      await this.repository.append(records);
    } catch (err) {
      console.error('audit: could not store events', err);
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener(records);
      } catch (err) {
        console.error('audit: listener failed', err);
      }
    }
  }

  /** Who signed a request that failed authentication: the key's owner, when the key exists. */
  private async callerOf(ctx: RequestContext): Promise<Principal | undefined> {
    const keyId = requestAccessKeyId(ctx.headers, ctx.query, ctx.params);
    if (!keyId || !this.app) return undefined;
    const credential = await this.app.credentials.resolve(keyId).catch(() => undefined);
    return credential ? { ...credential.principal, accessKeyId: keyId } : undefined;
  }

  /**
   * The owner of the bucket an S3 request named, as S3's AuthzMapper reports it (cached for a
   * few seconds: one lookup per bucket, not per object call).
   */
  private async bucketOwner(ctx: RequestContext): Promise<string | undefined> {
    const mapper = this.app?.authz.s3;
    const bucket = ctx.input?.Bucket;
    if (!mapper || !ctx.operation || !ctx.principal || typeof bucket !== 'string') return undefined;
    const now = Date.now();
    const hit = this.knownOwner(ctx);
    if (hit) return hit.owner;
    let owner: string | undefined;
    try {
      const requests = await mapper(ctx.operation.name, ctx.input, handlerContext(this.app!, ctx));
      owner = requests[0]?.resourceAccountId || undefined;
    } catch {
      owner = undefined;
    }
    // A missing bucket maps to the caller's account; only existing buckets are worth keeping.
    if (ctx.error?.code !== 'NoSuchBucket') {
      if (this.owners.size >= 10_000) this.owners.clear();
      this.owners.set(bucket, { owner, at: now });
    }
    return owner;
  }

  /** The bucket owner when no lookup is needed (none to make, or cached); undefined: look it up. */
  private knownOwner(ctx: RequestContext): { owner: string | undefined } | undefined {
    const bucket = ctx.input?.Bucket;
    if (!this.app?.authz.s3 || !ctx.operation || !ctx.principal || typeof bucket !== 'string')
      return { owner: undefined };
    const hit = this.owners.get(bucket);
    return hit && Date.now() - hit.at < OWNER_TTL_MS ? hit : undefined;
  }

  /** Writes everything queued so far (readers call it first, so they see their own calls). */
  async flush(): Promise<void> {
    if (this.queue.length) this.drain();
    await this.writing;
  }

  /**
   * At shutdown, once no request can arrive: writes what is queued, then records nothing more
   * (the store closes next; a batch written after it would be lost, or fail on a removed file).
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /** Called with each stored batch (live views). Returns the unsubscribe function. */
  subscribe(listener: AuditListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async query(q: AuditQuery): Promise<AuditPage> {
    await this.flush();
    return this.repository.query(q);
  }

  async histogram(
    q: Omit<AuditQuery, 'limit' | 'cursor' | 'order'>,
    bucketMs: number,
  ): Promise<AuditHistogramBucket[]> {
    await this.flush();
    return this.repository.histogram(q, bucketMs);
  }
}
