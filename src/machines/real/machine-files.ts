/**
 * What a machine keeps on disk under `<data-dir>/machines/<id>/`: record.json (spec, state,
 * init PID and start time), upper/ and work/ (its overlay disk), boot/ (files for the next
 * boot), console.log (the latest boot's console) and pid (written by the boot script).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MachineSpec, MachineState } from '../driver.ts';
import { BOOT_SCRIPT, GUEST_CAPS } from './boot-scripts.ts';
import { quote } from './exec.ts';
import { GUEST_INIT } from './guest-init.ts';

export type StoredSpec = Omit<MachineSpec, 'userData'> & { userData?: string };

export interface MachineRecord {
  spec: StoredSpec;
  state: MachineState;
  /** Host PID of the machine's init and its start time (PIDs are reused). */
  pid?: number;
  startTime?: string;
}

export function toStored(spec: MachineSpec): StoredSpec {
  const { userData, ...rest } = spec;
  return { ...rest, userData: userData?.toString('base64') };
}

export async function saveRecord(dir: string, rec: MachineRecord): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, 'record.json.tmp');
  await writeFile(tmp, JSON.stringify(rec), { mode: 0o600 });
  await rename(tmp, join(dir, 'record.json'));
}

export async function loadRecord(dir: string): Promise<MachineRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'record.json'), 'utf8')) as MachineRecord;
  } catch {
    return undefined;
  }
}

const ID = /^[A-Za-z0-9-]{1,64}$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Everything that reaches a shell or a file name is checked here, once. */
export function validateSpec(spec: MachineSpec): void {
  const bad = (what: string) => {
    throw new Error(`invalid machine spec: ${what}`);
  };
  if (!ID.test(spec.instanceId)) bad('instanceId');
  if (!spec.layers.length || !spec.layers.every((l) => /^[a-z0-9]{1,16}$/.test(l))) bad('layers');
  if (!/^[a-z0-9-]{1,63}$/i.test(spec.hostname)) bad('hostname');
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(spec.defaultUser) || spec.defaultUser === 'root') bad('defaultUser');
  if (!(spec.vcpus > 0) || !(spec.memoryMiB >= 16)) bad('limits');
  const n = spec.network;
  for (const ip of [n.privateIp, n.gateway, n.cidr.split('/')[0]!]) if (!IPV4.test(ip)) bad('address');
  const prefix = Number(n.cidr.split('/')[1]);
  if (!Number.isInteger(prefix) || prefix < 8 || prefix > 30) bad('cidr');
  if (!ID.test(n.vpcId) || !ID.test(n.subnetId)) bad('network ids');
  if (
    spec.authorizedKey !== undefined &&
    !/^[a-z0-9@.-]+ [A-Za-z0-9+/=]+( [^\n\r]*)?$/.test(spec.authorizedKey.trim())
  ) {
    bad('authorizedKey');
  }
  if (spec.publicAddress && !spec.publicAddress.host.startsWith('127.')) bad('publicAddress (loopback only)');
}

export interface BootFiles {
  dir: string;
  spec: StoredSpec;
  netns: string;
  cgroupProcs: string[];
  layersDir: string;
  lowerdir: string;
}

/** Writes the boot script's and the guest init's inputs for the next boot. */
export async function writeBootFiles(b: BootFiles): Promise<void> {
  const boot = join(b.dir, 'boot');
  await mkdir(boot, { recursive: true, mode: 0o700 });
  const env = (vars: Record<string, string>) =>
    Object.entries(vars)
      .map(([k, v]) => `${k}=${quote(v)}\n`)
      .join('');
  await writeFile(
    join(boot, 'host.env'),
    env({
      CGROUP_PROCS: b.cgroupProcs.join(' '),
      NETNS: b.netns,
      LAYERS_DIR: b.layersDir,
      LOWER: b.lowerdir,
      GUEST_HOSTNAME: b.spec.hostname,
      CAPS: GUEST_CAPS,
    }),
  );
  await writeFile(
    join(boot, 'guest.env'),
    env({
      INSTANCE_ID: b.spec.instanceId,
      GUEST_HOSTNAME: b.spec.hostname,
      DEFAULT_USER: b.spec.defaultUser,
      PRIVATE_IP: b.spec.network.privateIp,
      BOOT_MS: String(Date.now()),
    }),
  );
  await writeFile(join(boot, 'init.sh'), GUEST_INIT, { mode: 0o755 });
  const opt = async (name: string, data: Buffer | undefined) => {
    if (data) await writeFile(join(boot, name), data, { mode: 0o600 });
    else await writeFile(join(boot, name), '', { mode: 0o600 });
  };
  await opt('user-data', b.spec.userData ? Buffer.from(b.spec.userData, 'base64') : undefined);
  await opt(
    'authorized-key',
    b.spec.authorizedKey ? Buffer.from(b.spec.authorizedKey.trim() + '\n') : undefined,
  );
}

export async function writeBootScript(path: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, BOOT_SCRIPT, { mode: 0o755 });
}
