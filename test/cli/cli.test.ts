import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseCli, runCli, setImagesBuildHandler, type CliIo } from '../../src/cli.ts';
import { ConfigError, USAGE } from '../../src/config.ts';
import { openStores } from '../../src/store/open.ts';
import { loadConfig } from '../../src/config.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stratus-cli-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ handled: boolean; out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t) };
  const before = process.exitCode;
  const handled = await runCli(argv, { env: { STRATUS_DATA_DIR: dir }, io });
  const code = Number(process.exitCode ?? 0);
  process.exitCode = before; // keep the test process's own status clean
  return { handled, out, err, code };
}

test('parseCli recognises commands with config flags anywhere', () => {
  const env = {};
  assert.equal(parseCli([], env).command, 'serve');
  assert.equal(parseCli(['serve', '--port', '9'], env).command, 'serve');
  const create = parseCli(['--data-dir', '/d', 'accounts', 'create', 'team a', '--port=1'], env);
  assert.equal(create.command, 'accounts');
  assert.ok(create.command === 'accounts' && create.action === 'create' && create.name === 'team a');
  assert.equal(create.command === 'accounts' && create.config.dataDir, '/d');
  const list = parseCli(['accounts', 'list', '--json'], env);
  assert.ok(list.command === 'accounts' && list.action === 'list' && list.json);
  const images = parseCli(['--data-dir', '/d', 'images', 'build', '--name', 'base', 'x', '--port', '7'], env);
  assert.ok(images.command === 'images');
  assert.deepEqual(images.command === 'images' && images.args, ['--name', 'base', 'x']);
  assert.equal(images.command === 'images' && images.config.port, 7);
  assert.equal(parseCli(['--help'], env).command, 'help');
  assert.equal(parseCli(['help'], env).command, 'help');
  for (const bad of [
    ['accounts'],
    ['accounts', 'create'],
    ['accounts', 'create', 'a', 'b'],
    ['accounts', 'rm', 'x'],
    ['frobnicate'],
    ['serve', 'now'],
    ['accounts', 'list', '--bogus'],
    ['images', 'push'],
  ])
    assert.throws(() => parseCli(bad, env), ConfigError, bad.join(' '));
});

test('accounts create prints the key once with export lines; list shows accounts without secrets', async () => {
  const created = await run('accounts', 'create', 'dev');
  assert.equal(created.handled, true);
  assert.equal(created.code, 0, created.err);
  const id = /Created account (\d{12}) \(dev\)/.exec(created.out)?.[1];
  const key = /^export AWS_ACCESS_KEY_ID=(AKIA[A-Z2-7]{16})$/m.exec(created.out)?.[1];
  const secret = /^export AWS_SECRET_ACCESS_KEY=([A-Za-z0-9+/]{40})$/m.exec(created.out)?.[1];
  assert.ok(id && key && secret, created.out);

  const listed = await run('accounts', 'list');
  assert.equal(listed.code, 0);
  assert.match(listed.out, /^ACCOUNT ID\s+NAME\s+ROOT ACCESS KEY ID\s+CREATED$/m);
  assert.match(listed.out, /^000000000000\s+default\s+test\s/m);
  assert.match(listed.out, new RegExp(`^${id}\\s+dev\\s+${key}\\s`, 'm'));
  assert.ok(!listed.out.includes(secret), 'list never shows secrets');

  const json = JSON.parse((await run('accounts', 'list', '--json')).out);
  assert.deepEqual(
    json.map((a: { AccountId: string }) => a.AccountId),
    ['000000000000', id],
  );
  const asJson = JSON.parse((await run('accounts', 'create', 'ci', '--json')).out);
  assert.match(asJson.AccessKeyId, /^AKIA/);
  assert.equal(asJson.SecretAccessKey.length, 40);

  const dup = await run('accounts', 'create', 'DEV');
  assert.equal(dup.code, 1);
  assert.match(dup.err, /already exists/);
  const invalid = await run('accounts', 'create', 'x'.repeat(51));
  assert.equal(invalid.code, 2);
});

test('usage errors print the usage and exit 2; help prints it; serve is left to main', async () => {
  const bad = await run('accounts', 'delete', 'x');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /Unknown accounts command: delete/);
  assert.ok(bad.err.includes(USAGE));
  const help = await run('--help');
  assert.equal(help.code, 0);
  assert.equal(help.out, USAGE);
  assert.equal((await run()).handled, false);
  assert.equal((await run('serve', '--port', '0')).handled, false);
});

test('images build runs the registered handler, or says it is unavailable', async () => {
  const none = await run('images', 'build');
  assert.equal(none.code, 1);
  assert.match(none.err, /not available/);
  const calls: unknown[] = [];
  setImagesBuildHandler(async (args, config, io) => {
    calls.push([args, config.dataDir]);
    io.stdout('built\n');
    return 3;
  });
  try {
    const r = await run('images', 'build', '--name', 'base');
    assert.deepEqual(calls, [[['--name', 'base'], dir]]);
    assert.equal(r.out, 'built\n');
    assert.equal(r.code, 3);
  } finally {
    setImagesBuildHandler(undefined);
  }
});

test('a CLI process creates an account while a server holds the data dir; it resolves at once', async () => {
  const dataDir = join(dir, 'live');
  const stores = await openStores(loadConfig(['--data-dir', dataDir], {}));
  try {
    const script = fileURLToPath(new URL('./fixtures/run-cli.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', script, 'accounts', 'create', 'live', '--data-dir', dataDir],
      {
        env: { ...process.env, STRATUS_ROOT_ACCESS_KEY_ID: 'other', STRATUS_ROOT_SECRET_ACCESS_KEY: 'other' },
      },
    );
    const key = /AWS_ACCESS_KEY_ID=(\S+)/.exec(stdout)?.[1];
    assert.ok(key, stdout);
    const cred = await stores.rootCredentials.resolve(key);
    assert.match(cred?.principal.arn ?? '', /^arn:aws:iam::\d{12}:root$/);
    // The CLI's different STRATUS_ROOT_* did not touch the server's default key.
    assert.ok(await stores.rootCredentials.resolve('test'));
    assert.equal(await stores.rootCredentials.resolve('other'), undefined);
  } finally {
    await stores.close();
  }
});

test('several CLI processes opening a fresh data dir at once migrate it exactly once', async () => {
  const dataDir = join(dir, 'race');
  const script = fileURLToPath(new URL('./fixtures/run-cli.ts', import.meta.url));
  const runs = await Promise.all(
    ['a', 'b', 'c', 'd'].map((name) =>
      promisify(execFile)(process.execPath, [
        '--import',
        'tsx',
        script,
        'accounts',
        'create',
        name,
        '--data-dir',
        dataDir,
      ]),
    ),
  );
  for (const r of runs) assert.match(r.stdout, /Created account/);
  const { SqliteDatabase } = await import('../../src/store/sqlite/database.ts');
  const db = SqliteDatabase.open(join(dataDir, 'stratus.db'));
  try {
    assert.deepEqual(db.raw.prepare('SELECT service, version FROM schema_migrations').all(), [
      { service: 'accounts', version: 1 },
    ]);
    assert.deepEqual(db.raw.prepare('SELECT name FROM accounts ORDER BY name').pluck().all(), [
      'a',
      'b',
      'c',
      'd',
      'default',
    ]);
  } finally {
    db.close();
  }
});
