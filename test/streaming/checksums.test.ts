import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { crc32c, crc64nvme, Crc64Nvme, crc32 } from '../../src/protocol/streaming/crc.ts';
import { ChecksumTracker, readChecksumHeaders } from '../../src/protocol/streaming/checksums.ts';
import { decode, decodeError } from './helpers.ts';

const CHECK = Buffer.from('123456789');

test('CRC known answers', () => {
  assert.equal(crc32c(CHECK).toString(16), 'e3069283');
  assert.equal(crc32(CHECK).toString(16), 'cbf43926');
  assert.equal(crc64nvme(CHECK).toString('hex'), 'ae8b14860a799888');
  assert.equal(crc32c(Buffer.alloc(0)), 0);
  assert.equal(crc64nvme(Buffer.alloc(0)).toString('hex'), '0000000000000000');
  // 32 bytes of zeros / ones (iSCSI test vectors for CRC32C).
  assert.equal(crc32c(Buffer.alloc(32, 0)).toString(16), '8a9136aa');
  assert.equal(crc32c(Buffer.alloc(32, 0xff)).toString(16), '62a8ab43');
});

test('incremental CRCs equal one-shot CRCs at every split', () => {
  const data = Buffer.from(Array.from({ length: 1031 }, (_, i) => (i * 131 + 7) & 255));
  const whole32c = crc32c(data);
  const whole64 = crc64nvme(data).toString('hex');
  for (const cut of [0, 1, 3, 7, 8, 9, 15, 16, 17, 500, 1030, 1031]) {
    assert.equal(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut))), whole32c);
    assert.equal(
      new Crc64Nvme().update(data.subarray(0, cut)).update(data.subarray(cut)).digest().toString('hex'),
      whole64,
    );
  }
});

/** A byte-at-a-time BigInt CRC64NVME: slow, simple, independent of crc.ts's two fast paths. */
function referenceCrc64(data: Uint8Array): string {
  const poly = 0x9a6c9329ac4bc9b5n;
  const table = Array.from({ length: 256 }, (_, i) => {
    let c = BigInt(i);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
    return c;
  });
  let crc = 0xffffffffffffffffn;
  for (const b of data) crc = table[Number((crc ^ BigInt(b)) & 0xffn)]! ^ (crc >> 8n);
  return (crc ^ 0xffffffffffffffffn).toString(16).padStart(16, '0');
}

test('CRC64NVME: the JavaScript and WebAssembly paths agree with a reference, at any length and offset', () => {
  const pool = Buffer.from(Array.from({ length: 300_011 }, (_, i) => (i * 2654435761) >>> 24));
  for (const [offset, length] of [
    [0, 511],
    [1, 512],
    [3, 4097],
    [5, 65_537],
    [7, 114_689],
    [11, 250_000],
  ] as const) {
    const data = pool.subarray(offset, offset + length);
    assert.equal(crc64nvme(data).toString('hex'), referenceCrc64(data), `length ${length}`);
  }
  // Pieces below and above the WebAssembly threshold, in one running CRC.
  const data = pool.subarray(13, 13 + 140_000);
  const running = new Crc64Nvme();
  for (let at = 0, step = 1; at < data.length; at += step, step = step * 7 + 3)
    running.update(data.subarray(at, at + step));
  assert.equal(running.digest().toString('hex'), referenceCrc64(data));
});

test('ChecksumTracker renders S3 base64 values', () => {
  const t = new ChecksumTracker({
    algorithms: ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'],
    md5: true,
  });
  t.update(Buffer.from('1234'));
  t.update(Buffer.from('56789'));
  const r = t.finish();
  assert.equal(r.size, 9);
  assert.equal(r.checksums.CRC32, Buffer.from('cbf43926', 'hex').toString('base64'));
  assert.equal(r.checksums.CRC32C, Buffer.from('e3069283', 'hex').toString('base64'));
  assert.equal(r.checksums.CRC64NVME, Buffer.from('ae8b14860a799888', 'hex').toString('base64'));
  assert.equal(r.checksums.SHA1, createHash('sha1').update(CHECK).digest('base64'));
  assert.equal(r.checksums.SHA256, createHash('sha256').update(CHECK).digest('base64'));
  assert.equal(r.md5!.toString('hex'), createHash('md5').update(CHECK).digest('hex'));
  assert.equal(t.finish(), r);
});

