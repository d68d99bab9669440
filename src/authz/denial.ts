/**
 * How each service says "no" (code, status, message), and the decoded form of a decision for
 * EC2's encoded authorization failure message.
 *
 *   IAM (query): AccessDenied 403 "User: ARN is not authorized to perform: ACTION on
 *     resource: RES because no identity-based policy allows the ACTION action"
 *   STS (query): the same without "on resource: *" (DecodeAuthorizationMessage keeps the
 *     reason); role assumption and GetFederationToken give no reason for an implicit deny:
 *     "User: ARN is not authorized to perform: sts:AssumeRole on resource: ROLE", as every such
 *     denial reported from 2021 to 2025 reads
 *   S3: AccessDenied 403; same-account callers get the same form with the resource quoted
 *     (S3's enhanced messages since 2024), others (anonymous, cross-account) "Access Denied"
 *   EC2: UnauthorizedOperation 403 "You are not authorized to perform this operation. User: ...
 *     [Encoded authorization failure message: ...]" (the encoded part for mutating actions)
 *   CloudTrail (json): AccessDeniedException 400 with the IAM form
 */
import type { Principal } from '../auth/principal.ts';
import { AwsError } from '../errors.ts';
import { accessDeniedMessage, type EvaluationResult, type RequestContextValues } from '../policy/index.ts';
import type { DecodedAuthorizationMessage, DecodedStatement } from './authorization-message.ts';

export interface DeniedRequest {
  service: string;
  principal: Principal;
  action: string;
  resource: string;
  resourceAccountId: string;
  result: EvaluationResult;
}

/** STS actions whose implicit denials carry no "because ..." reason. */
const STS_NO_REASON = new Set([
  'sts:assumerole',
  'sts:tagsession',
  'sts:setsourceidentity',
  'sts:getfederationtoken',
]);

/** EC2 actions that only read: AWS leaves the encoded message out of their denials. */
const isReadOnlyEc2 = (action: string) => /^ec2:(Describe|Get|List)/i.test(action);

export function needsEncodedMessage(d: DeniedRequest): boolean {
  return d.service === 'ec2' && !isReadOnlyEc2(d.action);
}

/**
 * The resource as the message names it: IAM says "on resource: *" (and "policy path /" for
 * ListPolicies); the other services leave "*" out, as S3 does for ListAllMyBuckets (whose
 * request resource is arn:aws:s3:::*, see the S3 AuthzMapper).
 */
function shownResource(d: DeniedRequest): string | undefined {
  if (d.resource !== '*' && d.resource !== 'arn:aws:s3:::*') return d.resource;
  if (d.service !== 'iam') return undefined;
  return d.action.toLowerCase() === 'iam:listpolicies' ? 'policy path /' : '*';
}

export function denialError(d: DeniedRequest, encoded?: string): AwsError {
  const shown = shownResource(d);
  const omitResource = shown === undefined;
  const text = accessDeniedMessage(d.principal, d.action, shown ?? '*', d.result, { omitResource });
  switch (d.service) {
    case 's3': {
      const sameAccount = d.principal.type !== 'Anonymous' && d.principal.accountId === d.resourceAccountId;
      if (!sameAccount) return new AwsError('AccessDenied', 'Access Denied', 403);
      const quoted = omitResource
        ? text
        : text.replace(` on resource: ${d.resource}`, ` on resource: "${d.resource}"`);
      return new AwsError('AccessDenied', quoted, 403);
    }
    case 'ec2': {
      const tail = encoded ? `. Encoded authorization failure message: ${encoded}` : '';
      return new AwsError(
        'UnauthorizedOperation',
        `You are not authorized to perform this operation. ${text}${tail}`,
        403,
      );
    }
    case 'cloudtrail':
      return new AwsError('AccessDeniedException', text, 400);
    case 'sts': {
      const bare = d.result.decision === 'ImplicitDeny' && STS_NO_REASON.has(d.action.toLowerCase());
      return new AwsError('AccessDenied', bare ? text.replace(/ because no .*$/, '') : text, 403);
    }
    default:
      return new AwsError('AccessDenied', text, 403);
  }
}

const items = (values: string[]) => ({ items: values.map((value) => ({ value })) });
const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];

function statementOf(source: unknown, index: number): Record<string, unknown> | undefined {
  try {
    const doc = typeof source === 'string' ? JSON.parse(source) : source;
    const st = (doc as { Statement?: unknown })?.Statement;
    const arr = Array.isArray(st) ? st : [st];
    const s = arr[index];
    return s && typeof s === 'object' ? (s as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The decision in DecodeAuthorizationMessage's JSON form. */
export function decodedMessage(
  d: DeniedRequest,
  context: RequestContextValues,
  sources: ReadonlyMap<string, unknown>,
  resourcePolicy?: string,
): DecodedAuthorizationMessage {
  const matched: DecodedStatement[] = d.result.matchedStatements.map((m) => {
    const src =
      m.sourcePolicyType === 'resource-based'
        ? resourcePolicy
        : sources.get(`${m.sourcePolicyType}\n${m.sourcePolicyId}`);
    const st = src === undefined ? undefined : statementOf(src, m.index);
    const conditions: { key: string; values: ReturnType<typeof items> }[] = [];
    const cond = st?.Condition as Record<string, Record<string, unknown>> | undefined;
    for (const [op, keys] of Object.entries(cond ?? {}))
      for (const [k, v] of Object.entries(keys ?? {}))
        conditions.push({ key: `${op}:${k}`, values: items(list(v)) });
    return {
      statementId: m.sid ?? '',
      effect: m.effect === 'Deny' ? 'DENY' : 'ALLOW',
      principals: items([d.principal.userId]),
      principalGroups: items([]),
      actions: items(list(st?.Action ?? st?.NotAction)),
      resources: items(list(st?.Resource ?? st?.NotResource)),
      conditions: { items: conditions },
    };
  });
  const p = d.principal;
  const name = p.type === 'IAMUser' ? p.userName : p.type === 'AssumedRole' ? p.role?.name : undefined;
  return {
    allowed: false,
    explicitDeny: d.result.decision === 'ExplicitDeny',
    matchedStatements: { items: matched },
    failures: items([]),
    context: {
      principal: { id: p.userId, ...(name !== undefined && { name }), arn: p.arn },
      action: d.action,
      resource: d.resource,
      conditions: {
        items: Object.entries(context)
          .filter(([, v]) => v !== undefined)
          .map(([key, v]) => ({ key, values: items(list(typeof v === 'boolean' ? String(v) : v)) })),
      },
    },
  };
}
