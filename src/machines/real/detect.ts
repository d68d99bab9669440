/** Whether this host can run real machines, and if not, why (shown in logs and test skips). */
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BASE_ARCHIVE, imageCacheDir } from './base-image.ts';
import { detectCgroups, missingControllers } from './cgroups.ts';

export interface Support {
  ok: boolean;
  reason: string;
}

function which(cmd: string): boolean {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin']);
  return dirs.some((d) => d && existsSync(join(d, cmd)));
}

export async function detectRealDriverSupport(
  options: { dataDir?: string; imageCacheDir?: string } = {},
): Promise<Support> {
  if (process.platform !== 'linux')
    return { ok: false, reason: `real machines need Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0)
    return { ok: false, reason: 'real machines need root (namespaces, overlay mounts, cgroups)' };
  const tools = ['unshare', 'nsenter', 'setpriv', 'ip', 'mount', 'tar', 'zstd', 'socat'];
  const cache = imageCacheDir(options.dataDir ?? '.stratus', options.imageCacheDir);
  // debootstrap is needed only to build the base image, not when a cached one exists.
  if (!existsSync(join(cache, BASE_ARCHIVE))) tools.push('debootstrap');
  const missing = tools.filter((t) => !which(t));
  if (missing.length)
    return {
      ok: false,
      reason: `missing tools: ${missing.join(', ')} (apt-get install debootstrap zstd socat iproute2 util-linux)`,
    };
  try {
    if (!/\toverlay\n/.test(readFileSync('/proc/filesystems', 'utf8'))) {
      return { ok: false, reason: 'the kernel has no overlay file system (modprobe overlay)' };
    }
  } catch {
    return { ok: false, reason: 'cannot read /proc/filesystems' };
  }
  if (!existsSync('/proc/self/ns/pid') || !existsSync('/proc/self/ns/net')) {
    return { ok: false, reason: 'the kernel lacks PID or network namespaces' };
  }
  const layout = await detectCgroups();
  const lacking = missingControllers(layout);
  if (lacking.length) return { ok: false, reason: `cgroup controllers missing: ${lacking.join(', ')}` };
  return { ok: true, reason: `supported (cgroup v${layout.version})` };
}
