/**
 * Push parser for `aws-chunked` bodies (S3 streaming uploads):
 *
 *   <hex-size>[;chunk-signature=<sig>]\r\n<data>\r\n ... 0[;chunk-signature=<sig>]\r\n
 *   [<trailer>:<value>\r\n ... [x-amz-trailer-signature:<sig>\r\n]]\r\n
 *
 * Data is handed on as sub-arrays of the input buffers (no copies). Signed chunks are checked
 * as each one ends, chained from the seed signature; the trailer signature chains from the
 * final chunk's. Errors are thrown as AwsError.
 */
import { createHash, createHmac, type Hash } from 'node:crypto';
import type { ChunkSigningContext } from '../../auth/verify.ts';
import { signaturesEqual, EMPTY_SHA256 } from '../../auth/sigv4.ts';
import { BodyErrors } from './errors.ts';

export interface AwsChunkedOptions {
  /** Present for STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]: chunk signatures are verified. */
  signing?: ChunkSigningContext;
  /** Whether trailing headers follow the final chunk (the *-TRAILER variants). */
  trailer: boolean;
  /** Signed uploads: every chunk but the last must be at least this big (AWS: 8 KiB). */
  minChunkSize?: number;
}

const enum State {
  Header,
  Data,
  DataCrlf,
  Trailer,
  Done,
}

const MAX_LINE = 4096;
const MAX_TRAILER_BYTES = 16 * 1024;
const MIN_CHUNK = 8192;

export class AwsChunkedParser {
  private state = State.Header;
  private line: Buffer[] = [];
  private lineLen = 0;
  private remaining = 0;
  private crlfSeen = 0;
  private chunkHash: Hash | undefined;
  private chunkSig = '';
  private prevSig: string;
  private chunkIndex = 0;
  private lastSize = -1;
  private trailerBytes = 0;
  private trailerLines: Array<[string, string]> = [];
  private trailerSignature: string | undefined;
  /** Decoded bytes handed on so far. */
  decodedLength = 0;
  /** Trailing headers (lower-cased names), complete once `done`. */
  readonly trailers = new Map<string, string>();

  constructor(private readonly opts: AwsChunkedOptions) {
    this.prevSig = opts.signing?.seedSignature ?? '';
  }

  get done(): boolean {
    return this.state === State.Done;
  }

