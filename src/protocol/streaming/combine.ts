/**
 * Multipart checksums without re-reading the data:
 * - FULL_OBJECT CRCs: crc(A‖B) from crc(A), crc(B) and len(B) (zlib's crc32_combine method,
 *   GF(2) polynomial arithmetic; BigInt is fine here, it runs once per part).
 * - COMPOSITE checksums: the hash of the concatenated binary part checksums, suffixed -N.
 */
import { createHash } from 'node:crypto';
import { crc32, crc32c, crc64nvme } from './crc.ts';
import type { ChecksumAlgorithm } from './checksums.ts';

interface CrcSpec {
  width: bigint;
  /** Reflected polynomial. */
  poly: bigint;
}

const SPECS: Partial<Record<ChecksumAlgorithm, CrcSpec>> = {
  CRC32: { width: 32n, poly: 0xedb88320n },
  CRC32C: { width: 32n, poly: 0x82f63b78n },
  CRC64NVME: { width: 64n, poly: 0x9a6c9329ac4bc9b5n },
};

/** a·b mod p, reflected representation (the top bit is x^0). */
function multModP(a: bigint, b: bigint, s: CrcSpec): bigint {
  const top = 1n << (s.width - 1n);
  let p = 0n;
  while (a !== 0n) {
    if (a & top) p ^= b;
    a = (a << 1n) & ((1n << s.width) - 1n);
    b = b & 1n ? (b >> 1n) ^ s.poly : b >> 1n;
  }
  return p;
}

const tables = new Map<ChecksumAlgorithm, bigint[]>();

/** x^(2^k) mod p for k = 0..63. */
function powTable(alg: ChecksumAlgorithm, s: CrcSpec): bigint[] {
  let t = tables.get(alg);
  if (t) return t;
  t = [];
  let p = 1n << (s.width - 2n); // x^1
  for (let k = 0; k < 64; k++) {
    t.push(p);
    p = multModP(p, p, s);
  }
  tables.set(alg, t);
  return t;
}

/** x^(8·bytes) mod p. */
function shiftFor(bytes: number, alg: ChecksumAlgorithm, s: CrcSpec): bigint {
  const t = powTable(alg, s);
  let p = 1n << (s.width - 1n); // x^0
  let n = BigInt(bytes);
  let k = 3; // 8 = 2^3 bits per byte
  while (n > 0n) {
    if (n & 1n) p = multModP(t[k]!, p, s);
    n >>= 1n;
    k++;
  }
  return p;
}

export function isCrc(alg: ChecksumAlgorithm): boolean {
  return SPECS[alg] !== undefined;
}

/**
 * The CRC of A‖B from the CRCs (big-endian bytes, as S3 stores them) of A and B and the
 * length of B. Fold over parts to get a whole object's CRC.
 */
export function combineCrc(alg: ChecksumAlgorithm, crcA: Buffer, crcB: Buffer, lengthB: number): Buffer {
  const s = SPECS[alg];
  if (!s) throw new Error(`${alg} is not a CRC`);
  const a = BigInt('0x' + crcA.toString('hex'));
  const b = BigInt('0x' + crcB.toString('hex'));
  const out = multModP(shiftFor(lengthB, alg, s), a, s) ^ b;
  return Buffer.from(out.toString(16).padStart(Number(s.width / 4n), '0'), 'hex');
}

/** The CRC of an empty input (the fold's starting value), as big-endian bytes. */
export function emptyCrc(alg: ChecksumAlgorithm): Buffer {
  const empty = Buffer.alloc(0);
  if (alg === 'CRC64NVME') return crc64nvme(empty);
  const b = Buffer.alloc(4);
  b.writeUInt32BE(alg === 'CRC32' ? crc32(empty) : crc32c(empty));
  return b;
}

/** S3's COMPOSITE checksum: hash of the parts' binary checksums, then "-<part count>". */
export function compositeChecksum(alg: ChecksumAlgorithm, partChecksumsBase64: string[]): string {
  const joined = Buffer.concat(partChecksumsBase64.map((c) => Buffer.from(c, 'base64')));
  let digest: Buffer;
  switch (alg) {
    case 'SHA1':
      digest = createHash('sha1').update(joined).digest();
      break;
    case 'SHA256':
      digest = createHash('sha256').update(joined).digest();
      break;
    case 'CRC64NVME':
      digest = crc64nvme(joined);
      break;
    default: {
      digest = Buffer.alloc(4);
      digest.writeUInt32BE(alg === 'CRC32' ? crc32(joined) : crc32c(joined));
    }
  }
  return `${digest.toString('base64')}-${partChecksumsBase64.length}`;
}
