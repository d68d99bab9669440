/**
 * A minimal HTTP/1.1 keep-alive client for load generation. node:http's client costs ~150 µs of
 * CPU per request here (ClientRequest, IncomingMessage, the parser, agent bookkeeping): against
 * the bare servers that made the generator, not the server, the bottleneck. This one writes
 * the head as one string and reads responses by Content-Length (or chunked framing): one
 * request in flight per socket, no pipelining.
 */
import net from 'node:net';
import type { Readable } from 'node:stream';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

interface Pending {
  resolve: (r: RawResponse) => void;
  reject: (e: Error) => void;
  head: boolean;
  discard: boolean;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/** One keep-alive connection: parses one response at a time. */
class Connection {
  readonly socket: net.Socket;
  closed = false;
  private pending: Pending | undefined;
  private buf: Buffer | undefined;
  private status = 0;
  private headers: Record<string, string> = {};
  /** Body bytes still expected (-1: chunked, -2: until close), or undefined while in the head. */
  private remaining: number | undefined;
  private chunks: Buffer[] = [];
  private keepAlive = true;

  constructor(host: string, port: number) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (d: Buffer) => this.onData(d));
    const fail = (err?: Error) => {
      if (this.closed) return;
      this.closed = true;
      if (this.remaining === -2 && this.pending) return this.finish();
      this.pending?.reject(err ?? new Error('socket closed before the response was complete'));
      this.pending = undefined;
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail());
  }

  send(head: string, body: Buffer | Readable | undefined, p: Pending): void {
    this.pending = p;
    this.remaining = undefined;
    this.status = 0;
    this.headers = {};
    this.chunks = [];
    if (body === undefined) {
      this.socket.write(head, 'latin1');
    } else if (Buffer.isBuffer(body)) {
      this.socket.cork();
      this.socket.write(head, 'latin1');
      this.socket.write(body);
      this.socket.uncork();
    } else {
      this.socket.write(head, 'latin1');
      body.on('error', (e) => this.socket.destroy(e));
      body.pipe(this.socket, { end: false });
    }
  }

  private onData(d: Buffer): void {
    let data = this.buf ? Buffer.concat([this.buf, d]) : d;
    this.buf = undefined;
    while (data.length && this.pending) {
      if (this.remaining === undefined) {
        const end = data.indexOf(CRLF2);
        if (end < 0) {
          this.buf = data;
          return;
        }
        this.parseHead(data.toString('latin1', 0, end));
        data = data.subarray(end + 4);
        if (this.remaining === 0) this.finish();
        continue;
      }
      if (this.remaining === -1) {
        data = this.chunked(data);
        continue;
      }
      if (this.remaining === -2) {
        if (!this.pending.discard) this.chunks.push(data);
        return;
      }
      const n = Math.min(this.remaining, data.length);
      if (!this.pending.discard) this.chunks.push(data.subarray(0, n));
      this.remaining -= n;
      data = data.subarray(n);
      if (this.remaining === 0) this.finish();
    }
  }

  private parseHead(text: string): void {
    const lines = text.split('\r\n');
    this.status = Number(lines[0]!.slice(9, 12));
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      this.headers[name] = this.headers[name] === undefined ? value : `${this.headers[name]}, ${value}`;
    }
    const connection = this.headers.connection?.toLowerCase();
    // HTTP/1.0 (werkzeug, under moto_server) closes unless it says keep-alive.
    this.keepAlive = lines[0]!.startsWith('HTTP/1.0') ? connection === 'keep-alive' : connection !== 'close';
    const noBody =
      this.pending!.head ||
      this.status === 204 ||
      this.status === 304 ||
      (this.status >= 100 && this.status < 200);
    if (noBody) this.remaining = 0;
    else if (this.headers['transfer-encoding']?.toLowerCase().includes('chunked')) this.remaining = -1;
    else if (this.headers['content-length'] !== undefined)
      this.remaining = Number(this.headers['content-length']);
    else {
      this.remaining = -2;
      this.keepAlive = false;
    }
    if (this.status === 100) this.remaining = undefined; // an interim response: the real one follows
  }

  /** Consumes chunked framing from data; returns what follows the last complete piece. */
  private chunked(data: Buffer): Buffer {
    for (;;) {
      const eol = data.indexOf('\r\n');
      if (eol < 0) {
        this.buf = data;
        return Buffer.alloc(0);
      }
      const size = parseInt(data.toString('latin1', 0, eol), 16);
      if (size === 0) {
        // Trailers (none expected) end with an empty line.
        const end = data.indexOf(CRLF2, eol - 2);
        if (end < 0) {
          this.buf = data;
          return Buffer.alloc(0);
        }
        this.finish();
        return data.subarray(end + 4);
      }
      if (data.length < eol + 2 + size + 2) {
        this.buf = data;
        return Buffer.alloc(0);
      }
      if (!this.pending!.discard) this.chunks.push(data.subarray(eol + 2, eol + 2 + size));
      data = data.subarray(eol + 2 + size + 2);
    }
  }

  private finish(): void {
    const p = this.pending!;
    this.pending = undefined;
    this.remaining = undefined;
    if (!this.keepAlive) {
      this.closed = true;
      this.socket.destroy();
    }
    p.resolve({ status: this.status, headers: this.headers, body: Buffer.concat(this.chunks) });
  }
}

/** Up to `max` keep-alive connections to one server; requests wait for a free one. */
export class RawHttpPool {
  private idle: Connection[] = [];
  private open = 0;
  private waiters: ((c: Connection) => void)[] = [];

  constructor(
    readonly host: string,
    readonly port: number,
    readonly max: number,
  ) {}

  /** Sends `head` (request line and headers, ending in a blank line) and then the body. */
  async request(
    head: string,
    body: Buffer | Readable | undefined,
    isHead: boolean,
    discard: boolean,
  ): Promise<RawResponse> {
    const conn = await this.acquire();
    try {
      return await new Promise<RawResponse>((resolve, reject) =>
        conn.send(head, body, { resolve, reject, head: isHead, discard }),
      );
    } finally {
      this.release(conn);
    }
  }

  /** Closes idle connections (the server may be timing them out). */
  dropIdle(): void {
    for (const c of this.idle.splice(0)) {
      c.closed = true;
      c.socket.destroy();
      this.open--;
    }
  }

  close(): void {
    this.dropIdle();
  }

  private acquire(): Promise<Connection> {
    while (this.idle.length) {
      const c = this.idle.pop()!;
      if (!c.closed) return Promise.resolve(c);
      this.open--;
    }
    if (this.open < this.max) {
      this.open++;
      return Promise.resolve(new Connection(this.host, this.port));
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(c: Connection): void {
    if (c.closed) {
      this.open--;
      const w = this.waiters.shift();
      if (w) {
        this.open++;
        w(new Connection(this.host, this.port));
      }
      return;
    }
    const w = this.waiters.shift();
    if (w) w(c);
    else this.idle.push(c);
  }
}
