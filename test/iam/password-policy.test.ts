import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPolicyProblem } from '../../src/services/iam/password-policy.ts';
import { SqliteDatabase } from '../../src/store/sqlite/database.ts';
import { SqliteIamRepository } from '../../src/services/iam/sqlite-repository.ts';

test("AWS's default password policy: 8 characters, three kinds, not the account name", () => {
  assert.equal(defaultPolicyProblem('Ab1!'), 'Password should have a minimum length of 8');
  assert.equal(defaultPolicyProblem('Abcdefg1'), undefined);
  assert.equal(defaultPolicyProblem('abcdefg!1'), undefined);
  assert.equal(
    defaultPolicyProblem('ABCDEFGH'),
    'Password should meet 2 more of the following requirements: Password should have at least one lowercase letter, Password should have at least one number, Password should have at least one symbol',
  );
  assert.match(defaultPolicyProblem('Staging-01', 'staging-01') ?? '', /account name/);
});

test('account settings are kept per account and name', async () => {
  const r = SqliteIamRepository.open(SqliteDatabase.open(':memory:'));
  assert.equal(await r.getSetting('111122223333', 'password-policy'), undefined);
  await r.putSetting('111122223333', 'password-policy', '{"a":1}');
  await r.putSetting('111122223333', 'password-policy', '{"a":2}');
  assert.equal(await r.getSetting('111122223333', 'password-policy'), '{"a":2}');
  assert.equal(await r.getSetting('444455556666', 'password-policy'), undefined);
  assert.equal(await r.deleteSetting('111122223333', 'password-policy'), true);
  assert.equal(await r.deleteSetting('111122223333', 'password-policy'), false);
});
