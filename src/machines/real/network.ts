/**
 * Machine networking without touching the host's own network: each VPC gets a router network
 * namespace (`<scope>-vpc-<id>`) holding one bridge per subnet with the subnet's gateway address
 * (forwarding on, so subnets of a VPC reach each other); each machine gets its own namespace
 * (`<scope>-<instance>`) whose eth0 is a veth into its subnet's bridge. VPCs with the same CIDR
 * cannot collide because no address is ever configured in the host's namespace.
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import type { MachineNetwork } from '../driver.ts';
import { run } from './exec.ts';

/** Where EC2's instance metadata service answers, from inside every instance. */
export const METADATA_ADDRESS = '169.254.169.254';

function short(s: string, n = 8): string {
  return createHash('sha256').update(s).digest('hex').slice(0, n);
}

/** A locally administered unicast MAC derived from the instance id (0a: as AWS's ENIs). */
export function mac(instanceId: string): string {
  const h = short(instanceId, 10);
  return ['0a', ...h.match(/../g)!].join(':');
}

export class Networks {
  /** Router set-up is serialized per VPC (two launches must not race to create one bridge). */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(readonly scope: string) {}

  routerNs(vpcId: string): string {
    return `${this.scope}-vpc-${vpcId.replace(/[^A-Za-z0-9-]/g, '')}`;
  }

  machineNs(instanceId: string): string {
    return `${this.scope}-${instanceId}`;
  }

  /** The path `nsenter --net=` takes. */
  nsPath(name: string): string {
    return `/run/netns/${name}`;
  }

  private bridge(subnetId: string): string {
    return `br${short(subnetId)}`;
  }

  private veth(instanceId: string): string {
    return `v${short(instanceId, 12)}`;
  }

  /** Creates the machine's namespace and wires it into its subnet (idempotent per machine). */
  async attach(instanceId: string, net: MachineNetwork): Promise<void> {
    const prefix = net.cidr.split('/')[1];
    const router = this.routerNs(net.vpcId);
    const br = this.bridge(net.subnetId);
    await this.serial(net.vpcId, async () => {
      const all = await this.list();
      if (!all.includes(router)) {
        await run('ip', ['netns', 'add', router]);
        await run('ip', ['-n', router, 'link', 'set', 'lo', 'up']);
        await run('ip', ['netns', 'exec', router, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
      }
      const links = (await run('ip', ['-n', router, '-o', 'link', 'show'])).stdout;
      if (!links.includes(` ${br}:`)) {
        await run('ip', ['-n', router, 'link', 'add', br, 'type', 'bridge']);
        await run('ip', ['-n', router, 'addr', 'add', `${net.gateway}/${prefix}`, 'dev', br]);
        await run('ip', ['-n', router, 'link', 'set', br, 'up']);
      }
      await this.detach(instanceId);
      const ns = this.machineNs(instanceId);
      const v = this.veth(instanceId);
      await run('ip', ['netns', 'add', ns]);
      // A fixed MAC per instance (an ENI keeps its MAC), and no stale neighbour entry: after a
      // reboot the router must not keep sending to the previous boot's veth for half a minute.
      await run('ip', [
        '-n',
        router,
        'link',
        'add',
        v,
        'type',
        'veth',
        'peer',
        'name',
        'eth0',
        'address',
        mac(instanceId),
        'netns',
        ns,
      ]);
      await run('ip', ['-n', router, 'neigh', 'flush', 'to', net.privateIp]).catch(() => {});
      await run('ip', ['-n', router, 'link', 'set', v, 'master', br, 'up']);
      await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      // The metadata service's link-local address, local to the machine (metadata-endpoint.ts).
      await run('ip', ['-n', ns, 'addr', 'add', `${METADATA_ADDRESS}/32`, 'dev', 'lo']);
      await run('ip', ['-n', ns, 'addr', 'add', `${net.privateIp}/${prefix}`, 'dev', 'eth0']);
      await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
      await run('ip', ['-n', ns, 'route', 'add', 'default', 'via', net.gateway]);
    });
  }

  /** Deletes the machine's namespace; its veth pair goes with it. */
  async detach(instanceId: string): Promise<void> {
    const ns = this.machineNs(instanceId);
    if ((await this.list()).includes(ns)) await run('ip', ['netns', 'del', ns]);
  }

  /** Deletes a VPC's router once no machine of the VPC needs it (`inUse` is asked under the lock). */
  async pruneRouter(vpcId: string, inUse: () => boolean): Promise<void> {
    await this.serial(vpcId, async () => {
      const router = this.routerNs(vpcId);
      if (inUse() || !(await this.list()).includes(router)) return;
      await run('ip', ['netns', 'del', router]);
    });
  }

  /** Our namespaces (this scope only). */
  async list(): Promise<string[]> {
    try {
      return (await readdir('/run/netns')).filter((n) => n.startsWith(`${this.scope}-`));
    } catch {
      return [];
    }
  }

  /** Removes namespaces no live machine uses: machines not in `alive`, routers of no live VPC. */
  async sweep(alive: { instanceId: string; vpcId: string }[]): Promise<string[]> {
    const keep = new Set<string>();
    for (const m of alive) {
      keep.add(this.machineNs(m.instanceId));
      keep.add(this.routerNs(m.vpcId));
    }
    const removed: string[] = [];
    // Machines first: deleting their namespaces frees the veths in the routers.
    const names = (await this.list()).sort(
      (a, b) => Number(a.includes('-vpc-')) - Number(b.includes('-vpc-')),
    );
    for (const n of names) {
      if (keep.has(n)) continue;
      await run('ip', ['netns', 'del', n]).catch(() => {});
      removed.push(n);
    }
    return removed;
  }

  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.locks.set(
      key,
      next.catch(() => {}),
    );
    return next;
  }
}
