/**
 * Account-level IAM: GetAccountSummary (every key botocore's summaryKeyType names, counts from
 * the account's data) and the password policy (Get/Update/Delete, and the policy, or AWS's
 * default one, applied to login profile passwords).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserCommand,
  CreateGroupCommand,
  CreateVirtualMFADeviceCommand,
  AttachUserPolicyCommand,
  AttachGroupPolicyCommand,
  CreateLoginProfileCommand,
  UpdateLoginProfileCommand,
  GetAccountPasswordPolicyCommand,
  UpdateAccountPasswordPolicyCommand,
  DeleteAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
} from '@aws-sdk/client-iam';
import { useServer } from '../support/use-server.ts';
import { errorFields } from '../support/errors.ts';
import { python } from '../support/clients.ts';

const ACCT = '000000000000';

const { server, iam } = useServer();

const failure = (p: Promise<unknown>) => errorFields(p, 'name', 'message', 'status');

test('GetAccountSummary answers every summaryKeyType key', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'sum-a' }));
  await iam.send(new CreateGroupCommand({ GroupName: 'sum-g' }));
  await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'sum-phone' }));
  const ro = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
  await iam.send(new AttachUserPolicyCommand({ UserName: 'sum-a', PolicyArn: ro }));
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'sum-g', PolicyArn: ro }));
  const out = await python(
    `import os, json, gzip, botocore
path = os.path.join(os.path.dirname(botocore.__file__), "data/iam/2010-05-08/service-2.json.gz")
enum = json.load(gzip.open(path))["shapes"]["summaryKeyType"]["enum"]
m = boto3.client("iam").get_account_summary()["SummaryMap"]
out({"missing": sorted(set(enum) - set(m)), "extra": sorted(set(m) - set(enum)), "map": m})`,
    server.env(),
  );
  assert.deepEqual(out.missing, []);
  assert.deepEqual(out.extra, []);
  const m = (await iam.send(new GetAccountSummaryCommand({}))).SummaryMap!;
  assert.deepEqual(m, out.map);
  assert.ok(m.Users! >= 1 && m.Groups! >= 1);
  assert.equal(m.MFADevices, 1);
  assert.equal(m.MFADevicesInUse, 0);
  assert.equal(m.PolicyVersionsInUse, 2);
  assert.equal(m.AccountAccessKeysPresent, 1);
  assert.equal(m.AccountMFAEnabled, 0);
  assert.equal(m.ServerCertificatesQuota, 20);
  assert.equal(m.GlobalEndpointTokenVersion, 1);
});

test('the password policy: none, set (no partial updates), deleted', async () => {
  const none = {
    name: 'NoSuchEntityException',
    message: `The Password Policy with domain name ${ACCT} cannot be found.`,
    status: 404,
  };
  assert.deepEqual(await failure(iam.send(new GetAccountPasswordPolicyCommand({}))), none);
  // Delete words it its own way (LocalStack's AWS-recorded test_delete_account_password_policy_not_found).
  assert.deepEqual(await failure(iam.send(new DeleteAccountPasswordPolicyCommand({}))), {
    ...none,
    message: 'The account policy with name PasswordPolicy cannot be found.',
  });
  await iam.send(
    new UpdateAccountPasswordPolicyCommand({
      MinimumPasswordLength: 12,
      RequireNumbers: true,
      MaxPasswordAge: 90,
    }),
  );
  assert.deepEqual((await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy, {
    MinimumPasswordLength: 12,
    RequireSymbols: false,
    RequireNumbers: true,
    RequireUppercaseCharacters: false,
    RequireLowercaseCharacters: false,
    AllowUsersToChangePassword: false,
    ExpirePasswords: true,
    MaxPasswordAge: 90,
  });
  await iam.send(new UpdateAccountPasswordPolicyCommand({ RequireSymbols: true }));
  const p = (await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy!;
  assert.equal(p.MinimumPasswordLength, 6);
  assert.equal(p.RequireNumbers, false);
  assert.equal(p.ExpirePasswords, false);
  assert.equal(p.MaxPasswordAge, undefined);
  const range = await python(
    `out([call(boto3.client("iam", config=Config(parameter_validation=False, retries={"max_attempts": 1})).update_account_password_policy, MinimumPasswordLength=n)["error"] for n in (5, 129)])`,
    server.env(),
  );
  assert.deepEqual(range, ['ValidationError', 'ValidationError']);
  await iam.send(new DeleteAccountPasswordPolicyCommand({}));
  assert.deepEqual(await failure(iam.send(new GetAccountPasswordPolicyCommand({}))), none);
});

test('login profile passwords follow the default policy, or the custom one when set', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'pw' }));
  const create = (Password: string) => iam.send(new CreateLoginProfileCommand({ UserName: 'pw', Password }));
  assert.deepEqual(await failure(create('a')), {
    name: 'PasswordPolicyViolationException',
    message: 'Password should have a minimum length of 8',
    status: 400,
  });
  assert.deepEqual(await failure(create('lowercase123')), {
    name: 'PasswordPolicyViolationException',
    message:
      'Password should meet 1 more of the following requirements: Password should have at least one uppercase letter, Password should have at least one symbol',
    status: 400,
  });
  assert.match((await failure(create('onlylowercase'))).message, /^Password should meet 2 more of/);
  await create('Three-kinds-ok');
  const update = (Password: string) => iam.send(new UpdateLoginProfileCommand({ UserName: 'pw', Password }));
  assert.equal((await failure(update('short'))).name, 'PasswordPolicyViolationException');
  await update('lower-and-1');

  await iam.send(
    new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 14, RequireUppercaseCharacters: true }),
  );
  assert.deepEqual(await failure(update('Four-kinds-1!')), {
    name: 'PasswordPolicyViolationException',
    message: 'Password does not conform to the account password policy.',
    status: 400,
  });
  // A custom policy replaces the default: one kind of character is enough when asked for no more.
  await update('ABCDEFGHIJKLMNOP');
  await iam.send(new DeleteAccountPasswordPolicyCommand({}));
});
