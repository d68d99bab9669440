/**
 * Real machines on a Linux host (root): an overlay disk over image layers, its own mount, PID,
 * UTS, IPC and network namespaces, cgroup limits from the instance type, fewer capabilities,
 * a guest init playing cloud-init, sshd reachable on a loopback public address.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, openSync, closeSync, realpathSync, mkdirSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MachineError,
  StateEvents,
  type MachineDriver,
  type MetadataService,
  type MachineSpec,
  type MachineState,
  type RecoveredMachine,
  type StartOptions,
  type StateListener,
  type StateReason,
} from '../driver.ts';
import { imageCacheDir } from './base-image.ts';
import { Cgroups, detectCgroups } from './cgroups.ts';
import { isSameProcess, pidStartTime, run } from './exec.ts';
import { Layers } from './layers.ts';
import {
  loadRecord,
  saveRecord,
  toStored,
  validateSpec,
  writeBootFiles,
  writeBootScript,
  type MachineRecord,
} from './machine-files.ts';
import { Networks } from './network.ts';
import { PublicAddress, sshAnswers, type Target } from './proxy.ts';
import { killStaleRelays, METADATA_SOCKET, MetadataEndpoint } from './metadata-endpoint.ts';

export interface RealDriverOptions {
  dataDir: string;
  /** Where base.tar.zst is cached (default: STRATUS_IMAGE_CACHE, else `<data-dir>/images`). */
  imageCacheDir?: string;
  /** Seconds a machine gets to shut down on stop before it is killed (default 5). */
  stopGraceSeconds?: number;
  log?: (line: string) => void;
  /** Answers the guests' requests to 169.254.169.254 (none: the address refuses connections). */
  metadataService?: MetadataService;
}

interface Machine {
  rec: MachineRecord;
  dir: string;
  child?: ChildProcess;
  proxy?: PublicAddress;
  metadata?: MetadataEndpoint;
  /** Poll timer for machines adopted after a restart (not our children). */
  watch?: NodeJS.Timeout;
  /** Set while stop/reboot/terminate ends the machine on purpose. */
  halting: boolean;
  /** Per-machine operations run one at a time. */
  queue: Promise<unknown>;
}

const SHUTDOWN: StateReason = {
  code: 'Client.UserInitiatedShutdown',
  message: 'Client.UserInitiatedShutdown: User initiated shutdown',
};
const GUEST_SHUTDOWN: StateReason = {
  code: 'Client.InstanceInitiatedShutdown',
  message: 'Client.InstanceInitiatedShutdown: Instance initiated shutdown',
};

export class RealDriver implements MachineDriver {
  readonly kind = 'real' as const;
  private readonly dataDir: string;
  private readonly machines = new Map<string, Machine>();
  private readonly events = new StateEvents();
  private readonly log: (line: string) => void;
  private readonly grace: number;
  readonly layers: Layers;
  private readonly networks: Networks;
  private cgroups!: Cgroups;
  /** Prefix of this data dir's host-wide names (netns `<scope>-...`, cgroups `stratus-<scope>`). */
  readonly scope: string;
  private readonly bootScript: string;
  private initialized: Promise<void> | undefined;
  private closed = false;
  private readonly metadataService: MetadataService | undefined;

  constructor(options: RealDriverOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.dataDir = realpathSync(options.dataDir);
    this.log = options.log ?? (() => {});
    this.grace = options.stopGraceSeconds ?? 5;
    this.metadataService = options.metadataService;
    // Host-wide names (netns, cgroups) carry a digest of the data dir: two servers never touch each other's.
    this.scope = `st${createHash('sha256').update(this.dataDir).digest('hex').slice(0, 6)}`;
    this.layers = new Layers(
      join(this.dataDir, 'layers'),
      imageCacheDir(this.dataDir, options.imageCacheDir),
      this.log,
    );
    this.networks = new Networks(this.scope);
    this.bootScript = join(this.dataDir, 'bin', 'boot.sh');
  }

  private init(): Promise<void> {
    this.initialized ??= (async () => {
      this.cgroups = new Cgroups(await detectCgroups(), `stratus-${this.scope}`);
      await writeBootScript(this.bootScript);
      // Private: machines' disks hold setuid binaries and users' files.
      await mkdir(join(this.dataDir, 'machines'), { recursive: true, mode: 0o700 });
      await chmod(join(this.dataDir, 'machines'), 0o700);
    })();
    return this.initialized;
  }

  private machineDir(id: string): string {
    return join(this.dataDir, 'machines', id);
  }

