/**
 * PutObjectAcl where the key's latest version is a delete marker (SDK v3, ACL-enabled versioned
 * bucket): 405 MethodNotAllowed for the marker, by id with the marker's headers; NoSuchKey where
 * nothing was ever written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  DeleteObjectCommand,
  PutObjectAclCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';

const B = 'acl-marker';
let marker = '';

const { s3 } = useServer({
  async setup() {
    await s3.send(new CreateBucketCommand({ Bucket: B }));
    await s3.send(
      new PutBucketOwnershipControlsCommand({
        Bucket: B,
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      }),
    );
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'x' }));
    marker = (await s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'k' }))).VersionId!;
  },
});

const putAcl = (Key: string, VersionId?: string) =>
  errorOf(
    s3.send(new PutObjectAclCommand({ Bucket: B, Key, ACL: 'private', ...(VersionId ? { VersionId } : {}) })),
  );

test('the current version is a delete marker: 405 naming PUT and DeleteMarker, Allow: DELETE', async () => {
  const e = await putAcl('k');
  assert.deepEqual(
    [e.name, e.status, e.raw.Method, e.raw.ResourceType, e.raw.$response?.headers?.allow],
    ['MethodNotAllowed', 405, 'PUT', 'DeleteMarker', 'DELETE'],
  );
});

test('the delete marker by id: 405 with x-amz-delete-marker and x-amz-version-id', async () => {
  const e = await putAcl('k', marker);
  const h = e.raw.$response?.headers ?? {};
  assert.deepEqual(
    [e.name, e.status, e.raw.Method, h['x-amz-delete-marker'], h['x-amz-version-id']],
    ['MethodNotAllowed', 405, 'PUT', 'true', marker],
  );
});

test('a key never written is NoSuchKey', async () => {
  const e = await putAcl('never');
  assert.deepEqual([e.name, e.status], ['NoSuchKey', 404]);
});
