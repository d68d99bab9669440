import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { DataDirLockedError } from '../../src/store/data-dir-lock.ts';
import { openAdminStores, openStores } from '../../src/store/open.ts';

test('openStores: default account, blobs, lock held until close', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stratus-open-'));
  try {
    const config = loadConfig(['--data-dir', dir], {
      STRATUS_ROOT_ACCESS_KEY_ID: 'AKIAROOT',
      STRATUS_ROOT_SECRET_ACCESS_KEY: 's',
    });
    writeFileSync(join(dir, 'server.pid'), `${process.ppid}\n`); // a live process that is not us
    await assert.rejects(openStores(config), DataDirLockedError);

    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(dir, 'server.pid'), `${dead}\n`); // stale: its server died
    const stores = await openStores(config);
    assert.equal(readFileSync(join(dir, 'server.pid'), 'utf8').trim(), String(process.pid));
    assert.equal((await stores.rootCredentials.resolve('AKIAROOT'))?.principal.accountId, '000000000000');
    const { id } = await stores.blobs.write(Buffer.from('x'));
    assert.ok(existsSync(join(dir, 'blobs', id.slice(0, 2), id.slice(2, 4), id)));
    assert.ok(existsSync(join(dir, 'stratus.db')));

    // CLI commands open the same data dir beside the server.
    const admin = await openAdminStores(config);
    assert.equal((await admin.accounts.list()).length, 1);
    await admin.close();

    await stores.close();
    assert.equal(existsSync(join(dir, 'server.pid')), false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
