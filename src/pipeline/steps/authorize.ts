/** Step: ask the authorizer (the IAM policy engine once wired) before any handler runs. */
import type { App } from '../../app.ts';
import type { RequestContext } from '../context.ts';

export async function authorize(app: App, ctx: RequestContext): Promise<void> {
  await app.authorizer(app, ctx);
}