  async launch(spec: MachineSpec): Promise<void> {
    await this.init();
    validateSpec(spec);
    if (this.machines.has(spec.instanceId) || existsSync(this.machineDir(spec.instanceId))) {
      throw new MachineError('IncorrectState', `${spec.instanceId} exists`);
    }
    const m: Machine = {
      rec: { spec: toStored(spec), state: 'pending' },
      dir: this.machineDir(spec.instanceId),
      halting: false,
      queue: Promise.resolve(),
    };
    this.machines.set(spec.instanceId, m);
    await saveRecord(m.dir, m.rec);
    this.events.emit({ instanceId: spec.instanceId, state: 'pending' });
    void this.enqueue(m, async () => {
      try {
        await this.boot(m);
      } catch (e) {
        this.log(`launch of ${spec.instanceId} failed: ${(e as Error).message}`);
        await this.halt(m, true).catch(() => {});
        await rm(m.dir, { recursive: true, force: true });
        await this.set(m, 'terminated', {
          code: 'Server.InternalError',
          message: `Server.InternalError: ${(e as Error).message}`,
        });
      }
    });
  }

  async start(id: string, options: StartOptions = {}): Promise<void> {
    const m = this.get(id);
    await this.enqueue(m, async () => {
      if (m.rec.state === 'running' || m.rec.state === 'pending') return;
      if (m.rec.state !== 'stopped') throw new MachineError('IncorrectState', `${id} is ${m.rec.state}`);
      if (options.publicAddress !== undefined) m.rec.spec.publicAddress = options.publicAddress ?? undefined;
      await this.set(m, 'pending');
      try {
        await this.boot(m);
      } catch (e) {
        await this.halt(m, true).catch(() => {});
        await this.set(m, 'stopped', {
          code: 'Server.InternalError',
          message: `Server.InternalError: ${(e as Error).message}`,
        });
        throw e;
      }
    });
  }

  async stop(id: string, options: { force?: boolean } = {}): Promise<void> {
    const m = this.get(id);
    if (m.rec.state === 'running' || m.rec.state === 'pending') await this.set(m, 'stopping');
    await this.enqueue(m, async () => {
      if (m.rec.state === 'stopped') return;
      if (m.rec.state === 'terminated' || m.rec.state === 'shutting-down') {
        throw new MachineError('IncorrectState', `${id} is ${m.rec.state}`);
      }
      if (m.rec.state !== 'stopping') await this.set(m, 'stopping');
      await this.halt(m, options.force ?? false);
      await this.set(m, 'stopped', SHUTDOWN);
    });
  }

  async reboot(id: string): Promise<void> {
    const m = this.get(id);
    await this.enqueue(m, async () => {
      if (m.rec.state !== 'running') throw new MachineError('IncorrectState', `${id} is ${m.rec.state}`);
      await this.halt(m, false);
      // Resolves once sshd answers again (the state stays running throughout, as on EC2).
      await this.probe(m, await this.boot(m));
    });
  }

  async setPublicAddress(id: string, address: { host: string; port: number } | null): Promise<void> {
    const m = this.get(id);
    if (address && !address.host.startsWith('127.'))
      throw new MachineError('Unsupported', 'publicAddress (loopback only)');
    await this.enqueue(m, async () => {
      if (m.rec.state === 'terminated' || m.rec.state === 'shutting-down')
        throw new MachineError('IncorrectState', `${id} is ${m.rec.state}`);
      m.rec.spec.publicAddress = address ?? undefined;
      await saveRecord(m.dir, m.rec);
      // The old address stops answering at once; the new one listens now if sshd already
      // answers (a booting machine's probe listens on it once sshd is up).
      await m.proxy?.close().catch(() => {});
      m.proxy = undefined;
      if (m.rec.state === 'running' && !m.halting) await this.expose(m);
    });
  }

  async terminate(id: string): Promise<void> {
    const m = this.get(id);
    if (m.rec.state === 'terminated') return;
    await this.set(m, 'shutting-down');
    await this.enqueue(m, async () => {
      if (m.rec.state === 'terminated') return;
      await this.halt(m, true);
      await rm(m.dir, { recursive: true, force: true });
      await this.set(m, 'terminated', SHUTDOWN);
      await this.afterGone(m);
    });
  }

  async consoleOutput(id: string): Promise<string> {
    const m = this.get(id);
    if (m.rec.state === 'terminated') return '';
    return readFile(join(m.dir, 'console.log'), 'utf8').catch(() => '');
  }

