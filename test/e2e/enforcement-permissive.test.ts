// --no-enforce-iam: requests are still authenticated (bad keys refused) but every authenticated
// caller may do anything; the default is to enforce.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ListUsersCommand } from '@aws-sdk/client-iam';
import { startTestServer } from '../support/server.ts';
import {
  ALLOWED,
  DENIED,
  clientsFor,
  code,
  createBucket,
  createUser,
  probe,
  unique,
} from './enforcement-support.ts';

const permissive = await startTestServer(['--no-enforce-iam']);
const enforcing = await startTestServer();
after(async () => {
  await permissive.stop();
  await enforcing.stop();
});

test('permissive mode: a user without policies may call every service', async () => {
  const root = clientsFor(permissive);
  const bucket = await createBucket(root.s3, unique('permissive'));
  const creds = await createUser(root.iam, unique('anyone'));
  assert.deepEqual(await probe(clientsFor(permissive, creds), bucket, creds.accessKeyId), ALLOWED);
  // Authentication still applies.
  const forged = clientsFor(permissive, { ...creds, secretAccessKey: 'x'.repeat(40) });
  assert.equal(await code(forged.iam.send(new ListUsersCommand({}))), 'SignatureDoesNotMatch');
});

test('the default enforces', async () => {
  const root = clientsFor(enforcing);
  const bucket = await createBucket(root.s3, unique('enforcing'));
  const creds = await createUser(root.iam, unique('anyone'));
  assert.deepEqual(await probe(clientsFor(enforcing, creds), bucket, creds.accessKeyId), DENIED);
});
