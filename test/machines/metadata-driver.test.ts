import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  BASE_LAYER,
  MachineError,
  waitForState,
  type MachineSpec,
  type StateChange,
} from '../../src/machines/driver.ts';
import { MetadataDriver } from '../../src/machines/metadata/metadata-driver.ts';
import { fingerprint } from '../../src/machines/ssh-keys.ts';

const dir = mkdtempSync(join(tmpdir(), 'stratus-md-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function spec(id: string): MachineSpec {
  return {
    instanceId: id,
    layers: [BASE_LAYER],
    vcpus: 1,
    memoryMiB: 1024,
    network: {
      vpcId: 'vpc-1',
      subnetId: 'subnet-1',
      cidr: '172.31.0.0/20',
      gateway: '172.31.0.1',
      privateIp: '172.31.5.10',
    },
    hostname: 'ip-172-31-5-10',
    defaultUser: 'centos',
    authorizedKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKp6vBpAMES8ICg8ij2y28DUBM2JxtPVqnWcJ29inc6w ops',
    userData: Buffer.from('#!/bin/sh\necho hi\n'),
    publicAddress: { host: '127.0.5.10', port: 22 },
  };
}

function keyLines(text: string): string[] {
  const start = text.indexOf('-----BEGIN SSH HOST KEY KEYS-----');
  const end = text.indexOf('-----END SSH HOST KEY KEYS-----');
  assert.ok(start >= 0 && end > start, 'console has the host key block');
  return text.slice(start, end).split('\n').slice(1).filter(Boolean);
}

const hasSshKeygen = spawnSync('ssh-keygen', ['-?']).error === undefined;

describe('metadata driver', () => {
  const driver = new MetadataDriver({ dataDir: dir, transitionMs: 20 });
  const changes: StateChange[] = [];
  driver.onStateChange((c) => changes.push(c));
  after(() => driver.close());

  it('goes pending → running on its own and prints the host keys as cloud-init does', async () => {
    await driver.recover();
    await driver.launch(spec('i-aaa'));
    assert.equal(driver.state('i-aaa'), 'pending');
    assert.equal(await waitForState(driver, 'i-aaa', ['running'], 5000), 'running');
    assert.deepEqual(
      changes.filter((c) => c.instanceId === 'i-aaa').map((c) => c.state),
      ['pending', 'running'],
    );
    const text = await driver.consoleOutput('i-aaa');
    const lines = keyLines(text);
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/=]+ root@ip-172-31-5-10$/);
    assert.match(lines[1]!, /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5[A-Za-z0-9+/=]+ root@ip-172-31-5-10$/);
    assert.match(text, /ec2: -----BEGIN SSH HOST KEY FINGERPRINTS-----/);
    assert.ok(text.includes(`2048 ${fingerprint(lines[0]!.split(' ')[1]!)} root@ip-172-31-5-10 (RSA)`));
    assert.match(text, /Cloud-init v\. [\d.]+ finished at/);
  });

  it(
    'makes keys ssh-keygen accepts, with the fingerprints it computes',
    { skip: !hasSshKeygen && 'no ssh-keygen' },
    async () => {
      const lines = keyLines(await driver.consoleOutput('i-aaa'));
      for (const line of lines) {
        const f = join(dir, 'key.pub');
        writeFileSync(f, line + '\n');
        const r = spawnSync('ssh-keygen', ['-l', '-f', f], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        assert.ok(r.stdout.includes(fingerprint(line.split(' ')[1]!)), r.stdout);
      }
    },
  );

  it('keeps the host keys across stop and start; another machine gets others', async () => {
    const before = keyLines(await driver.consoleOutput('i-aaa'));
    await driver.stop('i-aaa');
    assert.equal(driver.state('i-aaa'), 'stopped');
    await driver.start('i-aaa', { publicAddress: { host: '127.0.5.11', port: 22 } });
    await waitForState(driver, 'i-aaa', ['running'], 5000);
    assert.deepEqual(keyLines(await driver.consoleOutput('i-aaa')), before);
    await driver.launch(spec('i-bbb'));
    await waitForState(driver, 'i-bbb', ['running'], 5000);
    const other = keyLines(await driver.consoleOutput('i-bbb'));
    assert.notDeepEqual(other, before);
  });

  it('refuses transitions from the wrong state and unknown ids', async () => {
    await assert.rejects(
      driver.start('i-aaa').then(() => driver.reboot('i-nope')),
      (e: MachineError) => e.code === 'NotFound',
    );
    await driver.stop('i-bbb');
    await assert.rejects(driver.reboot('i-bbb'), (e: MachineError) => e.code === 'IncorrectState');
    await assert.rejects(driver.launch(spec('i-aaa')), (e: MachineError) => e.code === 'IncorrectState');
  });

  it('creates image layer ids and terminates', async () => {
    const layer = await driver.createImage('i-aaa');
    assert.match(layer, /^l[0-9a-f]{8}$/);
    await driver.terminate('i-bbb');
    assert.equal(driver.state('i-bbb'), 'terminated');
    assert.ok(changes.some((c) => c.instanceId === 'i-bbb' && c.state === 'terminated'));
    assert.equal(await driver.consoleOutput('i-bbb'), '');
    await assert.rejects(driver.consoleOutput('i-nope'), (e: MachineError) => e.code === 'NotFound');
  });

  it('finds its machines and their keys again after a restart', async () => {
    const keys = keyLines(await driver.consoleOutput('i-aaa'));
    await driver.close();
    const again = new MetadataDriver({ dataDir: dir, transitionMs: 20 });
    const found = await again.recover();
    assert.deepEqual(found, [{ instanceId: 'i-aaa', state: 'running' }]);
    assert.deepEqual(keyLines(await again.consoleOutput('i-aaa')), keys);
    await again.close();
  });
});
