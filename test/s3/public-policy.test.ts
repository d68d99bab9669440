// What S3 calls a public bucket policy (GetBucketPolicyStatus, BlockPublicPolicy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { denyStatementsOnly, isPublicPolicy } from '../../src/services/s3/access/public-policy.ts';

const doc = (...s: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: s });
const allow = (extra: object = {}) => ({
  Effect: 'Allow',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::b/*',
  ...extra,
});

test('wildcard principals without fixed-value conditions are public', () => {
  assert.equal(isPublicPolicy(doc(allow())), true);
  assert.equal(isPublicPolicy(doc(allow({ Principal: { AWS: '*' } }))), true);
  assert.equal(
    isPublicPolicy(doc(allow({ Principal: { AWS: ['arn:aws:iam::111122223333:root', '*'] } }))),
    true,
  );
  assert.equal(
    isPublicPolicy(
      doc({
        Effect: 'Allow',
        NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: 's3:*',
        Resource: 'arn:aws:s3:::b',
      }),
    ),
    true,
  );
  // Conditions that do not pin callers down.
  assert.equal(isPublicPolicy(doc(allow({ Condition: { Bool: { 'aws:SecureTransport': 'true' } } }))), true);
  assert.equal(
    isPublicPolicy(doc(allow({ Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } }))),
    true,
  );
  assert.equal(isPublicPolicy(doc(allow({ Condition: { StringLike: { 'aws:SourceAccount': '*' } } }))), true);
  assert.equal(
    isPublicPolicy(
      doc(allow({ Condition: { StringNotEquals: { 'aws:PrincipalAccount': '111122223333' } } })),
    ),
    true,
  );
});

test('named principals, fixed values and Deny statements are not public', () => {
  assert.equal(isPublicPolicy(doc(allow({ Principal: { AWS: 'arn:aws:iam::111122223333:root' } }))), false);
  assert.equal(
    isPublicPolicy(doc(allow({ Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } } }))),
    false,
  );
  assert.equal(
    isPublicPolicy(
      doc(allow({ Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.0.2.7/32'] } } })),
    ),
    false,
  );
  assert.equal(
    isPublicPolicy(doc(allow({ Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } }))),
    false,
  );
  assert.equal(isPublicPolicy(doc({ ...allow(), Effect: 'Deny' })), false);
  assert.equal(isPublicPolicy(undefined), false);
  assert.equal(isPublicPolicy('not json'), false);
});

test('denyStatementsOnly keeps the Deny statements', () => {
  const deny = { Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::b/*' };
  assert.deepEqual(JSON.parse(denyStatementsOnly(doc(allow(), deny))!).Statement, [deny]);
  assert.equal(denyStatementsOnly(doc(allow())), undefined);
});
