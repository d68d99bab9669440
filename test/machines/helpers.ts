/** Shared bits of the real-driver tests: a machine spec, ssh through the public address. */
import { spawn, spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_LAYER, type MachineSpec } from '../../src/machines/driver.ts';

/** The base image is cached across runs (CI sets STRATUS_IMAGE_CACHE to build it once). */
export const IMAGE_CACHE = process.env.STRATUS_IMAGE_CACHE ?? join(tmpdir(), 'stratus-image-cache');

export interface Keys {
  dir: string;
  privateKey: string;
  publicKey: string;
}

export function makeKeys(): Keys {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-keys-'));
  const privateKey = join(dir, 'id');
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ops', '-f', privateKey]);
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
  return { dir, privateKey, publicKey: readFileSync(`${privateKey}.pub`, 'utf8').trim() };
}

/** A random loopback address, so parallel runs do not collide on port 22. */
export function loopback(): string {
  return `127.${randomInt(100, 250)}.${randomInt(0, 255)}.${randomInt(1, 254)}`;
}

export function machineSpec(id: string, n: number, extra: Partial<MachineSpec> = {}): MachineSpec {
  const ip = `172.31.5.${10 + n}`;
  return {
    instanceId: id,
    layers: [BASE_LAYER],
    vcpus: 1,
    memoryMiB: 128,
    network: {
      vpcId: 'vpc-test',
      subnetId: 'subnet-test',
      cidr: '172.31.0.0/20',
      gateway: '172.31.0.1',
      privateIp: ip,
    },
    hostname: `ip-${ip.replace(/\./g, '-')}`,
    defaultUser: 'centos',
    publicAddress: { host: loopback(), port: 22 },
    ...extra,
  };
}

/** The `ssh-rsa` line of the console's host key block (what the scenario trusts). */
export function rsaHostKey(consoleText: string): string {
  const block =
    consoleText.split('-----BEGIN SSH HOST KEY KEYS-----')[1]?.split('-----END SSH HOST KEY KEYS-----')[0] ??
    '';
  const line = block.split('\n').find((l) => l.startsWith('ssh-rsa '));
  if (!line) throw new Error(`no ssh-rsa host key in console:\n${consoleText}`);
  return line.split(' ').slice(0, 2).join(' ');
}

export function knownHosts(dir: string, host: string, key: string): string {
  const file = join(dir, `known_hosts-${host}-${randomInt(1e9)}`);
  writeFileSync(file, `${host} ${key}\n`);
  return file;
}

export interface SshResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command over ssh trusting only `known` (StrictHostKeyChecking=yes, no agent, one key). */
export function ssh(
  keys: Keys,
  known: string,
  user: string,
  host: string,
  command: string,
  timeoutMs = 30_000,
): Promise<SshResult> {
  const args = [
    '-i',
    keys.privateKey,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${known}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'HostKeyAlgorithms=rsa-sha2-512,rsa-sha2-256',
    '-o',
    'ConnectTimeout=5',
    '-o',
    'LogLevel=ERROR',
    `${user}@${host}`,
    command,
  ];
  return new Promise((resolve) => {
    const child = spawn('ssh', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** ssh that must succeed; returns stdout. */
export async function sshOk(
  keys: Keys,
  known: string,
  user: string,
  host: string,
  command: string,
): Promise<string> {
  const r = await ssh(keys, known, user, host, command);
  if (r.code !== 0) throw new Error(`ssh ${command} → ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Marks a test data dir as this process's, so a later run can tell it was abandoned. */
export function claimDataDir(dir: string): void {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  writeFileSync(join(dir, '.test-owner'), `${process.pid} ${startTime}\n`);
}

/**
 * Machines outlive their server by design, so a test run killed midway (a timeout, ^C) leaves
 * them running. Before booting anything, terminate those of data dirs whose test is gone.
 */
export async function reapAbandonedTestDirs(prefixes: string[]): Promise<string[]> {
  const { RealDriver } = await import('../../src/machines/real/real-driver.ts');
  const reaped: string[] = [];
  for (const name of readdirSync(tmpdir())) {
    if (!prefixes.some((p) => name.startsWith(p))) continue;
    const dir = join(tmpdir(), name);
    let owner: string;
    try {
      owner = readFileSync(join(dir, '.test-owner'), 'utf8').trim();
    } catch {
      continue; // not claimed (yet): leave it
    }
    const [pid, start] = owner.split(' ');
    let alive: boolean;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      alive = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] === start;
    } catch {
      alive = false;
    }
    if (alive) continue;
    const driver = new RealDriver({ dataDir: dir, imageCacheDir: IMAGE_CACHE });
    for (const m of await driver.recover())
      if (m.state !== 'terminated') await driver.terminate(m.instanceId);
    await driver.close();
    rmSync(dir, { recursive: true, force: true });
    reaped.push(dir);
  }
  return reaped;
}
