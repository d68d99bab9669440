/** JWT verification for AssumeRoleWithWebIdentity. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyJwt, JwtError } from '../../src/services/sts/jwt.ts';
import { jwksOf, jwksTags } from '../../src/services/iam/oidc-providers.ts';
import { makeIssuer, signJwt } from './jwt-signer.ts';

test('RS256 and ES256 tokens verify against their JWKS', () => {
  for (const alg of ['RS256', 'ES256'] as const) {
    const iss = makeIssuer(alg);
    const token = signJwt(iss, { sub: 'u1', aud: 'app' });
    assert.deepEqual(verifyJwt(token, iss.jwks).payload, { sub: 'u1', aud: 'app' });
  }
});

test('tampered payloads, other keys, alg none and garbage are refused', () => {
  const iss = makeIssuer();
  const token = signJwt(iss, { sub: 'u1' });
  const [h, , s] = token.split('.');
  const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'admin' })).toString('base64url')}.${s}`;
  assert.throws(() => verifyJwt(forged, iss.jwks), JwtError);
  assert.throws(() => verifyJwt(token, makeIssuer().jwks), JwtError);
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.`;
  assert.throws(() => verifyJwt(none, iss.jwks), /Unsupported JWT algorithm/);
  assert.throws(() => verifyJwt('a.b', iss.jwks), JwtError);
});

test('a JWKS round-trips through provider tags (base64url chunks of 256)', () => {
  const iss = makeIssuer();
  const tags = jwksTags(iss.jwks);
  assert.ok(tags.length > 1 && tags.every((t) => t.Value.length <= 256 && /^[A-Za-z0-9_-]+$/.test(t.Value)));
  const record = { tags: [...tags].reverse(), jwks: undefined } as any;
  assert.equal(jwksOf(record), iss.jwks);
});
