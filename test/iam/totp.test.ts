/** TOTP as virtual MFA apps compute it (RFC 6238 test vector, SHA-1). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, matchStep, newSeed, totp } from '../../src/services/iam/totp.ts';

const RFC_SEED = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // base32 of "12345678901234567890"

test('RFC 6238 vectors (last six digits)', () => {
  assert.equal(base32Decode(RFC_SEED).toString('ascii'), '12345678901234567890');
  assert.equal(totp(RFC_SEED, Math.floor(59 / 30)), '287082');
  assert.equal(totp(RFC_SEED, Math.floor(1111111109 / 30)), '081804');
  assert.equal(totp(RFC_SEED, Math.floor(2000000000 / 30)), '279037');
});

test('codes match within one step of drift, once', () => {
  const seed = newSeed();
  assert.match(seed, /^[A-Z2-7]{64}$/);
  const now = new Date(1_700_000_000_000);
  const step = Math.floor(now.getTime() / 30000);
  assert.equal(matchStep(seed, totp(seed, step), now), step);
  assert.equal(matchStep(seed, totp(seed, step + 1), now), step + 1);
  assert.equal(matchStep(seed, totp(seed, step + 2), now), undefined);
  assert.equal(matchStep(seed, totp(seed, step), now, step), undefined, 'used up');
});
