// Boots real machines (Linux, root). Skips with the reason when the host cannot. The base image
// is built once into STRATUS_IMAGE_CACHE (default: <tmp>/stratus-image-cache) and reused.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForState, type MachineSpec } from '../../src/machines/driver.ts';
import { buildBaseImage } from '../../src/machines/real/base-image.ts';
import { detectRealDriverSupport } from '../../src/machines/real/detect.ts';
import { mac } from '../../src/machines/real/network.ts';
import { RealDriver } from '../../src/machines/real/real-driver.ts';
import { generateHostKeys } from '../../src/machines/ssh-keys.ts';
import {
  claimDataDir,
  IMAGE_CACHE,
  knownHosts,
  reapAbandonedTestDirs,
  machineSpec,
  makeKeys,
  rsaHostKey,
  ssh,
  sshOk,
  type Keys,
} from './helpers.ts';
import { leftovers } from './leftovers.ts';

const support = await detectRealDriverSupport({ imageCacheDir: IMAGE_CACHE });
// The scenarios' interpreter (.ci/run lends paramiko to one where the machine's python3 has none).
const python = process.env.SCENARIO_PYTHON ?? 'python3';
const hasParamiko = spawnSync(python, ['-c', 'import paramiko']).status === 0;
const skip = support.ok ? false : `real machines unsupported on this host: ${support.reason}`;

