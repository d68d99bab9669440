/** Overlays may add single members to modelled shapes (S3's 206 status for ranged reads). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from '../../src/protocol/model.ts';
import { serializeRestXmlOutput } from '../../src/protocol/serialize/rest-xml.ts';

test('an overlay member merges into a modelled shape without dropping its members', () => {
  const model = loadModel('s3');
  const members = model.shapes.GetObjectOutput!.members!;
  assert.equal(members.StatusCode?.location, 'statusCode');
  assert.equal(members.Body?.shape, 'Body');
  assert.equal(members.ContentRange?.locationName, 'Content-Range');
});

test('a statusCode member sets the response status', () => {
  const model = loadModel('s3');
  const res = serializeRestXmlOutput(model, model.operations.GetObject!, {
    StatusCode: 206,
    ContentRange: 'bytes 0-1/2',
    Body: Buffer.from('ab'),
  });
  assert.equal(res.status, 206);
  assert.equal(res.headers['content-range'], 'bytes 0-1/2');
});
