/**
 * The read-only web console under /_stratus/console. Pages are rendered on the server; the
 * signed-in principal's key pair stays in a server-side session and every page is built from
 * signed calls to this same endpoint with it, so the API's own authorization decides what
 * shows (a denied call becomes an "Access denied" section) and the audit trail records it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app.ts';
import { ApiError, ConsoleClient, type Endpoint } from './aws/client.ts';
import type { Html } from './html.ts';
import { page } from './layout.ts';
import { markup, href } from './html.ts';
import { COOKIE, readCookie, SessionStore, type Session } from './sessions.ts';
import { serveAsset } from './static.ts';
import { REGION_RE, type PageContext, type PageHandler } from './context.ts';
import { signInPage } from './pages/signin.ts';
import { overviewPage } from './pages/overview.ts';
import { bucketPage, bucketsPage, objectPage } from './pages/s3.ts';
import { iamPage } from './pages/iam.ts';
import { groupPage, policyPage, rolePage, userPage } from './pages/iam-detail.ts';
import { ec2Page, instancePage } from './pages/ec2.ts';
import { auditPage } from './pages/audit.ts';

export const CONSOLE_PREFIX = '/_stratus/console';

/** [pattern over the path after the prefix, handler]; capture groups become params. */
const ROUTES: Array<[RegExp, PageHandler]> = [
  [/^\/?$/, overviewPage],
  [/^\/s3$/, bucketsPage],
  [/^\/s3\/buckets\/([^/]+)$/, bucketPage],
  [/^\/s3\/buckets\/([^/]+)\/object$/, objectPage],
  [/^\/iam$/, iamPage],
  [/^\/iam\/users\/([^/]+)$/, userPage],
  [/^\/iam\/groups\/([^/]+)$/, groupPage],
  [/^\/iam\/roles\/([^/]+)$/, rolePage],
  [/^\/iam\/policy$/, policyPage],
  [/^\/ec2$/, ec2Page],
  [/^\/ec2\/instances\/([^/]+)$/, instancePage],
  [/^\/audit$/, auditPage],
];

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
  // S3 serves objects on this same origin: an HTML object opening a console page must not get a
  // handle on it (COOP), nor read it with fetch (CORP and the Sec-Fetch-Dest check below).
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function send(
  res: ServerResponse,
  status: number,
  body: Html | string,
  headers: Record<string, string | string[]> = {},
): void {
  const text = typeof body === 'string' ? body : body.value;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...SECURITY_HEADERS,
    ...headers,
  });
  res.end(text);
}

function redirect(
  res: ServerResponse,
  location: string,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(303, { location, ...SECURITY_HEADERS, ...headers });
  res.end();
}

function readForm(req: IncomingMessage, limit = 16 * 1024): Promise<URLSearchParams | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', () => resolve(undefined));
  });
}

/** Only paths inside the console may be a post-sign-in destination (no open redirect). */
function safeNext(next: string | null | undefined): string {
  return next && next.startsWith(CONSOLE_PREFIX + '/') && !next.startsWith('//') && !/[\\\r\n]/.test(next)
    ? next
    : href('/');
}

function endpointOf(req: IncomingMessage): Endpoint {
  const local = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const port = req.socket.localPort ?? 80;
  const hostHeader = req.headers.host ?? '';
  const hostOk = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(hostHeader);
  const fallback = local.includes(':') ? `[${local}]:${port}` : `${local}:${port}`;
  return { host: local, port, publicOrigin: `http://${hostOk ? hostHeader : fallback}` };
}

/**
 * A cross-site POST (another origin's form) is refused; SameSite=Strict already hides the
 * cookie. Fetch metadata first (browsers send it), then Origin; clients sending neither pass.
 */
function sameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin' || site === 'none';
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function cookie(value: string, maxAge?: number): string {
  return `${COOKIE}=${value}; Path=${CONSOLE_PREFIX}; HttpOnly; SameSite=Strict${maxAge !== undefined ? `; Max-Age=${maxAge}` : ''}`;
}

export interface ConsoleOptions {
  /** Clock for signing (the server's, which tests may shift). */
  now?: () => Date;
}

