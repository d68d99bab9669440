/**
 * Per-machine cgroups on either layout: v2 (unified: memory.max, cpu.max, pids.max,
 * cgroup.freeze, cgroup.kill) or v1/hybrid (one hierarchy per controller: memory.limit_in_bytes,
 * cpu.cfs_quota_us, pids.max, freezer.state). Groups live under `<controller>/<scope>/<id>`,
 * where the scope names one Stratus data dir, so a restart finds (and cleans) exactly its own.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, rmdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface CgroupLayout {
  version: 1 | 2;
  /** v2: the unified mount. v1: controller → its hierarchy's mount point. */
  unified?: string;
  v1: Partial<Record<'memory' | 'cpu' | 'pids' | 'freezer', string>>;
}

const V1_CONTROLLERS = ['memory', 'cpu', 'pids', 'freezer'] as const;

/** Reads /proc/self/mountinfo: a v2 mount at /sys/fs/cgroup is unified; else v1 per controller. */
export async function detectCgroups(): Promise<CgroupLayout> {
  return parseCgroupMounts(await readFile('/proc/self/mountinfo', 'utf8'));
}

export function parseCgroupMounts(info: string): CgroupLayout {
  const v1: CgroupLayout['v1'] = {};
  let unified: string | undefined;
  for (const line of info.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const mountPoint = left.split(' ')[4]!;
    const [fstype, , superOptions] = right.split(' ');
    if (fstype === 'cgroup2' && mountPoint === '/sys/fs/cgroup') unified = mountPoint;
    if (fstype === 'cgroup') {
      const opts = (superOptions ?? '').split(',');
      for (const c of V1_CONTROLLERS) if (opts.includes(c) && !v1[c]) v1[c] = mountPoint;
    }
  }
  if (unified) return { version: 2, unified, v1: {} };
  return { version: 1, v1 };
}

export function describeLayout(l: CgroupLayout): string {
  return l.version === 2 ? 'v2' : `v1 (${Object.keys(l.v1).join(', ')})`;
}

export function missingControllers(l: CgroupLayout): string[] {
  if (l.version === 2) {
    const have = existsSync(join(l.unified!, 'cgroup.controllers'));
    return have ? [] : ['cgroup2'];
  }
  return ['memory', 'cpu', 'pids'].filter((c) => !l.v1[c as 'memory']);
}

export interface Limits {
  vcpus: number;
  memoryMiB: number;
  pids: number;
}

export class Cgroups {
  constructor(
    readonly layout: CgroupLayout,
    /** One directory name per data dir, e.g. `stratus-1a2b3c`. */
    readonly scope: string,
  ) {}

  /** The group directories of one machine (one per hierarchy on v1). */
  dirs(id: string): string[] {
    if (this.layout.version === 2) return [join(this.layout.unified!, this.scope, id)];
    return [...new Set(Object.values(this.layout.v1))].map((m) => join(m, this.scope, id));
  }

  /** The cgroup.procs files a process writes its PID into to join the machine. */
  procsFiles(id: string): string[] {
    return this.dirs(id).map((d) => join(d, 'cgroup.procs'));
  }

