/**
 * S3 request bodies stay streams: the socket is piped through the body decoder, which removes
 * aws-chunked framing (checking chunk and trailer signatures), checks a signed payload hash,
 * computes MD5 and checksums, and compares them with what the request promised — erroring the
 * stream (with the AwsError) rather than ending it when anything is wrong. Handlers read
 * `(ctx.body as BodyDecoder).result` once the stream has ended.
 */
import type { Readable } from 'node:stream';
import type { VerifiedAuth } from '../../auth/verify.ts';
import { createBodyDecoder } from '../../protocol/streaming/body.ts';
import { BodyErrors } from '../../protocol/streaming/errors.ts';
import { checkRequiredChecksum } from '../../protocol/s3/required-checksum.ts';
import type { RequestContext } from '../context.ts';

function hasBody(ctx: RequestContext): boolean {
  const length = ctx.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return ctx.headers['transfer-encoding'] !== undefined;
}

/**
 * CompleteMultipartUpload's x-amz-checksum-<algorithm> is the whole object's checksum (checked by
 * the handler against the joined parts), not the XML body's: the decoder must not see it.
 */
function bodyHeaders(ctx: RequestContext): RequestContext['headers'] {
  if (ctx.operation?.name !== 'CompleteMultipartUpload') return ctx.headers;
  const out = { ...ctx.headers };
  for (const name of Object.keys(out))
    if (/^x-amz-checksum-(crc32|crc32c|crc64nvme|sha1|sha256)$/.test(name)) delete out[name];
  return out;
}

export function wrapS3Body(ctx: RequestContext, verified: VerifiedAuth | undefined): Readable {
  checkRequiredChecksum(ctx.operation?.name, ctx.headers);
  if (!hasBody(ctx) && !ctx.headers['x-amz-decoded-content-length']) return ctx.body;
  // Throws AwsError synchronously for malformed checksum or length headers.
  const decoder = createBodyDecoder({ headers: bodyHeaders(ctx), chunkSigning: verified?.chunkSigning });
  // Errors of either side end up on the decoder, which is what the handler reads. (pipe rather
  // than stream.pipeline: pipeline builds an AbortController and a DOMException per request.)
  const source = ctx.body;
  source.on('error', (err) => decoder.destroy(err));
  // A client that goes away mid-body never ends the stream: fail it instead of hanging.
  source.on('close', () => {
    if (!source.readableEnded) decoder.destroy(BodyErrors.incompleteBody());
  });
  source.pipe(decoder);
  return decoder;
}
