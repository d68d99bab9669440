/**
 * The servers the benchmark compares: Stratus itself (built, as `npm start` runs it), a bare
 * node:http server that only reads and writes bytes (the ceiling for any Node server here), the
 * same bare server writing each body to its own file, and moto_server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchServer {
  name: string;
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

const here = fileURLToPath(new URL('.', import.meta.url));

/** A loopback port nobody listens on right now (so the benchmark never measures a stranger). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not answer`);
}

function stopper(child: ChildProcess, cleanup: () => void) {
  return () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => {
        cleanup();
        resolve();
      });
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
}

export async function startStratus(
  port: number,
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-bench-'));
  const child = spawn(
    process.execPath,
    ['dist/main.js', '--port', String(port), '--data-dir', dir, ...extraArgs],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ...env },
    },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => (exited = true));
  await waitFor(`${endpoint}/_stratus/health`);
  if (exited) throw new Error('stratus exited during start-up');
  return {
    name: 'stratus',
    endpoint,
    pid: child.pid!,
    stop: stopper(child, () => rmSync(dir, { recursive: true, force: true })),
  };
}

export async function startBare(port: number, mode: 'memory' | 'files'): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'bare-bench-'));
  const child = spawn(process.execPath, [join(here, 'bare-server.mjs'), String(port), mode, dir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor(endpoint);
  return {
    name: mode === 'memory' ? 'bare node:http' : 'bare + file per body',
    endpoint,
    pid: child.pid!,
    stop: stopper(child, () => rmSync(dir, { recursive: true, force: true })),
  };
}

export async function startMoto(port: number): Promise<BenchServer | undefined> {
  const child = spawn('moto_server', ['-p', String(port)], { stdio: ['ignore', 'ignore', 'ignore'] });
  const failed = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(true));
    setTimeout(() => resolve(false), 200);
  });
  if (failed) return undefined;
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor(`${endpoint}/moto-api/`);
  return { name: 'moto_server', endpoint, pid: child.pid!, stop: stopper(child, () => {}) };
}
