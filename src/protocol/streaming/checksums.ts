/**
 * Checksums computed over body bytes as they pass (native hashes where Node has them), and
 * the S3 rules for the values a request supplies: Content-MD5, one x-amz-checksum-* header or
 * a trailer announced by x-amz-trailer, and a hex x-amz-content-sha256.
 */
import { createHash, type Hash } from 'node:crypto';
import { crc32, crc32c, Crc64Nvme } from './crc.ts';
import { BodyErrors } from './errors.ts';

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = [
  'CRC32',
  'CRC32C',
  'CRC64NVME',
  'SHA1',
  'SHA256',
];

/** x-amz-checksum-crc32 etc. */
export const checksumHeaderName = (a: ChecksumAlgorithm): string => `x-amz-checksum-${a.toLowerCase()}`;

const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = {
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
};
const BY_HEADER = new Map(CHECKSUM_ALGORITHMS.map((a) => [checksumHeaderName(a), a]));
/** x-amz-checksum-* headers that are not checksum values. */
const NOT_VALUES = new Set(['x-amz-checksum-type', 'x-amz-checksum-algorithm', 'x-amz-checksum-mode']);

/** A base64 value of the right length for the algorithm. */
export function isValidChecksum(a: ChecksumAlgorithm, value: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return false;
  return Buffer.from(value, 'base64').length === DIGEST_BYTES[a];
}

export interface ChecksumResult {
  size: number;
  md5?: Buffer;
  sha256?: Buffer;
  /** Base64 values, as S3 stores and returns them. */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

/** Feeds bytes to every requested algorithm; one SHA-256 serves both payload hash and checksum. */
export class ChecksumTracker {
  private size = 0;
  private md5: Hash | undefined;
  private sha256: Hash | undefined;
  private sha1: Hash | undefined;
  private crc32: number | undefined;
  private crc32c: number | undefined;
  private crc64: Crc64Nvme | undefined;
  private result: ChecksumResult | undefined;

  constructor(opts: { algorithms?: Iterable<ChecksumAlgorithm>; md5?: boolean; sha256?: boolean } = {}) {
    const algs = new Set(opts.algorithms ?? []);
    if (opts.md5) this.md5 = createHash('md5');
    if (opts.sha256 || algs.has('SHA256')) this.sha256 = createHash('sha256');
    if (algs.has('SHA1')) this.sha1 = createHash('sha1');
    if (algs.has('CRC32')) this.crc32 = 0;
    if (algs.has('CRC32C')) this.crc32c = 0;
    if (algs.has('CRC64NVME')) this.crc64 = new Crc64Nvme();
    this.algorithms = algs;
  }

  readonly algorithms: ReadonlySet<ChecksumAlgorithm>;

  update(chunk: Buffer): void {
    this.size += chunk.length;
    this.md5?.update(chunk);
    this.sha256?.update(chunk);
    this.sha1?.update(chunk);
    if (this.crc32 !== undefined) this.crc32 = crc32(chunk, this.crc32);
    if (this.crc32c !== undefined) this.crc32c = crc32c(chunk, this.crc32c);
    this.crc64?.update(chunk);
  }

