/**
 * The authorizer used until the IAM policy engine is wired in: an account's root may do anything
 * in its own account; everyone else is denied.
 */
import { AwsError } from '../errors.ts';
import type { Authorizer } from '../app.ts';

export const rootOnlyAuthorizer: Authorizer = async (ctx) => {
  if (ctx.principal?.type === 'Root') return;
  const who = ctx.principal?.type === 'Anonymous' ? 'anonymous' : ctx.principal?.arn;
  throw new AwsError('AccessDenied', `User: ${who} is not authorized to perform: ${ctx.service}:${ctx.operation?.name}`, 403);
};
