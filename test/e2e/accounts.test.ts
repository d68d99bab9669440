/**
 * A second account made with `stratus accounts create` has its own root identity, seen through
 * real clients, and keeps it across a server restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startTestServer, sdkConfig } from '../support/server.ts';
import { run } from '../support/clients.ts';

test('a second account has its own root, and a restart keeps it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-accounts-'));
  try {
    const created = await run(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', 'accounts', 'create', 'staging', '--json', '--data-dir', dir],
      process.env,
    );
    assert.equal(created.code, 0, created.stderr);
    const account = JSON.parse(created.stdout);
    assert.match(account.AccountId, /^\d{12}$/);
    assert.notEqual(account.AccountId, '000000000000');
    assert.match(account.AccessKeyId, /^AKIA[A-Z0-9]{16}$/);
    const creds = { accessKeyId: account.AccessKeyId, secretAccessKey: account.SecretAccessKey };

    for (const round of ['first start', 'after restart']) {
      const server = await startTestServer([], dir);
      try {
        const me = await new STSClient(sdkConfig(server, creds)).send(new GetCallerIdentityCommand({}));
        assert.equal(me.Arn, `arn:aws:iam::${account.AccountId}:root`, round);
        assert.equal(me.Account, account.AccountId, round);
        const root = await new STSClient(sdkConfig(server)).send(new GetCallerIdentityCommand({}));
        assert.equal(root.Account, '000000000000', round);
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
