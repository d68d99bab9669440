/**
 * The foundation end to end, through real clients: identity, signature and credential errors,
 * clock skew and NotImplemented in every protocol family.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { S3Client, ListBucketsCommand, GetBucketMetadataTableConfigurationCommand } from '@aws-sdk/client-s3';
import { IAMClient, GetServiceLastAccessedDetailsCommand } from '@aws-sdk/client-iam';
import { EC2Client, DescribeCapacityReservationFleetsCommand } from '@aws-sdk/client-ec2';
import { CloudTrailClient, ListChannelsCommand } from '@aws-sdk/client-cloudtrail';
import { useServer } from '../support/use-server.ts';
import { sdkConfig } from '../support/server.ts';
import { python, awsCli, AWS_CLI_V1, AWS_CLI_V2, hasAwsCliV2 } from '../support/clients.ts';
import { errorFields } from '../support/errors.ts';

const { server } = useServer();

const errorOf = (p: Promise<unknown>) => errorFields(p, 'name', 'status');

test('GetCallerIdentity through @aws-sdk/client-sts returns the root of 000000000000', async () => {
  const sts = new STSClient(sdkConfig(server));
  const me = await sts.send(new GetCallerIdentityCommand({}));
  assert.equal(me.Arn, 'arn:aws:iam::000000000000:root');
  assert.equal(me.Account, '000000000000');
  assert.equal(me.UserId, '000000000000');
});

test('GetCallerIdentity through boto3 and the AWS CLI', async () => {
  const boto = await python(`out(boto3.client("sts").get_caller_identity()["Arn"])`, server.env());
  assert.equal(boto, 'arn:aws:iam::000000000000:root');
  const cli = await awsCli(
    AWS_CLI_V1,
    server.endpoint,
    ['sts', 'get-caller-identity', '--output', 'json'],
    server.env(),
  );
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(JSON.parse(cli.stdout).Arn, 'arn:aws:iam::000000000000:root');
});

test(
  'GetCallerIdentity through AWS CLI v2',
  { skip: !hasAwsCliV2() && 'Debian awscli (v2) not installed' },
  async () => {
    const cli = await awsCli(
      AWS_CLI_V2,
      server.endpoint,
      ['sts', 'get-caller-identity', '--output', 'json'],
      server.env(),
    );
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(JSON.parse(cli.stdout).Arn, 'arn:aws:iam::000000000000:root');
  },
);

test('a wrong secret is SignatureDoesNotMatch and an unknown key InvalidClientTokenId / InvalidAccessKeyId', async () => {
  const wrong = { accessKeyId: 'test', secretAccessKey: 'not-the-secret' };
  assert.deepEqual(
    await errorOf(new STSClient(sdkConfig(server, wrong)).send(new GetCallerIdentityCommand({}))),
    {
      name: 'SignatureDoesNotMatch',
      status: 403,
    },
  );
  assert.equal(
    (await errorOf(new S3Client(sdkConfig(server, wrong)).send(new ListBucketsCommand({})))).name,
    'SignatureDoesNotMatch',
  );
  const unknown = { accessKeyId: 'AKIAZZZZZZZZZZZZZZZZ', secretAccessKey: 'x'.repeat(40) };
  assert.deepEqual(
    await errorOf(new STSClient(sdkConfig(server, unknown)).send(new GetCallerIdentityCommand({}))),
    {
      name: 'InvalidClientTokenId',
      status: 403,
    },
  );
  assert.equal(
    (await errorOf(new S3Client(sdkConfig(server, unknown)).send(new ListBucketsCommand({})))).name,
    'InvalidAccessKeyId',
  );
  const ec2 = await errorOf(
    new EC2Client(sdkConfig(server, unknown)).send(new DescribeCapacityReservationFleetsCommand({})),
  );
  assert.equal(ec2.name, 'AuthFailure');
  const boto = await python(
    `out([call(boto3.client("sts", aws_access_key_id="test", aws_secret_access_key="nope", config=NO_RETRY).get_caller_identity)["error"],
          call(boto3.client("sts", aws_access_key_id="AKIAZZZZZZZZZZZZZZZZ", aws_secret_access_key="x" * 40, config=NO_RETRY).get_caller_identity)["error"]])`,
    server.env(),
  );
  assert.deepEqual(boto, ['SignatureDoesNotMatch', 'InvalidClientTokenId']);
});

test('a clock 20 minutes off is refused in the words of each protocol family', async () => {
  // AWS: S3 says RequestTimeTooSkewed; the query services say SignatureDoesNotMatch
  // ("Signature expired: ..."); EC2 says RequestExpired; JSON services InvalidSignatureException.
  const skewed = { ...sdkConfig(server), systemClockOffset: -20 * 60 * 1000 };
  assert.equal(
    (await errorOf(new S3Client(skewed).send(new ListBucketsCommand({})))).name,
    'RequestTimeTooSkewed',
  );
  assert.equal(
    (await errorOf(new STSClient(skewed).send(new GetCallerIdentityCommand({})))).name,
    'SignatureDoesNotMatch',
  );
  assert.equal(
    (await errorOf(new EC2Client(skewed).send(new DescribeCapacityReservationFleetsCommand({})))).name,
    'RequestExpired',
  );
  assert.equal(
    (await errorOf(new CloudTrailClient(skewed).send(new ListChannelsCommand({})))).name,
    'InvalidSignatureException',
  );
  const boto = await python(
    `import datetime, botocore.auth
orig = botocore.auth.datetime.datetime
class Past(orig):
    @classmethod
    def utcnow(cls): return orig.utcnow() - datetime.timedelta(minutes=20)
    @classmethod
    def now(cls, tz=None): return orig.now(tz) - datetime.timedelta(minutes=20)
botocore.auth.datetime.datetime = Past
r = call(boto3.client("s3", config=NO_RETRY).list_buckets)
out([r["error"], r["status"]])`,
    server.env(),
  );
  assert.deepEqual(boto, ['RequestTimeTooSkewed', 403]);
});

test('an operation Stratus does not implement is NotImplemented (501) in each protocol family', async () => {
  const cfg = sdkConfig(server);
  const cases: [string, () => Promise<unknown>][] = [
    [
      'rest-xml',
      () => new S3Client(cfg).send(new GetBucketMetadataTableConfigurationCommand({ Bucket: 'b' })),
    ],
    [
      'query',
      () => new IAMClient(cfg).send(new GetServiceLastAccessedDetailsCommand({ JobId: 'x'.repeat(36) })),
    ],
    ['ec2', () => new EC2Client(cfg).send(new DescribeCapacityReservationFleetsCommand({}))],
    ['json', () => new CloudTrailClient(cfg).send(new ListChannelsCommand({}))],
  ];
  for (const [family, p] of cases) {
    assert.deepEqual(await errorOf(p()), { name: 'NotImplemented', status: 501 }, family);
  }
});

test('health answers JSON with version and services', async () => {
  const res = await fetch(`${server.endpoint}/_stratus/health`);
  const body = (await res.json()) as any;
  assert.equal(res.status, 200);
  assert.equal(body.status, 'running');
  assert.ok(body.version);
  assert.ok(body.services.s3 && body.services.sts);
});
