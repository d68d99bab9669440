/** Helpers shared by the IAM handlers: lookups, paging, paths, tag handlers, policy documents. */
import { AwsError } from '../../errors.ts';
import type { HandlerContext } from '../handler.ts';
import { ConflictError } from '../../store/errors.ts';
import { IamErrors } from './errors.ts';
import type { EntityKind, EntityRecords, Tag } from './repository.ts';
import type { IamState } from './state.ts';
import { mergeTags, removeTags } from './tags.ts';

export interface Paged {
  Marker?: string;
  MaxItems?: number;
}

/** AWS's Marker/MaxItems/IsTruncated paging over a sorted list (default 100 items). */
export function page<T>(items: T[], input: Paged): { items: T[]; IsTruncated: boolean; Marker?: string } {
  let start = 0;
  if (input.Marker !== undefined) {
    const n = Number(Buffer.from(input.Marker, 'base64url').toString('utf8').replace(/^o:/, ''));
    if (!Number.isInteger(n) || n < 0) throw new AwsError('ValidationError', 'Invalid Marker.', 400);
    start = n;
  }
  const max = input.MaxItems ?? 100;
  const slice = items.slice(start, start + max);
  const next = start + max;
  if (next < items.length)
    return { items: slice, IsTruncated: true, Marker: Buffer.from(`o:${next}`).toString('base64url') };
  return { items: slice, IsTruncated: false };
}

export const byPrefix = <T extends { path: string }>(items: T[], prefix: string | undefined): T[] =>
  prefix ? items.filter((i) => i.path.startsWith(prefix)) : items;

export const iso = (d: Date): string => d.toISOString();
export const date = (s: string): Date => new Date(s);

/** How IAM returns policy documents: URL-encoded JSON (botocore decodes it). */
export const encodeDocument = (doc: string): string => encodeURIComponent(doc);

export async function mustGet<K extends EntityKind>(
  s: IamState,
  ctx: HandlerContext,
  kind: K,
  name: string,
): Promise<EntityRecords[K]> {
  const r = await s.repo.getEntity(ctx.accountId, kind, name);
  if (!r) throw IamErrors.noSuchEntity(kind, name);
  return r;
}

export async function create<K extends EntityKind>(
  s: IamState,
  ctx: HandlerContext,
  kind: K,
  record: EntityRecords[K],
): Promise<void> {
  try {
    await s.repo.createEntity(ctx.accountId, kind, record);
  } catch (e) {
    if (e instanceof ConflictError) throw IamErrors.alreadyExists(kind, record.name);
    throw e;
  }
  s.changed();
}

export async function save<K extends EntityKind>(
  s: IamState,
  ctx: HandlerContext,
  kind: K,
  record: EntityRecords[K],
): Promise<void> {
  try {
    await s.repo.saveEntity(ctx.accountId, kind, record);
  } catch (e) {
    if (e instanceof ConflictError) throw IamErrors.alreadyExists(kind, record.name);
    throw e;
  }
  s.changed();
}

export const tagsOut = (tags: Tag[]): Tag[] | undefined => (tags.length ? tags : undefined);

export const tagMap = (tags: Tag[] | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));

/**
 * Tag / Untag / List…Tags for one kind of entity: the same three operations IAM has for users,
 * roles, policies, instance profiles, providers and MFA devices. `find` loads the entity the
 * input names (and throws IAM's error when there is none); listing may look wider (AWS-managed
 * policies can be listed but not tagged).
 */
export function tagHandlers<K extends EntityKind, I>(
  s: IamState,
  kind: K,
  find: (input: I, ctx: HandlerContext) => Promise<EntityRecords[K] & { tags: Tag[] }>,
  findForList: (input: I, ctx: HandlerContext) => Promise<{ tags: Tag[] }> = find,
) {
  return {
    async tag(input: I & { Tags: Tag[] }, ctx: HandlerContext) {
      const e = await find(input, ctx);
      await save(s, ctx, kind, { ...e, tags: mergeTags(e.tags, input.Tags, kind) });
      return {};
    },
    async untag(input: I & { TagKeys: string[] }, ctx: HandlerContext) {
      const e = await find(input, ctx);
      await save(s, ctx, kind, { ...e, tags: removeTags(e.tags, input.TagKeys, kind) });
      return {};
    },
    async list(input: I & Paged, ctx: HandlerContext) {
      const p = page((await findForList(input, ctx)).tags, input);
      return { Tags: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker };
    },
  };
}
