/** The IAM repository on SQLite and the pure helpers of the IAM handlers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteDatabase } from '../../src/store/sqlite/database.ts';
import { SqliteIamRepository } from '../../src/services/iam/sqlite-repository.ts';
import { QuotaError, type UserRecord } from '../../src/services/iam/repository.ts';
import { ConflictError } from '../../src/store/errors.ts';
import { page } from '../../src/services/iam/common.ts';
import { checkTags, mergeTags, removeTags } from '../../src/services/iam/tags.ts';
import { accessKeyId, secretAccessKey, uniqueId } from '../../src/services/iam/ids.ts';

const repo = () => SqliteIamRepository.open(SqliteDatabase.open(':memory:'));
const user = (name: string): UserRecord => ({
  name,
  id: uniqueId('AIDA'),
  path: '/',
  arn: `arn:aws:iam::111122223333:user/${name}`,
  createdAt: new Date().toISOString(),
  tags: [],
});

test('ids have AWS forms', () => {
  assert.match(uniqueId('AROA'), /^AROA[A-Z2-7]{17}$/);
  assert.match(accessKeyId(), /^AKIA[A-Z2-7]{16}$/);
  assert.match(accessKeyId(true), /^ASIA[A-Z2-7]{16}$/);
  assert.match(secretAccessKey(), /^[A-Za-z0-9]{40}$/);
});

test('entity names are unique per account and kind, case-insensitively; renames keep the id', async () => {
  const r = repo();
  const alice = user('Alice');
  await r.createEntity('111122223333', 'user', alice);
  await assert.rejects(r.createEntity('111122223333', 'user', user('alice')), ConflictError);
  await r.createEntity('444455556666', 'user', user('alice'));
  await r.createEntity('111122223333', 'group', { ...user('alice'), id: uniqueId('AGPA') });
  assert.equal((await r.getEntity('111122223333', 'user', 'ALICE'))?.id, alice.id);
  await r.saveEntity('111122223333', 'user', { ...alice, name: 'Alicia' });
  assert.equal(await r.getEntity('111122223333', 'user', 'alice'), undefined);
  assert.equal((await r.getEntityById('user', alice.id))?.record.name, 'Alicia');
});

test('links honour quotas and disappear with their entity', async () => {
  const r = repo();
  const u = user('bob');
  await r.createEntity('111122223333', 'user', u);
  assert.equal(await r.addLink('111122223333', 'attach', u.id, 'arn:a', 2), true);
  assert.equal(await r.addLink('111122223333', 'attach', u.id, 'arn:a', 2), false);
  await r.addLink('111122223333', 'attach', u.id, 'arn:b', 2);
  await assert.rejects(r.addLink('111122223333', 'attach', u.id, 'arn:c', 2), QuotaError);
  assert.deepEqual(await r.linksFrom('111122223333', 'attach', u.id), ['arn:a', 'arn:b']);
  assert.deepEqual(await r.linksTo('111122223333', 'attach', 'arn:b'), [u.id]);
  await r.deleteEntity('111122223333', 'user', u);
  assert.deepEqual(await r.linksTo('111122223333', 'attach', 'arn:b'), []);
});

test('access keys: quota per user, status, batched last use', async () => {
  const r = repo();
  const key = (id: string) => ({
    accessKeyId: id,
    accountId: '111122223333',
    userId: 'AIDAX',
    secretAccessKey: 's',
    status: 'Active' as const,
    createdAt: new Date().toISOString(),
  });
  await r.createAccessKey(key('AKIA1'), 2);
  await r.createAccessKey(key('AKIA2'), 2);
  await assert.rejects(r.createAccessKey(key('AKIA3'), 2), QuotaError);
  await r.setAccessKeyStatus('AKIA1', 'Inactive');
  await r.recordKeyUses([
    { accessKeyId: 'AKIA1', date: '2026-01-01T00:00:00.000Z', service: 's3', region: 'eu-west-1' },
  ]);
  const k = await r.getAccessKey('AKIA1');
  assert.equal(k?.status, 'Inactive');
  assert.deepEqual(k?.lastUsed, { date: '2026-01-01T00:00:00.000Z', service: 's3', region: 'eu-west-1' });
  assert.equal((await r.getAccessKey('AKIA2'))?.lastUsed, undefined);
});

test('paging with markers, tags merged case-insensitively', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];
  const p1 = page(items, { MaxItems: 2 });
  assert.deepEqual([p1.items, p1.IsTruncated], [['a', 'b'], true]);
  const p2 = page(items, { MaxItems: 2, Marker: p1.Marker });
  const p3 = page(items, { MaxItems: 2, Marker: p2.Marker });
  assert.deepEqual([p2.items, p3.items, p3.IsTruncated, p3.Marker], [['c', 'd'], ['e'], false, undefined]);
  assert.throws(() => page(items, { Marker: 'garbage!' }), /Invalid Marker/);
  assert.deepEqual(mergeTags([{ Key: 'Team', Value: 'a' }], [{ Key: 'team', Value: 'b' }], 'user'), [
    { Key: 'team', Value: 'b' },
  ]);
  assert.deepEqual(
    removeTags(
      [
        { Key: 'Team', Value: 'a' },
        { Key: 'x', Value: '' },
      ],
      ['TEAM'],
      'role',
    ),
    [{ Key: 'x', Value: '' }],
  );
  assert.throws(
    () =>
      checkTags(
        [
          { Key: 'a', Value: '' },
          { Key: 'A', Value: '' },
        ],
        'user',
      ),
    /Duplicate tag keys/,
  );
  assert.throws(
    () =>
      checkTags(
        Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: '' })),
        'policy',
      ),
    /maximum limit/,
  );
});
