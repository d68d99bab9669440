/**
 * What a service handler sees: typed input, a small context, no HTTP. Handlers are keyed by the
 * exact AWS operation name and return the operation's output shape (or throw an AwsError).
 */
import type { Readable } from 'node:stream';
import type { Principal } from '../auth/principal.ts';

export interface RequestFacts {
  method: string;
  headers: Record<string, string>;
  query: URLSearchParams;
  sourceIp: string;
  secure: boolean;
  userAgent: string;
  host: string;
}

/** S3 POST Object (browser upload): the form whose policy signature authenticated the request. */
export interface PostObjectForm {
  /** The object key, ${filename} substituted. */
  key: string;
  /** Form fields before the file, by lower-cased name. */
  fields: ReadonlyMap<string, string>;
  /** The file's bytes; errors when the form is malformed or the policy's size range is left. */
  file: Readable;
  filename: string;
  /** The file part's own Content-Type ('' when absent). */
  fileContentType: string;
  /** Settles when the whole request body has been read. */
  done: Promise<void>;
}

export interface HandlerContext {
  requestId: string;
  service: string;
  operation: string;
  region: string;
  /** The caller's account (the account whose resources the request addresses, for most services). */
  accountId: string;
  principal: Principal;
  request: RequestFacts;
  /** S3 only: how the bucket was addressed and the raw (decoded) body stream. */
  body?: Readable;
  /** S3 POST Object only: the verified form. */
  post?: PostObjectForm;
  /** Filled by the authorize step: what the policy engine was asked and answered (for handlers that need it). */
  now: Date;
}

export type Handler = (input: any, ctx: HandlerContext) => Promise<any>;
export type ServiceHandlers = Record<string, Handler>;

/**
 * One service's handlers from its per-area groups. An operation in two groups is a mistake (the
 * later one would silently win and the earlier become dead code), so it throws at start-up;
 * handlers meant to wrap others are applied explicitly afterwards.
 */
export function mergeHandlers(...groups: Record<string, Handler>[]): ServiceHandlers {
  const out: ServiceHandlers = {};
  for (const group of groups)
    for (const [name, handler] of Object.entries(group)) {
      if (name in out) throw new Error(`Operation ${name} has two handlers`);
      out[name] = handler;
    }
  return out;
}
