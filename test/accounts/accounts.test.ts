import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccount, ensureDefaultAccount, InvalidAccountNameError } from '../../src/accounts/accounts.ts';
import { generateAccessKeyId, generateAccountId, generateSecretAccessKey } from '../../src/accounts/keys.ts';
import { openAccountsRepository } from '../../src/accounts/open.ts';
import { chainCredentialResolvers, RootCredentialResolver } from '../../src/accounts/root-resolver.ts';
import type { CredentialResolver } from '../../src/auth/principal.ts';
import { openSqliteBackend } from '../../src/store/backend.ts';
import { ConflictError } from '../../src/store/errors.ts';

async function repo() {
  const backend = await openSqliteBackend(':memory:');
  return openAccountsRepository(backend);
}

const defaults = { defaultAccountId: '000000000000', rootAccessKeyId: 'test', rootSecretAccessKey: 'test' };

test('generated ids and keys have AWS shapes', () => {
  for (let i = 0; i < 200; i++) {
    assert.match(generateAccountId(), /^[1-9]\d{11}$/);
    assert.match(generateAccessKeyId(), /^AKIA[A-Z2-7]{16}$/);
    assert.match(generateSecretAccessKey(), /^[A-Za-z0-9+/]{40}$/);
  }
  assert.match(generateAccessKeyId('ASIA'), /^ASIA[A-Z2-7]{16}$/);
  assert.equal(new Set(Array.from({ length: 100 }, () => generateAccessKeyId())).size, 100);
});