test('checksum header rules', () => {
  const err = (headers: Record<string, string>, trailer = false) => {
    try {
      readChecksumHeaders(headers, trailer);
      return 'OK';
    } catch (e: any) {
      return `${e.code}: ${e.message}`;
    }
  };
  assert.equal(err({ 'content-md5': 'nope' }), 'InvalidDigest: The Content-MD5 you specified is not valid.');
  assert.equal(
    err({ 'x-amz-checksum-crc32': 'AAAAAA==', 'x-amz-checksum-sha1': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }),
    'InvalidRequest: Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
  );
  assert.equal(
    err({ 'x-amz-checksum-crc32': 'AAAA' }),
    'InvalidRequest: Value for x-amz-checksum-crc32 header is invalid.',
  );
  assert.equal(
    err({ 'x-amz-checksum-md4': 'AAAA' }),
    'InvalidRequest: The algorithm type you specified in x-amz-checksum- header is invalid.',
  );
  assert.equal(err({ 'x-amz-checksum-type': 'FULL_OBJECT', 'x-amz-checksum-crc32': 'AAAAAA==' }), 'OK');
  assert.equal(
    err({ 'x-amz-trailer': 'x-amz-checksum-crc32' }),
    'InvalidRequest: The value specified in the x-amz-trailer header is not supported',
  );
  assert.equal(err({ 'x-amz-trailer': 'x-amz-checksum-crc32' }, true), 'OK');
  assert.match(
    err({ 'x-amz-sdk-checksum-algorithm': 'CRC32' }),
    /^InvalidRequest: x-amz-sdk-checksum-algorithm specified/,
  );
});

test('plain bodies: payload hash, Content-MD5 and checksum headers', async () => {
  const body = Buffer.from('hello world');
  const sha = createHash('sha256').update(body).digest('hex');
  const md5 = createHash('md5').update(body).digest('base64');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  const good = {
    'x-amz-content-sha256': sha,
    'content-md5': md5,
    'x-amz-checksum-crc32': crc.toString('base64'),
  };
  const { data, result } = await decode(body, { headers: good }, 3);
  assert.equal(data.toString(), 'hello world');
  assert.deepEqual(result.supplied, { algorithm: 'CRC32', value: crc.toString('base64') });
  const e1 = await decodeError(Buffer.from('hello worle'), { headers: { 'x-amz-content-sha256': sha } });
  assert.equal(e1.code, 'XAmzContentSHA256Mismatch');
  assert.equal(e1.extra.ClientComputedContentSHA256, sha);
  const e2 = await decodeError(Buffer.from('hello worle'), { headers: { 'content-md5': md5 } });
  assert.equal(e2.code, 'BadDigest');
  assert.equal(e2.message, 'The Content-MD5 you specified did not match what we received.');
  const e3 = await decodeError(Buffer.from('hello worle'), {
    headers: { 'x-amz-checksum-crc32': crc.toString('base64') },
  });
  assert.equal(e3.message, 'The CRC32 you specified did not match the calculated checksum.');
  // UNSIGNED-PAYLOAD: nothing to compare, MD5 still computed; extra algorithms on request.
  const r = await decode(body, {
    headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    algorithms: ['CRC64NVME'],
  });
  assert.ok(r.result.checksums.CRC64NVME);
  assert.equal(r.result.md5!.toString('base64'), md5);
});

test('stored Content-Encoding drops aws-chunked', async () => {
  const { storedContentEncoding } = await import('../../src/protocol/streaming/body.ts');
  assert.equal(storedContentEncoding('aws-chunked'), undefined);
  assert.equal(storedContentEncoding('aws-chunked,gzip'), 'gzip');
  assert.equal(storedContentEncoding('gzip, aws-chunked'), 'gzip');
  assert.equal(storedContentEncoding(undefined), undefined);
});
