/**
 * The driver for hosts that cannot run machines (not Linux, not root, tools missing): no
 * processes, but everything an API client can observe — states that move on their own, per
 * instance SSH host keys that survive stop/start, and a cloud-init console log showing them.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cloudInitConsole } from '../console-log.ts';
import {
  MachineError,
  StateEvents,
  type MachineDriver,
  type MachineSpec,
  type MachineState,
  type RecoveredMachine,
  type StartOptions,
  type StateListener,
  type StateReason,
} from '../driver.ts';
import { generateHostKeys, type HostKey } from '../ssh-keys.ts';

export interface MetadataDriverOptions {
  /** Where per-instance keys and states are kept (e.g. `<data-dir>/machines-metadata`). */
  dataDir: string;
  /** How long `pending`, `stopping` and `shutting-down` last (default 500 ms). */
  transitionMs?: number;
}

interface Record {
  spec: Omit<MachineSpec, 'userData'> & { userData?: string };
  state: MachineState;
  keys: HostKey[];
  bootedAt: string;
  /** Boots so far; the first one prints the key generation lines. */
  boots: number;
}

export class MetadataDriver implements MachineDriver {
  readonly kind = 'metadata' as const;
  private readonly dir: string;
  private readonly transitionMs: number;
  private readonly machines = new Map<string, Record>();
  private readonly events = new StateEvents();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Serializes writes per machine so a late write never overwrites a newer one. */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(options: MetadataDriverOptions) {
    this.dir = options.dataDir;
    this.transitionMs = options.transitionMs ?? 500;
  }

  async launch(spec: MachineSpec): Promise<void> {
    if (this.machines.has(spec.instanceId))
      throw new MachineError('IncorrectState', `${spec.instanceId} exists`);
    const keys = await generateHostKeys();
    const { userData, ...rest } = spec;
    const rec: Record = {
      spec: { ...rest, userData: userData?.toString('base64') },
      state: 'pending',
      keys,
      bootedAt: new Date().toISOString(),
      boots: 1,
    };
    this.machines.set(spec.instanceId, rec);
    await this.save(spec.instanceId);
    this.events.emit({ instanceId: spec.instanceId, state: 'pending' });
    this.later(spec.instanceId, 'pending', 'running');
  }

  async start(id: string, options: StartOptions = {}): Promise<void> {
    const rec = this.get(id);
    if (rec.state === 'running' || rec.state === 'pending') return;
    if (rec.state !== 'stopped') throw new MachineError('IncorrectState', `${id} is ${rec.state}`);
    if (options.publicAddress !== undefined) rec.spec.publicAddress = options.publicAddress ?? undefined;
    rec.bootedAt = new Date().toISOString();
    rec.boots += 1;
    await this.set(id, 'pending');
    this.later(id, 'pending', 'running');
  }

  async stop(id: string): Promise<void> {
    const rec = this.get(id);
    if (rec.state === 'stopped') return;
    if (rec.state !== 'running' && rec.state !== 'pending' && rec.state !== 'stopping') {
      throw new MachineError('IncorrectState', `${id} is ${rec.state}`);
    }
    await this.set(id, 'stopping');
    await this.pause();
    if (rec.state === 'stopping') {
      await this.set(id, 'stopped', {
        code: 'Client.UserInitiatedShutdown',
        message: 'Client.UserInitiatedShutdown: User initiated shutdown',
      });
    }
  }

  async reboot(id: string): Promise<void> {
    const rec = this.get(id);
    if (rec.state !== 'running') throw new MachineError('IncorrectState', `${id} is ${rec.state}`);
    rec.bootedAt = new Date().toISOString();
    rec.boots += 1;
    await this.save(id);
  }

  async setPublicAddress(id: string, address: { host: string; port: number } | null): Promise<void> {
    const rec = this.get(id);
    if (rec.state === 'terminated') throw new MachineError('IncorrectState', `${id} is terminated`);
    rec.spec.publicAddress = address ?? undefined;
    await this.save(id);
  }