test('createAccount makes a fresh id and AKIA key; names must be unique and valid', async () => {
  const accounts = await repo();
  const { account, rootCredential } = await createAccount(accounts, 'dev team');
  assert.match(account.id, /^\d{12}$/);
  assert.notEqual(account.id, '000000000000');
  assert.match(rootCredential.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
  assert.equal(rootCredential.secretAccessKey.length, 40);
  assert.equal((await accounts.findRootCredential(rootCredential.accessKeyId))?.accountId, account.id);
  await assert.rejects(
    createAccount(accounts, 'DEV TEAM'),
    (e: unknown) => e instanceof ConflictError && e.constraint === 'name',
  );
  for (const bad of ['', 'x'.repeat(51), ' padded', 'tab\there', 'é'])
    await assert.rejects(createAccount(accounts, bad), InvalidAccountNameError, JSON.stringify(bad));
});

test('createAccount retries when a random id collides', async () => {
  const accounts = await repo();
  let calls = 0;
  const flaky = {
    ...accounts,
    create: async (input: Parameters<typeof accounts.create>[0]) => {
      if (calls++ === 0) throw new ConflictError('id');
      return accounts.create(input);
    },
  };
  const { account } = await createAccount(flaky, 'x');
  assert.equal(calls, 2);
  assert.ok(await accounts.get(account.id));
});

test('ensureDefaultAccount creates the default account and syncs its root key only when asked', async () => {
  const accounts = await repo();
  const first = await ensureDefaultAccount(accounts, defaults, { syncRootKey: true });
  assert.deepEqual([first.id, first.name], ['000000000000', 'default']);
  assert.equal((await accounts.findRootCredential('test'))?.secretAccessKey, 'test');

  // A CLI run with another environment leaves the server's key alone.
  await ensureDefaultAccount(
    accounts,
    { ...defaults, rootAccessKeyId: 'cli', rootSecretAccessKey: 'cli' },
    { syncRootKey: false },
  );
  assert.ok(await accounts.findRootCredential('test'));
  assert.equal(await accounts.findRootCredential('cli'), undefined);

  // A restart with new STRATUS_ROOT_* replaces it.
  await ensureDefaultAccount(
    accounts,
    { ...defaults, rootAccessKeyId: 'AKIANEW', rootSecretAccessKey: 's2' },
    { syncRootKey: true },
  );
  assert.equal(await accounts.findRootCredential('test'), undefined);
  assert.equal((await accounts.findRootCredential('AKIANEW'))?.secretAccessKey, 's2');
  // Only the secret changed.
  await ensureDefaultAccount(
    accounts,
    { ...defaults, rootAccessKeyId: 'AKIANEW', rootSecretAccessKey: 's3' },
    { syncRootKey: true },
  );
  assert.equal((await accounts.findRootCredential('AKIANEW'))?.secretAccessKey, 's3');
  assert.equal((await accounts.list()).length, 1);

  // Another account's key cannot become the default account's.
  const other = await createAccount(accounts, 'other');
  await assert.rejects(
    ensureDefaultAccount(
      accounts,
      { ...defaults, rootAccessKeyId: other.rootCredential.accessKeyId, rootSecretAccessKey: 'x' },
      { syncRootKey: true },
    ),
    /already the root key of another account/,
  );
});

test('ensureDefaultAccount accepts a default account another process created after its check', async () => {
  const accounts = await repo();
  await ensureDefaultAccount(accounts, defaults, { syncRootKey: true });
  // This process looked before the other one committed: its first get saw no default account.
  let looked = false;
  const late = new Proxy(accounts, {
    get(target, prop, receiver) {
      if (prop === 'get' && !looked) {
        looked = true;
        return async () => undefined;
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const account = await ensureDefaultAccount(late, defaults, { syncRootKey: false });
  assert.deepEqual([account.id, account.name], ['000000000000', 'default']);
  assert.equal((await accounts.list()).length, 1);
});

test('RootCredentialResolver resolves root keys of every account to Root principals', async () => {
  const accounts = await repo();
  await ensureDefaultAccount(accounts, defaults, { syncRootKey: true });
  const resolver = new RootCredentialResolver(accounts);
  const def = await resolver.resolve('test');
  assert.deepEqual(def, {
    accessKeyId: 'test',
    secretAccessKey: 'test',
    status: 'Active',
    principal: {
      type: 'Root',
      accountId: '000000000000',
      arn: 'arn:aws:iam::000000000000:root',
      userId: '000000000000',
      accessKeyId: 'test',
    },
  });
  // Accounts created later (e.g. by the CLI in another process) resolve without a restart.
  const { account, rootCredential } = await createAccount(accounts, 'later');
  const cred = await resolver.resolve(rootCredential.accessKeyId);
  assert.equal(cred?.principal.arn, `arn:aws:iam::${account.id}:root`);
  assert.equal(cred?.secretAccessKey, rootCredential.secretAccessKey);
  assert.equal(await resolver.resolve('AKIAUNKNOWN0000000000'), undefined);
  // A root key sent with a session token still resolves: verify() refuses the token itself
  // (InvalidToken), as AWS does, rather than calling the key unknown.
  assert.equal((await resolver.resolve('test'))?.sessionToken, undefined);
});

test('chainCredentialResolvers asks in order and fans out recordUse', async () => {
  const seen: string[] = [];
  const fake = (name: string, key: string): CredentialResolver => ({
    async resolve(id) {
      seen.push(name);
      return id === key
        ? {
            accessKeyId: key,
            secretAccessKey: name,
            status: 'Active',
            principal: { type: 'IAMUser', accountId: '1', arn: name, userId: name },
          }
        : undefined;
    },
    recordUse: (id) => seen.push(`use:${name}:${id}`),
  });
  const chain = chainCredentialResolvers(fake('a', 'K1'), fake('b', 'K2'));
  assert.equal((await chain.resolve('K2'))?.secretAccessKey, 'b');
  assert.deepEqual(seen, ['a', 'b']);
  assert.equal(await chain.resolve('K3'), undefined);
  seen.length = 0;
  chain.recordUse?.('K1', 's3', 'us-east-1', new Date());
  assert.deepEqual(seen, ['use:a:K1', 'use:b:K1']);
});
