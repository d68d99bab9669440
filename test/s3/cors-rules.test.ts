// CORS rule matching as S3 does it: first rule that matches origin, method and every header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkCorsRules,
  corsHeaders,
  matchRule,
  requestedHeaders,
} from '../../src/services/s3/cors/rules.ts';
import type { CORSRule } from '../../src/generated/s3/types.ts';

const rules: CORSRule[] = [
  {
    ID: 'one',
    AllowedOrigins: ['http://*.example.com'],
    AllowedMethods: ['PUT'],
    AllowedHeaders: ['x-amz-*', 'Content-Type'],
  },
  {
    ID: 'two',
    AllowedOrigins: ['http://www.example.com', 'https://app.test'],
    AllowedMethods: ['GET', 'PUT'],
  },
  { ID: 'any', AllowedOrigins: ['*'], AllowedMethods: ['GET'], MaxAgeSeconds: 30 },
];

test('origins with one wildcard, methods, headers case-insensitively; the first match wins', () => {
  const id = (origin: string, method: string, headers: string[] = []) =>
    matchRule(rules, { origin, method, headers })?.ID;
  assert.equal(id('http://a.example.com', 'PUT', ['x-amz-date', 'content-type']), 'one');
  // A header no matching rule allows: no rule at all (not the next rule without headers).
  assert.equal(id('http://www.example.com', 'PUT', ['authorization']), undefined);
  assert.equal(id('http://www.example.com', 'PUT'), 'one');
  assert.equal(id('https://app.test', 'PUT'), 'two');
  assert.equal(id('https://app.test', 'GET'), 'two');
  assert.equal(id('http://other', 'GET'), 'any');
  assert.equal(id('http://other', 'PUT'), undefined);
  assert.equal(id('HTTP://A.EXAMPLE.COM', 'PUT'), undefined);
  assert.equal(id('http://example.com', 'PUT'), undefined);
  assert.deepEqual(requestedHeaders(' X-Amz-Date ,Content-Type,'), ['x-amz-date', 'content-type']);
});

test('headers answered: * for wildcard rules, the origin and credentials otherwise', () => {
  const req = { origin: 'https://app.test', method: 'GET', headers: [] };
  assert.deepEqual(corsHeaders(rules[1]!, req, false), {
    'access-control-allow-origin': 'https://app.test',
    'access-control-allow-methods': 'GET, PUT',
    'access-control-allow-credentials': 'true',
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  });
  const any = corsHeaders(rules[2]!, { origin: 'http://x', method: 'GET', headers: ['a'] }, true);
  assert.equal(any['access-control-allow-origin'], '*');
  assert.equal(any['access-control-allow-headers'], 'a');
  assert.equal(any['access-control-max-age'], '30');
});

test('configuration rules refused as S3 refuses them', () => {
  assert.throws(() => checkCorsRules([]), /MalformedXML|not well-formed/);
  assert.throws(
    () => checkCorsRules([{ AllowedOrigins: ['*'], AllowedMethods: ['OPTIONS'] }]),
    /Unsupported method is OPTIONS/,
  );
  assert.throws(
    () => checkCorsRules([{ AllowedOrigins: ['*'], AllowedMethods: ['GET'], ExposeHeaders: ['*'] }]),
    /contains wildcard/,
  );
});
