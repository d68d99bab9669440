import type { Readable } from 'node:stream';

/** What a protocol serializer hands back to the server to write. */
export interface SerializedResponse {
  status: number;
  headers: Record<string, string>;
  body?: string | Buffer | Readable;
}
