// The real driver's parts that need no root: spec validation, layer bookkeeping, driver choice.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createMachineDriver, detectRealDriverSupport } from '../../src/machines/index.ts';
import { debianMirror } from '../../src/machines/real/base-image.ts';
import { parseCgroupMounts } from '../../src/machines/real/cgroups.ts';
import { Layers } from '../../src/machines/real/layers.ts';
import { validateSpec } from '../../src/machines/real/machine-files.ts';
import { machineSpec } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'stratus-parts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('machine spec validation', () => {
  it('accepts a normal spec', () => {
    validateSpec(
      machineSpec('i-0123456789abcdef0', 0, {
        authorizedKey: 'ssh-rsa AAAAB3NzaC1yc2E= my key',
        userData: Buffer.from('#!/bin/sh\n'),
      }),
    );
  });

  it('rejects what could reach a shell, a path or the host network', () => {
    const bad = [
      { instanceId: 'i-1; rm -rf /' },
      { instanceId: '../etc' },
      { hostname: 'a b' },
      { defaultUser: 'root' },
      { defaultUser: 'Bad$User' },
      { layers: ['../x'] },
      { layers: [] },
      { authorizedKey: 'command="sh" ssh-rsa AAAA' },
      { authorizedKey: 'ssh-rsa AAAA\nssh-rsa BBBB' },
      { publicAddress: { host: '0.0.0.0', port: 22 } },
      { memoryMiB: 0 },
    ];
    for (const extra of bad) {
      assert.throws(
        () => validateSpec({ ...machineSpec('i-1', 0), ...extra }),
        /invalid machine spec/,
        JSON.stringify(extra),
      );
    }
    const net = machineSpec('i-1', 0);
    net.network = { ...net.network, privateIp: '172.31.5.10; reboot' };
    assert.throws(() => validateSpec(net), /address/);
  });
});

describe('layers', () => {
  const layersDir = join(dir, 'layers');
  const layers = new Layers(layersDir, join(dir, 'cache'), () => {});
  const make = (id: string, parents: string[]) => {
    mkdirSync(join(layersDir, id), { recursive: true });
    writeFileSync(join(layersDir, `${id}.json`), JSON.stringify({ parents }));
  };

  it('orders lower dirs top first, relative to the layers dir', () => {
    assert.equal(layers.lowerdir(['base', 'l1', 'l2']), 'l2:l1:base');
  });

  it('keeps a deleted layer while a machine or a layer above stands on it', async () => {
    make('l1', ['base']);
    make('l2', ['base', 'l1']);
    await layers.markDeleted('l1');
    assert.deepEqual(await layers.collect(new Set()), [], 'l2 stands on l1');
    await layers.markDeleted('l2');
    assert.deepEqual(await layers.collect(new Set(['base', 'l1', 'l2'])), [], 'a machine uses l2');
    assert.deepEqual((await layers.collect(new Set(['base']))).sort(), ['l1', 'l2']);
    assert.ok(!existsSync(join(layersDir, 'l1')) && !existsSync(join(layersDir, 'l2.json')));
  });

  it('never deletes the base layer', async () => {
    mkdirSync(join(layersDir, 'base'), { recursive: true });
    await layers.markDeleted('base');
    await layers.collect(new Set());
    assert.ok(existsSync(join(layersDir, 'base')));
  });
});

describe('driver choice', () => {
  it('gives the metadata driver when asked, and says why real machines are (not) possible', async () => {
    const { driver, reason } = await createMachineDriver({ dataDir: dir, mode: 'metadata' });
    assert.equal(driver.kind, 'metadata');
    assert.ok(reason);
    const support = await detectRealDriverSupport({ imageCacheDir: join(dir, 'none') });
    assert.equal(typeof support.ok, 'boolean');
    assert.ok(support.reason.length > 0);
  });

  it('finds a Debian mirror URL', () => {
    assert.match(debianMirror(), /^https?:\/\/\S+$/);
  });
});

describe('cgroup layout detection', () => {
  const line = (point: string, fstype: string, opts: string) =>
    `35 24 0:30 / ${point} rw,nosuid shared:9 - ${fstype} cgroup ${opts}`;

  it('reads a unified (v2) host', () => {
    const l = parseCgroupMounts([line('/sys/fs/cgroup', 'cgroup2', 'rw,nsdelegate')].join('\n'));
    assert.equal(l.version, 2);
    assert.equal(l.unified, '/sys/fs/cgroup');
  });

  it('reads a hybrid host as v1 with one hierarchy per controller', () => {
    const l = parseCgroupMounts(
      [
        line('/sys/fs/cgroup/unified', 'cgroup2', 'rw'),
        line('/sys/fs/cgroup/cpu,cpuacct', 'cgroup', 'rw,cpu,cpuacct'),
        line('/sys/fs/cgroup/memory', 'cgroup', 'rw,memory'),
        line('/sys/fs/cgroup/pids', 'cgroup', 'rw,pids'),
        line('/sys/fs/cgroup/freezer', 'cgroup', 'rw,freezer'),
        line('/sys/fs/cgroup/systemd', 'cgroup', 'rw,xattr,name=systemd'),
      ].join('\n'),
    );
    assert.equal(l.version, 1);
    assert.deepEqual(l.v1, {
      cpu: '/sys/fs/cgroup/cpu,cpuacct',
      memory: '/sys/fs/cgroup/memory',
      pids: '/sys/fs/cgroup/pids',
      freezer: '/sys/fs/cgroup/freezer',
    });
  });
});
