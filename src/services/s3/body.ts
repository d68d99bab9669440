/**
 * Request bodies to blobs: the body streams through the decoder (aws-chunked framing removed,
 * MD5 and checksums computed, Content-MD5 / x-amz-checksum-* / trailers verified) straight into
 * a new blob. The blob is published only when the stream ended cleanly and every check passed;
 * otherwise it is removed and the AwsError of the failed check is thrown.
 *
 * The pipeline's s3-body step may already have wrapped ctx.body in a BodyDecoder (it holds
 * the chunk-signing key); otherwise one is made here from the headers.
 */
import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { BodyDecoder, createBodyDecoder } from '../../protocol/streaming/body.ts';
import {
  ChecksumTracker,
  neededAlgorithms,
  type ChecksumAlgorithm,
} from '../../protocol/streaming/checksums.ts';
import { BlobTooLargeError, type BlobStore } from '../../blob/blob-store.ts';
import { AwsError } from '../../errors.ts';
import { MissingContentLength, RequestTimeout } from '../../generated/s3/errors.ts';
import type { HandlerContext } from '../handler.ts';

/** S3's single PUT limit. */
export const MAX_PUT_SIZE = 5 * 1024 ** 3;

export interface StoredBody {
  blobId: string;
  size: number;
  md5: Buffer;
  /** Every checksum computed (base64). */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
  /** The checksum the client supplied (header or trailer), verified. */
  supplied?: { algorithm: ChecksumAlgorithm; value: string };
  /** x-amz-sdk-checksum-algorithm, or the algorithm of the supplied checksum. */
  algorithm?: ChecksumAlgorithm;
  /** The default checksum computed because the request named none (opts.defaultAlgorithm). */
  defaulted?: { algorithm: ChecksumAlgorithm; value: string };
}

const noop = () => {};

/**
 * How long a request body may stall before S3 gives up on it with 400 RequestTimeout (a client
 * that declared more Content-Length than it sends). STRATUS_S3_BODY_IDLE_SECONDS overrides it;
 * read once (process.env is slow to read on every request).
 */
let idleMsSetting: number | undefined;
function bodyIdleMs(): number {
  if (idleMsSetting === undefined) {
    const v = Number(process.env.STRATUS_S3_BODY_IDLE_SECONDS);
    idleMsSetting = (Number.isFinite(v) && v > 0 ? v : 20) * 1000;
  }
  return idleMsSetting;
}

/** Why a stalled body's decoder was destroyed (told apart from the client's own errors). */
class BodyStalled extends Error {}

export function entityTooLarge(size: number, max: number): AwsError {
  return new AwsError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
    ProposedSize: String(size),
    MaxSizeAllowed: String(max),
  });
}

/** The decoder for this request's body (the pipeline's, or a new one over the raw stream). */
export function decodedBody(ctx: HandlerContext, body: Readable | undefined): BodyDecoder {
  const source = body ?? ctx.body;
  if (source instanceof BodyDecoder) return source;
  const decoder = createBodyDecoder({ headers: ctx.request.headers });
  if (source) pipeline(source, decoder, noop);
  else decoder.end();
  return decoder;
}

export async function storeBody(
  blobs: BlobStore,
  ctx: HandlerContext,
  opts: {
    body?: Readable;
    algorithms?: ChecksumAlgorithm[];
    maxBytes?: number;
    /** Computed when the request names no checksum at all (S3 adds CRC64NVME to such objects). */
    defaultAlgorithm?: ChecksumAlgorithm;
  } = {},
): Promise<StoredBody> {
  const maxBytes = opts.maxBytes ?? MAX_PUT_SIZE;
  // An upload must say how long it is (or stream chunked); a bare PUT is refused, not stored empty.
  const h = ctx.request.headers;
  if (h['content-length'] === undefined && h['transfer-encoding'] === undefined)
    throw new MissingContentLength();
  const declared = Number(
    ctx.request.headers['x-amz-decoded-content-length'] ?? ctx.request.headers['content-length'] ?? NaN,
  );
  if (declared > maxBytes) throw entityTooLarge(declared, maxBytes);
  const decoder = decodedBody(ctx, opts.body);
  // Algorithms the decoder does not compute itself (the upload's algorithm for a part, ...).
  const own = new Set(neededAlgorithms(decoder.expectations));
  const asked = opts.algorithms ?? [];
  const named = own.size > 0 || decoder.expectations.sdkAlgorithm !== undefined || asked.length > 0;
  const fallback = named ? undefined : opts.defaultAlgorithm;
  const extra = (fallback ? [...asked, fallback] : asked).filter((a) => !own.has(a));
  // The decoder computes them along with MD5 unless it started decoding before it was told.
  const tracker =
    !decoder.begin(extra) && extra.length ? new ChecksumTracker({ algorithms: extra }) : undefined;
  // One timer per body, pushed back by each chunk (refresh, not a new timer per chunk; no
  // AbortController per request: its construction costs more than the rest of this step).
  const timer = setTimeout(() => decoder.destroy(new BodyStalled()), bodyIdleMs());
  let info;
  try {
    info = await blobs.write(decoder, {
      maxBytes,
      ...(Number.isSafeInteger(declared) ? { sizeHint: declared } : {}),
      onChunk: tracker
        ? (c: Uint8Array) => {
            timer.refresh();
            tracker.update(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
          }
        : () => void timer.refresh(),
    });
  } catch (e) {
    // The rest of the declared body may still come: the connection cannot carry another request.
    if (e instanceof BodyStalled) throw new RequestTimeout(undefined, {}, { connection: 'close' });
    if (e instanceof BlobTooLargeError) throw entityTooLarge(maxBytes + 1, maxBytes);
    throw e;
  } finally {
    clearTimeout(timer);
  }
  const result = decoder.result;
  if (!result || !result.md5) {
    await blobs.delete(info.id);
    throw new AwsError('IncompleteBody', 'The request body terminated unexpectedly', 400);
  }
  const checksums = { ...(tracker?.finish().checksums ?? {}), ...result.checksums };
  const algorithm = decoder.expectations.sdkAlgorithm ?? result.supplied?.algorithm;
  const fallbackValue = fallback ? checksums[fallback] : undefined;
  return {
    blobId: info.id,
    size: info.size,
    md5: result.md5,
    checksums,
    ...(result.supplied ? { supplied: result.supplied } : {}),
    ...(algorithm ? { algorithm } : {}),
    ...(fallback && fallbackValue ? { defaulted: { algorithm: fallback, value: fallbackValue } } : {}),
  };
}
