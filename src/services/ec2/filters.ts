/**
 * Describe* filters as EC2 applies them: filter names from each API's documented list (unknown
 * names are InvalidParameterValue), values OR'ed within a filter, filters AND'ed, `*` and `?`
 * wildcards, tag:KEY / tag-key / tag-value for every taggable resource. And MaxResults/NextToken.
 */
import {
  InvalidNextToken,
  InvalidParameterCombination,
  InvalidParameterValue,
} from '../../generated/ec2/errors.ts';
import type { Filter, Tag } from '../../generated/ec2/types.ts';
import { isDocumentedFilter, type DocumentedOperation } from './documented-filters.ts';

/** What one filter name reads from an item: one value, several, or none. */
export type FilterFields<T> = Record<string, (item: T) => unknown>;

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) re += glob[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function asStrings(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(asStrings);
  if (v instanceof Date) return [v.toISOString()];
  return [String(v)];
}

export function matchesAny(values: string[], patterns: string[]): boolean {
  const res = patterns.map(globToRegExp);
  return values.some((v) => res.some((r) => r.test(v)));
}

/** Tags of an item, whatever the item calls them (Tags or TagSet). */
function tagsOf(item: unknown): Tag[] {
  const o = item as { Tags?: Tag[]; TagSet?: Tag[] };
  return o.Tags ?? o.TagSet ?? [];
}

/**
 * `operation` is the calling Describe* handler: its documented names without a field here are
 * accepted and match nothing. Without it only the given fields (and tags) are accepted.
 */
export function applyFilters<T>(
  items: T[],
  filters: Filter[] | undefined,
  fields: FilterFields<T>,
  operation?: DocumentedOperation,
): T[] {
  if (!filters?.length) return items;
  const tests = filters.map((f) => {
    const name = f.Name ?? '';
    const values = f.Values ?? [];
    if (name.startsWith('tag:')) {
      const key = name.slice(4);
      return (item: T) => tagsOf(item).some((t) => t.Key === key && matchesAny([t.Value ?? ''], values));
    }
    if (name === 'tag-key')
      return (item: T) =>
        matchesAny(
          tagsOf(item).map((t) => t.Key ?? ''),
          values,
        );
    if (name === 'tag-value')
      return (item: T) =>
        matchesAny(
          tagsOf(item).map((t) => t.Value ?? ''),
          values,
        );
    // A documented name without data here matches nothing, as for resources lacking the property.
    const field = fields[name] ?? (isDocumentedFilter(operation, name) ? () => undefined : undefined);
    if (!field) throw new InvalidParameterValue(`The filter '${name}' is invalid`);
    return (item: T) => matchesAny(asStrings(field(item)), values);
  });
  return items.filter((item) => tests.every((t) => t(item)));
}

export interface PageOptions {
  MaxResults?: number;
  NextToken?: string;
}

/** MaxResults/NextToken over an already filtered list; bounds as the API documents them. */
export function paginate<T>(
  items: T[],
  input: PageOptions,
  bounds: { min: number; max: number },
): { page: T[]; NextToken?: string } {
  let start = 0;
  if (input.NextToken !== undefined) {
    const decoded = /^\d+$/.test(input.NextToken)
      ? NaN
      : Number(Buffer.from(input.NextToken, 'base64url').toString().replace(/^o:/, ''));
    if (
      !Number.isInteger(decoded) ||
      decoded < 0 ||
      !Buffer.from(input.NextToken, 'base64url').toString().startsWith('o:')
    ) {
      throw new InvalidNextToken('The token provided is invalid.');
    }
    start = decoded;
  }
  if (input.MaxResults === undefined) {
    if (input.NextToken === undefined) return { page: items };
    return { page: items.slice(start) };
  }
  const max = input.MaxResults;
  if (max < bounds.min || max > bounds.max) {
    throw new InvalidParameterValue(
      `Value ( ${max} ) for parameter maxResults is invalid. Expecting a value between ${bounds.min} and ${bounds.max}.`,
    );
  }
  const page = items.slice(start, start + max);
  const next = start + max < items.length ? Buffer.from(`o:${start + max}`).toString('base64url') : undefined;
  return { page, NextToken: next };
}

/** Refuses MaxResults together with explicit ids, as EC2 does for most Describe calls. */
export function noIdsWithMaxResults(
  ids: unknown[] | undefined,
  maxResults: number | undefined,
  what: string,
): void {
  if (ids?.length && maxResults !== undefined) {
    throw new InvalidParameterCombination(
      `The parameter ${what} cannot be used with the parameter maxResults`,
    );
  }
}
