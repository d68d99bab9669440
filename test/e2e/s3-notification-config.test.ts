/**
 * PutBucketNotificationConfiguration as S3 checks it (SDK v3): event types from S3's list,
 * filter rules named prefix or suffix once each, and an Id generated where none was given.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  type QueueConfiguration,
} from '@aws-sdk/client-s3';
import { errorFields } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';

const bucket = 'notification-config';
const { s3 } = useServer({
  async setup({ s3 }) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  },
});

const QueueArn = 'arn:aws:sqs:us-east-1:000000000000:q';
const put = (QueueConfigurations: QueueConfiguration[]) =>
  s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: { QueueConfigurations },
    }),
  );

test('events outside S3 event types and filter rules other than one prefix and one suffix are refused', async () => {
  for (const e of ['s3:ObjectCreated:Foo', 's3:Foo:*', 's3:ObjectCreated']) {
    assert.deepEqual(await errorFields(put([{ QueueArn, Events: [e as never] }]), 'name', 'message'), {
      name: 'InvalidArgument',
      message: 'The event is not supported for notifications',
    });
  }
  const rules = (...names: string[]) => [
    {
      QueueArn,
      Events: ['s3:ObjectCreated:*' as const],
      Filter: { Key: { FilterRules: names.map((Name) => ({ Name: Name as never, Value: 'x' })) } },
    },
  ];
  assert.deepEqual(await errorFields(put(rules('foo')), 'name', 'message'), {
    name: 'InvalidArgument',
    message: 'filter rule name must be either prefix or suffix',
  });
  assert.deepEqual(await errorFields(put(rules('prefix', 'Prefix')), 'name', 'message'), {
    name: 'InvalidArgument',
    message: 'Cannot specify more than one prefix rule in a filter.',
  });
});

test('a configuration without an Id gets one; a given Id is kept', async () => {
  await put([
    {
      QueueArn,
      Events: ['s3:ObjectCreated:*'],
      Filter: {
        Key: {
          FilterRules: [
            { Name: 'prefix', Value: 'in/' },
            { Name: 'suffix', Value: '.jpg' },
          ],
        },
      },
    },
    { Id: 'mine', QueueArn, Events: ['s3:ObjectRemoved:*'] },
  ]);
  const got = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
  const [first, second] = got.QueueConfigurations ?? [];
  assert.match(first?.Id ?? '', /^[A-Za-z0-9+/=]{20,}$/);
  assert.equal(second?.Id, 'mine');
  // The generated Id stays as stored.
  const again = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
  assert.equal(again.QueueConfigurations?.[0]?.Id, first?.Id);
});
