/** CloudTrail events from request contexts: identities, parameters, secrets, categories. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { buildRecord, buildRecords } from '../../src/audit/build-event.ts';
import { ANONYMOUS } from '../../src/auth/principal.ts';
import { AwsError } from '../../src/errors.ts';
import type { ServiceName } from '../../src/protocol/model.ts';
import { BOB, ROOT, SESSION, ctxOf } from './fixtures.ts';

test('root IAM call: identity, global region, camelCase parameters, Java-style dates', () => {
  const ctx = ctxOf({
    service: 'iam',
    operation: 'CreateUser',
    principal: ROOT,
    region: 'eu-west-1',
    input: { UserName: 'alice', Path: '/' },
    output: {
      User: {
        UserName: 'alice',
        UserId: 'AIDA1',
        Arn: 'arn:aws:iam::111122223333:user/alice',
        Path: '/',
        CreateDate: new Date('2026-03-04T17:06:07Z'),
      },
    },
  });
  const r = buildRecord(ctx, ROOT)!;
  const e = r.event;
  assert.deepEqual(e.userIdentity, {
    type: 'Root',
    principalId: '111122223333',
    arn: 'arn:aws:iam::111122223333:root',
    accountId: '111122223333',
    accessKeyId: 'AKIAROOTKEY000000000',
  });
  assert.equal(e.eventTime, '2026-03-04T05:06:07Z');
  assert.equal(e.eventSource, 'iam.amazonaws.com');
  assert.equal(e.awsRegion, 'us-east-1');
  assert.deepEqual(e.requestParameters, { userName: 'alice', path: '/' });
  assert.deepEqual(e.responseElements, {
    user: {
      userName: 'alice',
      userId: 'AIDA1',
      arn: 'arn:aws:iam::111122223333:user/alice',
      path: '/',
      createDate: 'Mar 4, 2026, 5:06:07 PM',
    },
  });
  assert.equal(e.readOnly, false);
  assert.equal(e.managementEvent, true);
  assert.equal(e.eventCategory, 'Management');
  assert.equal(e.recipientAccountId, '111122223333');
  assert.equal(e.requestID, 'req-1');
  assert.equal(e.userAgent, 'Boto3/1.43 test');
  assert.equal(r.username, 'root');
  assert.deepEqual(r.resources, [{ type: 'AWS::IAM::User', name: 'alice' }]);
  assert.equal(r.denied, false);
});

test('secrets never reach the log', () => {
  const key = buildRecord(
    ctxOf({
      service: 'iam',
      operation: 'CreateAccessKey',
      principal: ROOT,
      input: { UserName: 'bob' },
      output: {
        AccessKey: {
          UserName: 'bob',
          AccessKeyId: 'AKIANEW',
          Status: 'Active',
          SecretAccessKey: 'SECRET/xyz',
          CreateDate: new Date(),
        },
      },
    }),
    ROOT,
  )!;
  assert.equal((key.event.responseElements as any).accessKey.accessKeyId, 'AKIANEW');
  assert.ok(!JSON.stringify(key.event).includes('SECRET/xyz'));

  const login = buildRecord(
    ctxOf({
      service: 'iam',
      operation: 'CreateLoginProfile',
      principal: ROOT,
      input: { UserName: 'bob', Password: 'hunter2!' },
      output: { LoginProfile: { UserName: 'bob', CreateDate: new Date() } },
    }),
    ROOT,
  )!;
  assert.equal((login.event.requestParameters as any).password, 'HIDDEN_DUE_TO_SECURITY_REASONS');
  assert.ok(!JSON.stringify(login.event).includes('hunter2'));

  const assume = buildRecord(
    ctxOf({
      service: 'sts',
      operation: 'AssumeRole',
      principal: BOB,
      input: { RoleArn: 'arn:aws:iam::111122223333:role/reader', RoleSessionName: 's' },
      output: {
        Credentials: {
          AccessKeyId: 'ASIANEW',
          SecretAccessKey: 'TOPSECRET',
          SessionToken: 'TOKEN123',
          Expiration: new Date('2026-03-04T06:06:07Z'),
        },
        AssumedRoleUser: { AssumedRoleId: 'AROA1:s', Arn: 'arn:aws:sts::111122223333:assumed-role/reader/s' },
      },
    }),
    BOB,
  )!;
  const creds = (assume.event.responseElements as any).credentials;
  assert.deepEqual(creds, { accessKeyId: 'ASIANEW', expiration: 'Mar 4, 2026, 6:06:07 AM' });
  assert.ok(!JSON.stringify(assume.event).includes('TOKEN123'));
  assert.ok(!JSON.stringify(assume.event).includes('TOPSECRET'));
  assert.equal(assume.event.readOnly, true);
  assert.deepEqual(assume.event.resources, [
    { accountId: '111122223333', type: 'AWS::IAM::Role', ARN: 'arn:aws:iam::111122223333:role/reader' },
  ]);
  assert.ok(assume.resources.some((x) => x.type === 'AWS::IAM::AccessKey' && x.name === 'ASIANEW'));

  const run = buildRecord(
    ctxOf({
      service: 'ec2',
      operation: 'RunInstances',
      principal: ROOT,
      region: 'eu-west-1',
      input: { ImageId: 'ami-1', MinCount: 1, MaxCount: 1, UserData: 'IyEvYmluL3No' },
    }),
    ROOT,
  )!;
  assert.equal((run.event.requestParameters as any).userData, '<sensitiveDataRemoved>');
  assert.equal(run.event.awsRegion, 'eu-west-1');
});

test('role sessions carry sessionContext with the issuing role', () => {
  const r = buildRecord(
    ctxOf({
      service: 'sts',
      operation: 'GetCallerIdentity',
      principal: SESSION,
      output: { Arn: SESSION.arn },
    }),
    SESSION,
  )!;
  assert.deepEqual(r.event.userIdentity, {
    type: 'AssumedRole',
    principalId: 'AROAREADER0000000000:sess-1',
    arn: 'arn:aws:sts::111122223333:assumed-role/reader/sess-1',
    accountId: '111122223333',
    accessKeyId: 'ASIASESSION000000000',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAREADER0000000000',
        arn: 'arn:aws:iam::111122223333:role/reader',
        accountId: '111122223333',
        userName: 'reader',
      },
      webIdFederationData: {},
      attributes: { creationDate: '2026-01-02T03:04:05Z', mfaAuthenticated: 'false' },
    },
  });
  assert.equal(r.username, 'sess-1');
  assert.equal(r.event.requestParameters, null);
  assert.equal(r.event.responseElements, null);
});

test('S3 object calls are data events with bucketName, key and Host; no body', () => {
  const body = Readable.from([Buffer.from('object body text')]);
  const r = buildRecord(
    ctxOf({
      service: 's3',
      operation: 'PutObject',
      principal: BOB,
      headers: {
        'content-length': '16',
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIABOBKEY0000000000/20260304/us-east-1/s3/aws4_request',
      },
      input: { Bucket: 'photos', Key: 'a/b.jpg', Body: body, ContentLength: 16 },
      output: { ETag: '"x"', ServerSideEncryption: 'AES256' },
    }),
    BOB,
  )!;
  const e = r.event;
  assert.deepEqual(e.requestParameters, { bucketName: 'photos', key: 'a/b.jpg', Host: '127.0.0.1:4566' });
  assert.deepEqual(e.responseElements, { 'x-amz-server-side-encryption': 'AES256' });
  assert.equal(e.managementEvent, false);
  assert.equal(e.eventCategory, 'Data');
  assert.equal(e.readOnly, false);
  assert.deepEqual(e.resources, [
    { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::photos/a/b.jpg' },
    { accountId: '111122223333', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::photos' },
  ]);
  assert.equal((e.additionalEventData as any).bytesTransferredIn, 16);
  assert.equal((e.additionalEventData as any).AuthenticationMethod, 'AuthHeader');

  const listCtx = ctxOf({
    service: 's3',
    operation: 'ListObjectsV2',
    principal: BOB,
    input: { Bucket: 'photos', Prefix: 'a/', MaxKeys: 10 },
  });
  for (const [k, v] of [
    ['list-type', '2'],
    ['prefix', 'a/'],
    ['max-keys', '10'],
    ['X-Amz-Signature', 'abc'],
    ['X-Amz-Credential', 'AKIA/x'],
  ])
    listCtx.query.append(k!, v!);
  const list = buildRecord(listCtx, BOB)!;
  assert.deepEqual(list.event.requestParameters, {
    bucketName: 'photos',
    'list-type': '2',
    prefix: 'a/',
    'max-keys': '10',
    Host: '127.0.0.1:4566',
  });
  const aclCtx = ctxOf({
    service: 's3',
    operation: 'GetBucketAcl',
    principal: BOB,
    input: { Bucket: 'photos' },
  });
  aclCtx.query.append('acl', '');
  assert.deepEqual(buildRecord(aclCtx, BOB)!.event.requestParameters, {
    bucketName: 'photos',
    acl: '',
    Host: '127.0.0.1:4566',
  });
  assert.equal(list.event.readOnly, true);
  assert.deepEqual(list.event.resources, [
    { type: 'AWS::S3::Object', ARNPrefix: 'arn:aws:s3:::photos/a/' },
    { accountId: '111122223333', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::photos' },
  ]);

  const create = buildRecord(
    ctxOf({
      service: 's3',
      operation: 'CreateBucket',
      principal: ROOT,
      input: { Bucket: 'b1', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } },
    }),
    ROOT,
  )!;
  assert.equal(create.event.managementEvent, true);
  assert.deepEqual(create.event.requestParameters, {
    bucketName: 'b1',
    CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    Host: '127.0.0.1:4566',
  });
});

test('anonymous S3 callers are the AWSAccount ANONYMOUS_PRINCIPAL', () => {
  const r = buildRecord(
    ctxOf({
      service: 's3',
      operation: 'GetObject',
      principal: ANONYMOUS,
      input: { Bucket: 'pub', Key: 'k' },
    }),
    ANONYMOUS,
  )!;
  assert.deepEqual(r.event.userIdentity, {
    type: 'AWSAccount',
    principalId: '',
    accountId: 'ANONYMOUS_PRINCIPAL',
  });
  assert.equal(r.accountId, '');
  assert.equal(r.username, undefined);
});

test('failures: errorCode and errorMessage, no response, denials flagged', () => {
  const denied = ctxOf({
    service: 'iam',
    operation: 'ListUsers',
    principal: BOB,
    error: new AwsError(
      'AccessDenied',
      'User: arn:aws:iam::111122223333:user/bob is not authorized to perform: iam:ListUsers',
      403,
    ),
  });
  denied.authorization = { allowed: false, action: 'iam:ListUsers', resource: '*' };
  const r = buildRecord(denied, BOB)!;
  assert.equal(r.event.errorCode, 'AccessDenied');
  assert.match(r.event.errorMessage!, /not authorized/);
  assert.equal(r.event.responseElements, null);
  assert.equal(r.denied, true);

  const internal = buildRecord(
    ctxOf({ service: 'iam', operation: 'ListUsers', principal: ROOT, status: 500 }),
    ROOT,
  )!;
  assert.equal(internal.event.errorCode, 'InternalFailure');
  assert.equal(internal.denied, false);
});

test("errorCode as CloudTrail writes it: EC2's by fault, IAM's and STS's by error shape, S3's as sent", () => {
  const failed = (service: ServiceName, operation: string, code: string, status: number) =>
    buildRecord(
      ctxOf({ service, operation, principal: ROOT, error: new AwsError(code, 'm', status) }),
      ROOT,
    )!;
  const ec2 = failed('ec2', 'DescribeInstances', 'InvalidInstanceID.NotFound', 400);
  assert.equal(ec2.event.errorCode, 'Client.InvalidInstanceID.NotFound');
  const ec2Denied = failed('ec2', 'DescribeVpcs', 'UnauthorizedOperation', 403);
  assert.equal(ec2Denied.event.errorCode, 'Client.UnauthorizedOperation');
  assert.equal(ec2Denied.denied, true, 'denials are still recognised by the wire code');
  assert.equal(failed('ec2', 'RunInstances', 'InternalError', 500).event.errorCode, 'Server.InternalError');
  assert.equal(failed('iam', 'GetUser', 'NoSuchEntity', 404).event.errorCode, 'NoSuchEntityException');
  assert.equal(
    failed('iam', 'CreateUser', 'EntityAlreadyExists', 409).event.errorCode,
    'EntityAlreadyExistsException',
  );
  assert.equal(failed('iam', 'ListUsers', 'AccessDenied', 403).event.errorCode, 'AccessDenied');
  assert.equal(
    failed('sts', 'AssumeRoleWithWebIdentity', 'InvalidIdentityToken', 400).event.errorCode,
    'InvalidIdentityTokenException',
  );
  assert.equal(failed('sts', 'AssumeRole', 'AccessDenied', 403).event.errorCode, 'AccessDenied');
  assert.equal(failed('s3', 'GetObject', 'NoSuchKey', 404).event.errorCode, 'NoSuchKey');
});

test('a request that failed authentication keeps the access key it carried', () => {
  const ctx = ctxOf({
    service: 'sts',
    operation: 'GetCallerIdentity',
    headers: {
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAUNKNOWN000000000/20260304/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0',
    },
    error: new AwsError(
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
      403,
    ),
  });
  const r = buildRecord(ctx, undefined)!;
  assert.deepEqual(r.event.userIdentity, {
    type: 'Unknown',
    principalId: '',
    accountId: '',
    accessKeyId: 'AKIAUNKNOWN000000000',
  });
  assert.equal(r.accessKeyId, 'AKIAUNKNOWN000000000');
  assert.equal(r.event.errorCode, 'InvalidClientTokenId');
  // With the key's owner known (a wrong signature), the event is the owner's.
  const owned = buildRecord(ctx, { ...BOB, accessKeyId: 'AKIAUNKNOWN000000000' })!;
  assert.equal(owned.accountId, '111122223333');
  assert.equal(owned.event.userIdentity.userName, 'bob');
});

test('nothing to record without a service', () => {
  const ctx = ctxOf({ service: 'iam', operation: 'ListUsers' });
  delete ctx.service;
  assert.equal(buildRecord(ctx, undefined), undefined);
});

test('EC2 responses keep their XML element names and item lists', () => {
  const r = buildRecord(
    ctxOf({
      service: 'ec2',
      operation: 'RunInstances',
      principal: ROOT,
      input: { ImageId: 'ami-1', MinCount: 1, MaxCount: 1 },
      output: {
        ReservationId: 'r-1',
        OwnerId: '111122223333',
        Groups: [],
        Instances: [
          {
            InstanceId: 'i-1',
            ImageId: 'ami-1',
            State: { Code: 0, Name: 'pending' },
            LaunchTime: new Date(1_700_000_000_000),
          },
        ],
      },
    }),
    ROOT,
  )!;
  assert.deepEqual(r.event.responseElements, {
    requestId: 'req-1',
    reservationId: 'r-1',
    ownerId: '111122223333',
    groupSet: {},
    instancesSet: {
      items: [
        {
          instanceId: 'i-1',
          imageId: 'ami-1',
          instanceState: { code: 0, name: 'pending' },
          launchTime: 1_700_000_000_000,
        },
      ],
    },
  });
  assert.deepEqual(
    r.resources.filter((x) => x.type === 'AWS::EC2::Instance'),
    [{ type: 'AWS::EC2::Instance', name: 'i-1' }],
  );
});

test('federation calls name the federated user and belong to the role account', () => {
  const saml = buildRecord(
    ctxOf({
      service: 'sts',
      operation: 'AssumeRoleWithSAML',
      principal: ANONYMOUS,
      input: {
        RoleArn: 'arn:aws:iam::111122223333:role/sso',
        PrincipalArn: 'arn:aws:iam::111122223333:saml-provider/idp',
        SAMLAssertion: 'PHNhbWw+',
      },
      output: {
        Credentials: {
          AccessKeyId: 'ASIAFED',
          SecretAccessKey: 's',
          SessionToken: 't',
          Expiration: new Date(0),
        },
        Subject: 'alice@example.com',
        NameQualifier: 'Q2ZB8Qz0rXl5Q=',
        Issuer: 'https://idp.example.com',
      },
    }),
    ANONYMOUS,
  )!;
  assert.deepEqual(saml.event.userIdentity, {
    type: 'SAMLUser',
    principalId: 'Q2ZB8Qz0rXl5Q=:alice@example.com',
    userName: 'alice@example.com',
    identityProvider: 'Q2ZB8Qz0rXl5Q=',
  });
  assert.equal(saml.accountId, '111122223333');
  assert.equal(saml.event.recipientAccountId, '111122223333');
  assert.equal(saml.username, 'alice@example.com');
  assert.equal(
    (saml.event.requestParameters as any).sAMLAssertion,
    undefined,
    'the assertion is a credential',
  );
});

test('assuming a role of another account is recorded in both accounts with a shared id', () => {
  const ctx = ctxOf({
    service: 'sts',
    operation: 'AssumeRole',
    principal: BOB,
    input: { RoleArn: 'arn:aws:iam::999988887777:role/partner', RoleSessionName: 's' },
    output: {
      Credentials: { AccessKeyId: 'ASIAX', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(0) },
    },
  });
  const [mine, theirs] = buildRecords(ctx, BOB);
  assert.equal(mine!.accountId, '111122223333');
  assert.equal(theirs!.accountId, '999988887777');
  assert.equal(theirs!.event.recipientAccountId, '999988887777');
  assert.ok(mine!.event.sharedEventID);
  assert.equal(mine!.event.sharedEventID, theirs!.event.sharedEventID);
  assert.notEqual(mine!.event.eventID, theirs!.event.eventID);
  assert.deepEqual(Object.keys(theirs!.event).slice(-3), [
    'recipientAccountId',
    'sharedEventID',
    'eventCategory',
  ]);
  assert.equal(
    buildRecords(
      ctxOf({
        service: 'sts',
        operation: 'AssumeRole',
        principal: BOB,
        input: { RoleArn: 'arn:aws:iam::111122223333:role/r', RoleSessionName: 's' },
      }),
      BOB,
    ).length,
    1,
  );
});

test('federated users name the issuing user or root', () => {
  const fed = {
    type: 'FederatedUser' as const,
    accountId: '111122223333',
    arn: 'arn:aws:sts::111122223333:federated-user/Bob',
    userId: '111122223333:Bob',
    federatedName: 'arn:aws:iam::111122223333:user/bob',
    accessKeyId: 'ASIAFED',
    temporary: true,
    tokenIssueTime: new Date('2026-01-01T00:00:00Z'),
  };
  const r = buildRecord(ctxOf({ service: 'sts', operation: 'GetCallerIdentity', principal: fed }), fed)!;
  assert.deepEqual(r.event.userIdentity.sessionContext!.sessionIssuer, {
    type: 'IAMUser',
    arn: 'arn:aws:iam::111122223333:user/bob',
    accountId: '111122223333',
    userName: 'bob',
  });
  assert.equal(r.event.userIdentity.principalId, '111122223333:Bob');
  assert.equal(r.username, 'Bob');
  const byRoot = { ...fed, federatedName: 'arn:aws:iam::111122223333:root' };
  const root = buildRecord(
    ctxOf({ service: 'sts', operation: 'GetCallerIdentity', principal: byRoot }),
    byRoot,
  )!;
  assert.equal(root.event.userIdentity.sessionContext!.sessionIssuer.type, 'Root');
});

/** Every field of an event, in the order CloudTrail writes them. */
const CLOUDTRAIL_ORDER = [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'requestID',
  'eventID',
  'readOnly',
  'resources',
  'eventType',
  'managementEvent',
  'recipientAccountId',
  'eventCategory',
];

test('fields come in the order CloudTrail writes them, optional ones in their places', () => {
  const failed = buildRecord(
    ctxOf({
      service: 's3',
      operation: 'GetObject',
      principal: ROOT,
      input: { Bucket: 'b', Key: 'k' },
      error: new AwsError('NoSuchKey', 'The specified key does not exist.', 404),
      status: 404,
    }),
    ROOT,
    ROOT.accountId,
  )!;
  assert.deepEqual(Object.keys(failed.event), CLOUDTRAIL_ORDER);
  const iam = buildRecord(ctxOf({ service: 'iam', operation: 'ListUsers', principal: ROOT }), ROOT)!;
  // A successful IAM call has no error, no S3 additional data and no resources.
  const absent = ['errorCode', 'errorMessage', 'additionalEventData', 'resources'];
  assert.deepEqual(
    Object.keys(iam.event),
    CLOUDTRAIL_ORDER.filter((k) => !absent.includes(k)),
  );
});
