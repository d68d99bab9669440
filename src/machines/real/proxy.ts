/**
 * The machine's public address: a TCP listener on a loopback address of the host whose
 * connections are relayed to the private address from inside the VPC's router namespace
 * (`nsenter --net=... socat STDIO TCP:ip:22`). Node cannot open a socket in another network
 * namespace, and the host has no route to the VPCs on purpose, so each connection gets a
 * small relay process; SSH sessions are few and long, so the cost does not matter.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';

export interface Target {
  /** `/run/netns/<router>`. */
  netnsPath: string;
  host: string;
  port: number;
}

function relay(target: Target) {
  return spawn(
    'nsenter',
    [
      `--net=${target.netnsPath}`,
      '--',
      'socat',
      '-t',
      '5',
      'STDIO',
      `TCP:${target.host}:${target.port},connect-timeout=5`,
    ],
    { stdio: ['pipe', 'pipe', 'ignore'] },
  );
}

export class PublicAddress {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(server: Server) {
    this.server = server;
  }

  static async listen(host: string, port: number, target: Target): Promise<PublicAddress> {
    const server = createServer();
    const pa = new PublicAddress(server);
    server.on('connection', (socket) => pa.accept(socket, target));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return pa;
  }

  /** Throws when `host:port` cannot be listened on (taken, not a local address). */
  static async check(host: string, port: number): Promise<void> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, () => resolve());
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket, target: Target): void {
    this.sockets.add(socket);
    const child = relay(target);
    socket.pipe(child.stdin!);
    child.stdout!.pipe(socket);
    const end = () => {
      socket.destroy();
      if (child.exitCode === null) child.kill('SIGTERM');
      this.sockets.delete(socket);
    };
    child.on('exit', end);
    child.on('error', end);
    child.stdin!.on('error', end);
    socket.on('error', end);
    socket.on('close', end);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** True when the target answers with an SSH banner (what EC2's `running` means to a user). */
export function sshAnswers(target: Target, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const child = relay(target);
    let seen = '';
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      seen += d.toString('latin1');
      if (seen.startsWith('SSH-')) finish(true);
      else if (seen.length > 4) finish(false);
    });
    child.on('exit', () => finish(seen.startsWith('SSH-')));
    child.on('error', () => finish(false));
    child.stdin!.on('error', () => {});
  });
}
