/**
 * BlobStore on a local filesystem. Each write streams into `<root>/tmp/<id>.tmp` and is renamed
 * to its final path only once complete, so a reader (or a restart after kill -9) never sees a
 * partial blob; failed or aborted writes remove their temp file, and `open` sweeps the ones a
 * crash left behind.
 *
 * Durability trade-off: by default there is no fsync. Data handed to the kernel survives the
 * process being killed (kill -9, crash) because it sits in the page cache; a power loss or
 * kernel crash may lose recently written blobs. `fsync: true` (per store or per write) syncs
 * the file before the rename and the directory after it, at a large cost per write.
 */
import {
  constants,
  createReadStream,
  createWriteStream,
  open as openCallback,
  unlink as unlinkCallback,
} from 'node:fs';
import {
  copyFile,
  mkdir,
  open,
  opendir,
  readdir,
  rename,
  stat,
  unlink,
  type FileHandle,
} from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { SourceHold } from '../source-hold.ts';
import { join } from 'node:path';
import {
  BlobNotFoundError,
  BlobTooLargeError,
  checkByteRange,
  type BlobInfo,
  type BlobStore,
  type BlobWriteOptions,
  type ByteRange,
} from '../blob-store.ts';
import { BlobIdSource, blobPath, HEX2, isBlobId, newBlobId, shardOf, TMP_DIR } from './layout.ts';

export interface FsBlobStoreOptions {
  /** fsync every write (default false; see the file comment). */
  fsync?: boolean;
  /** Temp files older than this are removed by open() (default 0: all; one server per data dir). */
  sweepOlderThanMs?: number;
}

const READ_CHUNK = 256 * 1024;
const WRITE_BUFFER = 1024 * 1024;

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