export function consoleRoute(options: ConsoleOptions = {}) {
  const sessions = new SessionStore();

  async function signIn(req: IncomingMessage, res: ServerResponse, app: App): Promise<void> {
    const form = await readForm(req);
    if (!form) return send(res, 413, 'Too large');
    const accessKeyId = (form.get('accessKeyId') ?? '').trim();
    const secretAccessKey = (form.get('secretAccessKey') ?? '').trim();
    const sessionToken = (form.get('sessionToken') ?? '').replace(/\s+/g, '');
    const regionIn = form.get('region') ?? '';
    const region = REGION_RE.test(regionIn) ? regionIn : app.options.region;
    const next = form.get('next') ?? '';
    const again = (status: number, error: string) =>
      send(res, status, signInPage({ accessKeyId, region, next, error }, app.options.region));
    if (
      !/^[A-Za-z0-9+/=_-]{1,128}$/.test(accessKeyId) ||
      !secretAccessKey ||
      secretAccessKey.length > 128 ||
      sessionToken.length > 8192
    ) {
      return again(400, 'Enter an access key ID and its secret access key.');
    }
    const keys = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
    const client = new ConsoleClient(endpointOf(req), keys, region, options.now ?? app.now);
    try {
      const r = await client.query('sts', 'GetCallerIdentity', {}, region);
      const s = sessions.create(
        keys,
        { account: String(r.Account), arn: String(r.Arn), userId: String(r.UserId) },
        region,
      );
      // A new sign-in replaces the browser's previous session (and a fresh id every time).
      sessions.delete(readCookie(req.headers.cookie, COOKIE));
      redirect(res, safeNext(next), { 'set-cookie': cookie(s.id) });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      again(401, `${err.code}: ${err.message}`);
    }
  }

  return async (req: IncomingMessage, res: ServerResponse, app: App): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const path = url.pathname.slice(CONSOLE_PREFIX.length);
    const method = req.method ?? 'GET';
    const sid = readCookie(req.headers.cookie, COOKIE);

    if (path.startsWith('/assets/') && (method === 'GET' || method === 'HEAD'))
      return serveAsset(path.slice('/assets/'.length), res, method === 'HEAD');

    if (path === '/signin') {
      if (method === 'POST') {
        if (!sameOrigin(req)) return send(res, 403, 'Cross-origin sign-in refused');
        return signIn(req, res, app);
      }
      if (method === 'GET') {
        const next = url.searchParams.get('next') ?? '';
        // Only a bare error code is shown back (the query is attacker-controlled text).
        const expired = /^[A-Za-z]{1,40}$/.exec(url.searchParams.get('expired') ?? '')?.[0];
        const error = expired ? `Your credentials no longer work (${expired}). Sign in again.` : undefined;
        return send(
          res,
          200,
          signInPage({ next, signedOut: url.searchParams.has('signedout'), error }, app.options.region),
        );
      }
    }
    if (path === '/signout' && method === 'POST') {
      if (!sameOrigin(req)) return send(res, 403, 'Cross-origin sign-out refused');
      sessions.delete(sid);
      return redirect(res, href('/signin', { signedout: '1' }), {
        'set-cookie': cookie('', 0),
        'clear-site-data': '"cookies", "cache"',
      });
    }

    // Pages are documents: a script's fetch of a page (even same-origin) is refused.
    const dest = req.headers['sec-fetch-dest'];
    if (dest !== undefined && dest !== 'document') return send(res, 403, 'Pages load as documents only');
    const session: Session | undefined = sessions.get(sid);
    const route = ROUTES.map(([re, h]) => [re.exec(path), h] as const).find(([m]) => m);
    if (method !== 'GET' && method !== 'HEAD')
      return send(res, 405, 'Method not allowed', { allow: 'GET, HEAD' });
    if (!session)
      return redirect(res, href('/signin', { next: route ? url.pathname + url.search : undefined }));
    if (!route)
      return send(
        res,
        404,
        page(
          { title: 'Not found', session },
          markup`<p>No such page. <a href="${href('/')}">Back to the overview</a>.</p>`,
        ),
      );

    const [match, handler] = route;
    let params: string[];
    try {
      params = match!.slice(1).map((p) => decodeURIComponent(p));
    } catch {
      return send(res, 400, 'Bad path');
    }
    const ctx: PageContext = {
      session,
      client: new ConsoleClient(endpointOf(req), session.keys, session.region, options.now ?? app.now),
      url,
      params,
      defaultRegion: app.options.region,
    };
    try {
      const body = await handler(ctx);
      const rejected = ctx.client.credentialsRejected;
      if (rejected) {
        // The key was deleted, deactivated or has expired: end the session rather than show errors.
        sessions.delete(session.id);
        return redirect(res, href('/signin', { expired: rejected.code }), { 'set-cookie': cookie('', 0) });
      }
      send(res, 200, body);
    } catch (err) {
      // The keys never reach the log: only the page path and the error.
      console.error(`console: ${url.pathname} failed:`, err instanceof Error ? err.message : err);
      send(
        res,
        500,
        page(
          { title: 'Something went wrong', session },
          markup`<p class="notice error">This page failed to render. The server log has the details.</p>`,
        ),
      );
    }
  };
}
