/**
 * Object bodies (S3 objects, multipart parts, later machine images) live outside the database as
 * immutable blobs named by random ids. Metadata rows reference blob ids; user-supplied names
 * (object keys) never become paths.
 *
 * Write order for callers, so a crash never leaves metadata pointing at nothing:
 *   1. `const { id, size } = await blobs.write(body)`   (complete and renamed into place)
 *   2. one database transaction inserts/updates the metadata referencing `id`
 *      and returns the ids it no longer references
 *   3. `await blobs.delete(oldId)` for those (a crash here only leaves garbage)
 * A crash between 1 and 2 leaves an orphan blob; a service's GC compares `listIds()` with the
 * ids its tables reference and deletes the rest (only blobs older than a few minutes, so it
 * does not race a write between steps 1 and 2).
 */
import type { Readable } from 'node:stream';
import { StoreError } from '../store/errors.ts';

export interface BlobWriteOptions {
  /**
   * Called with every chunk in order before it is written (hashing, checksums). A promise it
   * returns holds the source until it settles (a hashing thread that fell behind); the chunk
   * must not change meanwhile, and a rejection fails the write.
   */
  onChunk?: (chunk: Uint8Array) => unknown;
  /** Rejects with BlobTooLargeError (and removes the temp file) past this many bytes. */
  maxBytes?: number;
  /**
   * Aborts the write (the temp file is removed): a Readable source is destroyed at once, other
   * iterables are checked between chunks.
   */
  signal?: AbortSignal;
  /** fsync the file and its directory before returning (power-loss durability). */
  fsync?: boolean;
  /**
   * The size the caller expects (a Content-Length): a store may keep the blob by it (small
   * ones as database rows). Only a hint: the bytes that arrive decide the blob's size.
   */
  sizeHint?: number;
}

export interface BlobInfo {
  id: string;
  size: number;
}

/** Inclusive byte range, as in HTTP Range and fs.createReadStream. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Throws RangeError unless range is absent or a well-formed inclusive byte range. */
export function checkByteRange(range: ByteRange | undefined): void {
  if (!range) return;
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start)
    throw new RangeError(`Invalid byte range ${start}-${end}`);
}

export interface BlobStore {
  /**
   * Streams source into a new blob; the blob becomes visible only when complete. On failure
   * nothing is published and a Readable source is destroyed.
   */
  write(
    source: Readable | AsyncIterable<Uint8Array> | Uint8Array,
    options?: BlobWriteOptions,
  ): Promise<BlobInfo>;
  /** Opens the blob (rejects with BlobNotFoundError before any byte is sent) for streaming. */
  read(id: string, range?: ByteRange): Promise<Readable>;
  /**
   * The bytes of a blob the store holds as a small in-memory-sized value, so a response can be
   * written in one piece; undefined for any other blob (stream it with read()).
   */
  readBytes?(id: string, range?: ByteRange): Promise<Buffer | undefined>;
  /** Size in bytes; BlobNotFoundError if absent. */
  size(id: string): Promise<number>;
  has(id: string): Promise<boolean>;
  /** Removes the blob; absent ids are fine (idempotent). */
  delete(id: string): Promise<void>;
  /** A new blob with the same content (a reflink where the filesystem supports it). */
  copy(id: string, options?: Pick<BlobWriteOptions, 'fsync'>): Promise<BlobInfo>;
  /** A new blob holding the blobs' contents one after another (multipart completion). */
  concat(ids: readonly string[], options?: Omit<BlobWriteOptions, 'maxBytes'>): Promise<BlobInfo>;
  /** Every blob id, in no particular order, for garbage collection. */
  listIds(): AsyncIterable<string>;
  /** Modification time of a blob (ms since epoch), so GC can skip blobs just written. */
  mtimeMs(id: string): Promise<number>;
}

export class BlobNotFoundError extends StoreError {
  constructor(readonly id: string) {
    super(`Blob ${JSON.stringify(id)} not found`);
  }
}

export class BlobTooLargeError extends StoreError {
  constructor(readonly maxBytes: number) {
    super(`Blob exceeds ${maxBytes} bytes`);
  }
}
