/**
 * Where a blob lives: `<root>/<ab>/<cd>/<id>` where ab and cd are the id's first two byte pairs,
 * so no directory grows past a few thousand entries. Ids are 32 lowercase hex characters from
 * crypto random bytes; anything else is rejected before it can reach a path.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

const ID = /^[0-9a-f]{32}$/;
export const HEX2 = /^[0-9a-f]{2}$/;

export function newBlobId(): string {
  return randomBytes(16).toString('hex');
}

export function isBlobId(id: unknown): id is string {
  return typeof id === 'string' && ID.test(id);
}

/** The two-level directory of an id, relative to the root ('ab/cd'). */
export function shardOf(id: string): string {
  return `${id.slice(0, 2)}/${id.slice(2, 4)}`;
}

export function blobPath(root: string, id: string): string {
  return join(root, id.slice(0, 2), id.slice(2, 4), id);
}

export const TMP_DIR = 'tmp';