  /** Finishes every hash (once; later calls return the same result). */
  finish(): ChecksumResult {
    if (this.result) return this.result;
    const checksums: ChecksumResult['checksums'] = {};
    const u32 = (n: number) => {
      const b = Buffer.allocUnsafe(4);
      b.writeUInt32BE(n >>> 0);
      return b.toString('base64');
    };
    if (this.crc32 !== undefined) checksums.CRC32 = u32(this.crc32);
    if (this.crc32c !== undefined) checksums.CRC32C = u32(this.crc32c);
    if (this.crc64) checksums.CRC64NVME = this.crc64.digest().toString('base64');
    if (this.sha1) checksums.SHA1 = this.sha1.digest('base64');
    const sha256 = this.sha256?.digest();
    if (sha256 && this.algorithms.has('SHA256')) checksums.SHA256 = sha256.toString('base64');
    const md5 = this.md5?.digest();
    this.result = { size: this.size, checksums, ...(md5 ? { md5 } : {}), ...(sha256 ? { sha256 } : {}) };
    return this.result;
  }
}

/** What a request promises about its body. */
export interface ChecksumExpectations {
  /** Content-MD5, base64 (validated). */
  contentMd5?: string;
  /** One x-amz-checksum-* header. */
  header?: { algorithm: ChecksumAlgorithm; value: string };
  /** The checksum announced by x-amz-trailer, to arrive after the last chunk. */
  trailer?: ChecksumAlgorithm;
  /** x-amz-sdk-checksum-algorithm. */
  sdkAlgorithm?: ChecksumAlgorithm;
  /** A hex x-amz-content-sha256 that the body must hash to. */
  contentSha256?: string;
}

type Headers = Record<string, string | string[] | undefined>;
const h = (headers: Headers, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

/**
 * Reads and validates the checksum headers of an S3 upload. `trailerAllowed` is true for the
 * *-TRAILER payload variants. Throws InvalidDigest / InvalidRequest as S3 does.
 */
export function readChecksumHeaders(headers: Headers, trailerAllowed: boolean): ChecksumExpectations {
  const out: ChecksumExpectations = {};
  const md5 = h(headers, 'content-md5');
  if (md5 !== undefined) {
    if (!/^[A-Za-z0-9+/]{22}==$/.test(md5.trim())) throw BodyErrors.invalidDigest(md5);
    out.contentMd5 = md5.trim();
  }
  for (const name of Object.keys(headers)) {
    if (!name.startsWith('x-amz-checksum-') || NOT_VALUES.has(name) || headers[name] === undefined) continue;
    const algorithm = BY_HEADER.get(name);
    if (!algorithm) throw BodyErrors.unknownChecksumHeader();
    if (out.header) throw BodyErrors.multipleChecksums();
    const value = h(headers, name)!.trim();
    if (!isValidChecksum(algorithm, value)) throw BodyErrors.invalidChecksumValue(name);
    out.header = { algorithm, value };
  }
  const trailer = h(headers, 'x-amz-trailer');
  if (trailer !== undefined && trailer.trim() !== '') {
    const algorithm = BY_HEADER.get(trailer.trim().toLowerCase());
    if (!algorithm || !trailerAllowed) throw BodyErrors.unsupportedTrailer();
    if (out.header) throw BodyErrors.multipleChecksums();
    out.trailer = algorithm;
  }
  const sdk = h(headers, 'x-amz-sdk-checksum-algorithm');
  if (sdk !== undefined) {
    const algorithm = CHECKSUM_ALGORITHMS.find((a) => a === sdk.trim().toUpperCase());
    if (!algorithm) throw BodyErrors.invalidSdkAlgorithm();
    if (!out.header && !out.trailer) throw BodyErrors.sdkAlgorithmWithoutChecksum();
    out.sdkAlgorithm = algorithm;
  }
  const sha = h(headers, 'x-amz-content-sha256');
  if (sha !== undefined && /^[0-9a-f]{64}$/.test(sha)) out.contentSha256 = sha;
  return out;
}

/** Algorithms the expectations need computed. */
export function neededAlgorithms(exp: ChecksumExpectations): ChecksumAlgorithm[] {
  const set = new Set<ChecksumAlgorithm>();
  if (exp.header) set.add(exp.header.algorithm);
  if (exp.trailer) set.add(exp.trailer);
  if (exp.sdkAlgorithm) set.add(exp.sdkAlgorithm);
  return [...set];
}

/**
 * Compares what was computed with what the request promised. `trailers` are the aws-chunked
 * trailing headers. Throws XAmzContentSHA256Mismatch, BadDigest or MalformedTrailerError.
 * Returns the checksum value the request supplied, if any (to store with the object).
 */
export function checkDigests(
  exp: ChecksumExpectations,
  result: ChecksumResult,
  trailers?: ReadonlyMap<string, string>,
): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  if (exp.contentSha256 !== undefined) {
    const computed = result.sha256?.toString('hex');
    if (computed !== exp.contentSha256)
      throw BodyErrors.contentSha256Mismatch(exp.contentSha256, computed ?? '');
  }
  if (exp.contentMd5 !== undefined) {
    const computed = result.md5?.toString('base64');
    if (computed !== exp.contentMd5) throw BodyErrors.badMd5(exp.contentMd5, computed ?? '');
  }
  let supplied: { algorithm: ChecksumAlgorithm; value: string } | undefined = exp.header;
  if (exp.trailer) {
    const name = checksumHeaderName(exp.trailer);
    const value = trailers?.get(name);
    if (value === undefined) throw BodyErrors.malformedTrailer();
    if (!isValidChecksum(exp.trailer, value)) throw BodyErrors.invalidChecksumValue(name, true);
    supplied = { algorithm: exp.trailer, value };
  }
  if (supplied && result.checksums[supplied.algorithm] !== supplied.value)
    throw BodyErrors.badChecksum(supplied.algorithm);
  return supplied;
}
