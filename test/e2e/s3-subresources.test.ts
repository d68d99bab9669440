/**
 * Bucket subresources through SDK v3: logging's target rules (owner, region), Id-keyed
 * configurations listed 100 a page and capped at 1,000, the IAM action each operation asks
 * for (deletes ask for the Put action) and CloudTrail recording.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  S3Client,
  CreateBucketCommand,
  PutBucketLoggingCommand,
  PutBucketMetricsConfigurationCommand,
  ListBucketMetricsConfigurationsCommand,
  PutBucketAccelerateConfigurationCommand,
  GetBucketAccelerateConfigurationCommand,
  GetBucketRequestPaymentCommand,
  PutBucketVersioningCommand,
  PutBucketReplicationCommand,
  DeleteBucketReplicationCommand,
  GetBucketReplicationCommand,
  DeleteBucketAnalyticsConfigurationCommand,
  PutBucketAnalyticsConfigurationCommand,
} from '@aws-sdk/client-s3';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { createAccount } from '../../src/accounts/accounts.ts';
import { errorFields, errorOf } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';
import { sdkConfig } from '../support/server.ts';
import { allowDoc, clientsFor, createUser, unique } from './enforcement-support.ts';

const SRC = 'subv3-src';

const { server, s3 } = useServer({
  async setup() {
    await s3.send(new CreateBucketCommand({ Bucket: SRC }));
  },
});

test('logging targets must exist, share the owner and the region', async () => {
  const { rootCredential } = await createAccount(server.accounts, unique('log-owner'));
  const other = new S3Client(sdkConfig(server, rootCredential));
  await other.send(new CreateBucketCommand({ Bucket: 'subv3-foreign-logs' }));
  other.destroy();
  const west = new S3Client(sdkConfig(server, server.credentials, 'us-west-2'));
  await west.send(
    new CreateBucketCommand({
      Bucket: 'subv3-west-logs',
      CreateBucketConfiguration: { LocationConstraint: 'us-west-2' },
    }),
  );
  west.destroy();
  const log = (TargetBucket: string) =>
    s3.send(
      new PutBucketLoggingCommand({
        Bucket: SRC,
        BucketLoggingStatus: { LoggingEnabled: { TargetBucket, TargetPrefix: 'x/' } },
      }),
    );
  assert.deepEqual(await errorFields(log('subv3-foreign-logs'), 'name', 'status', 'message'), {
    name: 'InvalidTargetBucketForLogging',
    status: 400,
    message: 'The owner for the bucket to be logged and the target bucket must be the same.',
  });
  const cross = await errorOf(log('subv3-west-logs'));
  assert.deepEqual([cross.name, cross.status], ['CrossLocationLoggingProhibitted', 403]);
  assert.equal(cross.raw.TargetBucketLocation, 'us-west-2');
});

test('Id-keyed lists page by 100 in Id order; the 1,001st configuration is refused', async () => {
  const ids = Array.from({ length: 1000 }, (_, i) => `m${String(i).padStart(4, '0')}`);
  for (let i = 0; i < ids.length; i += 50)
    await Promise.all(
      ids
        .slice(i, i + 50)
        .map((Id) =>
          s3.send(
            new PutBucketMetricsConfigurationCommand({ Bucket: SRC, Id, MetricsConfiguration: { Id } }),
          ),
        ),
    );
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await s3.send(
      new ListBucketMetricsConfigurationsCommand({ Bucket: SRC, ContinuationToken: token }),
    );
    pages++;
    assert.ok((page.MetricsConfigurationList ?? []).length <= 100);
    seen.push(...(page.MetricsConfigurationList ?? []).map((c) => c.Id!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  assert.equal(pages, 10);
  assert.deepEqual(seen, ids);
  assert.deepEqual(
    await errorFields(
      s3.send(
        new PutBucketMetricsConfigurationCommand({
          Bucket: SRC,
          Id: 'one-more',
          MetricsConfiguration: { Id: 'one-more' },
        }),
      ),
      'name',
      'status',
      'message',
    ),
    {
      name: 'TooManyConfigurations',
      status: 400,
      message:
        'You are attempting to create a new configuration but have already reached the 1,000-configuration limit.',
    },
  );
  // Replacing one that exists is not a new configuration.
  await s3.send(
    new PutBucketMetricsConfigurationCommand({
      Bucket: SRC,
      Id: 'm0000',
      MetricsConfiguration: { Id: 'm0000', Filter: { Prefix: 'p' } },
    }),
  );
});

test('IAM actions: Get*/List* ask for the Get action, Put and Delete for the Put action', async () => {
  const root = clientsFor(server);
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: SRC, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  await s3.send(
    new PutBucketReplicationCommand({
      Bucket: SRC,
      ReplicationConfiguration: {
        Role: 'arn:aws:iam::000000000000:role/r',
        Rules: [{ Status: 'Enabled', Prefix: '', Destination: { Bucket: 'arn:aws:s3:::elsewhere' } }],
      },
    }),
  );
  const user = await createUser(
    root.iam,
    unique('sub-user'),
    allowDoc([
      's3:GetAccelerateConfiguration',
      's3:PutReplicationConfiguration',
      's3:PutAnalyticsConfiguration',
    ]),
  );
  const as = new S3Client(sdkConfig(server, user));
  assert.equal(
    (await as.send(new GetBucketAccelerateConfigurationCommand({ Bucket: SRC }))).Status,
    undefined,
  );
  const denied = async (p: Promise<unknown>) => {
    const e = await errorOf(p);
    return [e.name, /not authorized to perform: (s3:\w+)/.exec(e.message)?.[1]];
  };
  assert.deepEqual(
    await denied(
      as.send(
        new PutBucketAccelerateConfigurationCommand({
          Bucket: SRC,
          AccelerateConfiguration: { Status: 'Enabled' },
        }),
      ),
    ),
    ['AccessDenied', 's3:PutAccelerateConfiguration'],
  );
  assert.deepEqual(await denied(as.send(new GetBucketRequestPaymentCommand({ Bucket: SRC }))), [
    'AccessDenied',
    's3:GetBucketRequestPayment',
  ]);
  assert.deepEqual(await denied(as.send(new GetBucketReplicationCommand({ Bucket: SRC }))), [
    'AccessDenied',
    's3:GetReplicationConfiguration',
  ]);
  await as.send(new DeleteBucketReplicationCommand({ Bucket: SRC }));
  await as.send(
    new PutBucketAnalyticsConfigurationCommand({
      Bucket: SRC,
      Id: 'a',
      AnalyticsConfiguration: { Id: 'a', StorageClassAnalysis: {} },
    }),
  );
  await as.send(new DeleteBucketAnalyticsConfigurationCommand({ Bucket: SRC, Id: 'a' }));
  assert.deepEqual(await denied(as.send(new ListBucketMetricsConfigurationsCommand({ Bucket: SRC }))), [
    'AccessDenied',
    's3:GetMetricsConfiguration',
  ]);
  as.destroy();
});

test('CloudTrail records them as management events', async () => {
  await s3.send(
    new PutBucketAccelerateConfigurationCommand({
      Bucket: SRC,
      AccelerateConfiguration: { Status: 'Enabled' },
    }),
  );
  const ct = new CloudTrailClient(sdkConfig(server));
  const { Events = [] } = await ct.send(
    new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'PutBucketAccelerateConfiguration' }],
    }),
  );
  ct.destroy();
  assert.ok(Events.length >= 1);
  const e = JSON.parse(Events[0]!.CloudTrailEvent!);
  assert.deepEqual([e.eventSource, e.readOnly, e.managementEvent], ['s3.amazonaws.com', false, true]);
  assert.deepEqual(Events[0]!.Resources, [{ ResourceType: 'AWS::S3::Bucket', ResourceName: SRC }]);
});
