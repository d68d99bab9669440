/**
 * The store backends the contract suites run against. Add a PostgreSQL fixture here (when a
 * test database URL is configured) and every repository contract runs against it too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteBackend, type StoreBackend } from '../../src/store/backend.ts';

export interface BackendFixture {
  name: string;
  /** A fresh, empty backend; cleanup closes it and removes its files. */
  open(): Promise<{ backend: StoreBackend; cleanup(): Promise<void> }>;
}

export const BACKENDS: BackendFixture[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'stratus-store-'));
      const backend = await openSqliteBackend(dir);
      return {
        backend,
        async cleanup() {
          await backend.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
];
