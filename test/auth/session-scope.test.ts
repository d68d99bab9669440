import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSessionScope } from '../../src/auth/session-scope.ts';
import type { Principal } from '../../src/auth/principal.ts';

const user: Principal = {
  type: 'IAMUser',
  accountId: '000000000000',
  arn: 'arn:aws:iam::000000000000:user/u',
  userId: 'AIDAX',
};
const refusal = (p: Principal, service: string, op: string) => {
  try {
    checkSessionScope(p, service, op);
    return 'ok';
  } catch (e: any) {
    return `${e.code}: ${e.message}`;
  }
};

test('long-term keys and role sessions are not limited here', () => {
  assert.equal(refusal(user, 'iam', 'ListUsers'), 'ok');
  assert.equal(refusal(user, 'sts', 'GetAccessKeyInfo'), 'ok');
  const role: Principal = { ...user, type: 'AssumedRole', temporary: true };
  assert.equal(refusal(role, 'iam', 'ListUsers'), 'ok');
  assert.equal(refusal(role, 'sts', 'DecodeAuthorizationMessage'), 'ok');
});

test('session tokens: IAM only with MFA; STS only AssumeRole and GetCallerIdentity', () => {
  const plain: Principal = { ...user, temporary: true, mfaPresent: false };
  assert.equal(
    refusal(plain, 'iam', 'ListUsers'),
    'InvalidClientTokenId: The security token included in the request is invalid',
  );
  assert.equal(refusal({ ...plain, mfaPresent: true }, 'iam', 'ListUsers'), 'ok');
  assert.equal(refusal({ ...plain, type: 'Root' }, 'iam', 'ListUsers').split(':')[0], 'InvalidClientTokenId');
  assert.equal(refusal(plain, 'sts', 'AssumeRole'), 'ok');
  assert.equal(refusal(plain, 'sts', 'GetCallerIdentity'), 'ok');
  assert.equal(
    refusal({ ...plain, mfaPresent: true }, 'sts', 'GetAccessKeyInfo'),
    'AccessDenied: Cannot call GetAccessKeyInfo with session credentials',
  );
  assert.equal(refusal(plain, 's3', 'ListBuckets'), 'ok');
});

test('federation tokens: no IAM even with a policy; STS GetCallerIdentity', () => {
  const fed: Principal = { ...user, type: 'FederatedUser', temporary: true };
  assert.equal(refusal(fed, 'iam', 'CreateUser').split(':')[0], 'InvalidClientTokenId');
  assert.equal(refusal(fed, 'sts', 'GetCallerIdentity'), 'ok');
  assert.equal(
    refusal(fed, 'sts', 'DecodeAuthorizationMessage'),
    'AccessDenied: Cannot call DecodeAuthorizationMessage with session credentials',
  );
  assert.equal(refusal(fed, 'ec2', 'DescribeInstances'), 'ok');
});
