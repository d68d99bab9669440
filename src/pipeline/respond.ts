/** Writes a serialized response to the socket, streaming bodies, and drains unread request bodies. */
import { Readable } from 'node:stream';
import type { RequestContext } from './context.ts';
import { httpDateNow } from '../time-format.ts';

export async function writeResponse(ctx: RequestContext): Promise<void> {
  const { res } = ctx;
  const response = ctx.response!;
  const headers: Record<string, string> = {
    server: 'Stratus',
    date: httpDateNow(),
    ...response.headers,
  };
  const body = response.body;
  const noBody = ctx.method === 'HEAD' || response.status === 204 || response.status === 304;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (headers['content-length'] === undefined) headers['content-length'] = String(buf.length);
    finishRequestBody(ctx);
    res.writeHead(response.status, headers);
    // Node queues a response while the connection's previous one is finishing; its automatic
    // "100 Continue" then waits in that queue, and a Buffer body puts the head in front of it
    // (the client reads a 403 whose body starts with "HTTP/1.1 100 Continue"). A latin1 string
    // (byte for byte the same) keeps the order.
    if (noBody) res.end();
    else if (ctx.headers.expect !== undefined) res.end(buf.toString('latin1'), 'latin1');
    else res.end(buf);
    return;
  }
  if (body instanceof Readable) {
    finishRequestBody(ctx);
    res.writeHead(response.status, headers);
    // See above: the head goes out as a string, behind any queued "100 Continue".
    if (ctx.headers.expect !== undefined) res.flushHeaders();
    if (noBody) {
      body.destroy();
      res.end();
      return;
    }
    // pipe rather than stream.pipeline (which costs an AbortController and DOMException per
    // response); a source failing mid-stream or a client going away ends both sides.
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      body.once('error', () => {
        res.destroy();
        done();
      });
      res.once('close', () => {
        if (!body.readableEnded) body.destroy();
        done();
      });
      body.pipe(res);
    });
    return;
  }
  if (headers['content-length'] === undefined && !noBody) headers['content-length'] = '0';
  finishRequestBody(ctx);
  res.writeHead(response.status, headers);
  res.end();
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
