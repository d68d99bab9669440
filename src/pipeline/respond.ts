/** Writes a serialized response to the socket, streaming bodies, and drains unread request bodies. */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RequestContext } from './context.ts';

export async function writeResponse(ctx: RequestContext): Promise<void> {
  const { res, req } = ctx;
  const response = ctx.response!;
  const headers: Record<string, string> = {
    server: 'Stratus',
    date: new Date().toUTCString(),
    ...response.headers,
  };
  const body = response.body;
  const noBody = ctx.method === 'HEAD' || response.status === 204 || response.status === 304;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (headers['content-length'] === undefined) headers['content-length'] = String(buf.length);
    finishRequestBody(ctx);
    res.writeHead(response.status, headers);
    res.end(noBody ? undefined : buf);
    return;
  }
  if (body instanceof Readable) {
    finishRequestBody(ctx);
    res.writeHead(response.status, headers);
    if (noBody) {
      body.destroy();
      res.end();
      return;
    }
    try {
      await pipeline(body, res);
    } catch {
      // The client went away or the source failed mid-stream; the socket is already closed.
      res.destroy();
    }
    return;
  }
  if (headers['content-length'] === undefined && !noBody) headers['content-length'] = '0';
  finishRequestBody(ctx);
  res.writeHead(response.status, headers);
  res.end();
  void req;
}

/**
 * A request body nobody read (an error before the handler, say) must be consumed or the
 * connection closed, or a keep-alive client hangs waiting to send it.
 */
function finishRequestBody(ctx: RequestContext): void {
  const { req, res } = ctx;
  if (req.complete || req.readableEnded) return;
  const length = Number(ctx.headers['content-length'] ?? '0');
  if (length > 0 && length <= 1024 * 1024) {
    req.resume();
  } else if (length > 0 || ctx.headers['transfer-encoding']) {
    res.setHeader('connection', 'close');
    req.resume();
  }
}
