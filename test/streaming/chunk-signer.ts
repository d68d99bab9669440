// An aws-chunked encoder written from the AWS docs ("Signature Calculations for the
// Authorization Header: Transferring Payload in Multiple Chunks" and "... trailing headers"),
// independent of src/, to produce bodies the way SDKs do.
import { createHash, createHmac } from 'node:crypto';

const EMPTY = createHash('sha256').digest('hex');
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export interface ChunkSignerInput {
  secret: string;
  date: string; // 20130524T000000Z
  region: string;
  service: string;
  seedSignature?: string; // absent: unsigned chunks
  trailers?: Array<[string, string]>;
  chunkSize: number;
}

export function encodeChunked(data: Buffer, i: ChunkSignerInput): Buffer {
  const day = i.date.slice(0, 8);
  const scope = `${day}/${i.region}/${i.service}/aws4_request`;
  let key: Buffer = createHmac('sha256', 'AWS4' + i.secret)
    .update(day)
    .digest();
  for (const part of [i.region, i.service, 'aws4_request'])
    key = createHmac('sha256', key).update(part).digest();
  let prev = i.seedSignature ?? '';
  const parts: Buffer[] = [];
  const sign = (chunk: Buffer) => {
    const sts = ['AWS4-HMAC-SHA256-PAYLOAD', i.date, scope, prev, EMPTY, sha(chunk)].join('\n');
    prev = createHmac('sha256', key).update(sts).digest('hex');
    return prev;
  };
  const chunks: Buffer[] = [];
  for (let off = 0; off < data.length; off += i.chunkSize) chunks.push(data.subarray(off, off + i.chunkSize));
  chunks.push(Buffer.alloc(0));
  for (const c of chunks) {
    const ext = i.seedSignature ? `;chunk-signature=${sign(c)}` : '';
    parts.push(Buffer.from(`${c.length.toString(16)}${ext}\r\n`), c);
    if (c.length > 0) parts.push(Buffer.from('\r\n'));
  }
  if (i.trailers) {
    let t = i.trailers.map(([k, v]) => `${k}:${v}\r\n`).join('');
    if (i.seedSignature) {
      const canon = i.trailers.map(([k, v]) => `${k}:${v}\n`).join('');
      const sts = ['AWS4-HMAC-SHA256-TRAILER', i.date, scope, prev, sha(canon)].join('\n');
      t += `x-amz-trailer-signature:${createHmac('sha256', key).update(sts).digest('hex')}\r\n`;
    }
    parts.push(Buffer.from(t + '\r\n'));
  } else {
    parts.push(Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}
