import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuth } from '../../src/auth/parse.ts';
import { verify } from '../../src/auth/verify.ts';
import { credential, smithySign, SECRET } from '../auth/helpers.ts';
import { encodeChunked } from './chunk-signer.ts';
import { decode, decodeError } from './helpers.ts';

const A = (n: number) => Buffer.alloc(n, 'a');

function docBody(sigs: string[], trailer = '') {
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${sigs[0]}\r\n`),
    A(65536),
    Buffer.from(`\r\n400;chunk-signature=${sigs[1]}\r\n`),
    A(1024),
    Buffer.from(`\r\n0;chunk-signature=${sigs[2]}\r\n${trailer}\r\n`),
  ]);
}

const DOC_SIGS = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];

function docRequest(trailer: boolean) {
  const headers: Record<string, string> = {
    host: 's3.amazonaws.com',
    'x-amz-date': '20130524T000000Z',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '66560',
    'x-amz-content-sha256': trailer
      ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
      : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  };
  if (trailer) {
    headers['x-amz-trailer'] = 'x-amz-checksum-crc32c';
    headers.authorization =
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer,Signature=106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e';
  } else {
    headers['content-length'] = '66824';
    headers.authorization =
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
  }
  const req = { method: 'PUT', rawPath: '/examplebucket/chunkObject.txt', rawQuery: '', headers };
  const v = verify(parseAuth(req), req, credential(), {
    service: 's3',
    now: new Date('2013-05-24T00:01:00Z'),
  });
  return { headers, chunkSigning: v.chunkSigning! };
}

test('AWS documented chunked upload (65 KiB) decodes, in any piece size', async () => {
  const { headers, chunkSigning } = docRequest(false);
  const body = docBody(DOC_SIGS);
  assert.equal(body.length, 66824);
  for (const piece of [1 << 20, 8192, 1000, 7]) {
    const { data, result } = await decode(body, { headers, chunkSigning }, piece);
    assert.ok(data.equals(A(66560)));
    assert.equal(result.size, 66560);
  }
});

test('AWS documented chunked upload with a signed CRC32C trailer', async () => {
  const { headers, chunkSigning } = docRequest(true);
  const sigs = [
    'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
    '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
    '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
  ];
  const trailer =
    'x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n';
  const { data, result } = await decode(docBody(sigs, trailer), { headers, chunkSigning }, 4099);
  assert.equal(data.length, 66560);
  assert.equal(result.trailers.get('x-amz-checksum-crc32c'), 'sOO8/Q==');
  assert.deepEqual(result.supplied, { algorithm: 'CRC32C', value: 'sOO8/Q==' });
  // A changed trailer value breaks the trailer signature.
  const bad = await decodeError(docBody(sigs, trailer.replace('sOO8', 'tOO8')), { headers, chunkSigning });
  assert.equal(bad.code, 'SignatureDoesNotMatch');
  assert.match(bad.extra.StringToSign!, /^AWS4-HMAC-SHA256-TRAILER\n/);
});

test('tampered chunk data, signature or order fails with SignatureDoesNotMatch', async () => {
  const { headers, chunkSigning } = docRequest(false);
  const body = docBody(DOC_SIGS);
  const flipped = Buffer.from(body);
  flipped[66000] = 'b'.charCodeAt(0);
  const e = await decodeError(flipped, { headers, chunkSigning });
  assert.equal(e.code, 'SignatureDoesNotMatch');
  assert.match(
    e.extra.StringToSign!,
    /^AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n20130524\/us-east-1\/s3\/aws4_request\n/,
  );
  assert.ok(e.extra.CanonicalRequest!.startsWith('PUT\n/examplebucket/chunkObject.txt\n'));
  const wrongSig = docBody([DOC_SIGS[0]!, DOC_SIGS[0]!, DOC_SIGS[2]!]);
  assert.equal((await decodeError(wrongSig, { headers, chunkSigning })).code, 'SignatureDoesNotMatch');
});

test('truncated bodies fail with IncompleteBody', async () => {
  const { headers, chunkSigning } = docRequest(false);
  const body = docBody(DOC_SIGS);
  for (const cut of [10, 90, 65536 + 90, 66560 + 150, body.length - 2, body.length - 1]) {
    const e = await decodeError(body.subarray(0, cut), { headers, chunkSigning });
    assert.equal(e.code, 'IncompleteBody', `cut at ${cut}`);
  }
});

test('SDK-style signed chunks from a smithy-signed seed, with a CRC64NVME trailer', async () => {
  const date = new Date('2026-03-01T12:00:00Z');
  const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7 + (i >> 8)) & 255));
  const headers = {
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(data.length),
    'x-amz-trailer': 'x-amz-checksum-crc64nvme',
  };
  const req = await smithySign({ method: 'PUT', path: '/bucket/obj', headers, date, sessionToken: 'tok' });
  const v = verify(parseAuth(req), req, credential({ sessionToken: 'tok' }), { service: 's3', now: date });
  const { Crc64Nvme } = await import('../../src/protocol/streaming/crc.ts');
  const crc = new Crc64Nvme().update(data).digest().toString('base64');
  const seed = (parseAuth(req) as { signature: string }).signature;
  const enc = (trailers: Array<[string, string]>) =>
    encodeChunked(data, {
      secret: SECRET,
      date: '20260301T120000Z',
      region: 'us-east-1',
      service: 's3',
      seedSignature: seed,
      chunkSize: 65536,
      trailers,
    });
  const { data: out, result } = await decode(
    enc([['x-amz-checksum-crc64nvme', crc]]),
    { headers: req.headers, chunkSigning: v.chunkSigning! },
    1500,
  );
  assert.ok(out.equals(data));
  assert.equal(result.checksums.CRC64NVME, crc);
  // A correctly signed trailer with the wrong checksum is BadDigest.
  const wrong = Buffer.alloc(8).toString('base64');
  const e = await decodeError(enc([['x-amz-checksum-crc64nvme', wrong]]), {
    headers: req.headers,
    chunkSigning: v.chunkSigning!,
  });
  assert.equal(e.code, 'BadDigest');
  assert.equal(e.message, 'The CRC64NVME you specified did not match the calculated checksum.');
  // The announced trailer missing.
  const missing = await decodeError(enc([]), { headers: req.headers, chunkSigning: v.chunkSigning! });
  assert.equal(missing.code, 'MalformedTrailerError');
});

test('signed chunks smaller than 8 KiB (except the last) are InvalidChunkSizeError', async () => {
  const date = new Date('2026-03-01T12:00:00Z');
  const data = A(10000);
  const headers = {
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'x-amz-decoded-content-length': '10000',
  };
  const req = await smithySign({ method: 'PUT', path: '/bucket/obj', headers, date });
  const v = verify(parseAuth(req), req, credential(), { service: 's3', now: date });
  const seed = (parseAuth(req) as { signature: string }).signature;
  const body = encodeChunked(data, {
    secret: SECRET,
    date: '20260301T120000Z',
    region: 'us-east-1',
    service: 's3',
    seedSignature: seed,
    chunkSize: 4000,
  });
  const e = await decodeError(body, { headers: req.headers, chunkSigning: v.chunkSigning! });
  assert.equal(e.code, 'InvalidChunkSizeError');
  assert.deepEqual(e.extra, { Chunk: '1', BadChunkSize: '4000' });
  const ok = encodeChunked(data, {
    secret: SECRET,
    date: '20260301T120000Z',
    region: 'us-east-1',
    service: 's3',
    seedSignature: seed,
    chunkSize: 8192,
  });
  assert.equal(
    (await decode(ok, { headers: req.headers, chunkSigning: v.chunkSigning! })).data.length,
    10000,
  );
  // Signed streaming without a verified signature (anonymous) is refused up front.
  await assert.rejects(async () => decode(ok, { headers: req.headers }), { code: 'InvalidRequest' });
});

test('unsigned trailer bodies (what SDKs send by default)', async () => {
  const headers = {
    'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '3',
    'x-amz-trailer': 'x-amz-checksum-crc32',
    'x-amz-sdk-checksum-algorithm': 'CRC32',
  };
  const body = Buffer.from('3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n');
  const { data, result } = await decode(body, { headers }, 5);
  assert.equal(data.toString(), 'abc');
  assert.equal(result.checksums.CRC32, 'NSRBwg==');
  assert.equal(result.md5!.toString('hex'), '900150983cd24fb0d6963f7d28e17f72');
  const bad = await decodeError(Buffer.from('3\r\nabc\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n'), {
    headers,
  });
  assert.equal(bad.code, 'BadDigest');
  assert.equal(bad.message, 'The CRC32 you specified did not match the calculated checksum.');
  const invalid = await decodeError(Buffer.from('3\r\nabc\r\n0\r\nx-amz-checksum-crc32:zz\r\n\r\n'), {
    headers,
  });
  assert.equal(invalid.code, 'InvalidRequest');
  const noTrailer = await decodeError(Buffer.from('3\r\nabc\r\n0\r\n\r\n'), { headers });
  assert.equal(noTrailer.code, 'MalformedTrailerError');
  const longer = await decodeError(Buffer.from('4\r\nabcd\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n'), {
    headers,
  });
  assert.equal(longer.code, 'IncompleteBody');
  const garbage = await decodeError(Buffer.from('zz\r\nabc\r\n0\r\n\r\n'), { headers });
  assert.equal(garbage.code, 'IncompleteBody');
  // Larger unsigned bodies from the test encoder.
  const big = Buffer.alloc(300_000, 3);
  const { crc32 } = await import('node:zlib');
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc32(big));
  const enc = encodeChunked(big, {
    secret: '',
    date: '20260301T120000Z',
    region: '',
    service: '',
    chunkSize: 65536,
    trailers: [['x-amz-checksum-crc32', c.toString('base64')]],
  });
  const r = await decode(enc, { headers: { ...headers, 'x-amz-decoded-content-length': '300000' } }, 3333);
  assert.equal(r.data.length, 300_000);
});
