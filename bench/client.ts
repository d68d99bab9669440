/**
 * A lean S3 client for load generation: keep-alive sockets, SigV4 header signing with a cached
 * signing key and UNSIGNED-PAYLOAD (so the generator never hashes bodies), no SDK overhead.
 */
import { createHmac, createHash } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';

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

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export class S3Bench {
  readonly agent: http.Agent;
  readonly host: string;
  readonly port: number;

  constructor(endpoint: string, sockets = 16) {
    const url = new URL(endpoint);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
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
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
    const signature = createHmac('sha256', signingKey(day)).update(toSign).digest('hex');
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${ACCESS}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
    if (Buffer.isBuffer(body)) headers['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.host,
          port: this.port,
          method,
          path: encodedPath + (qs ? `?${qs}` : ''),
          headers,
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => {
            if (!discardBody) chunks.push(c);
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (body instanceof Readable) body.pipe(req);
      else req.end(body);
    });
  }

  /** Closes kept-alive sockets the server may be timing out (before reuse after a pause). */
  dropIdleSockets(): void {
    for (const sockets of Object.values(this.agent.freeSockets)) for (const s of sockets ?? []) s.destroy();
  }

  close(): void {
    this.agent.destroy();
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
