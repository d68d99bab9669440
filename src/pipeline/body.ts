/** Buffers small request bodies (query/json protocols, S3 XML payloads) with a hard size limit. */
import type { Readable } from 'node:stream';
import { AwsError } from '../errors.ts';

export async function readBody(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream.destroy();
      throw new AwsError('RequestEntityTooLarge', `Request body exceeds ${limit} bytes`, 413);
    }
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}