describe('real driver', { skip, timeout: 600_000 }, () => {
  let dataDir: string;
  let driver: RealDriver;
  let keys: Keys;
  const A = 'i-0a000000000000001';
  const B = 'i-0b000000000000002';
  const specA = machineSpec(A, 0, {
    userData: Buffer.from('#!/bin/sh\necho booted-by-user-data > /var/tmp/user-data-ran\n'),
  });
  let knownA = '';
  let hostKeyA = '';
  const hostA = specA.publicAddress!.host;

  before(async () => {
    const built = await buildBaseImage({ cacheDir: IMAGE_CACHE });
    if (built.built)
      console.log(
        `# base image built in ${built.seconds.toFixed(1)} s, ${(built.bytes / 1e6).toFixed(1)} MB`,
      );
    for (const dir of await reapAbandonedTestDirs(['stratus-real-', 'stratus-kill-']))
      console.log(`# reaped machines of an abandoned test run: ${dir}`);
    dataDir = mkdtempSync(join(tmpdir(), 'stratus-real-'));
    claimDataDir(dataDir);
    driver = new RealDriver({ dataDir, imageCacheDir: IMAGE_CACHE });
    assert.deepEqual(await driver.recover(), []);
    keys = makeKeys();
    specA.authorizedKey = keys.publicKey;
  });

  after(async () => {
    if (!driver) return;
    for (const id of [A, B])
      if (driver.state(id) && driver.state(id) !== 'terminated') await driver.terminate(id);
    await driver.close();
    assert.deepEqual(await leftovers(driver.scope, dataDir), [], 'nothing left after terminate');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(keys.dir, { recursive: true, force: true });
  });

  it('boots; ssh works with the console host key; user data ran; sudo; root is refused', async (t) => {
    const t0 = Date.now();
    await driver.launch(specA);
    assert.equal(driver.state(A), 'pending');
    // Until sshd answers, the public address refuses connections (clients retry on that).
    const early = await new Promise<string>((resolve) => {
      const s = connect(22, hostA);
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      s.on('connect', () => (s.destroy(), resolve('connected')));
    });
    if (driver.state(A) === 'pending') assert.equal(early, 'ECONNREFUSED');
    assert.equal(await waitForState(driver, A, ['running', 'terminated']), 'running');
    t.diagnostic(`first boot: launch → sshd banner ${Date.now() - t0} ms`);
    const text = await driver.consoleOutput(A);
    assert.match(text, /-----BEGIN SSH HOST KEY KEYS-----\n(.+\n)+-----END SSH HOST KEY KEYS-----/);
    assert.match(text, /^ssh-ed25519 AAAA\S+ root@ip-172-31-5-10$/m);
    hostKeyA = rsaHostKey(text);
    knownA = knownHosts(keys.dir, hostA, hostKeyA);
    assert.equal((await sshOk(keys, knownA, 'centos', hostA, 'id -un')).trim(), 'centos');
    assert.equal((await sshOk(keys, knownA, 'centos', hostA, 'sudo -n id -u')).trim(), '0');
    assert.equal(
      (await sshOk(keys, knownA, 'centos', hostA, 'cat /var/tmp/user-data-ran')).trim(),
      'booted-by-user-data',
    );
    assert.equal((await sshOk(keys, knownA, 'centos', hostA, 'hostname')).trim(), 'ip-172-31-5-10');
    const rootKeys = await sshOk(keys, knownA, 'centos', hostA, 'sudo -n cat /root/.ssh/authorized_keys');
    assert.ok(
      rootKeys.includes(
        `command="echo 'Please login as the user \\"centos\\" rather than the user \\"root\\".';echo;sleep 10;exit 142" ${keys.publicKey}`,
      ),
      rootKeys,
    );
    await new Promise((r) => setTimeout(r, 500));
    let rss = 0;
    for (const p of await driver.hostPids(A))
      rss += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    t.diagnostic(
      `idle machine memory: cgroup ${((await driver.memoryBytes(A)) / 1048576).toFixed(1)} MiB, RSS sum ${(rss / 1024).toFixed(1)} MiB`,
    );
  });

  it(
    'lets paramiko in the way the ec2_ssh scenario does',
    { skip: !hasParamiko && `${python} has no paramiko` },
    async () => {
      const script = join(import.meta.dirname, 'fixtures', 'paramiko-login.py');
      // Not spawnSync: the public address is served by this very process's event loop.
      const child = spawn(python, [
        script,
        join(dataDir, 'machines', A, 'console.log'),
        hostA,
        keys.privateKey,
        'centos',
      ]);
      const r = { stdout: '', stderr: '', status: -1 };
      child.stdout.on('data', (d) => (r.stdout += d));
      child.stderr.on('data', (d) => (r.stderr += d));
      r.status = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'centos');
      assert.equal(
        (await sshOk(keys, knownA, 'centos', hostA, 'cat from-paramiko.txt')).trim(),
        'sftp works',
      );
    },
  );

  it('rejects a host key other than the console one', async () => {
    const rsa = (await generateHostKeys()).find((k) => k.type === 'ssh-rsa')!;
    const wrong = knownHosts(keys.dir, hostA, `ssh-rsa ${rsa.blob}`);
    const r = await ssh(keys, wrong, 'centos', hostA, 'true');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it('isolates processes, host files and privileges', async () => {
    const secret = join(dataDir, 'host-secret');
    writeFileSync(secret, 'top secret\n');
    const sleeper = spawn('sleep', ['4242'], { stdio: 'ignore' });
    try {
      const ps = await sshOk(keys, knownA, 'centos', hostA, 'ps -eo pid=,args=');
      assert.ok(!ps.includes('sleep 4242'), ps);
      assert.ok(ps.trim().split('\n').length < 15, ps);
      assert.match(ps, /^\s*1 \/bin\/sh \/run\/stratus\/init\.sh$/m);
      const r = await ssh(keys, knownA, 'centos', hostA, `sudo -n cat ${secret}`);
      assert.notEqual(r.code, 0);
      assert.ok(!r.stdout.includes('top secret'));
      const m = await ssh(keys, knownA, 'centos', hostA, 'sudo -n mount -t tmpfs none /mnt');
      assert.notEqual(m.code, 0, 'no CAP_SYS_ADMIN in the machine');
      // 'h' only prints help to the kernel log, were the write to get through.
      const sysrq = await ssh(keys, knownA, 'centos', hostA, "sudo -n sh -c 'echo h > /proc/sysrq-trigger'");
      assert.notEqual(sysrq.code, 0, 'sysrq-trigger is read-only');
      const masked = await sshOk(
        keys,
        knownA,
        'centos',
        hostA,
        "sudo -n sh -c 'for f in /proc/kcore /proc/keys /proc/timer_list; do [ -e $f ] && wc -c < $f; done; true'",
      );
      assert.ok(
        masked
          .trim()
          .split('\n')
          .every((n) => n === '' || n === '0'),
        masked,
      );
      assert.equal(
        (await sshOk(keys, knownA, 'centos', hostA, 'ip -4 -o addr show eth0')).split(/\s+/)[3],
        '172.31.5.10/20',
      );
      assert.equal(
        (await sshOk(keys, knownA, 'centos', hostA, 'cat /sys/class/net/eth0/address')).trim(),
        mac(A),
      );
    } finally {
      sleeper.kill();
    }
  });

  it('kills a process that exceeds the instance type memory', async () => {
    const small = await sshOk(keys, knownA, 'centos', hostA, 'head -c 32M /dev/zero | tail -n 1 | wc -c');
    assert.equal(small.trim(), String(32 * 1024 * 1024), 'a process within the limit runs');
    const big = await sshOk(
      keys,
      knownA,
      'centos',
      hostA,
      'head -c 300M /dev/zero | tail -n 1 | wc -c; echo "status=${PIPESTATUS[1]}"',
    );
    assert.match(big, /status=137/, big);
    assert.equal(driver.state(A), 'running');
  });

  it('keeps disk and host key across stop/start and reboot', async (t) => {
    await sshOk(
      keys,
      knownA,
      'centos',
      hostA,
      'echo configured-by-salt | sudo -n tee /etc/role-marker && echo listen=8080 > app.conf',
    );
    const s0 = Date.now();
    await driver.stop(A);
    t.diagnostic(`stop: ${Date.now() - s0} ms`);
    assert.equal(driver.state(A), 'stopped');
    assert.deepEqual(await driver.hostPids(A), []);
    const t0 = Date.now();
    await driver.start(A);
    assert.equal(await waitForState(driver, A, ['running', 'stopped']), 'running');
    t.diagnostic(`start after stop: → sshd banner ${Date.now() - t0} ms`);
    const text = await driver.consoleOutput(A);
    assert.equal(rsaHostKey(text), hostKeyA);
    assert.doesNotMatch(text, /Generating public\/private/);
    assert.equal(
      (await sshOk(keys, knownA, 'centos', hostA, 'cat /etc/role-marker')).trim(),
      'configured-by-salt',
    );
    const before = (await driver.hostPids(A)).sort();
    await driver.reboot(A);
    assert.equal(driver.state(A), 'running');
    assert.notDeepEqual((await driver.hostPids(A)).sort(), before, 'reboot starts new processes');
    assert.equal(rsaHostKey(await driver.consoleOutput(A)), hostKeyA);
    assert.equal(
      (await sshOk(keys, knownA, 'centos', hostA, 'cat /etc/role-marker')).trim(),
      'configured-by-salt',
    );
  });

  it('createImage while running carries the disk to a new machine with its own host key', async (t) => {
    const t0 = Date.now();
    const layer = await driver.createImage(A);
    t.diagnostic(`createImage (running, freeze/copy/thaw): ${Date.now() - t0} ms`);
    assert.equal(driver.state(A), 'running');
    assert.equal(
      (await sshOk(keys, knownA, 'centos', hostA, 'echo after-image > later && cat later')).trim(),
      'after-image',
    );
    const specB = machineSpec(B, 1, { layers: [...specA.layers, layer], authorizedKey: keys.publicKey });
    await driver.launch(specB);
    assert.equal(await waitForState(driver, B, ['running', 'terminated']), 'running');
    const keyB = rsaHostKey(await driver.consoleOutput(B));
    assert.notEqual(keyB, hostKeyA);
    const knownB = knownHosts(keys.dir, specB.publicAddress!.host, keyB);
    const hostB = specB.publicAddress!.host;
    assert.equal(
      (await sshOk(keys, knownB, 'centos', hostB, 'cat /etc/role-marker')).trim(),
      'configured-by-salt',
    );
    assert.equal((await sshOk(keys, knownB, 'centos', hostB, 'cat app.conf')).trim(), 'listen=8080');
    assert.notEqual(
      (await ssh(keys, knownB, 'centos', hostB, 'cat later')).code,
      0,
      'later changes are not in the image',
    );
    assert.equal((await sshOk(keys, knownB, 'centos', hostB, 'hostname')).trim(), 'ip-172-31-5-11');
    // Same subnet: the machines reach each other on their private addresses.
    assert.match(
      await sshOk(keys, knownB, 'centos', hostB, 'exec 3<>/dev/tcp/172.31.5.10/22; head -c 4 <&3'),
      /^SSH-/,
    );
    // Inside the machine, `sudo reboot` restarts it (still running) and `sudo poweroff` stops it.
    t.diagnostic(`B checked at ${Date.now() - t0} ms`);
    const oldPids = await driver.hostPids(B);
    // Detached, so the ssh session ends cleanly before the machine goes down.
    await sshOk(keys, knownB, 'centos', hostB, "sudo -n sh -c '(sleep 0.3; reboot) >/dev/null 2>&1 &'");
    let back = false;
    for (const end = Date.now() + 60_000; !back && Date.now() < end;) {
      await new Promise((r) => setTimeout(r, 200));
      const pids = await driver.hostPids(B);
      back =
        pids.length > 0 &&
        !pids.some((p) => oldPids.includes(p)) &&
        (await ssh(keys, knownB, 'centos', hostB, 'true')).code === 0;
    }
    const tail = (await driver.consoleOutput(B)).split('\n').slice(-6).join('\n');
    assert.ok(back, `the machine came back after reboot (state ${driver.state(B)}; console ends:\n${tail})`);
    t.diagnostic(`B rebooted at ${Date.now() - t0} ms`);
    assert.equal(driver.state(B), 'running');
    const stopped = new Promise((resolve) => {
      const off = driver.onStateChange(
        (c) => c.instanceId === B && c.state === 'stopped' && (off(), resolve(c.reason?.code)),
      );
    });
    await ssh(keys, knownB, 'centos', hostB, 'sudo -n poweroff');
    assert.equal(await stopped, 'Client.InstanceInitiatedShutdown');
    t.diagnostic(`B powered off at ${Date.now() - t0} ms`);
    await driver.terminate(B);
    assert.equal(driver.state(B), 'terminated');
    await driver.deleteLayer(layer);
    assert.ok(!existsSync(join(dataDir, 'layers', layer)), 'an unused deleted layer is removed');
  });
});

describe('real driver after the server is killed', { skip, timeout: 600_000 }, () => {
  let dataDir: string;
  const C = 'i-0c000000000000003';
  const D = 'i-0d000000000000004';

  let keys: Keys;

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'stratus-kill-'));
    claimDataDir(dataDir);
    keys = makeKeys();
  });
  after(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(keys.dir, { recursive: true, force: true });
  });

  /** Runs a stand-in server that launches `id`, waits for running, and is then killed with -9. */
  async function launchAndKill(id: string, n: number): Promise<MachineSpec> {
    const spec = machineSpec(id, n, { authorizedKey: keys.publicKey });
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'fixtures', 'launch-and-hang.ts'),
        dataDir,
        IMAGE_CACHE,
        JSON.stringify(spec),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const line = await new Promise<string>((resolve) =>
      child.stdout.once('data', (d) => resolve(String(d).trim())),
    );
    assert.equal(line, 'running');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    return spec;
  }

  it('finds a running machine again (same process, no second copy) and cleans up on terminate', async () => {
    const spec = await launchAndKill(C, 2);
    const driver = new RealDriver({ dataDir, imageCacheDir: IMAGE_CACHE });
    const rec = JSON.parse(readFileSync(join(dataDir, 'machines', C, 'record.json'), 'utf8')) as {
      pid: number;
    };
    assert.deepEqual(await driver.recover(), [{ instanceId: C, state: 'running' }]);
    const pids = await driver.hostPids(C);
    assert.ok(pids.includes(rec.pid), 'the same init runs');
    assert.equal(
      pids.filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('init.sh')).length,
      1,
    );
    // The new server serves the public address again.
    const host = spec.publicAddress!.host;
    const known = knownHosts(keys.dir, host, rsaHostKey(await driver.consoleOutput(C)));
    let out = '';
    for (let i = 0; i < 50 && !out; i++) {
      out = (await ssh(keys, known, 'centos', host, 'hostname')).stdout.trim();
      if (!out) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(out, 'ip-172-31-5-12');
    await driver.terminate(C);
    await driver.close();
    assert.deepEqual(await leftovers(driver.scope, dataDir), []);
  });

  it('marks a machine whose processes died with the server stopped, and leaks nothing', async () => {
    await launchAndKill(D, 3);
    const first = new RealDriver({ dataDir, imageCacheDir: IMAGE_CACHE });
    for (const p of await first.hostPids(D)) {
      try {
        process.kill(p, 'SIGKILL');
      } catch (e) {
        // A process of the machine may end on its own between listing and killing.
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
      }
    }
    // SIGKILL is asynchronous: wait until the processes are really gone, as after a host crash.
    while ((await first.hostPids(D)).length) await new Promise((r) => setTimeout(r, 20));
    const driver = new RealDriver({ dataDir, imageCacheDir: IMAGE_CACHE });
    assert.deepEqual(await driver.recover(), [{ instanceId: D, state: 'stopped' }]);
    assert.deepEqual(await leftovers(driver.scope, dataDir), []);
    assert.ok(readdirSync(join(dataDir, 'machines', D, 'upper')).length > 0, 'the disk is kept');
    await driver.terminate(D);
    await driver.close();
  });
});
