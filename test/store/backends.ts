/**
 * The store backends the contract suites run against. Add a PostgreSQL fixture here (when a
 * test database URL is configured) and every repository contract runs against it too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteBackend, type StoreBackend } from '../../src/store/backend.ts';

export interface BackendHandle {
  backend: StoreBackend;
  /** Closes the backend and opens a new one on the same storage (a restart). */
  reopen(): Promise<StoreBackend>;
  /** Closes it and removes its storage. */
  cleanup(): Promise<void>;
}

export interface BackendFixture {
  name: string;
  /** A fresh, empty backend. */
  open(): Promise<BackendHandle>;
}

export const BACKENDS: BackendFixture[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'stratus-store-'));
      const handle: BackendHandle = {
        backend: await openSqliteBackend(dir),
        async reopen() {
          await handle.backend.close();
          handle.backend = await openSqliteBackend(dir);
          return handle.backend;
        },
        async cleanup() {
          await handle.backend.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
      return handle;
    },
  },
];
