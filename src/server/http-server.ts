/**
 * The AWS endpoint: a bare node:http server (no web framework) that hands every request to the
 * pipeline, except Stratus's own routes under /_stratus/ and hosts a service serves itself
 * (app.hostRoutes: S3 website endpoints such as bucket.s3-website.localhost).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { App } from '../app.ts';
import { handleRequest } from '../pipeline/chain.ts';

export type InternalRoute = (req: IncomingMessage, res: ServerResponse, app: App) => Promise<void> | void;

export interface ServerOptions {
  host: string;
  port: number;
  /** Routes under /_stratus/ keyed by path prefix (e.g. '/_stratus/health'). */
  internal: Record<string, InternalRoute>;
}

export function createStratusServer(app: App, options: ServerOptions): Server {
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    if (url.startsWith('/_stratus/')) {
      const prefix = Object.keys(options.internal).find(
        (p) => url === p || url.startsWith(p + '/') || url.startsWith(p + '?'),
      );
      if (prefix) {
        Promise.resolve(options.internal[prefix]!(req, res, app)).catch((err: unknown) => {
          console.error('internal route failed', err);
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'internal error' }));
        });
        return;
      }
    }
    for (const route of app.hostRoutes ?? []) if (route(req, res)) return;
    handleRequest(app, req, res).catch((err: unknown) => {
      // handleRequest answers every AWS error itself; this is a last resort for bugs.
      console.error('unhandled request failure', err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/xml' });
      res.end();
    });
  };
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, onRequest);
  // S3 ignores an Expect value other than 100-continue (s3-tests' bad_expect_mismatch/empty);
  // without this listener node answers 417 Expectation Failed itself.
  server.on('checkExpectation', onRequest);
  server.on('clientError', onClientError);
  server.headersTimeout = 60_000;
  return server;
}

/**
 * Bytes past a request's Content-Length (a client that declared too few) do not parse as a next
 * request. Node's default answer, a bare 400 with the socket destroyed, would cut off the
 * response the earlier request is still owed (S3 answers it: BadDigest for the short body);
 * that response goes first, then the connection closes.
 */
function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const pending = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (pending && !pending.writableFinished) {
    pending.shouldKeepAlive = false;
    pending.once('finish', () => socket.destroy());
    pending.once('close', () => socket.destroy());
    return;
  }
  // Node's own answers otherwise.
  const status =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? '431 Request Header Fields Too Large'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? '408 Request Timeout'
        : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolveListen(typeof address === 'object' && address ? address.port : port);
    });
  });
}
