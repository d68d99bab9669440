import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  createBodyDecoder,
  type BodyDecoderOptions,
  type BodyResult,
} from '../../src/protocol/streaming/body.ts';

/** Streams `body` in pieces of `piece` bytes through a BodyDecoder; returns decoded bytes. */
export async function decode(
  body: Buffer,
  opts: BodyDecoderOptions,
  piece = 65536,
): Promise<{ data: Buffer; result: BodyResult }> {
  const dec = createBodyDecoder(opts);
  const out: Buffer[] = [];
  async function* pieces() {
    for (let i = 0; i < body.length; i += piece) yield body.subarray(i, i + piece);
  }
  await pipeline(
    Readable.from(pieces()),
    dec,
    new Writable({
      write(c: Buffer, _e, cb) {
        out.push(c);
        cb();
      },
    }),
  );
  return { data: Buffer.concat(out), result: dec.result! };
}

export async function decodeError(
  body: Buffer,
  opts: BodyDecoderOptions,
  piece = 65536,
): Promise<{ code: string; message: string; extra: Record<string, string> }> {
  try {
    await decode(body, opts, piece);
  } catch (e: any) {
    if (typeof e?.code === 'string' && e.extra) return e;
    throw e;
  }
  throw new Error('expected the body to fail');
}
