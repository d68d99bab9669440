// A real browser (Debian's chromium, headless, driven by playwright-core) loads a page from one
// origin (a tiny node:http server on another loopback port) that uploads a file straight to a
// bucket with a presigned POST, then a second one with a presigned PUT, and reads them back
// with presigned GETs: every cross-origin step passes CORS as S3 answers it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutBucketCorsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { chromium } from 'playwright-core';
import { startTestServer } from '../support/server.ts';
import { clientsFor, createBucket, unique } from './enforcement-support.ts';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : 'Debian chromium is not installed';

const server = await startTestServer();
const { s3 } = clientsFor(server);
let page: Server | undefined;
const profile = mkdtempSync(join(tmpdir(), 'stratus-chromium-'));
after(async () => {
  await new Promise<void>((r) => (page ? page.close(() => r()) : r()));
  await server.stop();
  rmSync(profile, { recursive: true, force: true });
});

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>upload</title></head>
<body><p id="status">loading</p>
<script>
async function run(plan) {
  const out = {};
  try { await steps(plan, out); } catch (e) { out.error = out.step + ': ' + e; }
  return out;
}
async function steps(plan, out) {
  out.step = 'post';
  const form = new FormData();
  for (const [k, v] of Object.entries(plan.post.fields)) form.append(k, v);
  form.append('file', new Blob([plan.text], { type: 'text/plain' }), 'hello.txt');
  const posted = await fetch(plan.post.url, { method: 'POST', body: form });
  out.postStatus = posted.status;
  out.step = 'get';
  const got = await fetch(plan.get);
  out.getStatus = got.status;
  out.getText = await got.text();
  out.getType = got.headers.get('content-type');
  out.step = 'put';
  // A presigned PUT with a Content-Type header: this one is preflighted.
  const put = await fetch(plan.put, { method: 'PUT', body: plan.text + ' (put)', headers: { 'Content-Type': 'text/plain' } });
  out.putStatus = put.status;
  out.putEtag = put.headers.get('etag');
  await put.text();
  out.step = 'get put';
  out.putBack = await (await fetch(plan.getPut)).text();
  out.step = 'done';
}
window.run = run;
document.getElementById('status').textContent = 'ready';
window.ready = true;
</script></body></html>`;

test(
  'a page on another origin uploads with a presigned POST and PUT and reads back with presigned GETs',
  { skip },
  async () => {
    page = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
    });
    await new Promise<void>((r) => page!.listen(0, '127.0.0.1', () => r()));
    const address = page.address();
    const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const bucket = await createBucket(s3, unique('browser'));
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: {
          CORSRules: [
            {
              AllowedOrigins: [origin],
              AllowedMethods: ['GET', 'PUT', 'POST'],
              AllowedHeaders: ['*'],
              ExposeHeaders: ['ETag'],
              MaxAgeSeconds: 60,
            },
          ],
        },
      }),
    );
    const post = await createPresignedPost(s3, {
      Bucket: bucket,
      Key: 'uploads/${filename}',
      Conditions: [
        ['content-length-range', 1, 1024],
        ['starts-with', '$key', 'uploads/'],
      ],
      Expires: 300,
    });
    const plan = {
      text: 'hello from the browser',
      post,
      get: await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'uploads/hello.txt' }), {
        expiresIn: 300,
      }),
      put: await getSignedUrl(
        s3,
        new PutObjectCommand({ Bucket: bucket, Key: 'uploads/put.txt', ContentType: 'text/plain' }),
        { expiresIn: 300 },
      ),
      getPut: await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'uploads/put.txt' }), {
        expiresIn: 300,
      }),
    };

    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const tab = await context.newPage();
      const failures: string[] = [];
      tab.on('console', (m) => {
        if (m.type() === 'error') failures.push(m.text());
      });
      tab.on('requestfailed', (r) => failures.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
      await tab.goto(`${origin}/`);
      await tab.waitForFunction(() => (globalThis as { ready?: boolean }).ready === true);
      const result = await tab.evaluate(
        (p) => (globalThis as unknown as { run: (p: unknown) => Promise<Record<string, unknown>> }).run(p),
        plan,
      );
      assert.equal(result.error, undefined, failures.join('\n'));
      assert.deepEqual(failures, [], JSON.stringify(result));
      assert.equal(result.postStatus, 204);
      assert.equal(result.getStatus, 200);
      assert.equal(result.getText, 'hello from the browser');
      assert.equal(result.putStatus, 200);
      assert.match(String(result.putEtag), /^"[0-9a-f]{32}"$/);
      assert.equal(result.putBack, 'hello from the browser (put)');

      // The same page from another origin (localhost is not 127.0.0.1 to CORS) is not allowed to read.
      const other = await context.newPage();
      await other.goto(origin.replace('127.0.0.1', 'localhost') + '/');
      const foreign = await other.evaluate(async (url) => {
        try {
          await fetch(url);
          return 'read';
        } catch {
          return 'blocked';
        }
      }, plan.get);
      assert.equal(foreign, 'blocked');
    } finally {
      await context.close();
    }
  },
);