  async terminate(id: string): Promise<void> {
    const rec = this.get(id);
    if (rec.state === 'terminated') return;
    await this.set(id, 'shutting-down');
    await this.pause();
    const r = this.machines.get(id);
    if (r) r.state = 'terminated';
    this.events.emit({
      instanceId: id,
      state: 'terminated',
      reason: {
        code: 'Client.UserInitiatedShutdown',
        message: 'Client.UserInitiatedShutdown: User initiated shutdown',
      },
    });
    // Kept in memory as terminated (EC2 lists terminated instances a while); gone from disk.
    await this.flush(id);
    await rm(this.file(id), { force: true });
  }

  async consoleOutput(id: string): Promise<string> {
    const rec = this.get(id);
    if (rec.state === 'pending' || rec.state === 'terminated') return '';
    const [, prefix] = rec.spec.network.cidr.split('/');
    return cloudInitConsole({
      hostname: rec.spec.hostname,
      privateIp: rec.spec.network.privateIp,
      prefixLength: Number(prefix ?? 32),
      defaultUser: rec.spec.defaultUser,
      keys: rec.keys,
      hasAuthorizedKey: Boolean(rec.spec.authorizedKey),
      bootedAt: new Date(rec.bootedAt),
      firstBoot: rec.boots === 1,
    });
  }

  state(id: string): MachineState | undefined {
    return this.machines.get(id)?.state;
  }

  onStateChange(listener: StateListener): () => void {
    return this.events.on(listener);
  }

  async createImage(instanceId: string): Promise<string> {
    const rec = this.get(instanceId);
    if (rec.state === 'terminated' || rec.state === 'shutting-down') {
      throw new MachineError('IncorrectState', `${instanceId} is ${rec.state}`);
    }
    return `l${randomBytes(4).toString('hex')}`;
  }

  async deleteLayer(): Promise<void> {
    // Layers of this driver hold no data.
  }

  async recover(): Promise<RecoveredMachine[]> {
    await mkdir(this.dir, { recursive: true });
    const out: RecoveredMachine[] = [];
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith('.json')) continue;
      let rec: Record;
      try {
        rec = JSON.parse(await readFile(join(this.dir, name), 'utf8')) as Record;
      } catch {
        continue; // a torn file from a crash mid-write: the rename never happened, so skip it
      }
      // Nothing ran, so nothing was lost: transitions in flight simply complete.
      if (rec.state === 'pending') rec.state = 'running';
      if (rec.state === 'stopping') rec.state = 'stopped';
      if (rec.state === 'shutting-down' || rec.state === 'terminated') {
        await rm(join(this.dir, name), { force: true });
        out.push({ instanceId: rec.spec.instanceId, state: 'terminated' });
        continue;
      }
      this.machines.set(rec.spec.instanceId, rec);
      await this.save(rec.spec.instanceId);
      out.push({ instanceId: rec.spec.instanceId, state: rec.state });
    }
    return out;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.writes.values()]);
  }

  private get(id: string): Record {
    const rec = this.machines.get(id);
    if (!rec) throw new MachineError('NotFound', `no machine ${id}`);
    return rec;
  }

  private async set(id: string, state: MachineState, reason?: StateReason): Promise<void> {
    const rec = this.machines.get(id);
    if (!rec) return;
    rec.state = state;
    await this.save(id);
    this.events.emit({ instanceId: id, state, reason });
  }

  /** Moves `from` → `to` after the transition delay, unless something else moved it first. */
  private later(id: string, from: MachineState, to: MachineState): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.machines.get(id)?.state === from) void this.set(id, to).catch(() => {});
    }, this.transitionMs);
    this.timers.add(t);
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, this.transitionMs);
      this.timers.add(t);
    });
  }

  private file(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  private flush(id: string): Promise<void> {
    return this.writes.get(id) ?? Promise.resolve();
  }

  private save(id: string): Promise<void> {
    const next = this.flush(id).then(async () => {
      const rec = this.machines.get(id);
      if (!rec) return;
      await mkdir(this.dir, { recursive: true });
      const tmp = `${this.file(id)}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(rec), { mode: 0o600 });
      await rename(tmp, this.file(id));
    });
    this.writes.set(
      id,
      next.catch(() => {}),
    );
    return next;
  }
}