  async create(id: string, limits: Limits): Promise<void> {
    const mem = String(limits.memoryMiB * 1024 * 1024);
    const period = 100_000;
    const quota = String(Math.max(1000, Math.round(limits.vcpus * period)));
    if (this.layout.version === 2) {
      const root = this.layout.unified!;
      const scopeDir = join(root, this.scope);
      await mkdir(scopeDir, { recursive: true });
      await enable(root, ['memory', 'cpu', 'pids']);
      await enable(scopeDir, ['memory', 'cpu', 'pids']);
      const dir = join(scopeDir, id);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'memory.max'), mem);
      if (existsSync(join(dir, 'memory.swap.max'))) await writeFile(join(dir, 'memory.swap.max'), '0');
      await writeFile(join(dir, 'cpu.max'), `${quota} ${period}`);
      await writeFile(join(dir, 'pids.max'), String(limits.pids));
      return;
    }
    for (const dir of this.dirs(id)) await mkdir(dir, { recursive: true });
    const { memory, cpu, pids } = this.layout.v1;
    if (memory) {
      const d = join(memory, this.scope, id);
      await writeFile(join(d, 'memory.limit_in_bytes'), mem);
      // Without swap accounting the file is absent; with it, swap must not lift the limit.
      if (existsSync(join(d, 'memory.memsw.limit_in_bytes')))
        await writeFile(join(d, 'memory.memsw.limit_in_bytes'), mem);
    }
    if (cpu) {
      const d = join(cpu, this.scope, id);
      await writeFile(join(d, 'cpu.cfs_period_us'), String(period));
      await writeFile(join(d, 'cpu.cfs_quota_us'), quota);
    }
    if (pids) await writeFile(join(pids, this.scope, id, 'pids.max'), String(limits.pids));
  }

  async pids(id: string): Promise<number[]> {
    const out = new Set<number>();
    for (const f of this.procsFiles(id)) {
      try {
        for (const l of (await readFile(f, 'utf8')).split('\n')) if (l) out.add(Number(l));
      } catch {
        // group already gone
      }
    }
    return [...out];
  }

  /** Kills every process of the machine and waits until the group is empty. */
  async kill(id: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const pids = await this.pids(id);
      if (pids.length === 0) return;
      // A frozen group would never let SIGKILL be acted on.
      await this.thaw(id).catch(() => {});
      for (const p of pids) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await sleep(20);
    }
    throw new Error(`processes of ${id} survive SIGKILL`);
  }

  async remove(id: string): Promise<void> {
    await this.kill(id);
    for (const dir of this.dirs(id)) {
      for (let i = 0; i < 50; i++) {
        try {
          await rmdir(dir);
          break;
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') break;
          if (code !== 'EBUSY' || i === 49) throw e;
          await sleep(20); // exiting processes leave the group a moment later
        }
      }
    }
  }

  /** The ids that have a group under this scope (for recovery). */
  async list(): Promise<string[]> {
    const roots =
      this.layout.version === 2 ? [this.layout.unified!] : [...new Set(Object.values(this.layout.v1))];
    const ids = new Set<string>();
    for (const r of roots) {
      try {
        for (const e of await readdir(join(r, this.scope), { withFileTypes: true }))
          if (e.isDirectory()) ids.add(e.name);
      } catch {
        // no scope yet
      }
    }
    return [...ids];
  }

  async freeze(id: string): Promise<void> {
    if (this.layout.version === 2) {
      const dir = this.dirs(id)[0]!;
      await writeFile(join(dir, 'cgroup.freeze'), '1');
      await until(async () => /frozen 1/.test(await readFile(join(dir, 'cgroup.events'), 'utf8')));
      return;
    }
    const f = this.layout.v1.freezer;
    if (!f) throw new Error('no freezer cgroup controller');
    const file = join(f, this.scope, id, 'freezer.state');
    await writeFile(file, 'FROZEN');
    await until(async () => (await readFile(file, 'utf8')).trim() === 'FROZEN');
  }

  async thaw(id: string): Promise<void> {
    if (this.layout.version === 2) {
      await writeFile(join(this.dirs(id)[0]!, 'cgroup.freeze'), '0');
      return;
    }
    const f = this.layout.v1.freezer;
    if (f) await writeFile(join(f, this.scope, id, 'freezer.state'), 'THAWED');
  }

  /** Bytes charged to the machine (memory.current / memory.usage_in_bytes). */
  async memoryBytes(id: string): Promise<number> {
    if (this.layout.version === 2)
      return Number(await readFile(join(this.dirs(id)[0]!, 'memory.current'), 'utf8'));
    return Number(
      await readFile(join(this.layout.v1.memory!, this.scope, id, 'memory.usage_in_bytes'), 'utf8'),
    );
  }
}

async function enable(dir: string, controllers: string[]): Promise<void> {
  const have = (await readFile(join(dir, 'cgroup.subtree_control'), 'utf8')).split(/\s+/);
  const add = controllers.filter((c) => !have.includes(c));
  if (add.length) await writeFile(join(dir, 'cgroup.subtree_control'), add.map((c) => `+${c}`).join(' '));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function until(check: () => Promise<boolean>, tries = 250): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await sleep(20);
  }
  throw new Error('cgroup did not settle');
}
