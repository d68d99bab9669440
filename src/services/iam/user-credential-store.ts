/**
 * What SSH public keys, signing certificates and service-specific credentials share: records of
 * one user (by user id; the account id for the root user's signing certificates), listed in
 * creation order, with a status.
 */
import type { HandlerContext } from '../handler.ts';
import { iso, page, type Paged } from './common.ts';
import type { EntityRecords } from './repository.ts';
import type { IamState } from './state.ts';

export type CredentialKind = 'ssh-public-key' | 'signing-certificate' | 'service-specific-credential';
type Rec<K extends CredentialKind> = EntityRecords[K];

export async function listOf<K extends CredentialKind>(
  s: IamState,
  ctx: HandlerContext,
  kind: K,
  userId: string,
): Promise<Rec<K>[]> {
  const all = await s.repo.listEntities(ctx.accountId, kind);
  return all
    .filter((r) => r.userId === userId)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** Stores a new, active record of the user with its kind's own fields; returns it. */
export async function create<K extends CredentialKind>(
  s: IamState,
  ctx: HandlerContext,
  kind: K,
  userId: string,
  id: string,
  fields: Omit<Rec<K>, 'name' | 'id' | 'path' | 'arn' | 'createdAt' | 'tags' | 'userId' | 'status'>,
): Promise<Rec<K>> {
  const record = {
    name: id,
    id,
    path: '/',
    arn: '',
    createdAt: iso(ctx.now),
    tags: [],
    userId,
    status: 'Active',
    ...fields,
  } as unknown as Rec<K>; // the common fields plus the kind's own: Rec<K> whole
  await s.repo.createEntity(ctx.accountId, kind, record);
  s.changed();
  return record;
}

/** The record with this id if it belongs to the user, else `missing()`. */
export async function oneOf<K extends CredentialKind>(
  s: IamState,
  ctx: HandlerContext,
  kind: K,
  userId: string,
  id: string,
  missing: () => Error,
): Promise<Rec<K>> {
  const r = await s.repo.getEntity(ctx.accountId, kind, id);
  if (!r || r.userId !== userId || r.id !== id) throw missing();
  return r;
}

export async function setStatus<K extends CredentialKind>(
  s: IamState,
  ctx: HandlerContext,
  kind: K,
  r: Rec<K>,
  status: 'Active' | 'Inactive',
): Promise<void> {
  await s.repo.saveEntity(ctx.accountId, kind, { ...r, status });
  s.changed();
}

export async function remove<K extends CredentialKind>(
  s: IamState,
  ctx: HandlerContext,
  kind: K,
  r: Rec<K>,
): Promise<void> {
  await s.repo.deleteEntity(ctx.accountId, kind, r);
  s.changed();
}

export const pageOf = <T>(items: T[], input: Paged) => page(items, input);
