/** What CloudTrail's handlers share: trails, the audit log, the S3 seam and the deliverer. */
import type { AuditLog } from '../../audit/index.ts';
import type { TrailDelivery } from './delivery.ts';
import type { TrailBucketAccess } from './s3-access.ts';
import type { TrailRepository } from './trail-store.ts';

export interface CloudTrailEnv {
  trails: TrailRepository;
  audit: AuditLog;
  s3: TrailBucketAccess;
  delivery: TrailDelivery;
}
