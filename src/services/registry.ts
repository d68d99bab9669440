/**
 * Builds every service's handlers at start-up. Each service folder exports one factory taking
 * ServiceDeps; operations a service does not implement answer NotImplemented.
 */
import type { ServiceName } from '../protocol/model.ts';
import type { ServiceHandlers } from './handler.ts';
import type { ServiceDeps } from './deps.ts';
import { stsHandlers } from './sts/index.ts';

export async function buildServices(_deps: ServiceDeps): Promise<Partial<Record<ServiceName, ServiceHandlers>>> {
  return {
    sts: stsHandlers(),
    s3: {},
    iam: {},
    ec2: {},
    cloudtrail: {},
  };
}
