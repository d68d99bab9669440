/**
 * GetContextKeysForPrincipalPolicy / GetContextKeysForCustomPolicy: the condition keys a set of
 * policies reads (Condition blocks and ${...} policy variables), as the policies spell them,
 * each once (case-insensitively) — what a caller must supply to SimulatePolicy's ContextEntries.
 */
import type { HandlerContext, ServiceHandlers } from '../handler.ts';
import { invalidInput } from './errors.ts';
import { simulationEntity } from './simulate-sources.ts';
import type { IamState } from './state.ts';

const VARIABLE = /\$\{([^}*?$]+?)(?:\s*,\s*'[^']*')?\}/g;

/** Condition keys of one policy text, in order of appearance. */
export function contextKeysOf(text: string): string[] {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalidInput('Syntax errors in policy.');
  }
  const out: string[] = [];
  const statements = Array.isArray(doc?.Statement) ? doc.Statement : [doc?.Statement];
  for (const st of statements as Record<string, unknown>[]) {
    if (!st || typeof st !== 'object') continue;
    for (const el of ['Resource', 'NotResource']) {
      const v = st[el];
      for (const r of Array.isArray(v) ? v : [v])
        if (typeof r === 'string') for (const m of r.matchAll(VARIABLE)) out.push(m[1]!.trim());
    }
    const cond = st.Condition as Record<string, Record<string, unknown>> | undefined;
    for (const block of Object.values(cond ?? {})) {
      if (!block || typeof block !== 'object') continue;
      for (const [key, values] of Object.entries(block)) {
        out.push(key);
        for (const v of Array.isArray(values) ? values : [values])
          if (typeof v === 'string') for (const m of v.matchAll(VARIABLE)) out.push(m[1]!.trim());
      }
    }
  }
  return out;
}

function unique(keys: string[]): string[] {
  const seen = new Set<string>();
  return keys.filter((k) => {
    const l = k.toLowerCase();
    if (seen.has(l)) return false;
    seen.add(l);
    return true;
  });
}

export function contextKeyHandlers(s: IamState): ServiceHandlers {
  return {
    async GetContextKeysForCustomPolicy(input: { PolicyInputList: string[] }) {
      return { ContextKeyNames: unique(input.PolicyInputList.flatMap(contextKeysOf)) };
    },
    async GetContextKeysForPrincipalPolicy(
      input: { PolicySourceArn: string; PolicyInputList?: string[] },
      ctx: HandlerContext,
    ) {
      const entity = await simulationEntity(s, ctx.accountId, input.PolicySourceArn);
      const texts = [...entity.identity.map((p) => p.text), ...(input.PolicyInputList ?? [])];
      return { ContextKeyNames: unique(texts.flatMap(contextKeysOf)) };
    },
  };
}
