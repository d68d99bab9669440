/**
 * The one Transform an S3 upload body passes through on its way to the blob store: it
 * removes aws-chunked framing (checking chunk and trailer signatures), computes MD5 and the
 * requested checksums over the decoded bytes, and at the end compares them with what the
 * request promised. The stream errors (AwsError) instead of ending when anything is wrong, so
 * a writer that commits only on a clean end never stores a bad object.
 *
 *   const body = createBodyDecoder({ headers: req.headers, chunkSigning: verified.chunkSigning });
 *   await pipeline(req, body, blobWriteStream);   // rejects with AwsError on bad input
 *   body.result  // { size, md5, checksums: { CRC32: 'base64', ... }, trailers, supplied }
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { ChunkSigningContext } from '../../auth/verify.ts';
import { AwsChunkedParser } from './aws-chunked.ts';
import {
  checkDigests,
  neededAlgorithms,
  readChecksumHeaders,
  type ChecksumAlgorithm,
  type ChecksumExpectations,
  type ChecksumResult,
} from './checksums.ts';
import { BodyErrors } from './errors.ts';
import { openHasher, type Hasher } from './hash-offload.ts';

type Headers = Record<string, string | string[] | undefined>;

export interface BodyDecoderOptions {
  headers: Headers;
  /** From verify(): present when chunks are signed (STREAMING-AWS4-HMAC-SHA256-PAYLOAD*). */
  chunkSigning?: ChunkSigningContext;
  /** Compute MD5 (S3's ETag). Default true. */
  md5?: boolean;
  /** Further algorithms to compute. */
  algorithms?: ChecksumAlgorithm[];
  /** Signed chunks' minimum size (AWS: 8192). */
  minChunkSize?: number;
}

export interface BodyResult extends ChecksumResult {
  /** aws-chunked trailing headers (empty otherwise). */
  trailers: ReadonlyMap<string, string>;
  /** The checksum the client supplied (header or trailer), verified. */
  supplied?: { algorithm: ChecksumAlgorithm; value: string };
}

export type PayloadMode = 'plain' | 'chunked-signed' | 'chunked-signed-trailer' | 'chunked-unsigned-trailer';

export function payloadMode(headers: Headers): PayloadMode {
  const v = headers['x-amz-content-sha256'];
  switch (Array.isArray(v) ? v[0] : v) {
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD':
      return 'chunked-signed';
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER':
      return 'chunked-signed-trailer';
    case 'STREAMING-UNSIGNED-PAYLOAD-TRAILER':
      return 'chunked-unsigned-trailer';
    default:
      return 'plain';
  }
}

export class BodyDecoder extends Transform {
  readonly mode: PayloadMode;
  readonly expectations: ChecksumExpectations;
  /** The decoded length the client declared (aws-chunked), or undefined. */
  readonly declaredLength: number | undefined;
  /** Set once the body has ended cleanly and every check passed. */
  result: BodyResult | undefined;
  private readonly parser: AwsChunkedParser | undefined;
  private readonly options: BodyDecoderOptions;
  private readonly bodyLength: number | undefined;
  private hasher: Hasher | undefined;
  /** The first chunk (or the end) when it came before begin(): held until then. */
  private held: (() => void) | undefined;
  /** A wait for room on the hashing thread, set while decoding one chunk. */
  private waiting: Promise<void> | undefined;
  private readonly push1 = (b: Buffer) => {
    const wait = this.hasher!.update(b);
    if (wait) this.waiting = wait;
    this.push(b);
  };

