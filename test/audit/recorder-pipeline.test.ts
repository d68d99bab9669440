/** Recording in the running server: a throwing recorder changes nothing; every outcome is recorded. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { IAMClient, CreateUserCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { auditLogFor } from '../../src/audit/index.ts';
import { startTestServer, sdkConfig, type TestServer } from '../support/server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => server.stop());

test('a recorder that throws affects neither the response nor the audit trail', async () => {
  server.app.recorders.unshift(() => {
    throw new Error('broken recorder');
  });
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => void errors.push(a);
  try {
    const iam = new IAMClient(sdkConfig(server));
    const out = await iam.send(new CreateUserCommand({ UserName: 'erin' }));
    assert.equal(out.User?.UserName, 'erin');
  } finally {
    console.error = original;
    server.app.recorders.shift();
  }
  assert.ok(errors.length >= 1, 'the failure is reported');
  const page = await auditLogFor(server.backend).query({
    accountId: '000000000000',
    eventName: 'CreateUser',
    limit: 5,
  });
  assert.equal(page.records.length, 1);
});

test('allowed, failed and unauthenticated calls are all recorded', async () => {
  const iam = new IAMClient(sdkConfig(server));
  await assert.rejects(iam.send(new GetUserCommand({ UserName: 'nobody' })), {
    name: 'NoSuchEntityException',
  });
  const wrong = new STSClient(sdkConfig(server, { accessKeyId: 'test', secretAccessKey: 'wrong' }));
  await assert.rejects(wrong.send(new GetCallerIdentityCommand({})), { name: 'SignatureDoesNotMatch' });
  const log = auditLogFor(server.backend);
  const [missing] = (await log.query({ accountId: '000000000000', eventName: 'GetUser', limit: 1 })).records;
  // CloudTrail names IAM's errors by their shape (the wire code is NoSuchEntity).
  assert.equal(missing?.event.errorCode, 'NoSuchEntityException');
  const [bad] = (
    await log.query({ accountId: '000000000000', eventName: 'GetCallerIdentity', errors: true, limit: 1 })
  ).records;
  assert.equal(bad?.event.errorCode, 'SignatureDoesNotMatch');
  // The key exists, so the event is its owner's (the root of 000000000000).
  assert.equal(bad?.event.userIdentity.type, 'Root');
  assert.equal(bad?.accessKeyId, 'test');
});

test("an anonymous S3 request is recorded in the bucket owner's account", async () => {
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  await new S3Client(sdkConfig(server)).send(new CreateBucketCommand({ Bucket: 'anon-target' }));
  const res = await fetch(`${server.endpoint}/anon-target/some-key`);
  assert.equal(res.status, 403);
  const log = auditLogFor(server.backend);
  const [e] = (await log.query({ accountId: '000000000000', eventName: 'GetObject', limit: 1 })).records;
  assert.ok(e, 'recorded for the owner');
  assert.deepEqual(e.event.userIdentity, {
    type: 'AWSAccount',
    principalId: '',
    accountId: 'ANONYMOUS_PRINCIPAL',
  });
  assert.equal(e.event.recipientAccountId, '000000000000');
  assert.equal(e.event.errorCode, 'AccessDenied');
  assert.equal(e.event.eventCategory, 'Data');
});

test("a call on another account's bucket is recorded in both accounts with a shared id", async () => {
  const { S3Client, CreateBucketCommand, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const { createAccount } = await import('../../src/accounts/accounts.ts');
  await new S3Client(sdkConfig(server)).send(new CreateBucketCommand({ Bucket: 'owned-by-default' }));
  const other = await createAccount(server.accounts, 'other-account');
  const creds = {
    accessKeyId: other.rootCredential.accessKeyId,
    secretAccessKey: other.rootCredential.secretAccessKey,
  };
  await assert.rejects(
    new S3Client(sdkConfig(server, creds)).send(
      new PutObjectCommand({ Bucket: 'owned-by-default', Key: 'x', Body: 'hi' }),
    ),
    { name: 'AccessDenied' },
  );
  const log = auditLogFor(server.backend);
  const [mine] = (await log.query({ accountId: other.account.id, eventName: 'PutObject', limit: 1 })).records;
  const [owners] = (await log.query({ accountId: '000000000000', eventName: 'PutObject', limit: 1 })).records;
  assert.ok(mine && owners);
  assert.equal(mine.event.recipientAccountId, other.account.id);
  assert.equal(owners.event.recipientAccountId, '000000000000');
  assert.equal(owners.event.userIdentity.accountId, other.account.id);
  assert.ok(mine.event.sharedEventID);
  assert.equal(mine.event.sharedEventID, owners.event.sharedEventID);
  const bucket = owners.event.resources!.find((r) => r.type === 'AWS::S3::Bucket');
  assert.equal(bucket!.accountId, '000000000000');
});
