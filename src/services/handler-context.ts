/**
 * The context every generated operation interface (src/generated/<svc>/operations.ts) passes to
 * a handler. The interface itself lives with the pipeline's handler types (./handler.ts), so
 * there is one definition; this module is the stable import point for generated code.
 */
import { CommonErrors } from '../errors.ts';
import type { HandlerContext } from './handler.ts';

export type { HandlerContext } from './handler.ts';

/** The input of an operation whose model has no input shape. */
export type NoInput = Record<string, never>;

/**
 * Calls `handlers[operation]`, or throws AWS's NotImplemented when the service has not
 * implemented it yet (handlers are Partial<XxxOperations>).
 */
export async function callOperation<Ops extends object>(
  serviceId: string,
  handlers: Partial<Ops>,
  operation: keyof Ops & string,
  input: unknown,
  ctx: HandlerContext,
): Promise<unknown> {
  const fn = handlers[operation] as ((input: unknown, ctx: HandlerContext) => Promise<unknown>) | undefined;
  if (typeof fn !== 'function') throw CommonErrors.notImplemented(serviceId, operation);
  return fn.call(handlers, input, ctx);
}
