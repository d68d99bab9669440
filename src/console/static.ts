/** Static assets (CSS, icon) from src/console/assets, by a fixed list of names. */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  js: 'text/javascript; charset=utf-8',
};

// Next to this file when run from source; from dist/main.js (bundled) the sources sit at ../src.
const CANDIDATES = [
  new URL('./assets/', import.meta.url),
  new URL('../src/console/assets/', import.meta.url),
];
const DIR = CANDIDATES.find((u) => existsSync(fileURLToPath(u))) ?? CANDIDATES[0]!;
const cache = new Map<string, Buffer>();

export function serveAsset(name: string, res: ServerResponse, headOnly: boolean): void {
  const ext = /^[a-z0-9-]+\.([a-z]+)$/.exec(name)?.[1];
  const type = ext ? TYPES[ext] : undefined;
  let body = cache.get(name);
  if (type && !body) {
    try {
      body = readFileSync(fileURLToPath(new URL(name, DIR)));
      cache.set(name, body);
    } catch {
      body = undefined;
    }
  }
  if (!type || !body) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
    res.end('Not found');
    return;
  }
  res.writeHead(200, {
    'content-type': type,
    'content-length': body.length,
    'cache-control': 'public, max-age=300',
    'x-content-type-options': 'nosniff',
  });
  res.end(headOnly ? undefined : body);
}
