/**
 * SimulatePrincipalPolicy and SimulateCustomPolicy: the request authorizer's engine answering
 * "would this be allowed?" for each action × resource, with the statements that decided
 * (positions in their documents), the context keys the policies read but were not given, and
 * the permissions boundary's part.
 */
import type { Principal } from '../../auth/principal.ts';
import { AwsError } from '../../errors.ts';
import {
  evaluate,
  statementPosition,
  validateIdentityPolicy,
  type EvaluationResult,
  type RequestContextValues,
} from '../../policy/index.ts';
import type { HandlerContext, ServiceHandlers } from '../handler.ts';
import { contextKeyHandlers } from './context-keys.ts';
import { invalidInput } from './errors.ts';
import { callerPrincipal, simulationEntity, type SimPolicy } from './simulate-sources.ts';
import type { IamState } from './state.ts';

interface ContextEntry {
  ContextKeyName?: string;
  ContextKeyValues?: string[];
  ContextKeyType?: string;
}

export interface SimulateCustomInput {
  PolicyInputList: string[];
  PermissionsBoundaryPolicyInputList?: string[];
  ActionNames: string[];
  ResourceArns?: string[];
  ResourcePolicy?: string;
  ResourceOwner?: string;
  CallerArn?: string;
  ContextEntries?: ContextEntry[];
  MaxItems?: number;
  Marker?: string;
}

export interface SimulatePrincipalInput extends Omit<SimulateCustomInput, 'PolicyInputList'> {
  PolicySourceArn: string;
  PolicyInputList?: string[];
}

const pos = (p: { line: number; column: number }) => ({ Line: p.line, Column: p.column });

/** Input policies must be valid policies; the simulator answers InvalidInput otherwise. */
function checkInput(text: string, kind: 'identity' | 'resource'): void {
  try {
    if (kind === 'identity') validateIdentityPolicy(text);
    else {
      // Resource policies of any service: a JSON document with statements is all that is asked.
      const doc = JSON.parse(text) as { Statement?: unknown };
      if (!doc || typeof doc !== 'object' || doc.Statement === undefined)
        throw new AwsError('InvalidInput', 'Syntax errors in policy.');
    }
  } catch (e) {
    if (e instanceof AwsError) throw invalidInput(e.message);
    throw invalidInput('Syntax errors in policy.');
  }
}

function contextOf(entries: ContextEntry[] | undefined): RequestContextValues {
  const out: RequestContextValues = {};
  for (const e of entries ?? []) {
    if (!e.ContextKeyName) continue;
    const values = e.ContextKeyValues ?? [];
    out[e.ContextKeyName] = e.ContextKeyType?.endsWith('List')
      ? values
      : values.length === 1
        ? values[0]
        : values;
  }
  return out;
}

/** "123456789012" or "arn:aws:iam::123456789012:root" → the account id. */
function ownerAccount(owner: string | undefined, fallback: string): string {
  if (!owner) return fallback;
  const m = /^(?:arn:aws:iam::)?(\d{12})(?::root)?$/.exec(owner);
  if (!m) throw invalidInput(`Invalid ResourceOwner: ${owner}.`);
  return m[1]!;
}

interface Plan {
  principal: Principal;
  identity: SimPolicy[];
  boundary?: SimPolicy[];
  resourcePolicy?: SimPolicy;
  resourceAccountId: string;
  context: RequestContextValues;
}

