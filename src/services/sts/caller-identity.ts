/** STS GetCallerIdentity: who signed this request. */
import type { HandlerContext } from '../handler.ts';

export async function GetCallerIdentity(_input: unknown, ctx: HandlerContext) {
  const p = ctx.principal;
  return { UserId: p.userId, Account: p.accountId, Arn: p.arn };
}
