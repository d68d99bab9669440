/**
 * What IAM's SimulatePrincipalPolicy / SimulateCustomPolicy need: one evaluation per action ×
 * resource with IAM's EvalDecision spelling, the matched statements and the missing context
 * keys, plus the line/column span of a statement in its document text (MatchedStatement's
 * StartPosition / EndPosition).
 */
import type { Principal } from '../auth/principal.ts';
import type { EvalDecision, MatchedStatement, RequestContextValues } from './types.ts';
import { evaluate, type PolicyInput, type ResourcePolicyInput } from './evaluate.ts';

export interface SimulationInput {
  principal: Principal;
  actionNames: string[];
  /** Defaults to ["*"]. */
  resourceArns?: string[];
  context?: RequestContextValues;
  identityPolicies: PolicyInput[];
  boundaryPolicies?: PolicyInput[];
  sessionPolicies?: PolicyInput[];
  resourcePolicy?: ResourcePolicyInput;
  /** The account owning the resources (defaults to the principal's). */
  resourceOwnerAccountId?: string;
}

export interface SimulationResult {
  evalActionName: string;
  evalResourceName: string;
  evalDecision: EvalDecision;
  matchedStatements: MatchedStatement[];
  missingContextValues: string[];
}

export function simulate(input: SimulationInput): SimulationResult[] {
  const out: SimulationResult[] = [];
  const resources = input.resourceArns?.length ? input.resourceArns : ['*'];
  for (const action of input.actionNames)
    for (const resource of resources) {
      const r = evaluate({
        principal: input.principal,
        action,
        resource,
        context: input.context,
        identityPolicies: input.identityPolicies,
        boundaryPolicies: input.boundaryPolicies,
        sessionPolicies: input.sessionPolicies,
        resourcePolicy: input.resourcePolicy,
        resourceAccountId: input.resourceOwnerAccountId ?? input.principal.accountId,
      });
      out.push({
        evalActionName: action,
        evalResourceName: resource,
        evalDecision: r.evalDecision,
        matchedStatements: r.matchedStatements,
        missingContextValues: r.missingContextValues,
      });
    }
  return out;
}

export interface Position {
  line: number;
  column: number;
}

/**
 * Start and end (1-based line and column) of the index-th statement of a JSON policy text, as
 * SimulatePolicy reports them; undefined when the text has no such statement.
 */
export function statementPosition(
  text: string,
  index: number,
): { start: Position; end: Position } | undefined {
  const pos = (offset: number): Position => {
    let line = 1;
    let col = 1;
    for (let i = 0; i < offset; i++) {
      if (text[i] === '\n') {
        line++;
        col = 1;
      } else col++;
    }
    return { line, column: col };
  };
  // Find the top-level "Statement" member, then walk its value.
  let depth = 0;
  let i = 0;
  let valueStart = -1;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = skipString(text, i);
      if (depth === 1 && text.slice(i + 1, end) === 'Statement') {
        let j = end + 1;
        while (/\s/.test(text[j] ?? '')) j++;
        if (text[j] === ':') {
          j++;
          while (/\s/.test(text[j] ?? '')) j++;
          valueStart = j;
          break;
        }
      }
      i = end;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  if (valueStart < 0) return undefined;
  const objectSpan = (start: number): number => {
    let d = 0;
    for (let k = start; k < text.length; k++) {
      const c = text[k];
      if (c === '"') k = skipString(text, k);
      else if (c === '{' || c === '[') d++;
      else if (c === '}' || c === ']') {
        d--;
        if (d === 0) return k;
      }
    }
    return -1;
  };
  if (text[valueStart] === '{') {
    if (index !== 0) return undefined;
    const end = objectSpan(valueStart);
    return end < 0 ? undefined : { start: pos(valueStart), end: pos(end + 1) };
  }
  if (text[valueStart] !== '[') return undefined;
  let n = 0;
  for (let k = valueStart + 1; k < text.length; k++) {
    const c = text[k];
    if (c === ']') return undefined;
    if (c === '{') {
      const end = objectSpan(k);
      if (end < 0) return undefined;
      if (n === index) return { start: pos(k), end: pos(end + 1) };
      n++;
      k = end;
    }
  }
  return undefined;
}

function skipString(text: string, start: number): number {
  for (let k = start + 1; k < text.length; k++) {
    if (text[k] === '\\') k++;
    else if (text[k] === '"') return k;
  }
  return text.length;
}
