/**
 * Bucket lifecycle: Put/Get/DeleteBucketLifecycleConfiguration, the background sweeper and its
 * manual trigger, `POST /_stratus/lifecycle/run` (optional `?days=N`: sweep as of N days ahead,
 * so tests need not wait). STRATUS_LIFECYCLE_DAY_SECONDS sets the length of a lifecycle day
 * (default 86400) and STRATUS_LIFECYCLE_INTERVAL_SECONDS how often the sweeper runs (default:
 * a day's length, at most an hour, at least a second).
 */
import type { HostRoute } from '../../../app.ts';
import { AwsError } from '../../../errors.ts';
import { envSeconds } from '../../../config.ts';
import type { ServiceDeps } from '../../deps.ts';
import type { HandlerContext, ServiceHandlers } from '../../handler.ts';
import { NoSuchLifecycleConfiguration } from '../../../generated/s3/errors.ts';
import type {
  DeleteBucketLifecycleRequest,
  GetBucketLifecycleConfigurationOutput,
  GetBucketLifecycleConfigurationRequest,
  PutBucketLifecycleConfigurationOutput,
  PutBucketLifecycleConfigurationRequest,
} from '../../../generated/s3/types.ts';
import type { S3Env } from '../env.ts';
import { openLifecycleStore } from './store.ts';
import { expirationHeaders } from './expiration.ts';
import { abortDateHeaders } from './abort-date.ts';
import { ruleOutput, validateRules } from './rules.ts';
import { sweep, type ProtectedCheck, type SweepReport } from './sweeper.ts';

const DEFAULT_MIN_SIZE = 'all_storage_classes_128K';
const MIN_SIZES = new Set([DEFAULT_MIN_SIZE, 'varies_by_storage_class']);

export function lifecycleFeature(deps: ServiceDeps, env: S3Env, isProtected?: ProtectedCheck) {
  const store = openLifecycleStore(deps.backend);
  const dayMs = envSeconds('STRATUS_LIFECYCLE_DAY_SECONDS', 86_400) * 1000;
  const intervalMs =
    envSeconds('STRATUS_LIFECYCLE_INTERVAL_SECONDS', Math.max(1, Math.min(dayMs / 1000, 3600))) * 1000;

  let running: Promise<SweepReport> | undefined;
  /** One sweep at a time; a trigger during a sweep waits for the next one. */
  const runSweep = async (aheadMs = 0): Promise<SweepReport> => {
    while (running) await running.catch(() => {});
    running = sweep(env, store, deps.app.now().getTime() + aheadMs, dayMs, isProtected);
    try {
      return await running;
    } finally {
      running = undefined;
    }
  };
  const timer = setInterval(() => {
    runSweep().catch((e: unknown) => console.error('lifecycle sweep failed', e));
  }, intervalMs);
  timer.unref();

  const RUN_PATH = '/_stratus/lifecycle/run';
  const route: HostRoute = (req, res) => {
    // Asked of every request before the pipeline: a prefix test first, parsing only its own path.
    if (!req.url?.startsWith(RUN_PATH)) return false;
    const url = new URL(req.url, 'http://x');
    if (url.pathname !== RUN_PATH) return false;
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'use POST' }));
      return true;
    }
    const days = Number(url.searchParams.get('days') ?? '0');
    runSweep(Number.isFinite(days) && days > 0 ? days * dayMs : 0).then(
      (report) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(report));
      },
      (e: unknown) => {
        console.error('lifecycle sweep failed', e);
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'sweep failed' }));
      },
    );
    return true;
  };

  const handlers: ServiceHandlers = {
    async PutBucketLifecycleConfiguration(
      input: PutBucketLifecycleConfigurationRequest,
      _ctx: HandlerContext,
    ): Promise<PutBucketLifecycleConfigurationOutput> {
      const b = await env.bucket(input.Bucket);
      const min = input.TransitionDefaultMinimumObjectSize ?? DEFAULT_MIN_SIZE;
      // Only S3's two values (LocalStack's tests, recorded against S3, refuse others).
      if (!MIN_SIZES.has(min))
        throw new AwsError('InvalidRequest', `Invalid TransitionDefaultMinimumObjectSize found: ${min}`, 400);
      const rules = validateRules(input.LifecycleConfiguration?.Rules);
      await store.put(b, { rules, transitionDefaultMinimumObjectSize: min });
      return { TransitionDefaultMinimumObjectSize: min };
    },

    async GetBucketLifecycleConfiguration(
      input: GetBucketLifecycleConfigurationRequest,
      _ctx: HandlerContext,
    ): Promise<GetBucketLifecycleConfigurationOutput> {
      const b = await env.bucket(input.Bucket);
      const c = await store.get(b);
      if (!c)
        throw new NoSuchLifecycleConfiguration('The lifecycle configuration does not exist', {
          BucketName: b.name,
        });
      return {
        Rules: c.rules.map(ruleOutput),
        TransitionDefaultMinimumObjectSize: c.transitionDefaultMinimumObjectSize,
      };
    },

    async DeleteBucketLifecycle(input: DeleteBucketLifecycleRequest, _ctx: HandlerContext): Promise<object> {
      const b = await env.bucket(input.Bucket);
      await store.put(b, undefined);
      return {};
    },
  };

  return {
    handlers,
    /** Adds x-amz-expiration (object operations) and x-amz-abort-date (multipart) to these (final) handlers. */
    wrap: (base: ServiceHandlers) => ({
      ...expirationHeaders(env, store, dayMs, base),
      ...abortDateHeaders(env, store, dayMs, base),
    }),
    route,
    close: async () => {
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
