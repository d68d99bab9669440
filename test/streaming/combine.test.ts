import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { combineCrc, compositeChecksum, emptyCrc } from '../../src/protocol/streaming/combine.ts';
import { ChecksumTracker, type ChecksumAlgorithm } from '../../src/protocol/streaming/checksums.ts';

const sum = (alg: ChecksumAlgorithm, b: Buffer) => {
  const t = new ChecksumTracker({ algorithms: [alg] });
  t.update(b);
  return Buffer.from(t.finish().checksums[alg]!, 'base64');
};

for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
  test(`${alg}: combining part CRCs equals the CRC of the whole`, () => {
    const data = Buffer.from(Array.from({ length: 70_001 }, (_, i) => (i * 97 + (i >> 5)) & 255));
    const cuts = [0, 1, 5000, 5001, 65_536, 70_001];
    let acc = emptyCrc(alg);
    for (let i = 1; i < cuts.length; i++) {
      const part = data.subarray(cuts[i - 1], cuts[i]);
      acc = combineCrc(alg, acc, sum(alg, part), part.length);
    }
    assert.equal(acc.toString('hex'), sum(alg, data).toString('hex'));
  });
}

test('composite checksums hash the binary part checksums', () => {
  const parts = [Buffer.from('part one'), Buffer.from('part two')];
  const b64 = parts.map((p) => createHash('sha256').update(p).digest('base64'));
  const expected = createHash('sha256')
    .update(Buffer.concat(parts.map((p) => createHash('sha256').update(p).digest())))
    .digest('base64');
  assert.equal(compositeChecksum('SHA256', b64), `${expected}-2`);
  assert.match(
    compositeChecksum('CRC32', [sum('CRC32', parts[0]!).toString('base64')]),
    /^[A-Za-z0-9+/]{6}==-1$/,
  );
});
