/**
 * AccessDenied message text in AWS's current form ("Troubleshoot access denied error messages"):
 *   User: ARN is not authorized to perform: ACTION on resource: RES because no identity-based policy allows the ACTION action
 *   User: ARN is not authorized to perform: ACTION on resource: RES with an explicit deny in an identity-based policy
 */
import type { Principal } from '../auth/principal.ts';
import type { PolicySourceType } from './types.ts';
import type { EvaluationResult } from './evaluate.ts';

const EXPLICIT: Record<PolicySourceType, string> = {
  'identity-based': 'an identity-based policy',
  'resource-based': 'a resource-based policy',
  'permissions boundary': 'a permissions boundary',
  session: 'a session policy',
};

const IMPLICIT: Record<PolicySourceType, string> = {
  'identity-based': 'identity-based policy',
  'resource-based': 'resource-based policy',
  'permissions boundary': 'permissions boundary',
  session: 'session policy',
};

export interface AccessDeniedMessageOptions {
  /** Leave out "on resource: ..." (AWS does for actions that take no resource). */
  omitResource?: boolean;
}

/** The message for a denied evaluation (returns a generic text for an Allow, which has none). */
export function accessDeniedMessage(
  principal: Principal,
  action: string,
  resource: string,
  result: Pick<EvaluationResult, 'decision' | 'deniedBy'>,
  opts: AccessDeniedMessageOptions = {},
): string {
  const who = principal.type === 'Anonymous' ? 'anonymous' : principal.arn;
  const on = opts.omitResource ? '' : ` on resource: ${resource}`;
  const head = `User: ${who} is not authorized to perform: ${action}${on}`;
  const by = result.deniedBy ?? 'identity-based';
  if (result.decision === 'ExplicitDeny') return `${head} with an explicit deny in ${EXPLICIT[by]}`;
  if (result.decision === 'ImplicitDeny')
    return `${head} because no ${IMPLICIT[by]} allows the ${action} action`;
  return head;
}
