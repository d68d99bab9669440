/**
 * Starts a Stratus server from a config: opens the stores, builds the services, listens.
 * Used by main.ts and by the end-to-end tests (in-process, random port, temporary data dir).
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { StratusConfig } from '../config.ts';
import type { App } from '../app.ts';
import type { StoreBackend } from '../store/backend.ts';
import { openStores } from '../store/open.ts';
import { chainCredentialResolvers } from '../accounts/root-resolver.ts';
import { createIamCredentialResolver } from '../services/iam/credential-resolver.ts';
import type { AccountsRepository } from '../accounts/repository.ts';
import { buildServices } from '../services/registry.ts';
import { createStratusServer, listen } from './http-server.ts';
import { healthRoute } from './health.ts';
import { consoleRoute } from '../console/index.ts';
import { stratusAuthorizer } from '../authz/index.ts';
import { installAuditRecorder } from '../audit/index.ts';
import { hashPool } from '../protocol/streaming/hash-offload.ts';

export interface RunningStratus {
  app: App;
  server: Server;
  port: number;
  endpoint: string;
  backend: StoreBackend;
  accounts: AccountsRepository;
  close(): Promise<void>;
}

export async function startStratus(config: StratusConfig): Promise<RunningStratus> {
  mkdirSync(config.dataDir, { recursive: true });
  // Locks the data dir (one server each), migrates, syncs the root key, sweeps blob temp files.
  const stores = await openStores(config);
  const { backend, blobs, accounts } = stores;

  const clockOffsetMs = Number(process.env.STRATUS_TEST_CLOCK_OFFSET_MS ?? 0);
  const now = () => new Date(Date.now() + clockOffsetMs);
  const app: App = {
    options: {
      region: config.region,
      clockOffsetMs,
      ...(config.s3Hosts ? { s3VirtualHostSuffixes: config.s3Hosts } : {}),
    },
    // Root keys first, then IAM users' keys and STS temporary credentials.
    credentials: chainCredentialResolvers(stores.rootCredentials, createIamCredentialResolver(backend, now)),
    handlers: {},
    authz: {},
    authorizer: stratusAuthorizer(config, backend),
    recorders: [],
    now,
  };
  const audit = installAuditRecorder(app, backend);
  const services = await buildServices({ config, backend, blobs, accounts, app });
  app.handlers = services.handlers;
  app.authz = services.authz;

  const server = createStratusServer(app, {
    host: config.host,
    port: config.port,
    internal: {
      '/_stratus/health': healthRoute(() => services.health()),
      '/_stratus/console': consoleRoute(),
    },
  });
  hashPool.warm();
  const port = await listen(server, config.host, config.port);
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    app,
    server,
    port,
    endpoint: `http://${host}:${port}`,
    backend,
    accounts,
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await services.close();
      // Requests still finishing may have queued events: they are written before the store closes.
      await audit.close();
      await stores.close();
    },
  };
}
