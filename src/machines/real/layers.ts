/**
 * Disk layers under `<data-dir>/layers/<id>` (short names: the overlay option string is
 * limited to a page). `base` comes from the cached base image; others are copies of an
 * instance's overlay upper dir (`cp -a` keeps whiteouts and opaque-dir xattrs). Each made
 * layer has a sibling `<id>.json` naming the layers below it, so a deleted layer's data stays
 * while a machine or a surviving layer still stands on it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BASE_LAYER } from '../driver.ts';
import { BASE_ARCHIVE, buildBaseImage, unpackLayer } from './base-image.ts';
import { run } from './exec.ts';

interface LayerMeta {
  parents: string[];
  deleted?: boolean;
}

export class Layers {
  private basePromise: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    readonly cacheDir: string,
    private readonly log: (line: string) => void,
  ) {}

  path(id: string): string {
    return join(this.dir, id);
  }

  /** The overlay `lowerdir` value (top first), relative to `dir`. */
  lowerdir(layers: string[]): string {
    return [...layers].reverse().join(':');
  }

  /** Makes sure every layer is present (building/unpacking the base on first need). */
  async ensure(layers: string[]): Promise<void> {
    for (const id of layers) {
      if (id === BASE_LAYER) await this.ensureBase();
      else if (!existsSync(this.path(id))) throw new Error(`layer ${id} does not exist`);
    }
  }

  /**
   * The base layer is unpacked once per image cache (`<cache>/unpacked/base-<digest>`, named after the
   * archive so a rebuilt archive never changes a lower dir under running machines) and linked
   * as `layers/base`: unpacking 7,700 files costs seconds, more on a busy disk.
   */
  ensureBase(): Promise<void> {
    if (existsSync(join(this.path(BASE_LAYER), 'etc'))) return Promise.resolve();
    this.basePromise ??= (async () => {
      await this.makeDir();
      const archive = join(this.cacheDir, BASE_ARCHIVE);
      if (!existsSync(archive)) await buildBaseImage({ cacheDir: this.cacheDir, log: this.log });
      const st = await stat(archive);
      const digest = createHash('sha256')
        .update(`${st.size}:${st.mtimeMs}:${st.ino}`)
        .digest('hex')
        .slice(0, 8);
      // Under a private (0700) dir: the layer holds setuid binaries host users must not reach.
      const privateDir = join(this.cacheDir, 'unpacked');
      await mkdir(privateDir, { recursive: true, mode: 0o700 });
      await chmod(privateDir, 0o700);
      const unpacked = join(privateDir, `base-${digest}`);
      await unpackLayer(archive, unpacked);
      const tmp = `${this.path(BASE_LAYER)}.link-${process.pid}`;
      await rm(tmp, { force: true });
      await symlink(unpacked, tmp);
      await rm(this.path(BASE_LAYER), { recursive: true, force: true }); // a dangling link or a stale copy
      await rename(tmp, this.path(BASE_LAYER));
    })().finally(() => {
      this.basePromise = undefined;
    });
    return this.basePromise;
  }

  /** Copies `upper` as a new layer on top of `parents`; returns its id. */
  async createFrom(upper: string, parents: string[]): Promise<string> {
    await this.makeDir();
    const id = `l${randomBytes(4).toString('hex')}`;
    const tmp = join(this.dir, `.tmp-${id}`);
    await run('cp', ['-a', upper, tmp], { timeoutMs: 10 * 60_000 });
    await writeFile(join(this.dir, `${id}.json`), JSON.stringify({ parents } satisfies LayerMeta));
    await rename(tmp, this.path(id));
    return id;
  }

  async markDeleted(id: string): Promise<void> {
    if (id === BASE_LAYER) return;
    const meta = await this.meta(id);
    if (!meta) return;
    await writeFile(join(this.dir, `${id}.json`), JSON.stringify({ ...meta, deleted: true }));
  }

  /** Removes deleted layers nothing stands on; `inUse` holds the layers of existing machines. */
  async collect(inUse: Set<string>): Promise<string[]> {
    const metas = new Map<string, LayerMeta>();
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (!name.endsWith('.json')) continue;
      const id = name.slice(0, -5);
      const m = await this.meta(id);
      if (m) metas.set(id, m);
    }
    const removed: string[] = [];
    for (let changed = true; changed;) {
      changed = false;
      const needed = new Set(inUse);
      // A layer still present needs all below it.
      for (const [, m] of metas) m.parents.forEach((p) => needed.add(p));
      for (const [id, m] of metas) {
        if (!m.deleted || needed.has(id)) continue;
        await rm(this.path(id), { recursive: true, force: true });
        await rm(join(this.dir, `${id}.json`), { force: true });
        metas.delete(id);
        removed.push(id);
        changed = true;
      }
    }
    return removed;
  }

  /** Removes half-made layers left by a crash. */
  async sweepTemporary(): Promise<void> {
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (name.startsWith('.tmp-') || name.includes('.unpack-') || name.includes('.link-'))
        await rm(join(this.dir, name), { recursive: true, force: true });
    }
  }

  /** The layers dir is private: layers (copies of machines' disks) hold setuid binaries. */
  private async makeDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
  }

  private async meta(id: string): Promise<LayerMeta | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir, `${id}.json`), 'utf8')) as LayerMeta;
    } catch {
      return undefined;
    }
  }
}
