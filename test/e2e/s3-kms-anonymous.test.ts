/**
 * SSE-KMS objects need a SigV4-signed request: an anonymous GET (a browser or curl fetching a
 * public object's URL) is 400 InvalidArgument "...require AWS Signature Version 4.", as AWS's
 * knowledge-center article s3-kms-signature-version-error describes; an SSE-S3 object in the same
 * public bucket is served, and signed or SigV4-presigned reads of the KMS object still work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  GetObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { useServer } from '../support/use-server.ts';

const { server, s3 } = useServer();
const B = 'kms-anonymous';

test('an anonymous GET of a public SSE-KMS object is InvalidArgument (Signature Version 4 required)', async () => {
  await s3.send(new CreateBucketCommand({ Bucket: B }));
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: B }));
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/*` }],
  };
  await s3.send(new PutBucketPolicyCommand({ Bucket: B, Policy: JSON.stringify(policy) }));
  await s3.send(
    new PutObjectCommand({ Bucket: B, Key: 'kms', Body: 'secret', ServerSideEncryption: 'aws:kms' }),
  );
  await s3.send(
    new PutObjectCommand({ Bucket: B, Key: 's3', Body: 'plain', ServerSideEncryption: 'AES256' }),
  );

  const kms = await fetch(`${server.endpoint}/${B}/kms`);
  const body = await kms.text();
  assert.equal(kms.status, 400, body);
  assert.match(body, /<Code>InvalidArgument<\/Code>/);
  assert.match(
    body,
    /<Message>Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4\.<\/Message>/,
  );
  assert.doesNotMatch(body, /secret/);
  const head = await fetch(`${server.endpoint}/${B}/kms`, { method: 'HEAD' });
  assert.equal(head.status, 400);

  const plain = await fetch(`${server.endpoint}/${B}/s3`);
  assert.equal(plain.status, 200);
  assert.equal(await plain.text(), 'plain');

  const signed = await s3.send(new GetObjectCommand({ Bucket: B, Key: 'kms' }));
  assert.equal(await signed.Body!.transformToString(), 'secret');
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: B, Key: 'kms' }), { expiresIn: 60 });
  const presigned = await fetch(url);
  assert.equal(presigned.status, 200);
  assert.equal(await presigned.text(), 'secret');
});
