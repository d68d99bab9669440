/**
 * S3 validates an XML body against its schema: a document whose root element is not the
 * operation's (CreateBucketConfiguration, VersioningConfiguration, Tagging, ...) is 400
 * MalformedXML and changes nothing, as S3 answered a <CreateBucket> wrapper (amazonka#81). The
 * right root without the S3 namespace is still accepted (mc sends it so).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.ts';
import { useServer } from '../support/use-server.ts';
import { contentMd5, s3Raw } from './s3-raw-support.ts';

const { server, s3 } = useServer();

const malformed = async (res: Awaited<ReturnType<typeof s3Raw>>) => {
  assert.equal(res.status, 400, res.body);
  assert.equal(res.field('Code'), 'MalformedXML');
  assert.equal(
    res.field('Message'),
    'The XML you provided was not well-formed or did not validate against our published schema',
  );
};

test('CreateBucket with a body whose root is not CreateBucketConfiguration is MalformedXML; no bucket is made', async () => {
  const inner = '<LocationConstraint>eu-west-1</LocationConstraint>';
  await malformed(await s3Raw(server, 'PUT', '/xml-root-foo', { body: `<Foo>${inner}</Foo>` }));
  await malformed(
    await s3Raw(server, 'PUT', '/xml-root-wrapped', {
      body: `<CreateBucket><CreateBucketConfiguration>${inner}</CreateBucketConfiguration></CreateBucket>`,
    }),
  );
  await malformed(await s3Raw(server, 'PUT', '/xml-root-broken', { body: '<CreateBucketConfiguration>' }));
  for (const Bucket of ['xml-root-foo', 'xml-root-wrapped', 'xml-root-broken'])
    assert.equal((await errorOf(s3.send(new HeadBucketCommand({ Bucket })))).status, 404);
  // The right root, unqualified, is a CreateBucketConfiguration.
  const ok = await s3Raw(server, 'PUT', '/xml-root-ok', { body: '<CreateBucketConfiguration/>' });
  assert.equal(ok.status, 200, ok.body);
});

test('bucket configuration bodies with a wrong root (versioning, tagging) are MalformedXML and change nothing', async () => {
  const Bucket = 'xml-root-config';
  await s3.send(new CreateBucketCommand({ Bucket }));
  const versioning = '<Foo><Status>Enabled</Status></Foo>';
  await malformed(
    await s3Raw(server, 'PUT', `/${Bucket}`, {
      query: { versioning: '' },
      headers: { 'content-md5': contentMd5(versioning) },
      body: versioning,
    }),
  );
  assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, undefined);
  const tagging = '<TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet>';
  await malformed(
    await s3Raw(server, 'PUT', `/${Bucket}`, {
      query: { tagging: '' },
      headers: { 'content-md5': contentMd5(tagging) },
      body: tagging,
    }),
  );
  assert.equal((await errorOf(s3.send(new GetBucketTaggingCommand({ Bucket })))).name, 'NoSuchTagSet');
  const good = `<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`;
  const ok = await s3Raw(server, 'PUT', `/${Bucket}`, {
    query: { versioning: '' },
    headers: { 'content-md5': contentMd5(good) },
    body: good,
  });
  assert.equal(ok.status, 200, ok.body);
  assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, 'Enabled');
});
