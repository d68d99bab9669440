/**
 * The server's BlobStore: blobs whose expected size (BlobWriteOptions.sizeHint) is at most
 * `smallLimit` bytes are rows in SmallBlobs, the rest files in FsBlobStore. Which one holds a
 * blob is read off its id, so callers never know. A write whose bytes outgrow the hint spills
 * into a file on the way; nothing is ever held in memory past smallLimit.
 */
import { PassThrough, Readable } from 'node:stream';
import {
  BlobNotFoundError,
  BlobTooLargeError,
  checkByteRange,
  type BlobInfo,
  type BlobStore,
  type BlobWriteOptions,
  type ByteRange,
} from './blob-store.ts';
import type { FsBlobStore } from './fs/fs-blob-store.ts';
import { SourceHold } from './source-hold.ts';
import { isSmallBlobId, type SmallBlobs } from './sqlite/small-blobs.ts';

/** Bodies up to this size are rows (SQLite stores blobs of up to about 100 KiB faster than files). */
export const SMALL_BLOB_LIMIT = 64 * 1024;

export class TieredBlobStore implements BlobStore {
  constructor(
    readonly files: FsBlobStore,
    private readonly small: SmallBlobs,
    private readonly smallLimit = SMALL_BLOB_LIMIT,
  ) {}

  async write(
    source: Readable | AsyncIterable<Uint8Array> | Uint8Array,
    options: BlobWriteOptions = {},
  ): Promise<BlobInfo> {
    const { sizeHint } = options;
    const fitsSmall = sizeHint !== undefined && sizeHint <= this.smallLimit && !options.fsync;
    if (fitsSmall && source instanceof Uint8Array && source.length <= this.smallLimit) {
      options.signal?.throwIfAborted();
      if (options.maxBytes !== undefined && source.length > options.maxBytes)
        throw new BlobTooLargeError(options.maxBytes);
      const hashed = options.onChunk?.(source);
      if (hashed instanceof Promise) await hashed;
      return { id: await this.small.put(source), size: source.length };
    }
    if (fitsSmall && source instanceof Readable) return this.collect(source, options);
    return this.files.write(source, options);
  }

  /** Reads a stream into memory up to smallLimit bytes; past that, spills everything into a file. */
  private collect(source: Readable, options: BlobWriteOptions): Promise<BlobInfo> {
    const { onChunk, maxBytes, signal } = options;
    const limit = this.smallLimit;
    return new Promise<BlobInfo>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const flow = new SourceHold(source);
      let size = 0;
      let spill: PassThrough | undefined;
      let spilled: Promise<BlobInfo> | undefined;
      let settled = false;
      const detach = () => {
        source.off('data', onData);
        source.off('end', onEnd);
        source.off('error', fail);
        source.off('close', onClose);
        signal?.removeEventListener('abort', onAbort);
      };
      function fail(err: unknown): void {
        if (settled) return;
        settled = true;
        detach();
        source.destroy();
        // The file write (if any) removes its temp file and rejects; that rejection is ours.
        if (spill && spilled) {
          spilled.catch(() => {});
          spill.destroy(err as Error);
        }
        reject(err);
      }
      const onAbort = () => fail(signal?.reason);
      const onData = (chunk: Buffer | string) => {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += bytes.length;
        if (maxBytes !== undefined && size > maxBytes) return fail(new BlobTooLargeError(maxBytes));
        flow.waitFor(onChunk?.(bytes), fail);
        if (spill) {
          flow.written(spill.write(bytes));
          return;
        }
        chunks.push(bytes);
        if (size > limit) {
          spill = new PassThrough();
          spill.on('drain', () => flow.drained());
          spilled = this.files.write(spill, { ...(signal ? { signal } : {}) });
          for (const c of chunks.splice(0)) spill.write(c);
        }
      };
      const onEnd = () => {
        if (settled) return;
        if (spill && spilled) {
          settled = true;
          detach();
          spill.end();
          spilled.then(resolve, reject);
          return;
        }
        settled = true;
        detach();
        const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
        this.small.put(data).then((id) => resolve({ id, size }), reject);
      };
      // A source destroyed without an error (the client went away) closes without 'end'.
      const onClose = () => {
        if (!source.readableEnded) fail(new Error('The body ended before it was complete'));
      };
      if (signal?.aborted) return fail(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      source.on('data', onData);
      source.on('end', onEnd);
      source.on('error', fail);
      source.on('close', onClose);
    });
  }

  async read(id: string, range?: ByteRange): Promise<Readable> {
    const bytes = await this.readBytes(id, range);
    if (bytes) return Readable.from([bytes], { objectMode: false });
    return this.files.read(id, range);
  }

  async readBytes(id: string, range?: ByteRange): Promise<Buffer | undefined> {
    if (!isSmallBlobId(id)) return undefined;
    checkByteRange(range);
    const bytes = this.small.get(id, range);
    if (!bytes) throw new BlobNotFoundError(id);
    return bytes;
  }

  async size(id: string): Promise<number> {
    if (!isSmallBlobId(id)) return this.files.size(id);
    return this.smallInfo(id).size;
  }

  async mtimeMs(id: string): Promise<number> {
    if (!isSmallBlobId(id)) return this.files.mtimeMs(id);
    return this.smallInfo(id).createdMs;
  }

  async has(id: string): Promise<boolean> {
    if (!isSmallBlobId(id)) return this.files.has(id);
    return this.small.info(id) !== undefined;
  }

  async delete(id: string): Promise<void> {
    if (!isSmallBlobId(id)) return this.files.delete(id);
    this.small.delete(id);
  }

  async copy(id: string, options: Pick<BlobWriteOptions, 'fsync'> = {}): Promise<BlobInfo> {
    if (!isSmallBlobId(id)) return this.files.copy(id, options);
    if (options.fsync) return this.files.write(await this.read(id), options);
    const size = this.smallInfo(id).size;
    const copied = this.small.copy(id);
    if (!copied) throw new BlobNotFoundError(id);
    return { id: copied, size };
  }

  async concat(ids: readonly string[], options: Omit<BlobWriteOptions, 'maxBytes'> = {}): Promise<BlobInfo> {
    if (!ids.some(isSmallBlobId)) return this.files.concat(ids, options);
    const sizes = await Promise.all(ids.map((id) => this.size(id)));
    const total = sizes.reduce((a, b) => a + b, 0);
    // Each part is opened only when its turn comes: memory stays flat whatever the parts.
    const parts = async function* (store: TieredBlobStore): AsyncGenerator<Uint8Array> {
      for (const id of ids) yield* (await store.read(id)) as AsyncIterable<Uint8Array>;
    };
    if (total <= this.smallLimit && !options.fsync) {
      const chunks: Buffer[] = [];
      for await (const chunk of parts(this)) chunks.push(Buffer.from(chunk));
      return this.write(Buffer.concat(chunks, total), { ...options, sizeHint: total });
    }
    return this.files.write(parts(this), options);
  }

  async *listIds(): AsyncGenerator<string> {
    yield* this.small.ids();
    yield* this.files.listIds();
  }

  close(): Promise<void> {
    return this.small.close();
  }

  private smallInfo(id: string): { size: number; createdMs: number } {
    const info = this.small.info(id);
    if (!info) throw new BlobNotFoundError(id);
    return info;
  }
}
