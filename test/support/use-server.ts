/**
 * One test server per test file: `useServer()` registers a `before` hook that starts it and an
 * `after` hook that destroys its clients and stops it. What it returns can be bound at module
 * level (`const { server, s3 } = useServer()`) although nothing exists yet: each is a stand-in
 * that reaches the real object on use, and a client is only made the first time it is used.
 * A file's own setup (buckets, users) goes in `setup`, not a `before` of its own: Node 20 runs a
 * file's async `before` hooks side by side, so one would not wait for the server. `after` hooks do
 * run one by one in order, so a file's own `after` runs once the server has stopped.
 */
import { before, after } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { sdkConfig, startTestServer, type TestServer } from './server.ts';

export interface ServerOptions {
  /** Extra command-line arguments for the server. */
  args?: string[];
  /** A data dir of the file's own (kept after the server stops), e.g. to restart on it. */
  dataDir?: string;
  /** Region of the root clients; us-east-1 unless told. */
  region?: string;
  /** Runs once the server is up, before the file's tests. */
  setup?: (used: UsedServer) => Promise<void>;
}

interface Destroyable {
  destroy(): void;
}

export interface UsedServer {
  server: TestServer;
  /** Root-credential clients in the chosen region. */
  s3: S3Client;
  iam: IAMClient;
  sts: STSClient;
  ec2: EC2Client;
  cloudtrail: CloudTrailClient;
  /** A client of the file's own making (other credentials, region or settings), made on first use. */
  client<C extends Destroyable>(make: (server: TestServer) => C): C;
}

export function useServer(options: ServerOptions = {}): UsedServer {
  let started: TestServer | undefined;
  const made: Destroyable[] = [];
  before(async () => {
    started = await startTestServer(options.args, options.dataDir);
    await options.setup?.(used);
  });
  after(async () => {
    for (const c of made.splice(0)) c.destroy();
    await started?.stop();
    started = undefined;
  });
  const running = (): TestServer => {
    if (!started) throw new Error('the test server is used outside its before/after hooks');
    return started;
  };
  const client = <C extends Destroyable>(make: (server: TestServer) => C): C => {
    let instance: C | undefined;
    return standIn(() => {
      if (!instance) made.push((instance = make(running())));
      return instance;
    });
  };
  const root = <C extends Destroyable>(Client: new (config: ReturnType<typeof sdkConfig>) => C) =>
    client((server) => new Client(sdkConfig(server, server.credentials, options.region)));
  const used: UsedServer = {
    server: standIn(running),
    s3: root(S3Client),
    iam: root(IAMClient),
    sts: root(STSClient),
    ec2: root(EC2Client),
    cloudtrail: root(CloudTrailClient),
    client,
  };
  return used;
}

/**
 * An object that forwards every property read to `real()`, methods bound to it; `instanceof`
 * sees the real prototype (paginators check `client instanceof S3Client`).
 */
function standIn<T extends object>(real: () => T): T {
  return new Proxy({} as T, {
    get(_, key) {
      const target = real();
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    has: (_, key) => Reflect.has(real(), key),
    getPrototypeOf: () => Object.getPrototypeOf(real()),
  });
}
