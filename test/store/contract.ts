/**
 * describeContract: a repository's contract tests, written once against its async interface and
 * run for every backend in BACKENDS. Each test gets a fresh, empty backend.
 *
 *   describeContract('AccountsRepository', openAccountsRepository, (repo, ctx) => {
 *     test('...', async () => {
 *       await repo().create(...);
 *       await ctx.reopen(); // restart: repo() is now a new repository on the same storage
 *     });
 *   });
 */
import { afterEach, beforeEach, describe } from 'node:test';
import type { StoreBackend } from '../../src/store/backend.ts';
import { BACKENDS, type BackendHandle } from './backends.ts';

export interface ContractContext {
  backend(): StoreBackend;
  /** Closes and reopens the backend and the repository, as a server restart would. */
  reopen(): Promise<void>;
}

export function describeContract<R>(
  title: string,
  open: (backend: StoreBackend) => Promise<R> | R,
  body: (repo: () => R, ctx: ContractContext) => void,
): void {
  for (const fixture of BACKENDS) {
    describe(`${title} [${fixture.name}]`, () => {
      let handle: BackendHandle | undefined;
      let repo: R | undefined;
      beforeEach(async () => {
        handle = await fixture.open();
        repo = await open(handle.backend);
      });
      afterEach(async () => {
        await handle?.cleanup();
        handle = undefined;
        repo = undefined;
      });
      body(
        () => {
          if (repo === undefined) throw new Error('repository used outside a test');
          return repo;
        },
        {
          backend: () => handle!.backend,
          async reopen() {
            repo = await open(await handle!.reopen());
          },
        },
      );
    });
  }
}
