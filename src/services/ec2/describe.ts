/**
 * The sequence most Describe* calls share: the resources the request names by id (an unknown id
 * is the call's own not-found error) or else all of them → Filters → a MaxResults/NextToken page.
 * Each call keeps its own errors, ordering and paging rules by what it passes in.
 */
import type { Filter } from '../../generated/ec2/types.ts';
import type { DocumentedOperation } from './documented-filters.ts';
import {
  applyFilters,
  noIdsWithMaxResults,
  paginate,
  type FilterFields,
  type PageOptions,
} from './filters.ts';

export interface DescribeInput extends PageOptions {
  Filters?: Filter[];
}

export interface DescribeSource<T> {
  /** The ids the request names; none (or an empty list) means every resource. */
  ids: string[] | undefined;
  /** The named resources, throwing the call's not-found (or malformed) error for an unknown id. */
  byIds: (ids: string[]) => T[] | Promise<T[]>;
  all: () => T[] | Promise<T[]>;
  /** The call itself: its documented filter names without a field here match nothing. */
  operation: DocumentedOperation;
  /** The call's filter names Stratus has data for. */
  fields: FilterFields<T>;
  /** The ids parameter's wire name, for calls that refuse MaxResults together with ids. */
  idsParam?: string;
}

/** Ids (or everything), then filters: the resources a Describe call answers with, unpaged. */
export async function describeAll<T>(input: DescribeInput, source: DescribeSource<T>): Promise<T[]> {
  if (source.idsParam !== undefined) noIdsWithMaxResults(source.ids, input.MaxResults, source.idsParam);
  const items = source.ids?.length ? await source.byIds(source.ids) : await source.all();
  return applyFilters(items, input.Filters, source.fields, source.operation);
}

/** describeAll, then the page MaxResults/NextToken ask for, within the call's documented bounds. */
export async function describePage<T>(
  input: DescribeInput,
  source: DescribeSource<T> & { maxResults: { min: number; max: number } },
): Promise<{ page: T[]; NextToken?: string }> {
  return paginate(await describeAll(input, source), input, source.maxResults);
}

/**
 * For resources listed in full before the ids are known: the listed items the ids name, in list
 * order; the first id not among them is notFound(id).
 */
export function pickByIds<T>(
  items: T[],
  ids: string[],
  idOf: (item: T) => string,
  notFound: (id: string) => Error,
): T[] {
  const missing = ids.find((id) => !items.some((i) => idOf(i) === id));
  // Truthiness, not !== undefined: an empty id was never an error here, only matched nothing.
  if (missing) throw notFound(missing);
  return items.filter((i) => ids.includes(idOf(i)));
}

/** A DescribeSource over an already listed array (see pickByIds). */
export function listed<T>(
  items: T[],
  idOf: (item: T) => string,
  notFound: (id: string) => Error,
): Pick<DescribeSource<T>, 'byIds' | 'all'> {
  return { byIds: (ids) => pickByIds(items, ids, idOf, notFound), all: () => items };
}
