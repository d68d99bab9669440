// Which Host names the website endpoint answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_WEBSITE_SUFFIXES, websiteBucket } from '../../src/services/s3/website/endpoint.ts';
import { errorPage } from '../../src/services/s3/website/html.ts';

test('BUCKET.s3-website[-.REGION].SUFFIX, with or without a port', () => {
  const b = (host: string) => websiteBucket(host, DEFAULT_WEBSITE_SUFFIXES);
  assert.equal(b('site.s3-website.localhost'), 'site');
  assert.equal(b('site.s3-website.localhost:4566'), 'site');
  assert.equal(b('my.dotted.site.s3-website-us-east-1.localhost'), 'my.dotted.site');
  assert.equal(b('site.s3-website.eu-west-1.localhost.localstack.cloud:4566'), 'site');
  assert.equal(b('site.s3-website-eu-west-1.localhost.localstack.cloud'), 'site');
  assert.equal(b('site.s3.localhost'), undefined);
  assert.equal(b('s3-website.localhost'), undefined);
  assert.equal(b('site.s3-website.example.com'), undefined);
  assert.equal(websiteBucket('site.s3-website.example.com', ['example.com']), 'site');
});

test('error pages escape what they quote', () => {
  const html = errorPage(
    {
      status: 404,
      code: 'NoSuchKey',
      message: 'The specified key does not exist.',
      details: [['Key', '<script>']],
    },
    { requestId: 'R', hostId: 'H' },
  );
  assert.match(html, /<li>Key: &lt;script&gt;<\/li>/);
  assert.match(html, /^<html>\n<head><title>404 Not Found<\/title><\/head>/);
});
