/**
 * Service-specific credentials end to end: create (CodeCommit, Keyspaces), the password shown
 * only by Create and Reset, listing with a service filter, status updates, deletion, the quota
 * of 2 per user and service, unsupported services, unknown users and ids, a user managing its
 * own credentials under a policy, and DeleteUser's conflict.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserCommand,
  DeleteUserCommand,
  IAMClient,
  CreateServiceSpecificCredentialCommand,
  ListServiceSpecificCredentialsCommand,
  ResetServiceSpecificCredentialCommand,
  UpdateServiceSpecificCredentialCommand,
  DeleteServiceSpecificCredentialCommand,
  GetUserCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-iam';
import { useServer } from '../support/use-server.ts';
import { errorFields } from '../support/errors.ts';
import { sdkConfig } from '../support/server.ts';
import { createUserWithKeys } from '../support/iam.ts';

const { iam, client } = useServer();

const create = (UserName: string, ServiceName: string) =>
  iam.send(new CreateServiceSpecificCredentialCommand({ UserName, ServiceName }));
const list = (UserName?: string, ServiceName?: string) =>
  iam.send(new ListServiceSpecificCredentialsCommand({ UserName, ServiceName }));

test('create, list, update, reset and delete', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'git' }));
  const account = (await iam.send(new GetUserCommand({ UserName: 'git' }))).User!.Arn!.split(':')[4];
  const made = (await create('git', 'codecommit.amazonaws.com')).ServiceSpecificCredential!;
  assert.match(made.ServiceSpecificCredentialId!, /^ACCA[A-Z2-7]{17}$/);
  assert.equal(made.UserName, 'git');
  assert.equal(made.ServiceName, 'codecommit.amazonaws.com');
  assert.equal(made.ServiceUserName, `git-at-${account}`);
  assert.equal(made.Status, 'Active');
  assert.match(made.ServicePassword!, /^[A-Za-z0-9+/]{59}=$/);
  assert.ok(made.CreateDate instanceof Date);
  const keyspaces = (await create('git', 'cassandra.amazonaws.com')).ServiceSpecificCredential!;

  const all = (await list('git')).ServiceSpecificCredentials!;
  assert.deepEqual(
    all.map((c) => [c.ServiceSpecificCredentialId, c.ServiceName, c.Status, c.ServiceUserName]),
    [
      [made.ServiceSpecificCredentialId, 'codecommit.amazonaws.com', 'Active', `git-at-${account}`],
      [keyspaces.ServiceSpecificCredentialId, 'cassandra.amazonaws.com', 'Active', `git-at-${account}`],
    ],
  );
  assert.ok(all.every((c) => !('ServicePassword' in c)));
  const onlyKeyspaces = (await list('git', 'cassandra.amazonaws.com')).ServiceSpecificCredentials!;
  assert.deepEqual(
    onlyKeyspaces.map((c) => c.ServiceSpecificCredentialId),
    [keyspaces.ServiceSpecificCredentialId],
  );

  const id = made.ServiceSpecificCredentialId!;
  await iam.send(
    new UpdateServiceSpecificCredentialCommand({
      UserName: 'git',
      ServiceSpecificCredentialId: id,
      Status: 'Inactive',
    }),
  );
  assert.equal(
    (await list('git', 'codecommit.amazonaws.com')).ServiceSpecificCredentials![0]!.Status,
    'Inactive',
  );

  const reset = (
    await iam.send(
      new ResetServiceSpecificCredentialCommand({ UserName: 'git', ServiceSpecificCredentialId: id }),
    )
  ).ServiceSpecificCredential!;
  assert.equal(reset.ServiceSpecificCredentialId, id);
  assert.equal(reset.Status, 'Inactive');
  assert.equal(reset.ServiceUserName, `git-at-${account}`);
  assert.match(reset.ServicePassword!, /^[A-Za-z0-9+/]{59}=$/);
  assert.notEqual(reset.ServicePassword, made.ServicePassword);

  // DeleteUser refuses while the user has credentials.
  assert.deepEqual(
    await errorFields(iam.send(new DeleteUserCommand({ UserName: 'git' })), 'name', 'status', 'message'),
    {
      name: 'DeleteConflictException',
      status: 409,
      message: 'Cannot delete entity, must remove service specific credentials first.',
    },
  );
  for (const c of [id, keyspaces.ServiceSpecificCredentialId!])
    await iam.send(
      new DeleteServiceSpecificCredentialCommand({ UserName: 'git', ServiceSpecificCredentialId: c }),
    );
  assert.deepEqual((await list('git')).ServiceSpecificCredentials, []);
  await iam.send(new DeleteUserCommand({ UserName: 'git' }));
});

test('quota, unsupported services, unknown users and ids', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'quota' }));
  await create('quota', 'codecommit.amazonaws.com');
  await create('quota', 'codecommit.amazonaws.com');
  assert.deepEqual(
    await errorFields(create('quota', 'codecommit.amazonaws.com'), 'name', 'status', 'message'),
    {
      name: 'LimitExceededException',
      status: 409,
      message: 'Cannot exceed quota for ServiceSpecificCredentialsPerUser: 2',
    },
  );
  // The quota is per service.
  await create('quota', 'cassandra.amazonaws.com');

  assert.deepEqual(await errorFields(create('quota', 'lambda.amazonaws.com'), 'name', 'status', 'message'), {
    name: 'NoSuchEntityException',
    status: 404,
    message: 'No such service lambda.amazonaws.com is supported for Service Specific Credentials',
  });
  assert.equal(
    (await errorFields(list('quota', 'nonexistentservice.amazonaws.com'), 'message')).message,
    'No such service nonexistentservice.amazonaws.com is supported for Service Specific Credentials',
  );
  // An unknown user is reported before an unsupported service.
  assert.deepEqual(
    await errorFields(create('nobody', 'nonexistentservice.amazonaws.com'), 'name', 'message'),
    {
      name: 'NoSuchEntityException',
      message: 'The user with name nobody cannot be found.',
    },
  );

  const unknown = 'ACCAAAAAAAAAAAAAAAAAA';
  const expected = {
    name: 'NoSuchEntityException',
    status: 404,
    message: `No such credential ${unknown} exists`,
  };
  const args = { UserName: 'quota', ServiceSpecificCredentialId: unknown };
  assert.deepEqual(
    await errorFields(
      iam.send(new UpdateServiceSpecificCredentialCommand({ ...args, Status: 'Active' })),
      'name',
      'status',
      'message',
    ),
    expected,
  );
  assert.deepEqual(
    await errorFields(iam.send(new ResetServiceSpecificCredentialCommand(args)), 'name', 'status', 'message'),
    expected,
  );
  assert.deepEqual(
    await errorFields(
      iam.send(new DeleteServiceSpecificCredentialCommand(args)),
      'name',
      'status',
      'message',
    ),
    expected,
  );

  // Another user's credential id is not found under this user.
  await iam.send(new CreateUserCommand({ UserName: 'other' }));
  const mine = (await list('quota')).ServiceSpecificCredentials![0]!.ServiceSpecificCredentialId!;
  assert.equal(
    (
      await errorFields(
        iam.send(
          new DeleteServiceSpecificCredentialCommand({
            UserName: 'other',
            ServiceSpecificCredentialId: mine,
          }),
        ),
        'message',
      )
    ).message,
    `No such credential ${mine} exists`,
  );
});

test('a user manages its own credentials as its policy allows', async () => {
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'iam:CreateServiceSpecificCredential',
          'iam:ListServiceSpecificCredentials',
          'iam:ResetServiceSpecificCredential',
        ],
        Resource: 'arn:aws:iam::*:user/${aws:username}',
      },
    ],
  });
  const keys = await createUserWithKeys(iam, 'self', policy);
  await iam.send(new CreateUserCommand({ UserName: 'someone' }));
  const me = client((server) => new IAMClient(sdkConfig(server, keys)));

  const made = (
    await me.send(
      new CreateServiceSpecificCredentialCommand({
        UserName: 'self',
        ServiceName: 'codecommit.amazonaws.com',
      }),
    )
  ).ServiceSpecificCredential!;
  const id = made.ServiceSpecificCredentialId!;
  // Without UserName: the caller's own.
  assert.deepEqual(
    (await me.send(new ListServiceSpecificCredentialsCommand({}))).ServiceSpecificCredentials!.map(
      (c) => c.ServiceSpecificCredentialId,
    ),
    [id],
  );
  const reset = await me.send(new ResetServiceSpecificCredentialCommand({ ServiceSpecificCredentialId: id }));
  assert.equal(reset.ServiceSpecificCredential!.UserName, 'self');

  const denied = (p: Promise<unknown>) => errorFields(p, 'name', 'status');
  assert.deepEqual(
    await denied(
      me.send(
        new CreateServiceSpecificCredentialCommand({
          UserName: 'someone',
          ServiceName: 'codecommit.amazonaws.com',
        }),
      ),
    ),
    { name: 'AccessDenied', status: 403 },
  );
  assert.deepEqual(
    await denied(
      me.send(
        new UpdateServiceSpecificCredentialCommand({ ServiceSpecificCredentialId: id, Status: 'Inactive' }),
      ),
    ),
    { name: 'AccessDenied', status: 403 },
  );
  assert.deepEqual(
    await denied(me.send(new DeleteServiceSpecificCredentialCommand({ ServiceSpecificCredentialId: id }))),
    { name: 'AccessDenied', status: 403 },
  );
});

test('renaming the user keeps ServiceUserName; UserName follows the new name', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'before-rename' }));
  const made = await create('before-rename', 'codecommit.amazonaws.com');
  assert.equal(made.ServiceSpecificCredential!.ServiceUserName, 'before-rename-at-000000000000');
  await iam.send(new UpdateUserCommand({ UserName: 'before-rename', NewUserName: 'after-rename' }));
  const [c] = (await list('after-rename')).ServiceSpecificCredentials!;
  assert.deepEqual([c!.UserName, c!.ServiceUserName], ['after-rename', 'before-rename-at-000000000000']);
});
