import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthErrors, authFamily, credentialError } from '../../src/auth/errors.ts';

test('service dialects', () => {
  assert.equal(authFamily('s3'), 's3');
  assert.equal(authFamily('ec2'), 'ec2');
  assert.equal(authFamily('iam'), 'query');
  assert.equal(authFamily('sts'), 'query');
  assert.equal(authFamily('cloudtrail'), 'json');
});

test('credentialError names the error the way each service does', () => {
  const c = (p: Parameters<typeof credentialError>[0], svc: string) => {
    const e = credentialError(p, svc, 'AKIDX', 'TOKEN');
    return `${e.status} ${e.code}: ${e.message}`;
  };
  assert.equal(
    c('unknown', 's3'),
    '403 InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.',
  );
  assert.equal(credentialError('unknown', 's3', 'AKIDX').extra.AWSAccessKeyId, 'AKIDX');
  assert.equal(
    c('unknown', 'iam'),
    '403 InvalidClientTokenId: The security token included in the request is invalid',
  );
  assert.equal(
    c('token-mismatch', 'iam'),
    '403 InvalidClientTokenId: The security token included in the request is invalid',
  );
  assert.equal(
    c('unknown', 'sts'),
    '403 InvalidClientTokenId: The security token included in the request is invalid.',
  );
  assert.equal(
    c('token-missing', 'sts'),
    '403 InvalidClientTokenId: The security token included in the request is invalid.',
  );
  assert.equal(
    c('unknown', 'ec2'),
    '401 AuthFailure: AWS was not able to validate the provided access credentials',
  );
  assert.equal(
    c('unknown', 'cloudtrail'),
    '400 UnrecognizedClientException: The security token included in the request is invalid.',
  );
  assert.equal(
    c('token-mismatch', 's3'),
    '400 InvalidToken: The provided token is malformed or otherwise invalid.',
  );
  assert.equal(c('expired', 's3'), '400 ExpiredToken: The provided token has expired.');
  assert.equal(credentialError('expired', 's3', 'A', 'TOKEN').extra['Token-0'], 'TOKEN');
  assert.equal(
    c('expired', 'iam'),
    '403 ExpiredToken: The security token included in the request is expired',
  );
  assert.equal(
    c('expired', 'cloudtrail'),
    '400 ExpiredTokenException: The security token included in the request is expired',
  );
});

test('missing authentication token', () => {
  const q = AuthErrors.missingAuthenticationToken('query');
  assert.deepEqual(
    [q.status, q.code, q.message],
    [403, 'MissingAuthenticationToken', 'Request is missing Authentication Token'],
  );
  const j = AuthErrors.missingAuthenticationToken('json');
  assert.deepEqual(
    [j.status, j.code, j.message],
    [400, 'MissingAuthenticationTokenException', 'Missing Authentication Token'],
  );
});