  state(id: string): MachineState | undefined {
    return this.machines.get(id)?.rec.state;
  }

  onStateChange(listener: StateListener): () => void {
    return this.events.on(listener);
  }

  async createImage(instanceId: string): Promise<string> {
    const m = this.get(instanceId);
    return this.enqueue(m, async () => {
      const s = m.rec.state;
      if (s === 'terminated' || s === 'shutting-down')
        throw new MachineError('IncorrectState', `${instanceId} is ${s}`);
      const live = s === 'running' || s === 'pending';
      // Freeze so the copy is one moment of the disk (no half-written files), then thaw.
      if (live) await this.cgroups.freeze(instanceId);
      try {
        return await this.layers.createFrom(join(m.dir, 'upper'), m.rec.spec.layers);
      } finally {
        if (live) await this.cgroups.thaw(instanceId);
      }
    });
  }

  async deleteLayer(layerId: string): Promise<void> {
    await this.layers.markDeleted(layerId);
    await this.layers.collect(this.layersInUse());
  }

  /** Bytes of memory charged to a machine's cgroup (for measurements and diagnostics). */
  async memoryBytes(id: string): Promise<number> {
    await this.init();
    return this.cgroups.memoryBytes(id);
  }

  /** Host PIDs of the machine's processes (diagnostics; recovery tests). */
  async hostPids(id: string): Promise<number[]> {
    await this.init();
    return this.cgroups.pids(id);
  }

