/**
 * Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, `${*}`, `${?}`, `${$}`).
 * Only documents of Version 2012-10-17 substitute them; older ones read the text literally.
 * A variable whose key is missing (and has no default) makes the element not match.
 */
import type { NormalizedContext } from './types.ts';
import type { PatternPart } from './wildcard.ts';

type TemplatePart = { raw: string } | { lit: string } | { key: string; def?: string };

export interface Template {
  parts: TemplatePart[];
  /** True when the text has a variable to substitute (escapes alone do not count). */
  dynamic: boolean;
  /** The parts when nothing needs substituting. */
  fixed?: PatternPart[];
}

// ${name} or ${name, 'default'}; names: letters, digits and : / _ - . (tag keys may hold more).
const VAR_RE = /\$\{([^}']+?)(?:\s*,\s*'([^']*)'\s*)?\}/g;

export function parseTemplate(text: string, variables: boolean): Template {
  if (!variables || !text.includes('${'))
    return { parts: [{ raw: text }], dynamic: false, fixed: [{ raw: text }] };
  const parts: TemplatePart[] = [];
  let dynamic = false;
  let last = 0;
  for (const m of text.matchAll(VAR_RE)) {
    if (m.index > last) parts.push({ raw: text.slice(last, m.index) });
    const name = m[1].trim();
    if (m[2] === undefined && (name === '*' || name === '?' || name === '$')) parts.push({ lit: name });
    else {
      parts.push({ key: name.toLowerCase(), def: m[2] });
      dynamic = true;
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ raw: text.slice(last) });
  return dynamic ? { parts, dynamic } : { parts, dynamic, fixed: parts as PatternPart[] };
}

/** Substitutes the variables; undefined when one cannot be resolved. */
export function resolveTemplate(t: Template, ctx: NormalizedContext): PatternPart[] | undefined {
  if (t.fixed) return t.fixed;
  const out: PatternPart[] = [];
  for (const p of t.parts) {
    if ('key' in p) {
      const v = ctx.get(p.key);
      if (v && v.length === 1) out.push({ lit: v[0] });
      else if (v === undefined && p.def !== undefined) out.push({ lit: p.def });
      else return undefined;
    } else out.push(p);
  }
  return out;
}

/** The plain string a resolved template stands for (wildcards kept as written). */
export const partsToString = (parts: PatternPart[]): string =>
  parts.map((p) => ('raw' in p ? p.raw : p.lit)).join('');

/** True when some part is a literal (a substituted value or an escape). */
export const hasLiteral = (parts: PatternPart[]): boolean => parts.some((p) => 'lit' in p);