  constructor(opts: BodyDecoderOptions) {
    super();
    this.options = opts;
    this.mode = payloadMode(opts.headers);
    const chunked = this.mode !== 'plain';
    const trailer = this.mode === 'chunked-signed-trailer' || this.mode === 'chunked-unsigned-trailer';
    this.expectations = readChecksumHeaders(opts.headers, trailer);
    if (chunked) {
      const signed = this.mode !== 'chunked-unsigned-trailer';
      if (signed && !opts.chunkSigning) throw BodyErrors.anonymousSignedStreaming();
      const raw = opts.headers['x-amz-decoded-content-length'];
      const text = Array.isArray(raw) ? raw[0] : raw;
      if (text === undefined || !/^\d+$/.test(text)) throw BodyErrors.missingDecodedLength();
      this.declaredLength = Number(text);
      this.parser = new AwsChunkedParser({
        trailer,
        ...(signed ? { signing: opts.chunkSigning! } : {}),
        ...(opts.minChunkSize !== undefined ? { minChunkSize: opts.minChunkSize } : {}),
      });
      this.bodyLength = this.declaredLength;
    } else {
      const length = Number(opts.headers['content-length']);
      this.bodyLength = Number.isSafeInteger(length) ? length : undefined;
    }
  }

  /**
   * Fixes what is computed over the body: MD5, what the headers ask for, the constructor's
   * algorithms and `algorithms` (a handler's own, such as S3's default checksum). Bytes wait
   * until this is called (reading the decoder calls it with none). False when it was too late:
   * the body was already being decoded with what was known then.
   */
  begin(algorithms: readonly ChecksumAlgorithm[] = []): boolean {
    if (this.hasher) return false;
    const options = {
      algorithms: new Set([
        ...neededAlgorithms(this.expectations),
        ...(this.options.algorithms ?? []),
        ...algorithms,
      ]),
      md5: this.options.md5 ?? true,
      sha256: this.expectations.contentSha256 !== undefined,
    };
    this.hasher = openHasher(options, this.bodyLength);
    const held = this.held;
    this.held = undefined;
    held?.();
    return true;
  }

  override _read(size: number): void {
    if (!this.hasher) this.begin();
    super._read(size);
  }

  override _transform(chunk: Buffer, enc: BufferEncoding, cb: TransformCallback): void {
    if (!this.hasher) {
      this.held = () => this._transform(chunk, enc, cb);
      return;
    }
    try {
      if (this.parser) {
        this.parser.write(chunk, this.push1);
        if (this.declaredLength !== undefined && this.parser.decodedLength > this.declaredLength)
          throw BodyErrors.lengthMismatch();
      } else {
        this.push1(chunk);
      }
    } catch (e) {
      cb(e as Error);
      return;
    }
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting.then(() => cb(), cb);
    else cb();
  }

  override _flush(cb: TransformCallback): void {
    if (!this.hasher) {
      this.held = () => this._flush(cb);
      return;
    }
    let trailers: ReadonlyMap<string, string>;
    try {
      trailers = this.parser?.trailers ?? new Map<string, string>();
      if (this.parser) {
        this.parser.end();
        if (this.parser.decodedLength !== this.declaredLength) throw BodyErrors.lengthMismatch();
      }
    } catch (e) {
      cb(e as Error);
      return;
    }
    const check = (sums: ChecksumResult) => {
      try {
        const supplied = checkDigests(this.expectations, sums, trailers);
        this.result = { ...sums, trailers, ...(supplied ? { supplied } : {}) };
        cb();
      } catch (e) {
        cb(e as Error);
      }
    };
    let sums;
    try {
      sums = this.hasher.finish();
    } catch (e) {
      cb(e as Error);
      return;
    }
    if (sums instanceof Promise) sums.then(check, cb);
    else check(sums);
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    // A body that failed or was cut off gives its ring back (no-op once finished).
    this.hasher?.abort?.();
    cb(err);
  }
}

/** Builds the decoder; throws AwsError synchronously for bad checksum or length headers. */
export function createBodyDecoder(opts: BodyDecoderOptions): BodyDecoder {
  return new BodyDecoder(opts);
}

/**
 * The Content-Encoding to store with an object: S3 drops the aws-chunked token (it describes
 * the upload, not the object) and keeps the rest ("aws-chunked,gzip" → "gzip").
 */
export function storedContentEncoding(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const rest = value
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '' && t.toLowerCase() !== 'aws-chunked');
  return rest.length > 0 ? rest.join(',') : undefined;
}
