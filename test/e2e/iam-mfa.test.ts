/**
 * Virtual MFA end to end: a device is created (seed shown once), enabled with two consecutive
 * codes, then GetSessionToken and AssumeRole with a fresh code give MFA sessions that policies
 * conditioned on aws:MultiFactorAuthPresent allow; codes work once; devices block user deletion.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient,
  CreateUserCommand,
  DeleteUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  DeactivateMFADeviceCommand,
  DeleteVirtualMFADeviceCommand,
  ListMFADevicesCommand,
  ListVirtualMFADevicesCommand,
  TagMFADeviceCommand,
  ListMFADeviceTagsCommand,
  CreateRoleCommand,
} from '@aws-sdk/client-iam';
import { STSClient, GetSessionTokenCommand, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { S3Client, ListBucketsCommand } from '@aws-sdk/client-s3';
import { totp } from '../../src/services/iam/totp.ts';
import { useServer } from '../support/use-server.ts';
import { errorName, errorFields } from '../support/errors.ts';
import { createUserWithKeys } from '../support/iam.ts';
import { sdkConfig } from '../support/server.ts';

const ACCT = '000000000000';
const { server, iam } = useServer();

const step = () => Math.floor(Date.now() / 30000);
const mfaOnly = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:ListAllMyBuckets', 'sts:AssumeRole'],
      Resource: '*',
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    },
  ],
});

async function userWithDevice(name: string) {
  const key = await createUserWithKeys(iam, name, mfaOnly, 'mfa-only');
  const { VirtualMFADevice } = await iam.send(
    new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `${name}-phone` }),
  );
  const serial = VirtualMFADevice!.SerialNumber!;
  const seed = Buffer.from(VirtualMFADevice!.Base32StringSeed!).toString('ascii');
  assert.equal(serial, `arn:aws:iam::${ACCT}:mfa/${name}-phone`);
  assert.match(seed, /^[A-Z2-7]{64}$/);
  const wrong = await errorName(
    iam.send(
      new EnableMFADeviceCommand({
        UserName: name,
        SerialNumber: serial,
        AuthenticationCode1: '000000',
        AuthenticationCode2: '000001',
      }),
    ),
  );
  assert.equal(wrong, 'InvalidAuthenticationCodeException');
  const now = step();
  await iam.send(
    new EnableMFADeviceCommand({
      UserName: name,
      SerialNumber: serial,
      AuthenticationCode1: totp(seed, now - 1),
      AuthenticationCode2: totp(seed, now),
    }),
  );
  return { key, serial, seed };
}

test('GetSessionToken with a fresh code gives an MFA session; codes work once', async () => {
  const { key, serial, seed } = await userWithDevice('mfa-user');
  const listed = await iam.send(new ListMFADevicesCommand({ UserName: 'mfa-user' }));
  assert.deepEqual(
    listed.MFADevices!.map((d) => d.SerialNumber),
    [serial],
  );
  const sts = new STSClient(sdkConfig(server, key));
  assert.equal(
    await errorName(new S3Client(sdkConfig(server, key)).send(new ListBucketsCommand({}))),
    'AccessDenied',
  );
  const code = totp(seed, step() + 1);
  const r = await sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: code }));
  const session = {
    accessKeyId: r.Credentials!.AccessKeyId!,
    secretAccessKey: r.Credentials!.SecretAccessKey!,
    sessionToken: r.Credentials!.SessionToken!,
  };
  await new S3Client(sdkConfig(server, session)).send(new ListBucketsCommand({}));
  // With MFA the session may call IAM (its policies decide: AccessDenied, not InvalidClientTokenId).
  assert.equal(
    await errorName(new IAMClient(sdkConfig(server, session)).send(new ListMFADevicesCommand({}))),
    'AccessDenied',
  );
  assert.equal(
    await errorName(sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: code }))),
    'AccessDenied',
  );
  assert.equal(
    await errorName(sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: '123456' }))),
    'AccessDenied',
  );
  const plain = await sts.send(new GetSessionTokenCommand({}));
  const noMfa = {
    accessKeyId: plain.Credentials!.AccessKeyId!,
    secretAccessKey: plain.Credentials!.SecretAccessKey!,
    sessionToken: plain.Credentials!.SessionToken!,
  };
  assert.equal(
    await errorName(new S3Client(sdkConfig(server, noMfa)).send(new ListBucketsCommand({}))),
    'AccessDenied',
  );
  assert.equal(
    await errorName(new IAMClient(sdkConfig(server, noMfa)).send(new ListMFADevicesCommand({}))),
    'InvalidClientTokenId',
  );
});

test('a trust policy may require MFA', async () => {
  const { key, serial, seed } = await userWithDevice('mfa-op');
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: ACCT },
        Action: 'sts:AssumeRole',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      },
    ],
  };
  await iam.send(
    new CreateRoleCommand({ RoleName: 'breakglass', AssumeRolePolicyDocument: JSON.stringify(trust) }),
  );
  const sts = new STSClient(sdkConfig(server, key));
  const arn = `arn:aws:iam::${ACCT}:role/breakglass`;
  assert.equal(
    await errorName(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'no-mfa' }))),
    'AccessDenied',
  );
  const r = await sts.send(
    new AssumeRoleCommand({
      RoleArn: arn,
      RoleSessionName: 'with-mfa',
      SerialNumber: serial,
      TokenCode: totp(seed, step() + 1),
    }),
  );
  assert.equal(r.AssumedRoleUser!.Arn, `arn:aws:sts::${ACCT}:assumed-role/breakglass/with-mfa`);
});

test('devices: listing, deactivation, deletion; a user with one cannot be deleted', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'mfa-gone' }));
  const { VirtualMFADevice } = await iam.send(
    new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'gone-phone', Path: '/team/' }),
  );
  const serial = VirtualMFADevice!.SerialNumber!;
  const seed = Buffer.from(VirtualMFADevice!.Base32StringSeed!).toString('ascii');
  await iam.send(new TagMFADeviceCommand({ SerialNumber: serial, Tags: [{ Key: 'owner', Value: 'ops' }] }));
  assert.deepEqual((await iam.send(new ListMFADeviceTagsCommand({ SerialNumber: serial }))).Tags, [
    { Key: 'owner', Value: 'ops' },
  ]);
  const unassigned = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned' }));
  assert.ok(unassigned.VirtualMFADevices!.some((d) => d.SerialNumber === serial));
  const now = step();
  await iam.send(
    new EnableMFADeviceCommand({
      UserName: 'mfa-gone',
      SerialNumber: serial,
      AuthenticationCode1: totp(seed, now - 1),
      AuthenticationCode2: totp(seed, now),
    }),
  );
  const assigned = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned' }));
  assert.equal(
    assigned.VirtualMFADevices!.find((d) => d.SerialNumber === serial)!.User!.UserName,
    'mfa-gone',
  );
  assert.equal(
    await errorName(iam.send(new DeleteUserCommand({ UserName: 'mfa-gone' }))),
    'DeleteConflictException',
  );
  assert.equal(
    await errorName(iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial }))),
    'DeleteConflictException',
  );
  await iam.send(new DeactivateMFADeviceCommand({ UserName: 'mfa-gone', SerialNumber: serial }));
  await iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial }));
  await iam.send(new DeleteUserCommand({ UserName: 'mfa-gone' }));
});

test("AWS's words for a duplicate device, a missing device, and a missing user on deactivation", async () => {
  const failure = (p: Promise<unknown>) => errorFields(p, 'name', 'status', 'message');
  await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'twice' }));
  assert.deepEqual(
    await failure(iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'twice' }))),
    {
      name: 'EntityAlreadyExistsException',
      status: 409,
      message: 'MFA device already exists.',
    },
  );
  const missing = `arn:aws:iam::${ACCT}:mfa/nonexistent-device`;
  const gone = {
    name: 'NoSuchEntityException',
    status: 404,
    message: `MFA Device with serial number ${missing} does not exist.`,
  };
  assert.deepEqual(
    await failure(iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: missing }))),
    gone,
  );
  await iam.send(new CreateUserCommand({ UserName: 'mfa-words' }));
  assert.deepEqual(
    await failure(iam.send(new DeactivateMFADeviceCommand({ UserName: 'mfa-words', SerialNumber: missing }))),
    gone,
  );
  assert.deepEqual(
    await failure(
      iam.send(new DeactivateMFADeviceCommand({ UserName: 'nonexistent-user', SerialNumber: missing })),
    ),
    {
      name: 'NoSuchEntityException',
      status: 404,
      message: 'The user with name nonexistent-user cannot be found.',
    },
  );
});
