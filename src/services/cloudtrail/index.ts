/**
 * CloudTrail: the event history (LookupEvents over the audit log), trails with selectors,
 * status and tags, and the deliverer writing log files into S3.
 */
import type { Service } from '../registry.ts';
import type { ServiceDeps } from '../deps.ts';
import { mergeHandlers } from '../handler.ts';
import { auditLogFor } from '../../audit/index.ts';
import { cloudTrailAuthz } from './authz.ts';
import { TrailDelivery } from './delivery.ts';
import type { CloudTrailEnv } from './env.ts';
import { selectorHandlers } from './event-selectors.ts';
import { insightHandlers } from './insights.ts';
import { lookupHandlers } from './lookup-events.ts';
import { s3HandlerAccess } from './s3-access.ts';
import { tagHandlers } from './tags.ts';
import { openTrailRepository } from './trail-store.ts';
import { trailHandlers } from './trails.ts';

export const DEFAULT_DELIVERY_MS = 60_000;

export async function createCloudTrailService(deps: ServiceDeps): Promise<Service> {
  const trails = openTrailRepository(deps.backend);
  const audit = auditLogFor(deps.backend);
  const s3 = s3HandlerAccess(deps.app);
  const delivery = new TrailDelivery(trails, audit, s3, () => deps.app.now());
  const env: CloudTrailEnv = { trails, audit, s3, delivery };
  const interval = Number(process.env.STRATUS_TRAIL_DELIVERY_MS ?? DEFAULT_DELIVERY_MS);
  delivery.start(Number.isFinite(interval) && interval > 0 ? interval : DEFAULT_DELIVERY_MS);
  const handlers = mergeHandlers(
    lookupHandlers(env),
    trailHandlers(env),
    selectorHandlers(env),
    tagHandlers(env),
    insightHandlers(env),
  );
  return {
    handlers,
    authz: cloudTrailAuthz(trails),
    async close() {
      await delivery.stop();
      // Events of the last requests survive the restart.
      await audit.flush();
    },
  };
}
