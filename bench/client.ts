/**
 * A lean S3 client for load generation: keep-alive sockets (raw-http.ts, not node:http's client),
 * SigV4 header signing with a cached signing key and UNSIGNED-PAYLOAD (so the generator never
 * hashes bodies), no SDK overhead.
 */
import * as crypto from 'node:crypto';
import { createHmac, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { RawHttpPool, type RawResponse } from './raw-http.ts';

// One-shot hashing where Node has it (20.12+): no Hash object per request.
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;
const sha256Hex = (s: string): string =>
  oneShot ? oneShot('sha256', s, 'hex') : createHash('sha256').update(s).digest('hex');

const ACCESS = 'test';
const SECRET = 'test';
const REGION = 'us-east-1';

let cachedDay = '';
let cachedKey: Buffer = Buffer.alloc(0);
function signingKey(day: string): Buffer {
  if (day !== cachedDay) {
    const k1 = createHmac('sha256', `AWS4${SECRET}`).update(day).digest();
    const k2 = createHmac('sha256', k1).update(REGION).digest();
    const k3 = createHmac('sha256', k2).update('s3').digest();
    cachedKey = createHmac('sha256', k3).update('aws4_request').digest();
    cachedDay = day;
  }
  return cachedKey;
}

function encodePath(path: string): string {
  return path
    .split('/')
    .map((s) =>
      encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('/');
}

function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(query[k]!)}`)
    .join('&');
}

export type Response = RawResponse;

export class S3Bench {
  readonly pool: RawHttpPool;
  readonly host: string;
  readonly port: number;

  constructor(endpoint: string, sockets = 16) {
    const url = new URL(endpoint);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.pool = new RawHttpPool(this.host, this.port, sockets);
  }

  request(
    method: string,
    path: string,
    query: Record<string, string> = {},
    body?: Buffer | Readable,
    extraHeaders: Record<string, string> = {},
    discardBody = false,
  ): Promise<Response> {
    const now = new Date();
    const amzDate = now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const day = amzDate.slice(0, 8);
    const encodedPath = encodePath(path);
    const qs = canonicalQuery(query);
    const host = `${this.host}:${this.port}`;
    const headers: Record<string, string> = {
      host,
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      'x-amz-date': amzDate,
      ...extraHeaders,
    };
    const signed = Object.keys(headers).sort();
    const canonical = [
      method,
      encodedPath,
      qs,
      signed.map((h) => `${h}:${headers[h]}\n`).join(''),
      signed.join(';'),
      'UNSIGNED-PAYLOAD',
    ].join('\n');
    const scope = `${day}/${REGION}/s3/aws4_request`;
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
    const signature = createHmac('sha256', signingKey(day)).update(toSign).digest('hex');
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${ACCESS}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
    if (Buffer.isBuffer(body)) headers['content-length'] = String(body.length);
    else if (body instanceof Readable && headers['content-length'] === undefined)
      throw new Error('a streamed body needs a content-length header');
    else if (body === undefined && (method === 'PUT' || method === 'POST')) headers['content-length'] = '0';
    let head = `${method} ${encodedPath}${qs ? `?${qs}` : ''} HTTP/1.1\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    return this.pool.request(`${head}\r\n`, body, method === 'HEAD', discardBody);
  }

  /** Closes kept-alive sockets the server may be timing out (before reuse after a pause). */
  dropIdleSockets(): void {
    this.pool.dropIdle();
  }

  close(): void {
    this.pool.close();
  }
}

/** Runs `op(i)` with `concurrency` in flight for `seconds`; returns ops/s. Fails on non-2xx. */
export async function throughput(
  seconds: number,
  concurrency: number,
  op: (i: number) => Promise<Response>,
): Promise<{ perSecond: number; count: number }> {
  let i = 0;
  let count = 0;
  const end = Date.now() + seconds * 1000;
  const started = Date.now();
  const worker = async () => {
    while (Date.now() < end) {
      const res = await op(i++);
      if (res.status >= 300) throw new Error(`status ${res.status}: ${res.body.toString().slice(0, 300)}`);
      count++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { perSecond: count / ((Date.now() - started) / 1000), count };
}
