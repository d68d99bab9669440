import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { ConfigError, loadConfig, USAGE } from '../../src/config.ts';

test('defaults', () => {
  const c = loadConfig([], {});
  assert.deepEqual(c, {
    port: 4566,
    host: '127.0.0.1',
    dataDir: resolve('.stratus'),
    machines: 'auto',
    enforceIam: true,
    region: 'us-east-1',
    defaultAccountId: '000000000000',
    rootAccessKeyId: 'test',
    rootSecretAccessKey: 'test',
  });
});

test('flags in both spellings, and a leading serve', () => {
  const c = loadConfig(
    [
      'serve',
      '--port',
      '1234',
      '--host=127.0.0.5',
      '--data-dir',
      '/tmp/x',
      '--machines=metadata',
      '--no-enforce-iam',
      '--region',
      'eu-west-3',
    ],
    {},
  );
  assert.equal(c.port, 1234);
  assert.equal(c.host, '127.0.0.5');
  assert.equal(c.dataDir, '/tmp/x');
  assert.equal(c.machines, 'metadata');
  assert.equal(c.enforceIam, false);
  assert.equal(c.region, 'eu-west-3');
});

test('environment, and flags win over it', () => {
  const env = {
    STRATUS_PORT: '5000',
    STRATUS_HOST: '127.0.0.9',
    STRATUS_DATA_DIR: 'rel/dir',
    STRATUS_ROOT_ACCESS_KEY_ID: 'AKIAROOT',
    STRATUS_ROOT_SECRET_ACCESS_KEY: 'sekret',
    STRATUS_ENFORCE_IAM: 'false',
    STRATUS_MACHINES: 'real',
    STRATUS_REGION: 'ap-southeast-2',
  };
  const c = loadConfig([], env);
  assert.equal(c.port, 5000);
  assert.equal(c.host, '127.0.0.9');
  assert.equal(c.dataDir, resolve('rel/dir'));
  assert.equal(c.rootAccessKeyId, 'AKIAROOT');
  assert.equal(c.rootSecretAccessKey, 'sekret');
  assert.equal(c.enforceIam, false);
  assert.equal(c.machines, 'real');
  assert.equal(c.region, 'ap-southeast-2');
  const f = loadConfig(['--port=6000', '--enforce-iam'], env);
  assert.equal(f.port, 6000);
  assert.equal(f.enforceIam, true);
  // Empty variables count as unset.
  assert.equal(loadConfig([], { STRATUS_PORT: '', STRATUS_ROOT_ACCESS_KEY_ID: '' }).port, 4566);
});

test('bad input is a ConfigError carrying the usage text', () => {
  const bad: [string[], Record<string, string>, RegExp][] = [
    [['--port', 'abc'], {}, /Invalid port "abc" \(--port\)/],
    [['--port', '70000'], {}, /Invalid port/],
    [[], { STRATUS_PORT: '-1' }, /Invalid port "-1" \(STRATUS_PORT\)/],
    [['--port'], {}, /--port needs a value/],
    [['--port', '--host', 'x'], {}, /--port needs a value/],
    [['--machines=vm'], {}, /Invalid machines mode "vm"/],
    [['--bogus'], {}, /Unknown option: --bogus/],
    [['-x'], {}, /Unknown option: -x/],
    [['--no-enforce-iam=yes'], {}, /takes no value/],
    [['--enforce-iam', '--no-enforce-iam'], {}, /contradict/],
    [['extra'], {}, /Unexpected argument: extra/],
    [['--region', 'Mars'], {}, /Invalid region "Mars"/],
    [['--json'], {}, /Unknown option: --json/],
    [[], { STRATUS_ENFORCE_IAM: 'maybe' }, /Invalid boolean/],
    [[], { STRATUS_ROOT_ACCESS_KEY_ID: 'has space' }, /STRATUS_ROOT_ACCESS_KEY_ID/],
  ];
  for (const [argv, env, message] of bad) {
    assert.throws(
      () => loadConfig(argv, env),
      (e: unknown) => e instanceof ConfigError && message.test(e.message) && e.usage === USAGE,
      `${argv.join(' ')} ${JSON.stringify(env)}`,
    );
  }
  assert.match(USAGE, /--no-enforce-iam/);
});
