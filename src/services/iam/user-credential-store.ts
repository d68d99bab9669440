/**
 * What SSH public keys and signing certificates share: records of one user (by user id; the
 * account id for the root user's signing certificates), listed in upload order, with a status.
 */
import type { HandlerContext } from '../handler.ts';
import { page, type Paged } from './common.ts';
import type { UserCredentialRecord } from './repository.ts';
import type { IamState } from './state.ts';

export type CredentialKind = 'ssh-public-key' | 'signing-certificate';

export async function listOf(
  s: IamState,
  ctx: HandlerContext,
  kind: CredentialKind,
  userId: string,
): Promise<UserCredentialRecord[]> {
  const all = await s.repo.listEntities(ctx.accountId, kind);
  return all
    .filter((r) => r.userId === userId)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** The record with this id if it belongs to the user, else `missing()`. */
export async function oneOf(
  s: IamState,
  ctx: HandlerContext,
  kind: CredentialKind,
  userId: string,
  id: string,
  missing: () => Error,
): Promise<UserCredentialRecord> {
  const r = await s.repo.getEntity(ctx.accountId, kind, id);
  if (!r || r.userId !== userId || r.id !== id) throw missing();
  return r;
}

export async function setStatus(
  s: IamState,
  ctx: HandlerContext,
  kind: CredentialKind,
  r: UserCredentialRecord,
  status: 'Active' | 'Inactive',
): Promise<void> {
  await s.repo.saveEntity(ctx.accountId, kind, { ...r, status });
  s.changed();
}

export async function remove(
  s: IamState,
  ctx: HandlerContext,
  kind: CredentialKind,
  r: UserCredentialRecord,
): Promise<void> {
  await s.repo.deleteEntity(ctx.accountId, kind, r);
  s.changed();
}

export const pageOf = (items: UserCredentialRecord[], input: Paged) => page(items, input);
