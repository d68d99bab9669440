/**
 * ChangePassword through SDK v3 with the user's own keys: IAM users only (root gets
 * InvalidUserType), the old password checked, the password policy (and its reuse prevention)
 * applied, iam:ChangePassword needed unless AllowUsersToChangePassword, explicit denies win.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient,
  CreateUserCommand,
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  GetLoginProfileCommand,
  ChangePasswordCommand,
  UpdateAccountPasswordPolicyCommand,
  DeleteAccountPasswordPolicyCommand,
  PutUserPolicyCommand,
  DeleteUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { useServer } from '../support/use-server.ts';
import { sdkConfig } from '../support/server.ts';
import { errorFields } from '../support/errors.ts';

const { server, iam } = useServer();

async function userClient(name: string, password?: string): Promise<IAMClient> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  if (password)
    await iam.send(
      new CreateLoginProfileCommand({ UserName: name, Password: password, PasswordResetRequired: true }),
    );
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return new IAMClient(
    sdkConfig(server, { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! }),
  );
}

const change = (c: IAMClient, OldPassword: string, NewPassword: string) =>
  c.send(new ChangePasswordCommand({ OldPassword, NewPassword }));

test('root cannot change its password with ChangePassword', async () => {
  const e = await errorFields(change(iam, 'Whatever#123', 'Another#1234'), 'name', 'status');
  assert.deepEqual(e, { name: 'InvalidUserTypeException', status: 400 });
});

test('a user changes their own password: old one checked, policy applied, reuse refused', async () => {
  const alice = await userClient('alice', 'Initial#Pass1');
  // No policy grants iam:ChangePassword and the account lets no one change their own password.
  assert.deepEqual(await errorFields(change(alice, 'Initial#Pass1', 'Second#Pass22'), 'name', 'status'), {
    name: 'AccessDenied',
    status: 403,
  });
  await iam.send(
    new UpdateAccountPasswordPolicyCommand({
      AllowUsersToChangePassword: true,
      MinimumPasswordLength: 12,
      PasswordReusePrevention: 2,
    }),
  );
  assert.deepEqual(await errorFields(change(alice, 'Wrong#Pass11', 'Second#Pass22'), 'name', 'status'), {
    name: 'AccessDenied',
    status: 403,
  });
  assert.deepEqual(
    await errorFields(change(alice, 'Initial#Pass1', 'Short#1'), 'name', 'status', 'message'),
    {
      name: 'PasswordPolicyViolationException',
      status: 400,
      message: 'Password does not conform to the account password policy.',
    },
  );
  await change(alice, 'Initial#Pass1', 'Second#Pass22');
  const { LoginProfile } = await iam.send(new GetLoginProfileCommand({ UserName: 'alice' }));
  assert.equal(LoginProfile!.PasswordResetRequired, false);
  // The old password no longer works; the one before the current is still remembered.
  assert.equal(
    (await errorFields(change(alice, 'Initial#Pass1', 'Third#Pass333'), 'name')).name,
    'AccessDenied',
  );
  assert.equal(
    (await errorFields(change(alice, 'Second#Pass22', 'Initial#Pass1'), 'name')).name,
    'PasswordPolicyViolationException',
  );
  await change(alice, 'Second#Pass22', 'Third#Pass333');

  // An explicit deny still wins over "allow users to change their own password".
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'alice',
      PolicyName: 'no-change',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: 'iam:ChangePassword', Resource: '*' }],
      }),
    }),
  );
  assert.equal(
    (await errorFields(change(alice, 'Third#Pass333', 'Fourth#Pass44'), 'name')).name,
    'AccessDenied',
  );
  await iam.send(new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'no-change' }));
  await iam.send(new DeleteAccountPasswordPolicyCommand({}));
});

test('iam:ChangePassword on the own user ARN is enough; without a login profile NoSuchEntity', async () => {
  const allow = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iam:ChangePassword', Resource: 'arn:aws:iam::*:user/${aws:username}' },
    ],
  });
  const bob = await userClient('bob', 'Initial#Pass1');
  await iam.send(new PutUserPolicyCommand({ UserName: 'bob', PolicyName: 'own', PolicyDocument: allow }));
  // The default policy: at least three of upper case, lower case, numbers and symbols.
  assert.deepEqual(await errorFields(change(bob, 'Initial#Pass1', 'alllowercase'), 'name', 'message'), {
    name: 'PasswordPolicyViolationException',
    message:
      'Password should meet 2 more of the following requirements: Password should have at least one uppercase letter, Password should have at least one number, Password should have at least one symbol',
  });
  await change(bob, 'Initial#Pass1', 'Second#Pass22');

  const carol = await userClient('carol');
  await iam.send(new PutUserPolicyCommand({ UserName: 'carol', PolicyName: 'own', PolicyDocument: allow }));
  assert.deepEqual(
    await errorFields(change(carol, 'Initial#Pass1', 'Second#Pass22'), 'name', 'status', 'message'),
    {
      name: 'NoSuchEntityException',
      status: 404,
      message: 'Login Profile for User carol cannot be found.',
    },
  );
});
