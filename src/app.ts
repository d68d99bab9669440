/**
 * The running server's parts, wired once at start-up and shared by every request: credential
 * lookup, service handlers, the authorizer and the audit recorder.
 */
import type { CredentialResolver } from './auth/principal.ts';
import type { ServiceName } from './protocol/model.ts';
import type { ServiceHandlers } from './services/handler.ts';
import type { AuthzMapper } from './services/authz.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from './pipeline/context.ts';

/** Decides whether ctx.principal may perform ctx.operation on its input; throws AccessDenied. */
export type Authorizer = (app: App, ctx: RequestContext) => Promise<void>;

/**
 * Answers a request by its Host before the AWS pipeline (S3 website endpoints); returns false,
 * synchronously, for requests it does not serve. It answers (and catches) everything itself.
 */
export type HostRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Adjusts a serialized response before it is written (S3 CORS headers); must not throw. */
export type ResponseHook = (ctx: RequestContext) => Promise<void>;

/** Records a finished request (audit trail); must never throw or delay the response. */
export type Recorder = (ctx: RequestContext) => void;

export interface AppOptions {
  /** Default region when a request names none. */
  region: string;
  /** Host suffixes for S3 virtual-host-style addressing. */
  s3VirtualHostSuffixes?: string[];
  /** Allowed clock skew for signatures (AWS: 15 minutes). */
  maxSkewMs?: number;
  /** Test-only: shifts the server's clock (for expiry tests). */
  clockOffsetMs?: number;
}

export interface App {
  options: AppOptions;
  credentials: CredentialResolver;
  handlers: Partial<Record<ServiceName, ServiceHandlers>>;
  /** Per service: what each operation asks of IAM (action, resource, condition keys). */
  authz: Partial<Record<ServiceName, AuthzMapper>>;
  authorizer: Authorizer;
  recorders: Recorder[];
  /** Tried in order before the pipeline (see HostRoute). */
  hostRoutes?: HostRoute[];
  /** Run in order after serialization, before the response is written. */
  responseHooks?: ResponseHook[];
  /**
   * The region of an existing S3 bucket (set by S3): a SigV4 request signed for another region
   * is redirected there, as S3 does (see authenticate.ts).
   */
  s3BucketRegion?: (bucket: string) => Promise<string | undefined>;
  now(): Date;
}
