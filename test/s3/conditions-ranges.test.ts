/** Pure S3 rules: Range parsing, conditional-read precedence, write conditions, bucket names, tokens. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRange } from '../../src/services/s3/ranges.ts';
import { checkReadConditions, writeCheck, COPY_SOURCE_NAMES } from '../../src/services/s3/conditions.ts';
import { checkBucketName, parseTaggingHeader } from '../../src/services/s3/validation.ts';
import { decodeToken, encodeToken } from '../../src/services/s3/tokens.ts';
import type { ObjectRecord } from '../../src/services/s3/store/repository.ts';

const obj: ObjectRecord = {
  bucket: 'b',
  key: 'k',
  blobId: 'x',
  size: 10,
  etag: '"abc"',
  lastModified: Date.UTC(2024, 0, 1, 12, 0, 0, 500),
  storageClass: 'STANDARD',
  owner: '0',
  attrs: {},
};
const codeOf = (fn: () => void) => {
  try {
    fn();
    return 200;
  } catch (e: any) {
    return e.status;
  }
};

test('ranges', () => {
  assert.deepEqual(parseRange('bytes=0-0', 10), { start: 0, end: 0 });
  assert.deepEqual(parseRange('bytes=3-', 10), { start: 3, end: 9 });
  assert.deepEqual(parseRange('bytes=-20', 10), { start: 0, end: 9 });
  assert.deepEqual(parseRange('bytes=8-99', 10), { start: 8, end: 9 });
  assert.equal(parseRange('bytes=0-1,4-5', 10), undefined);
  assert.equal(parseRange('items=0-1', 10), undefined);
  assert.equal(parseRange('bytes=5-2', 10), undefined);
  assert.throws(() => parseRange('bytes=10-', 10), /not satisfiable/);
  assert.throws(() => parseRange('bytes=0-', 0), /not satisfiable/);
  assert.throws(() => parseRange('bytes=-0', 10), /not satisfiable/);
});

test('read conditions: 412 before 304; second granularity; copy sources never 304', () => {
  const same = new Date(Date.UTC(2024, 0, 1, 12, 0, 0));
  const before = new Date(Date.UTC(2024, 0, 1, 11, 0, 0));
  assert.equal(
    codeOf(() => checkReadConditions({ IfModifiedSince: same }, obj)),
    304,
  );
  assert.equal(
    codeOf(() => checkReadConditions({ IfModifiedSince: before }, obj)),
    200,
  );
  assert.equal(
    codeOf(() => checkReadConditions({ IfUnmodifiedSince: same }, obj)),
    200,
  );
  assert.equal(
    codeOf(() => checkReadConditions({ IfUnmodifiedSince: before }, obj)),
    412,
  );
  assert.equal(
    codeOf(() => checkReadConditions({ IfMatch: 'abc', IfUnmodifiedSince: before }, obj)),
    200,
  );
  assert.equal(
    codeOf(() => checkReadConditions({ IfMatch: '"x", "abc"' }, obj)),
    200,
  );
  assert.equal(
    codeOf(() => checkReadConditions({ IfMatch: '"x"', IfNoneMatch: '"abc"' }, obj)),
    412,
  );
  assert.equal(
    codeOf(() => checkReadConditions({ IfNoneMatch: '"x"', IfModifiedSince: same }, obj)),
    200,
  );
  assert.equal(
    codeOf(() => checkReadConditions({ IfNoneMatch: '*' }, obj)),
    304,
  );
  assert.equal(
    codeOf(() => checkReadConditions({ IfNoneMatch: '"abc"' }, obj, COPY_SOURCE_NAMES)),
    412,
  );
});

test('write conditions', () => {
  assert.equal(writeCheck(undefined, undefined, 'k'), undefined);
  const none = writeCheck(undefined, '*', 'k')!;
  assert.equal(
    codeOf(() => none(undefined)),
    200,
  );
  assert.equal(
    codeOf(() => none(obj)),
    412,
  );
  const match = writeCheck('"abc"', undefined, 'k')!;
  assert.equal(
    codeOf(() => match(obj)),
    200,
  );
  assert.equal(
    codeOf(() => match(undefined)),
    404,
  );
  assert.equal(
    codeOf(() => writeCheck(undefined, '"abc"', 'k')),
    501,
  );
});

test('bucket names, tagging header, tokens', () => {
  for (const ok of ['abc', 'my.bucket-1', 'a'.repeat(63)]) checkBucketName(ok);
  for (const bad of ['ab', 'a_b', 'ABC', 'a..b', 'a.-b', '1.2.3.4', 'sthree-x', 'x-s3alias'])
    assert.throws(() => checkBucketName(bad), /not valid/, bad);
  assert.deepEqual(parseTaggingHeader('a=1&b=&c%20d=e%2Bf'), [
    { Key: 'a', Value: '1' },
    { Key: 'b', Value: '' },
    { Key: 'c d', Value: 'e+f' },
  ]);
  assert.equal(decodeToken(encodeToken('ü/key'), 'continuation-token'), 'ü/key');
  assert.throws(() => decodeToken('abc', 'continuation-token'), /continuation token/);
});
