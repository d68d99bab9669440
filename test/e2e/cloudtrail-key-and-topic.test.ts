/**
 * A trail's KMS key and SNS topic: Stratus has neither KMS nor SNS, so CreateTrail and
 * UpdateTrail answer as AWS does for a key or topic that does not exist, and store nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudTrailClient, CreateTrailCommand, KmsKeyNotFoundException } from '@aws-sdk/client-cloudtrail';
import { useServer } from '../support/use-server.ts';
import { sdkConfig } from '../support/server.ts';
import { python } from '../support/clients.ts';

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: 'arn:aws:s3:::kt-logs',
    },
    {
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::kt-logs/AWSLogs/000000000000/*',
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
    },
  ],
});
const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const TOPIC_MESSAGE = 'SNS Topic does not exist or the topic policy is incorrect!';

let r: any;
const { server } = useServer({
  async setup() {
    r = await python(
      `
s3 = client("s3", region_name="us-east-1")
ct = client("cloudtrail", region_name="us-east-1")
call(s3.create_bucket, Bucket="kt-logs")
call(s3.put_bucket_policy, Bucket="kt-logs", Policy=${JSON.stringify(POLICY)})
r = {}
def create(**kw):
    return call(ct.create_trail, Name="ktrail", S3BucketName="kt-logs", **kw)
r["alias"] = create(KmsKeyId="alias/nope")
r["keyId"] = create(KmsKeyId="${KEY}")
r["keyArn"] = create(KmsKeyId="arn:aws:kms:us-east-1:000000000000:key/${KEY}")
r["notKmsArn"] = create(KmsKeyId="arn:aws:s3:::kt-logs")
r["topic"] = create(SnsTopicName="nope")
r["topicArn"] = create(SnsTopicName="arn:aws:sns:us-east-1:000000000000:nope")
r["noBucket"] = call(ct.create_trail, Name="ktrail", S3BucketName="no-such-kt-bucket", KmsKeyId="alias/nope")
r["afterFailures"] = call(ct.get_trail, Name="ktrail")
r["plain"] = create()
r["updateKey"] = call(ct.update_trail, Name="ktrail", KmsKeyId="alias/nope")
r["updateTopic"] = call(ct.update_trail, Name="ktrail", SnsTopicName="nope")
r["updateClear"] = call(ct.update_trail, Name="ktrail", KmsKeyId="", SnsTopicName="")
r["get"] = call(ct.get_trail, Name="ktrail")
out(r)
`,
      server.env(),
    );
  },
});

test('CreateTrail: a KMS key that cannot exist is KmsKeyNotFoundException naming its ARN', () => {
  assert.equal(r.alias.error, 'KmsKeyNotFoundException', JSON.stringify(r.alias));
  assert.equal(r.alias.status, 400);
  assert.match(r.alias.message, /arn:aws:kms:us-east-1:000000000000:alias\/nope/);
  assert.equal(r.keyId.error, 'KmsKeyNotFoundException');
  assert.match(r.keyId.message, new RegExp(`arn:aws:kms:us-east-1:000000000000:key/${KEY}`));
  assert.equal(r.keyArn.error, 'KmsKeyNotFoundException');
  assert.equal(r.notKmsArn.error, 'InvalidKmsKeyIdException', JSON.stringify(r.notKmsArn));
});

test('CreateTrail: an SNS topic (name or ARN) is InsufficientSnsTopicPolicyException', () => {
  for (const x of [r.topic, r.topicArn]) {
    assert.equal(x.error, 'InsufficientSnsTopicPolicyException', JSON.stringify(x));
    assert.equal(x.message, TOPIC_MESSAGE);
  }
});

test('the bucket is checked before the key, and failed calls create no trail', () => {
  assert.equal(r.noBucket.error, 'S3BucketDoesNotExistException', JSON.stringify(r.noBucket));
  assert.equal(r.afterFailures.error, 'TrailNotFoundException');
  assert.equal(r.plain.Name, 'ktrail', JSON.stringify(r.plain));
});

test('UpdateTrail checks a new key or topic; empty values clear them', () => {
  assert.equal(r.updateKey.error, 'KmsKeyNotFoundException', JSON.stringify(r.updateKey));
  assert.equal(r.updateTopic.error, 'InsufficientSnsTopicPolicyException');
  assert.equal(r.updateTopic.message, TOPIC_MESSAGE);
  assert.equal(r.updateClear.Name, 'ktrail', JSON.stringify(r.updateClear));
  assert.equal(r.get.Trail.KmsKeyId, undefined);
  assert.equal(r.get.Trail.SnsTopicName, undefined);
});

test('SDK v3 raises its typed KmsKeyNotFoundException', async () => {
  const ct = new CloudTrailClient(sdkConfig(server));
  await assert.rejects(
    ct.send(new CreateTrailCommand({ Name: 'ktrail2', S3BucketName: 'kt-logs', KmsKeyId: 'alias/nope' })),
    (e: unknown) => e instanceof KmsKeyNotFoundException,
  );
});
