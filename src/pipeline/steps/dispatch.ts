/** Step: call the typed handler for the operation, or answer NotImplemented. */
import { CommonErrors } from '../../errors.ts';
import type { App } from '../../app.ts';
import type { HandlerContext } from '../../services/handler.ts';
import type { RequestContext } from '../context.ts';

export function handlerContext(app: App, ctx: RequestContext): HandlerContext {
  return {
    requestId: ctx.requestId,
    service: ctx.service!,
    operation: ctx.operation!.name,
    region: ctx.region,
    accountId: ctx.principal!.accountId,
    principal: ctx.principal!,
    request: ctx.facts,
    body: ctx.body,
    ...(ctx.postForm ? { post: ctx.postForm } : {}),
    now: app.now(),
  };
}

export async function dispatch(app: App, ctx: RequestContext): Promise<void> {
  const handler = app.handlers[ctx.service!]?.[ctx.operation!.name];
  if (!handler) throw CommonErrors.notImplemented(ctx.model!.metadata.serviceId, ctx.operation!.name);
  ctx.output = await handler(ctx.input ?? {}, handlerContext(app, ctx));
}
