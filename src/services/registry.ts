/**
 * Builds every service at start-up. Each service folder exports one factory taking ServiceDeps
 * and returning its handlers (operations it does not implement answer NotImplemented), its
 * AuthzMapper and optional start/stop hooks. Add a service with one line in SERVICES.
 */
import type { ServiceName } from '../protocol/model.ts';
import type { ServiceHandlers } from './handler.ts';
import type { AuthzMapper } from './authz.ts';
import type { ServiceDeps } from './deps.ts';
import { createStsService } from './sts/index.ts';
import { createEc2Service } from './ec2/index.ts';
import { createIamService } from './iam/index.ts';
import { createS3Service } from './s3/index.ts';
import { createCloudTrailService } from './cloudtrail/index.ts';

export interface Service {
  handlers: ServiceHandlers;
  authz?: AuthzMapper;
  /** Called when the server stops (background sweepers, machines...). */
  close?(): Promise<void>;
  /** Facts for /_stratus/health (e.g. which machine driver runs). */
  health?(): Record<string, unknown>;
}

export type ServiceFactory = (deps: ServiceDeps) => Promise<Service>;

const SERVICES: Partial<Record<ServiceName, ServiceFactory>> = {
  sts: createStsService,
  ec2: createEc2Service,
  iam: createIamService,
  s3: createS3Service,
  cloudtrail: createCloudTrailService,
};

export interface BuiltServices {
  handlers: Partial<Record<ServiceName, ServiceHandlers>>;
  authz: Partial<Record<ServiceName, AuthzMapper>>;
  close(): Promise<void>;
  health(): Record<string, unknown>;
}

export async function buildServices(deps: ServiceDeps): Promise<BuiltServices> {
  const built: BuiltServices = {
    handlers: { s3: {}, iam: {}, sts: {}, ec2: {}, cloudtrail: {} },
    authz: {},
    close: async () => {},
    health: () => ({}),
  };
  const healthFacts: (() => Record<string, unknown>)[] = [];
  const closers: (() => Promise<void>)[] = [];
  for (const [name, factory] of Object.entries(SERVICES) as [ServiceName, ServiceFactory][]) {
    const service = await factory(deps);
    built.handlers[name] = service.handlers;
    if (service.authz) built.authz[name] = service.authz;
    if (service.close) closers.push(service.close);
    if (service.health) healthFacts.push(service.health);
  }
  built.health = () => Object.assign({}, ...healthFacts.map((f) => f()));
  built.close = async () => {
    for (const close of closers.reverse()) await close();
  };
  return built;
}
