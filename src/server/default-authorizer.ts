/**
 * The authorizer used until the IAM policy engine is wired in: an account's root may do anything
 * to resources of its own account; everyone else is denied.
 */
import { AwsError } from '../errors.ts';
import type { Authorizer } from '../app.ts';
import { handlerContext } from '../pipeline/steps/dispatch.ts';

export const rootOnlyAuthorizer: Authorizer = async (app, ctx) => {
  const p = ctx.principal!;
  const mapper = app.authz[ctx.service!];
  const requests = mapper ? await mapper(ctx.operation!.name, ctx.input ?? {}, handlerContext(app, ctx)) : [];
  // Operations that need no permission (sts:GetCallerIdentity) map to no request at all.
  if (mapper && requests.length === 0) return;
  const own = requests.every((r) => (r.resourceAccountId ?? p.accountId) === p.accountId);
  if (p.type === 'Root' && own) return;
  const who = p.type === 'Anonymous' ? 'anonymous' : p.arn;
  const first = requests[0];
  const action = first?.action ?? `${ctx.service}:${ctx.operation?.name}`;
  throw new AwsError(
    'AccessDenied',
    `User: ${who} is not authorized to perform: ${action}${first ? ` on resource: ${first.resource}` : ''}`,
    403,
  );
};