  async recover(): Promise<RecoveredMachine[]> {
    await this.init();
    const out: RecoveredMachine[] = [];
    const root = join(this.dataDir, 'machines');
    for (const id of await readdir(root)) {
      const dir = join(root, id);
      const rec = await loadRecord(dir);
      if (!rec) {
        await rm(dir, { recursive: true, force: true }); // a launch that never got its record written
        continue;
      }
      const m: Machine = { rec, dir, halting: false, queue: Promise.resolve() };
      this.machines.set(id, m);
      const alive =
        rec.pid !== undefined && rec.startTime !== undefined && (await isSameProcess(rec.pid, rec.startTime));
      if (alive && (rec.state === 'running' || rec.state === 'pending')) {
        this.adopt(m);
        out.push({ instanceId: id, state: m.rec.state });
        continue;
      }
      await this.halt(m, true);
      // The previous server's metadata relay outlives it: it goes with its machine.
      await killStaleRelays(join(dir, METADATA_SOCKET));
      if (rec.state === 'shutting-down' || rec.state === 'terminated') {
        await rm(dir, { recursive: true, force: true });
        m.rec.state = 'terminated';
      } else {
        m.rec.state = 'stopped';
        await saveRecord(dir, m.rec);
      }
      out.push({ instanceId: id, state: m.rec.state });
    }
    // Anything of ours that no adopted machine owns is a leak from the previous run.
    const live = [...this.machines.values()].filter(
      (m) => m.rec.state === 'running' || m.rec.state === 'pending',
    );
    const liveIds = new Set(live.map((m) => m.rec.spec.instanceId));
    for (const id of await this.cgroups.list()) if (!liveIds.has(id)) await this.cgroups.remove(id);
    await this.networks.sweep(
      live.map((m) => ({ instanceId: m.rec.spec.instanceId, vpcId: m.rec.spec.network.vpcId })),
    );
    await this.unmountStray();
    await this.layers.sweepTemporary();
    await this.layers.collect(this.layersInUse());
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const m of this.machines.values()) {
      if (m.watch) clearInterval(m.watch);
      await this.unexpose(m);
      m.child?.removeAllListeners('exit');
    }
  }

  private get(id: string): Machine {
    const m = this.machines.get(id);
    if (!m) throw new MachineError('NotFound', `no machine ${id}`);
    return m;
  }

  private enqueue<T>(m: Machine, fn: () => Promise<T>): Promise<T> {
    const next = m.queue.then(fn, fn);
    m.queue = next.catch(() => {});
    return next;
  }

  private async set(m: Machine, state: MachineState, reason?: StateReason): Promise<void> {
    if (m.rec.state === state) return;
    m.rec.state = state;
    if (state !== 'terminated') await saveRecord(m.dir, m.rec);
    this.events.emit({ instanceId: m.rec.spec.instanceId, state, reason });
  }

  private target(m: Machine): Target {
    return {
      netnsPath: this.networks.nsPath(this.networks.routerNs(m.rec.spec.network.vpcId)),
      host: m.rec.spec.network.privateIp,
      port: 22,
    };
  }

  /** Boots the machine from its disk; resolves once its init runs (running follows via probe). */
  private async boot(m: Machine): Promise<number> {
    const spec = m.rec.spec;
    const id = spec.instanceId;
    const t0 = Date.now();
    await this.layers.ensure(spec.layers);
    await mkdir(join(m.dir, 'upper'), { recursive: true });
    await mkdir(join(m.dir, 'work'), { recursive: true });
    await this.cgroups.remove(id);
    await this.cgroups.create(id, { vcpus: spec.vcpus, memoryMiB: spec.memoryMiB, pids: 4096 });
    await this.networks.attach(id, spec.network);
    await this.serveMetadata(m);
    await writeBootFiles({
      dir: m.dir,
      spec,
      netns: this.networks.machineNs(id),
      cgroupProcs: this.cgroups.procsFiles(id),
      layersDir: this.layers.dir,
      lowerdir: this.layers.lowerdir(spec.layers),
    });
    await rm(join(m.dir, 'pid'), { force: true });
    // Fail the boot now if the public address is taken; it listens once sshd answers, so
    // clients see "connection refused" (and retry) while the machine boots, as on EC2.
    if (spec.publicAddress) await PublicAddress.check(spec.publicAddress.host, spec.publicAddress.port);
    const fd = openSync(join(m.dir, 'console.log'), 'w', 0o600);
    let child: ChildProcess;
    try {
      child = spawn('/bin/sh', [this.bootScript, 'outer', m.dir], {
        detached: true,
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    child.unref();
    m.child = child;
    m.halting = false;
    let exited = false;
    child.on('exit', () => {
      exited = true;
      if (m.child === child) void this.onExit(m);
    });
    const pid = await this.waitForPid(m, () => exited);
    const startTime = await pidStartTime(pid);
    if (!startTime) throw new Error(`${id} ended during boot: ${await this.consoleTail(m)}`);
    m.rec.pid = pid;
    m.rec.startTime = startTime;
    await saveRecord(m.dir, m.rec);
    this.log(`${id}: init runs (pid ${pid}) after ${Date.now() - t0} ms`);
    if (m.rec.state === 'pending') void this.probe(m, pid);
    return pid;
  }

  private async waitForPid(m: Machine, exited: () => boolean): Promise<number> {
    for (let i = 0; i < 1000; i++) {
      const text = await readFile(join(m.dir, 'pid'), 'utf8').catch(() => '');
      if (text.trim()) return Number(text.trim());
      if (exited()) throw new Error(`boot failed: ${await this.consoleTail(m)}`);
      await sleep(10);
    }
    throw new Error('boot did not start within 10 s');
  }

  private async consoleTail(m: Machine): Promise<string> {
    const text = await readFile(join(m.dir, 'console.log'), 'utf8').catch(() => '');
    return text.trim().split('\n').slice(-5).join(' | ');
  }

  /** Waits for sshd's banner through the public path; then the machine is `running`. */
  private async probe(m: Machine, pid: number): Promise<void> {
    const t0 = Date.now();
    const deadline = t0 + 180_000;
    while (!this.closed && m.rec.pid === pid && !m.halting) {
      if (await sshAnswers(this.target(m), 2000)) break;
      if (Date.now() > deadline) break; // EC2 says running even when sshd never comes up
      await sleep(100);
    }
    if (m.rec.pid !== pid || m.halting) return;
    this.log(`${m.rec.spec.instanceId}: sshd answers after ${Date.now() - t0} ms`);
    await this.expose(m);
    if (m.rec.state === 'pending') await this.set(m, 'running');
  }

  /** The metadata service at 169.254.169.254 inside the machine, before its first boot script. */
  private async serveMetadata(m: Machine): Promise<void> {
    if (!this.metadataService || m.metadata) return;
    const id = m.rec.spec.instanceId;
    try {
      m.metadata = await MetadataEndpoint.open({
        instanceId: id,
        socketPath: join(m.dir, METADATA_SOCKET),
        netnsPath: this.networks.nsPath(this.networks.machineNs(id)),
        service: this.metadataService,
      });
    } catch (e) {
      this.log(`${id}: no instance metadata service: ${(e as Error).message}`);
    }
  }

  /** Listens on the machine's public address (if it has one and is not listening yet). */
  private async expose(m: Machine): Promise<void> {
    const pa = m.rec.spec.publicAddress;
    if (!pa || m.proxy) return;
    try {
      const proxy = await PublicAddress.listen(pa.host, pa.port, this.target(m));
      // setPublicAddress may have moved the address while this one was opening.
      if (m.halting || m.proxy || m.rec.spec.publicAddress !== pa) await proxy.close();
      else m.proxy = proxy;
    } catch (e) {
      this.log(
        `cannot listen on ${pa.host}:${pa.port} for ${m.rec.spec.instanceId}: ${(e as Error).message}`,
      );
    }
  }

  /** Closes the machine's public address and metadata service (what serveMetadata/expose opened). */
  private async unexpose(m: Machine): Promise<void> {
    await m.proxy?.close().catch(() => {});
    m.proxy = undefined;
    await m.metadata?.close().catch(() => {});
    m.metadata = undefined;
  }

  /** After a restart: watch a machine we did not spawn by polling its init's PID. */
  private adopt(m: Machine): void {
    const { pid, startTime } = m.rec;
    if (m.rec.state === 'running' || m.rec.state === 'pending') void this.serveMetadata(m);
    if (m.rec.state === 'running') void this.expose(m);
    m.watch = setInterval(() => {
      void isSameProcess(pid!, startTime!).then((same) => {
        if (!same && m.rec.pid === pid) void this.onExit(m);
      });
    }, 1000);
    m.watch.unref();
    if (m.rec.state === 'pending') void this.probe(m, pid!);
  }

  /** The machine's init ended without being asked (the guest shut itself down, or was killed). */
  private async onExit(m: Machine): Promise<void> {
    if (m.halting || this.closed) return;
    await this.enqueue(m, async () => {
      if (m.halting || (m.rec.state !== 'running' && m.rec.state !== 'pending')) return;
      const restart = /reboot: Restarting system\s*$/.test(
        await readFile(join(m.dir, 'console.log'), 'utf8').catch(() => ''),
      );
      await this.halt(m, true);
      if (!restart) return this.set(m, 'stopped', GUEST_SHUTDOWN);
      // `sudo reboot` inside: EC2 keeps the instance running through its own reboot.
      try {
        await this.probe(m, await this.boot(m));
      } catch (e) {
        await this.halt(m, true).catch(() => {});
        await this.set(m, 'stopped', {
          code: 'Server.InternalError',
          message: `Server.InternalError: ${(e as Error).message}`,
        });
      }
    });
  }

  /** Ends the machine's processes and frees its network and cgroup; the disk stays. */
  private async halt(m: Machine, force: boolean): Promise<void> {
    m.halting = true;
    const id = m.rec.spec.instanceId;
    const t0 = Date.now();
    if (m.watch) clearInterval(m.watch);
    m.watch = undefined;
    await this.unexpose(m);
    const { pid, startTime } = m.rec;
    if (pid && startTime && (await isSameProcess(pid, startTime))) {
      if (!force) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
        for (let i = 0; i < this.grace * 50 && (await isSameProcess(pid, startTime)); i++) await sleep(20);
      }
    }
    // Whatever is left (or everything, when forced) dies with the cgroup.
    await this.cgroups.remove(id);
    m.child = undefined;
    m.rec.pid = undefined;
    m.rec.startTime = undefined;
    await this.networks.detach(id);
    await this.afterGone(m);
    this.log(`${id}: halted in ${Date.now() - t0} ms`);
  }

  /** Drops the VPC's router when no machine of the VPC runs any more. */
  private async afterGone(m: Machine): Promise<void> {
    const vpc = m.rec.spec.network.vpcId;
    await this.networks.pruneRouter(vpc, () =>
      [...this.machines.values()].some(
        (o) =>
          o !== m &&
          o.rec.spec.network.vpcId === vpc &&
          (o.rec.pid !== undefined || o.rec.state === 'pending'),
      ),
    );
  }

  private layersInUse(): Set<string> {
    const s = new Set<string>();
    for (const m of this.machines.values())
      if (m.rec.state !== 'terminated') m.rec.spec.layers.forEach((l) => s.add(l));
    return s;
  }

  /** Mounts under the data dir in the host's namespace can only be leftovers of a failed boot. */
  private async unmountStray(): Promise<void> {
    const info = await readFile('/proc/self/mountinfo', 'utf8');
    const points = info
      .split('\n')
      .map((l) => l.split(' ')[4])
      .filter((p): p is string => !!p && p.startsWith(this.dataDir + '/'))
      .sort((a, b) => b.length - a.length);
    for (const p of points) await run('umount', ['-l', p]).catch(() => {});
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
