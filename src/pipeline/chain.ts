/**
 * The way of one request, top to bottom:
 *   resolve → authenticate → parse → validate → authorize → dispatch → serialize → record
 * Each step is a small function over the RequestContext; an AwsError from any step becomes the
 * protocol's error answer. Recording happens after the response and never affects it.
 */
import { randomFillSync, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app.ts';
import type { RequestContext } from './context.ts';
import { resolve } from './steps/resolve.ts';
import { authenticate } from './steps/authenticate.ts';
import { parse } from './steps/parse.ts';
import { validate } from './steps/validate.ts';
import { authorize } from './steps/authorize.ts';
import { dispatch } from './steps/dispatch.ts';
import { serializeError, serializeOutput } from './steps/serialize.ts';
import { writeResponse } from './respond.ts';
import { AwsError } from '../errors.ts';

function headerMap(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    out[name] = out[name] === undefined ? value : `${out[name]},${value}`;
  }
  return out;
}

// Random bytes for request ids come from a pool: one randomFillSync per 4 KiB, not two per request.
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;
function randomSlice(n: number): Buffer {
  if (poolOffset + n > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = pool.subarray(poolOffset, poolOffset + n);
  poolOffset += n;
  return out;
}

/** S3-style request id: 16 upper-case hex characters. */
function s3RequestId(): string {
  return randomSlice(8).toString('hex').toUpperCase();
}

export function createContext(app: App, req: IncomingMessage, res: ServerResponse): RequestContext {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const headers = headerMap(req);
  const query = new URLSearchParams(rawQuery);
  return {
    requestId: s3RequestId(),
    hostId: randomSlice(24).toString('base64'),
    startedAt: app.now(),
    req,
    res,
    method: req.method ?? 'GET',
    rawPath,
    rawQuery,
    query,
    headers,
    facts: {
      method: req.method ?? 'GET',
      headers,
      query,
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      secure: false,
      userAgent: headers['user-agent'] ?? '',
      host: headers.host ?? '',
    },
    region: app.options.region,
    body: req,
  };
}

export async function handleRequest(app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const ctx = createContext(app, req, res);
  try {
    await resolve(app, ctx);
    // Non-S3 services use UUID request ids.
    if (ctx.service !== 's3') ctx.requestId = randomUUID();
    await authenticate(app, ctx);
    if (ctx.operationError) throw ctx.operationError;
    await parse(ctx);
    validate(ctx);
    await authorize(app, ctx);
    await dispatch(app, ctx);
    ctx.response = serializeOutput(ctx);
  } catch (err) {
    if (!(err instanceof AwsError)) console.error(`[${ctx.requestId}] internal error`, err);
    ctx.error = err instanceof AwsError ? err : undefined;
    ctx.response = serializeError(ctx, err);
  }
  for (const hook of app.responseHooks ?? []) {
    try {
      await hook(ctx);
    } catch (err) {
      console.error('response hook failed', err);
    }
  }
  await writeResponse(ctx);
  for (const record of app.recorders) {
    try {
      record(ctx);
    } catch (err) {
      console.error('recorder failed', err);
    }
  }
}
