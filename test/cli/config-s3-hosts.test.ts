// S3 host suffixes from flags and environment (virtual-host API and website endpoints).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';

test('--s3-hosts and --s3-website-hosts over STRATUS_S3_HOSTS / STRATUS_S3_WEBSITE_HOSTS; unset by default', () => {
  const none = loadConfig([], {});
  assert.equal(none.s3Hosts, undefined);
  assert.equal(none.s3WebsiteHosts, undefined);
  const env = loadConfig([], {
    STRATUS_S3_HOSTS: 's3.dev.test, .dev.test',
    STRATUS_S3_WEBSITE_HOSTS: 'web.test',
  });
  assert.deepEqual(env.s3Hosts, ['s3.dev.test', 'dev.test']);
  assert.deepEqual(env.s3WebsiteHosts, ['web.test']);
  const flags = loadConfig(['--s3-website-hosts', 'Site.Test,localhost'], {
    STRATUS_S3_WEBSITE_HOSTS: 'web.test',
  });
  assert.deepEqual(flags.s3WebsiteHosts, ['site.test', 'localhost']);
});
