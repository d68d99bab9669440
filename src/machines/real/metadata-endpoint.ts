/**
 * The instance metadata service inside a machine: a socat in the machine's network namespace
 * listens on 169.254.169.254:80 (an address of its loopback, see network.ts) and relays each
 * connection to a Unix socket in the machine's directory, where this process answers with the
 * instance's metadata. Node cannot listen inside another network namespace, and the socket path
 * names the instance, so no address has to be mapped back to a machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, readdir, rm } from 'node:fs/promises';
import type { MetadataService } from '../driver.ts';
import { METADATA_ADDRESS } from './network.ts';

/** The Unix socket's name in the machine's directory. */
export const METADATA_SOCKET = 'imds.sock';

export class MetadataEndpoint {
  private constructor(
    private readonly server: Server,
    private readonly relay: ChildProcess,
    private readonly socketPath: string,
  ) {}

  static async open(opts: {
    instanceId: string;
    socketPath: string;
    netnsPath: string;
    service: MetadataService;
  }): Promise<MetadataEndpoint> {
    await killStaleRelays(opts.socketPath);
    await rm(opts.socketPath, { force: true });
    const server = createServer((req, res) => void answer(opts.instanceId, opts.service, req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const relay = spawn(
      'nsenter',
      [
        `--net=${opts.netnsPath}`,
        '--',
        'socat',
        `TCP-LISTEN:80,bind=${METADATA_ADDRESS},reuseaddr,fork`,
        `UNIX-CONNECT:${opts.socketPath}`,
      ],
      { stdio: 'ignore' },
    );
    relay.on('error', () => {}); // socat missing: the guest's requests are refused, nothing else
    // The guest's first boot script may ask at once: boot only once the relay listens.
    if (relay.pid !== undefined) await listening(relay.pid);
    return new MetadataEndpoint(server, relay, opts.socketPath);
  }

  async close(): Promise<void> {
    this.relay.kill('SIGTERM');
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.socketPath, { force: true });
  }
}

async function answer(
  instanceId: string,
  service: MetadataService,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    for await (const _ of req); // a token PUT has no body worth reading
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const out = await service(instanceId, {
      method: req.method ?? 'GET',
      path: q < 0 ? url : url.slice(0, q),
      headers,
    });
    res.writeHead(out.status, { ...out.headers, 'content-length': Buffer.byteLength(out.body) });
    res.end(out.body);
  } catch {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }
}

/** 169.254.169.254:80 in /proc/<pid>/net/tcp (address little-endian hex), state LISTEN (0A). */
const LISTEN_LINE = /^\s*\d+: FEA9FEA9:0050 00000000:0000 0A /m;

/** Waits (up to two seconds) until the relay listens, as its own network namespace shows it. */
async function listening(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const tcp = await readFile(`/proc/${pid}/net/tcp`, 'utf8').catch(() => undefined);
    if (tcp === undefined || LISTEN_LINE.test(tcp)) return; // gone (it failed), or listening
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A relay left by a server that was killed (it outlives its parent): found by its socket path. */
export async function killStaleRelays(socketPath: string): Promise<void> {
  const pids = await readdir('/proc').catch(() => [] as string[]);
  for (const pid of pids) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.startsWith('socat\0') && cmdline.includes(`UNIX-CONNECT:${socketPath}`)) {
      try {
        process.kill(Number(pid), 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}