async function writeAll(fh: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  // Regular files rarely write short, but nothing guarantees a single write takes it all.
  while (offset < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class FsBlobStore implements BlobStore {
  readonly root: string;
  private readonly tmpDir: string;
  private readonly fsync: boolean;
  /** Shard directories known to exist, so a write costs no mkdir. */
  private readonly shards = new Set<string>();
  private readonly ids = new BlobIdSource();

  private constructor(root: string, options: FsBlobStoreOptions) {
    this.root = root;
    this.tmpDir = join(root, TMP_DIR);
    this.fsync = options.fsync ?? false;
  }

  /** Creates the directories if needed and removes temp files left by a previous crash. */
  static async open(root: string, options: FsBlobStoreOptions = {}): Promise<FsBlobStore> {
    const store = new FsBlobStore(root, options);
    await mkdir(store.tmpDir, { recursive: true, mode: 0o700 });
    await store.sweepTemp(options.sweepOlderThanMs ?? 0);
    return store;
  }

  async write(
    source: Readable | AsyncIterable<Uint8Array> | Uint8Array,
    options: BlobWriteOptions = {},
  ): Promise<BlobInfo> {
    const { signal } = options;
    signal?.throwIfAborted();
    const readable = isNodeReadable(source) ? source : undefined;
    // Abort destroys the source, which ends the loop below; the listener is removed afterwards
    // so a long-lived signal (server shutdown) does not collect one per write.
    const onAbort = () => readable?.destroy(signal?.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    // The stream may fail while the temp file is being opened, before the loop below listens;
    // this keeps that error from being unhandled (the loop still sees it: the stream is errored).
    const ignore = () => {};
    readable?.on('error', ignore);
    try {
      return await this.writeFrom(source, options);
    } finally {
      readable?.off('error', ignore);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async writeFrom(
    source: Readable | AsyncIterable<Uint8Array> | Uint8Array,
    options: BlobWriteOptions,
  ): Promise<BlobInfo> {
    const { onChunk, maxBytes, signal, fsync } = options;
    // The hot path (every S3 PUT): a node stream piped into a write stream with callback fs,
    // which costs far less per request than async iteration over FileHandle writes.
    if (isNodeReadable(source) && !(fsync ?? this.fsync)) {
      const { tmp, size } = await this.pipeToTemp(source, options);
      try {
        return { id: await this.publish(tmp, false), size };
      } catch (e) {
        await unlink(tmp).catch(() => {});
        throw e;
      }
    }
    return this.produce(fsync, async (fh) => {
      let size = 0;
      const take = async (chunk: Uint8Array | string) => {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += bytes.length;
        if (maxBytes !== undefined && size > maxBytes) throw new BlobTooLargeError(maxBytes);
        const hashed = onChunk?.(bytes);
        if (hashed instanceof Promise) await hashed;
        await writeAll(fh, bytes);
      };
      if (source instanceof Uint8Array) await take(source);
      else
        // Stopping early (maxBytes, a write error) destroys a Readable source.
        for await (const chunk of source) {
          signal?.throwIfAborted();
          await take(chunk);
        }
      return size;
    });
  }

  /** Streams source into a new temp file; on any failure the temp file is removed. */
  private pipeToTemp(
    source: Readable,
    { onChunk, maxBytes, signal }: BlobWriteOptions,
  ): Promise<{ tmp: string; size: number }> {
    const tmp = join(this.tmpDir, `${newBlobId()}.tmp`);
    return new Promise((resolve, reject) => {
      // A deep buffer lets the disk write one chunk while the next is read and hashed (the
      // default 16 KiB pauses the source after every socket chunk); memory stays bounded by it.
      const out = createWriteStream(tmp, { flags: 'wx', mode: 0o600, highWaterMark: WRITE_BUFFER });
      const flow = new SourceHold(source);
      let size = 0;
      let settled = false;
      const detach = () => {
        source.off('data', onData);
        source.off('end', onEnd);
        source.off('error', fail);
        out.off('drain', onDrain);
      };
      function fail(err: unknown): void {
        if (settled) return;
        settled = true;
        detach();
        // As when a consumer stops early: the source is destroyed (a no-op if it already failed).
        source.destroy();
        const remove = () => unlinkCallback(tmp, () => reject(err));
        if (out.closed) remove();
        else {
          out.once('close', remove);
          out.destroy();
        }
      }
      function onData(chunk: Buffer | string): void {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += bytes.length;
        if (maxBytes !== undefined && size > maxBytes) return fail(new BlobTooLargeError(maxBytes));
        if (signal?.aborted) return fail(signal.reason);
        flow.waitFor(onChunk?.(bytes), fail);
        flow.written(out.write(bytes));
      }
      const onDrain = () => flow.drained();
      const onEnd = () => out.end();
      source.on('data', onData);
      source.on('end', onEnd);
      source.on('error', fail);
      out.on('drain', onDrain);
      out.on('error', fail);
      out.on('close', () => {
        if (settled || !out.writableFinished) return;
        settled = true;
        detach();
        resolve({ tmp, size });
      });
    });
  }

  async read(id: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(id);
    checkByteRange(range);
    // Callback open + a stream on the descriptor: cheaper per GET than a FileHandle, and a
    // missing blob still fails here, before any response header is sent.
    const fd = await new Promise<number>((resolve, reject) =>
      openCallback(path, 'r', (err, opened) => (err ? reject(err) : resolve(opened))),
    ).catch((e: unknown) => {
      throw isNotFound(e) ? new BlobNotFoundError(id) : e;
    });
    // autoClose (the default) closes the descriptor when the stream ends or is destroyed.
    return createReadStream('', { fd, start: range?.start, end: range?.end, highWaterMark: READ_CHUNK });
  }

  async size(id: string): Promise<number> {
    return (await this.statOf(id)).size;
  }

  async mtimeMs(id: string): Promise<number> {
    return (await this.statOf(id)).mtimeMs;
  }

  async has(id: string): Promise<boolean> {
    if (!isBlobId(id)) return false;
    try {
      await stat(blobPath(this.root, id));
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  async delete(id: string): Promise<void> {
    if (!isBlobId(id)) return;
    try {
      await unlink(blobPath(this.root, id));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  async copy(id: string, options: Pick<BlobWriteOptions, 'fsync'> = {}): Promise<BlobInfo> {
    const src = this.pathOf(id);
    const tmp = join(this.tmpDir, `${newBlobId()}.tmp`);
    try {
      // FICLONE: a copy-on-write reflink on btrfs/XFS, a plain copy elsewhere.
      await copyFile(src, tmp, constants.COPYFILE_FICLONE);
    } catch (e) {
      await unlink(tmp).catch(() => {});
      if (isNotFound(e)) throw new BlobNotFoundError(id);
      throw e;
    }
    const fsync = options.fsync ?? this.fsync;
    try {
      const fh = await open(tmp, 'r+');
      let size: number;
      try {
        size = (await fh.stat()).size;
        if (fsync) await fh.sync();
      } finally {
        await fh.close();
      }
      return { id: await this.publish(tmp, fsync), size };
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw e;
    }
  }

  async concat(ids: readonly string[], options: Omit<BlobWriteOptions, 'maxBytes'> = {}): Promise<BlobInfo> {
    for (const id of ids) this.pathOf(id); // validate all before writing anything
    const { onChunk, signal } = options;
    return this.produce(options.fsync, async (fh) => {
      let size = 0;
      for (const id of ids) {
        signal?.throwIfAborted();
        // One part open at a time, read in fixed chunks and awaited: memory stays flat
        // whatever the number and size of parts.
        const part = createReadStream(blobPath(this.root, id), { highWaterMark: READ_CHUNK });
        try {
          for await (const chunk of part as AsyncIterable<Buffer>) {
            signal?.throwIfAborted();
            size += chunk.length;
            const hashed = onChunk?.(chunk);
            if (hashed instanceof Promise) await hashed;
            await writeAll(fh, chunk);
          }
        } catch (e) {
          part.destroy();
          if (isNotFound(e)) throw new BlobNotFoundError(id);
          throw e;
        }
      }
      return size;
    });
  }

  async *listIds(): AsyncGenerator<string> {
    for (const a of await this.subdirs(this.root)) {
      for (const b of await this.subdirs(join(this.root, a))) {
        const dir = await opendir(join(this.root, a, b)).catch((e) => {
          if (isNotFound(e)) return undefined;
          throw e;
        });
        if (!dir) continue;
        for await (const entry of dir) {
          const name = entry.name;
          if (entry.isFile() && isBlobId(name) && name.startsWith(a + b)) yield name;
        }
      }
    }
  }

  /** Removes temp files older than olderThanMs; returns how many. */
  async sweepTemp(olderThanMs = 0): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    for (const name of await readdir(this.tmpDir)) {
      const path = join(this.tmpDir, name);
      try {
        if (olderThanMs > 0 && (await stat(path)).mtimeMs > cutoff) continue;
        await unlink(path);
        removed++;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return removed;
  }

  /** The final path of a valid id; BlobNotFoundError for anything that is not one of our ids. */
  private pathOf(id: string): string {
    if (!isBlobId(id)) throw new BlobNotFoundError(id);
    return blobPath(this.root, id);
  }

  private async statOf(id: string) {
    try {
      return await stat(this.pathOf(id));
    } catch (e) {
      if (isNotFound(e)) throw new BlobNotFoundError(id);
      throw e;
    }
  }

  private async subdirs(dir: string): Promise<string[]> {
    try {
      const entries = await readdir(dir, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory() && HEX2.test(e.name)).map((e) => e.name);
    } catch (e) {
      if (isNotFound(e)) return [];
      throw e;
    }
  }

  /** Runs fill against a fresh temp file, then publishes it; the temp file never outlives a failure. */
  private async produce(
    fsyncOption: boolean | undefined,
    fill: (fh: FileHandle) => Promise<number>,
  ): Promise<BlobInfo> {
    const fsync = fsyncOption ?? this.fsync;
    const tmp = join(this.tmpDir, `${newBlobId()}.tmp`);
    const fh = await open(tmp, 'wx', 0o600);
    let size: number;
    try {
      size = await fill(fh);
      if (fsync) await fh.sync();
    } catch (e) {
      await fh.close().catch(() => {});
      await unlink(tmp).catch(() => {});
      throw e;
    }
    try {
      await fh.close();
      return { id: await this.publish(tmp, fsync), size };
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw e;
    }
  }

  /** Renames a complete temp file to a new id's path; returns the id. */
  private async publish(tmp: string, fsync: boolean): Promise<string> {
    const id = this.ids.next();
    const shard = shardOf(id);
    const dir = join(this.root, shard);
    if (!this.shards.has(shard)) {
      const created = await mkdir(dir, { recursive: true, mode: 0o700 });
      this.shards.add(shard);
      // New directories are entries in their parents: sync those too, or the blob's path may
      // not survive a power loss even though the blob's own directory was synced.
      if (fsync && created) {
        await fsyncDir(join(this.root, id.slice(0, 2)));
        await fsyncDir(this.root);
      }
    }
    const path = join(dir, id);
    try {
      await rename(tmp, path);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      // The shard directory vanished under us (removed by hand): recreate it once.
      this.shards.delete(shard);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      this.shards.add(shard);
      await rename(tmp, path);
    }
    if (fsync) await fsyncDir(dir);
    return id;
  }
}

function isNodeReadable(x: unknown): x is Readable {
  return typeof (x as Readable | null)?.pipe === 'function' && typeof (x as Readable).destroy === 'function';
}
