// The AccountsRepository contract: runs unchanged against every backend (test/store/backends.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openAccountsRepository } from '../../src/accounts/open.ts';
import { ConflictError, NotFoundError } from '../../src/store/errors.ts';
import { describeContract } from '../store/contract.ts';

const alice = {
  id: '111111111111',
  name: 'alice',
  rootAccessKeyId: 'AKIAAAAAAAAAAAAAAAAA',
  rootSecretAccessKey: 'a'.repeat(40),
};
const bob = {
  id: '222222222222',
  name: 'bob',
  rootAccessKeyId: 'AKIABBBBBBBBBBBBBBBB',
  rootSecretAccessKey: 'b'.repeat(40),
};

describeContract('AccountsRepository', openAccountsRepository, (repo, ctx) => {
  test('create, then get by id, by name, list', async () => {
    const created = await repo().create(alice);
    assert.equal(created.account.id, alice.id);
    assert.equal(created.rootCredential.accessKeyId, alice.rootAccessKeyId);
    assert.equal(created.rootCredential.status, 'Active');
    assert.deepEqual(await repo().get(alice.id), created.account);
    assert.deepEqual(await repo().getByName('alice'), created.account);
    assert.deepEqual(await repo().getByName('ALICE'), created.account, 'names compare case-insensitively');
    assert.equal(await repo().get('999999999999'), undefined);
    assert.equal(await repo().getByName('nobody'), undefined);
    await repo().create({ ...bob, createdAt: new Date(created.account.createdAt.getTime() + 1000) });
    assert.deepEqual(
      (await repo().list()).map((a) => a.name),
      ['alice', 'bob'],
    );
  });

  test('finds root credentials by access key id', async () => {
    await repo().create(alice);
    const cred = await repo().findRootCredential(alice.rootAccessKeyId);
    assert.equal(cred?.accountId, alice.id);
    assert.equal(cred?.secretAccessKey, alice.rootSecretAccessKey);
    assert.ok(cred?.createdAt instanceof Date);
    assert.equal(await repo().findRootCredential('AKIANOPE'), undefined);
    assert.equal(
      await repo().findRootCredential(alice.rootAccessKeyId.toLowerCase()),
      undefined,
      'key ids are exact',
    );
  });

  test('conflicts name what collided and write nothing', async () => {
    await repo().create(alice);
    const conflict = (constraint: string) => (e: unknown) =>
      e instanceof ConflictError && e.constraint === constraint;
    await assert.rejects(repo().create({ ...bob, id: alice.id }), conflict('id'));
    await assert.rejects(repo().create({ ...bob, name: 'Alice' }), conflict('name'));
    await assert.rejects(
      repo().create({ ...bob, rootAccessKeyId: alice.rootAccessKeyId }),
      conflict('accessKeyId'),
    );
    assert.equal((await repo().list()).length, 1);
    assert.equal(await repo().get(bob.id), undefined, 'the account row rolled back with its key');
  });

  test('setRootCredential replaces the key, keeps it when unchanged, refuses others', async () => {
    await repo().create(alice);
    await repo().create(bob);
    const before = await repo().findRootCredential(alice.rootAccessKeyId);
    await repo().setRootCredential(alice.id, alice.rootAccessKeyId, 'new-secret');
    const same = await repo().findRootCredential(alice.rootAccessKeyId);
    assert.equal(same?.secretAccessKey, 'new-secret');
    assert.deepEqual(same?.createdAt, before?.createdAt);

    await repo().setRootCredential(alice.id, 'AKIANEWKEY', 'other');
    assert.equal(await repo().findRootCredential(alice.rootAccessKeyId), undefined, 'old key gone');
    assert.deepEqual(
      (await repo().listRootCredentials(alice.id)).map((c) => [c.accessKeyId, c.secretAccessKey]),
      [['AKIANEWKEY', 'other']],
    );

    await assert.rejects(
      repo().setRootCredential(alice.id, bob.rootAccessKeyId, 'x'),
      (e: unknown) => e instanceof ConflictError && e.constraint === 'accessKeyId',
    );
    assert.equal(
      (await repo().findRootCredential('AKIANEWKEY'))?.accountId,
      alice.id,
      'failed change rolled back',
    );
    await assert.rejects(repo().setRootCredential('333333333333', 'K', 'S'), NotFoundError);
  });

  test('everything survives a restart', async () => {
    await repo().create(alice);
    await repo().setRootCredential(alice.id, 'AKIAROTATED', 'rotated');
    await ctx.reopen();
    assert.equal((await repo().getByName('alice'))?.id, alice.id);
    assert.equal((await repo().findRootCredential('AKIAROTATED'))?.secretAccessKey, 'rotated');
    assert.equal(await repo().findRootCredential(alice.rootAccessKeyId), undefined);
  });
});
