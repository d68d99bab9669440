/** Pure SSE rules: what S3 records for a write and answers for a stored object. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awsManagedKeyArn, keyArn, sseAttrs, sseMembers } from '../../src/services/s3/sse.ts';

const scope = { accountId: '111122223333', region: 'eu-west-1' };

test('an SSE-KMS object recorded without a key id answers its writer’s aws/s3 key', () => {
  assert.deepEqual(sseMembers({ sse: 'aws:kms' }, scope), {
    ServerSideEncryption: 'aws:kms',
    SSEKMSKeyId: awsManagedKeyArn(scope),
  });
  assert.deepEqual(sseMembers({}, scope), { ServerSideEncryption: 'AES256' });
});

test('key ids: bare ids and multi-Region ids become ARNs in the scope; ARNs stay', () => {
  assert.equal(
    keyArn('mrk-1234abcd12ab34cd56ef1234567890ab', scope),
    'arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab',
  );
  const arn = 'arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  assert.equal(keyArn(arn, scope), arn);
  assert.equal(keyArn('not-a-key', scope), 'not-a-key');
});

test('bucket keys are SSE-KMS only; DSSE-KMS and SSE-S3 record none', () => {
  const on = { algorithm: 'aws:kms:dsse', bucketKey: true };
  assert.equal(sseAttrs({}, scope, on).bucketKey, undefined);
  assert.deepEqual(
    sseAttrs({ ServerSideEncryption: 'AES256', BucketKeyEnabled: true }, scope, undefined),
    {},
  );
  assert.deepEqual(sseAttrs({}, scope, { algorithm: 'AES256', bucketKey: true }), {});
});
