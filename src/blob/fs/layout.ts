/**
 * Where a blob lives: `<root>/<ab>/<cd>/<id>` where abcd are the id's first four hex digits.
 * Ids are 32 lowercase hex characters from crypto random bytes; anything else is rejected
 * before it can reach a path.
 *
 * Fully random ids would put nearly every new blob into a new directory (65,536 shards), so
 * each write would pay two mkdirs and the disk would hold thousands of near-empty directories.
 * Instead a writer fills one random shard with SHARD_FILL blobs, then moves to another random
 * one: 112 random bits per id remain, and no directory grows past a few thousand entries.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

const ID = /^[0-9a-f]{32}$/;
export const HEX2 = /^[0-9a-f]{2}$/;

/** A fully random id (temp file names). */
export function newBlobId(): string {
  return randomBytes(16).toString('hex');
}

export const SHARD_FILL = 1024;

/** Hands out blob ids that share a shard for SHARD_FILL ids at a time. */
export class BlobIdSource {
  private shard = '';
  private left = 0;

  next(): string {
    if (this.left === 0) {
      this.shard = randomBytes(2).toString('hex');
      this.left = SHARD_FILL;
    }
    this.left--;
    return this.shard + randomBytes(14).toString('hex');
  }
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