  /** Feeds raw body bytes; calls onData with decoded payload slices. */
  write(buf: Buffer, onData: (data: Buffer) => void): void {
    let i = 0;
    const n = buf.length;
    while (i < n) {
      switch (this.state) {
        case State.Header: {
          const line = this.takeLine(buf, i);
          if (line === undefined) return;
          i = line.next;
          this.startChunk(line.text);
          break;
        }
        case State.Data: {
          const take = Math.min(this.remaining, n - i);
          const slice = buf.subarray(i, i + take);
          this.chunkHash?.update(slice);
          this.decodedLength += take;
          onData(slice);
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) this.state = State.DataCrlf;
          break;
        }
        case State.DataCrlf: {
          const expected = this.crlfSeen === 0 ? 13 : 10;
          if (buf[i] !== expected) throw BodyErrors.incompleteBody();
          i++;
          if (++this.crlfSeen === 2) {
            this.crlfSeen = 0;
            this.state = State.Header;
            this.endChunk();
          }
          break;
        }
        case State.Trailer: {
          const line = this.takeLine(buf, i);
          if (line === undefined) return;
          this.trailerBytes += line.next - i;
          if (this.trailerBytes > MAX_TRAILER_BYTES) throw BodyErrors.malformedTrailer();
          i = line.next;
          this.trailerLine(line.text);
          break;
        }
        case State.Done: {
          // Tolerate stray line ends after the final CRLF; anything else is malformed.
          if (buf[i] !== 13 && buf[i] !== 10) throw BodyErrors.incompleteBody();
          i++;
          break;
        }
      }
    }
  }

  /** The body ended: throws unless the final chunk (and trailer) arrived. */
  end(): void {
    if (this.state === State.Trailer && this.lineLen === 0 && this.trailerLines.length > 0) {
      // Some clients end the trailer section without the last empty line.
      this.finishTrailer();
    }
    if (this.state !== State.Done) throw BodyErrors.incompleteBody();
  }

  private takeLine(buf: Buffer, start: number): { text: string; next: number } | undefined {
    const nl = buf.indexOf(10, start);
    if (nl < 0) {
      this.line.push(buf.subarray(start));
      this.lineLen += buf.length - start;
      if (this.lineLen > MAX_LINE)
        throw this.state === State.Trailer ? BodyErrors.malformedTrailer() : BodyErrors.incompleteBody();
      return undefined;
    }
    let bytes = buf.subarray(start, nl);
    if (this.lineLen > 0) {
      this.line.push(bytes);
      bytes = Buffer.concat(this.line);
      this.line = [];
      this.lineLen = 0;
    }
    if (bytes.length > MAX_LINE) throw BodyErrors.incompleteBody();
    let text = bytes.toString('latin1');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return { text, next: nl + 1 };
  }

  private startChunk(text: string): void {
    const semi = text.indexOf(';');
    const sizeText = (semi < 0 ? text : text.slice(0, semi)).trim();
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw BodyErrors.incompleteBody();
    const size = parseInt(sizeText, 16);
    if (!Number.isSafeInteger(size)) throw BodyErrors.incompleteBody();
    if (this.opts.signing) {
      const m = /(?:^|;)\s*chunk-signature=([0-9a-f]{64})\s*$/.exec(semi < 0 ? '' : text.slice(semi));
      if (!m) throw BodyErrors.incompleteBody();
      this.chunkSig = m[1]!;
      const min = this.opts.minChunkSize ?? MIN_CHUNK;
      if (size > 0 && this.lastSize >= 0 && this.lastSize < min) {
        throw BodyErrors.invalidChunkSize(this.chunkIndex, this.lastSize);
      }
      this.chunkHash = size > 0 ? createHash('sha256') : undefined;
    }
    this.chunkIndex++;
    this.lastSize = size;
    if (size > 0) {
      this.remaining = size;
      this.state = State.Data;
      return;
    }
    // The final chunk.
    if (this.opts.signing) this.endChunk();
    if (this.opts.trailer) this.state = State.Trailer;
    else {
      this.state = State.DataCrlf;
      this.crlfSeen = 0;
      this.finalPending = true;
    }
  }

  private finalPending = false;

  private endChunk(): void {
    if (this.finalPending) {
      this.finalPending = false;
      this.state = State.Done;
      return;
    }
    const s = this.opts.signing;
    if (!s) return;
    const dataHash = this.chunkHash ? this.chunkHash.digest('hex') : EMPTY_SHA256;
    this.chunkHash = undefined;
    const sts = `AWS4-HMAC-SHA256-PAYLOAD\n${s.amzDate}\n${s.scope}\n${this.prevSig}\n${EMPTY_SHA256}\n${dataHash}`;
    const expected = createHmac('sha256', s.signingKey).update(sts).digest('hex');
    if (!signaturesEqual(expected, this.chunkSig)) {
      throw BodyErrors.chunkSignatureMismatch({
        accessKeyId: s.accessKeyId,
        stringToSign: sts,
        signatureProvided: this.chunkSig,
        canonicalRequest: s.canonicalRequest,
      });
    }
    this.prevSig = this.chunkSig;
  }

  private trailerLine(text: string): void {
    if (text === '') {
      this.finishTrailer();
      return;
    }
    const colon = text.indexOf(':');
    if (colon <= 0) throw BodyErrors.malformedTrailer();
    const name = text.slice(0, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') {
      this.trailerSignature = value;
      return;
    }
    if (this.trailerSignature !== undefined) throw BodyErrors.malformedTrailer();
    this.trailerLines.push([name, value]);
  }

  private finishTrailer(): void {
    const s = this.opts.signing;
    if (s) {
      if (this.trailerSignature === undefined) throw BodyErrors.malformedTrailer();
      const canonical = this.trailerLines.map(([k, v]) => `${k}:${v}\n`).join('');
      const hash = createHash('sha256').update(canonical).digest('hex');
      const sts = `AWS4-HMAC-SHA256-TRAILER\n${s.amzDate}\n${s.scope}\n${this.prevSig}\n${hash}`;
      const expected = createHmac('sha256', s.signingKey).update(sts).digest('hex');
      if (!signaturesEqual(expected, this.trailerSignature)) {
        throw BodyErrors.chunkSignatureMismatch({
          accessKeyId: s.accessKeyId,
          stringToSign: sts,
          signatureProvided: this.trailerSignature,
          canonicalRequest: s.canonicalRequest,
        });
      }
    }
    for (const [k, v] of this.trailerLines) this.trailers.set(k, v);
    this.state = State.Done;
  }
}
