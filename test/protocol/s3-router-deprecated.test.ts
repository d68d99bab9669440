// Operations sharing a route with a deprecated predecessor resolve to the current one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from '../../src/protocol/model.ts';
import { resolveOperation } from '../../src/protocol/s3/router.ts';

test('?notification and ?lifecycle resolve to the current operations, not the deprecated ones', () => {
  const model = loadModel('s3');
  const target = { bucket: 'b', style: 'path' as const };
  const op = (method: string, q: string) =>
    resolveOperation(model, method, target, new URLSearchParams(q), {})?.name;
  assert.equal(op('PUT', 'notification'), 'PutBucketNotificationConfiguration');
  assert.equal(op('GET', 'notification'), 'GetBucketNotificationConfiguration');
  assert.equal(op('PUT', 'lifecycle'), 'PutBucketLifecycleConfiguration');
  assert.equal(op('GET', 'lifecycle'), 'GetBucketLifecycleConfiguration');
});
