/**
 * The base disk of every catalog image: Debian bookworm (debootstrap minbase + openssh-server,
 * sudo, procps, iproute2) without host keys, cached as `base.tar.zst` in an image cache dir
 * (`STRATUS_IMAGE_CACHE`, else `<data-dir>/images`) so CI builds it once per run, and unpacked
 * once per data dir into `layers/base`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { quote, run, sh } from './exec.ts';

export const BASE_ARCHIVE = 'base.tar.zst';
const PACKAGES = 'openssh-server,sudo,procps,iproute2';
/** sshd inside a namespace: PAM's loginuid step fails there, and passwords are never used. */
const SSHD_CONFIG = 'UsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n';

export function imageCacheDir(dataDir: string, override?: string): string {
  return override ?? process.env.STRATUS_IMAGE_CACHE ?? join(dataDir, 'images');
}

/** The Debian mirror apt is configured with (deb822 sources first, then sources.list). */
export function debianMirror(): string {
  try {
    const text = readFileSync('/etc/apt/sources.list.d/debian.sources', 'utf8');
    for (const stanza of text.split(/\n\s*\n/)) {
      const uris = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1] ?? '';
      if (uris && /(^|\s)bookworm(\s|$)/.test(suites)) return uris;
    }
  } catch {
    // no deb822 sources
  }
  try {
    const text = readFileSync('/etc/apt/sources.list', 'utf8');
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(text);
    if (m) return m[1]!;
  } catch {
    // no sources.list
  }
  return 'http://deb.debian.org/debian';
}

export interface BuildResult {
  path: string;
  seconds: number;
  bytes: number;
  built: boolean;
}

/**
 * Builds `<cacheDir>/base.tar.zst` unless it exists (`force` rebuilds). Safe to call from several
 * processes at once: one builds under a lock directory, the others wait for the file.
 */
export async function buildBaseImage(options: {
  cacheDir: string;
  force?: boolean;
  log?: (line: string) => void;
}): Promise<BuildResult> {
  const { cacheDir } = options;
  const log = options.log ?? (() => {});
  const target = join(cacheDir, BASE_ARCHIVE);
  const t0 = Date.now();
  await mkdir(cacheDir, { recursive: true });
  if (options.force) await rm(target, { force: true });
  const release = await lock(join(cacheDir, 'base.lock'), () => existsSync(target));
  if (!release) return { path: target, seconds: 0, bytes: (await stat(target)).size, built: false };
  const work = join(cacheDir, `.build-${process.pid}`);
  try {
    if (existsSync(target))
      return { path: target, seconds: 0, bytes: (await stat(target)).size, built: false };
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    const root = join(work, 'root');
    const mirror = debianMirror();
    log(`debootstrap bookworm from ${mirror}`);
    await run('debootstrap', ['--variant=minbase', `--include=${PACKAGES}`, 'bookworm', root, mirror], {
      timeoutMs: 20 * 60_000,
    });
    log('trimming');
    await sh(
      [
        `cd ${quote(root)}`,
        'rm -f etc/ssh/ssh_host_*',
        'rm -rf var/cache/apt/*.bin var/cache/apt/archives/*.deb var/lib/apt/lists/* var/log/*.log var/cache/debconf/*-old',
        ': > etc/resolv.conf',
        ': > etc/machine-id',
        ': > etc/hostname',
      ].join(' && '),
    );
    await writeFile(join(root, 'etc/ssh/sshd_config.d/50-stratus.conf'), SSHD_CONFIG);
    log('packing');
    const tmp = join(work, BASE_ARCHIVE);
    await sh(
      `tar --numeric-owner --xattrs --xattrs-include='*' --acls -C ${quote(root)} -cf - . | zstd -q -T0 -3 -o ${quote(tmp)}`,
      { timeoutMs: 10 * 60_000 },
    );
    await rename(tmp, target);
    const bytes = (await stat(target)).size;
    log(`built ${target} (${(bytes / 1e6).toFixed(1)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return { path: target, seconds: (Date.now() - t0) / 1000, bytes, built: true };
  } finally {
    await rm(work, { recursive: true, force: true });
    await release();
  }
}

/** Unpacks `archive` into `dest` atomically (a temporary sibling, then rename). */
export async function unpackLayer(archive: string, dest: string): Promise<void> {
  if (existsSync(dest)) return;
  const tmp = `${dest}.unpack-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await sh(
    `zstd -q -dc ${quote(archive)} | tar --numeric-owner --xattrs --xattrs-include='*' --acls -xpf - -C ${quote(tmp)}`,
    {
      timeoutMs: 10 * 60_000,
    },
  );
  try {
    await rename(tmp, dest);
  } catch (e) {
    // Another process unpacked it first.
    await rm(tmp, { recursive: true, force: true });
    if (!existsSync(dest)) throw e;
  }
}

/**
 * A lock directory holding the owner's PID. Returns a release function, or null when `done()`
 * became true while waiting (someone else did the work). A dead owner's lock is taken over.
 */
async function lock(dir: string, done: () => boolean): Promise<(() => Promise<void>) | null> {
  for (;;) {
    try {
      await mkdir(dir);
      await writeFile(join(dir, 'pid'), String(process.pid));
      return () => rm(dir, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (done()) return null;
    const owner = Number(await readFile(join(dir, 'pid'), 'utf8').catch(() => '0'));
    if (owner && !alive(owner)) await rm(dir, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 500));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