function page<T>(items: T[], maxItems: number | undefined, marker: string | undefined) {
  const start = marker ? Number(Buffer.from(marker, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0 || start > items.length) throw invalidInput('Invalid Marker.');
  const max = maxItems ?? 100;
  const end = start + max;
  return end < items.length
    ? {
        items: items.slice(start, end),
        IsTruncated: true,
        Marker: Buffer.from(String(end)).toString('base64url'),
      }
    : { items: items.slice(start), IsTruncated: false };
}

/** The engine reports condition keys lower-cased; IAM names them as the policies spell them. */
function spelled(keys: string[], texts: string[]): string[] {
  return keys.map((k) => {
    for (const t of texts) {
      const i = t.toLowerCase().indexOf(`"${k}"`);
      if (i >= 0) return t.slice(i + 1, i + 1 + k.length);
    }
    return k;
  });
}

function run(
  plan: Plan,
  actions: string[],
  resources: string[] | undefined,
  input: { MaxItems?: number; Marker?: string },
) {
  const byKey = new Map<string, SimPolicy>();
  const refs = (list: SimPolicy[] | undefined, prefix: string) =>
    list?.map((p, i) => {
      byKey.set(`${prefix}${i}`, p);
      return { id: `${prefix}${i}`, document: p.text };
    });
  const identity = refs(plan.identity, 'i') ?? [];
  const boundary = refs(plan.boundary, 'b');
  if (plan.resourcePolicy) byKey.set('r', plan.resourcePolicy);
  const texts = [...byKey.values()].map((p) => p.text);

  const results = [];
  for (const action of actions)
    for (const resource of resources?.length ? resources : ['*']) {
      const r: EvaluationResult = evaluate({
        principal: plan.principal,
        action,
        resource,
        context: plan.context,
        identityPolicies: identity,
        boundaryPolicies: boundary,
        resourcePolicy: plan.resourcePolicy && { id: 'r', document: plan.resourcePolicy.text },
        resourceAccountId: plan.resourceAccountId,
      });
      // A deny is reported alone; an allow with the statements that allowed; an implicit deny with none.
      const wanted = r.decision === 'ExplicitDeny' ? 'Deny' : r.decision === 'Allow' ? 'Allow' : undefined;
      const matched = r.matchedStatements
        .filter(
          (m) => m.effect === wanted && (wanted === 'Deny' || m.sourcePolicyType !== 'permissions boundary'),
        )
        .map((m) => {
          const src = byKey.get(m.sourcePolicyId)!;
          const span = statementPosition(src.text, m.index);
          return {
            SourcePolicyId: src.id,
            SourcePolicyType: src.type,
            ...(span && { StartPosition: pos(span.start), EndPosition: pos(span.end) }),
          };
        });
      const inBoundary = r.matchedStatements.filter((m) => m.sourcePolicyType === 'permissions boundary');
      const missing = spelled(r.missingContextValues, texts);
      const boundaryDetail = plan.boundary && {
        PermissionsBoundaryDecisionDetail: {
          AllowedByPermissionsBoundary:
            inBoundary.some((m) => m.effect === 'Allow') && !inBoundary.some((m) => m.effect === 'Deny'),
        },
      };
      // With named resources IAM also reports the result per resource (and, within one account, empty details).
      const named = resource !== '*';
      const details =
        named && plan.resourceAccountId === plan.principal.accountId ? { EvalDecisionDetails: {} } : {};
      results.push({
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: r.evalDecision,
        MatchedStatements: matched,
        MissingContextValues: missing,
        ...details,
        ...boundaryDetail,
        ...(named && {
          ResourceSpecificResults: [
            {
              EvalResourceName: resource,
              EvalResourceDecision: r.evalDecision,
              MatchedStatements: matched,
              MissingContextValues: missing,
              ...details,
              ...boundaryDetail,
            },
          ],
        }),
      });
    }
  const p = page(results, input.MaxItems, input.Marker);
  return { EvaluationResults: p.items, IsTruncated: p.IsTruncated, ...(p.Marker && { Marker: p.Marker }) };
}

const inputList = (texts: string[] | undefined, label: string, kind: 'identity' | 'resource'): SimPolicy[] =>
  (texts ?? []).map((text, i) => {
    checkInput(text, kind);
    return { id: `${label}.${i + 1}`, type: 'none', text };
  });

function resourcePolicyOf(text: string | undefined): SimPolicy | undefined {
  if (text === undefined) return undefined;
  checkInput(text, 'resource');
  return { id: 'ResourcePolicy', type: 'resource', text };
}

export function simulateHandlers(s: IamState): ServiceHandlers {
  return {
    ...contextKeyHandlers(s),
    async SimulatePrincipalPolicy(input: SimulatePrincipalInput, ctx: HandlerContext) {
      const entity = await simulationEntity(s, ctx.accountId, input.PolicySourceArn);
      if (input.ResourcePolicy !== undefined && entity.kind !== 'user' && !input.CallerArn)
        throw invalidInput(
          'CallerArn must be specified when simulating a resource policy with a non-user PolicySourceArn.',
        );
      const principal = input.CallerArn ? await callerPrincipal(s, input.CallerArn) : entity.principal;
      const extraBoundary = inputList(
        input.PermissionsBoundaryPolicyInputList,
        'PermissionsBoundaryPolicyInputList',
        'identity',
      );
      const plan: Plan = {
        principal,
        identity: [...entity.identity, ...inputList(input.PolicyInputList, 'PolicyInputList', 'identity')],
        ...(extraBoundary.length
          ? { boundary: extraBoundary }
          : entity.boundary
            ? { boundary: [entity.boundary] }
            : {}),
        resourcePolicy: resourcePolicyOf(input.ResourcePolicy),
        resourceAccountId: ownerAccount(input.ResourceOwner, ctx.accountId),
        context: contextOf(input.ContextEntries),
      };
      return run(plan, input.ActionNames, input.ResourceArns, input);
    },

    async SimulateCustomPolicy(input: SimulateCustomInput, ctx: HandlerContext) {
      const boundary = inputList(
        input.PermissionsBoundaryPolicyInputList,
        'PermissionsBoundaryPolicyInputList',
        'identity',
      );
      const principal: Principal = input.CallerArn
        ? await callerPrincipal(s, input.CallerArn)
        : {
            type: 'IAMUser',
            accountId: ctx.accountId,
            arn: `arn:aws:iam::${ctx.accountId}:user/SimulatedUser`,
            userId: 'AIDASIMULATEDUSER',
          };
      const plan: Plan = {
        principal,
        identity: inputList(input.PolicyInputList, 'PolicyInputList', 'identity'),
        ...(boundary.length && { boundary }),
        resourcePolicy: resourcePolicyOf(input.ResourcePolicy),
        resourceAccountId: ownerAccount(input.ResourceOwner, ctx.accountId),
        context: contextOf(input.ContextEntries),
      };
      return run(plan, input.ActionNames, input.ResourceArns, input);
    },
  };
}
