/**
 * describeContract: a repository's contract tests, written once against its async interface and
 * run for every backend in BACKENDS. Each test gets a fresh, empty backend.
 *
 *   describeContract('AccountsRepository', openAccountsRepository, (repo) => {
 *     test('...', async () => { await repo().create(...) });
 *   });
 */
import { afterEach, beforeEach, describe } from 'node:test';
import type { StoreBackend } from '../../src/store/backend.ts';
import { BACKENDS } from './backends.ts';

export function describeContract<R>(
  title: string,
  open: (backend: StoreBackend) => Promise<R> | R,
  body: (repo: () => R, backend: () => StoreBackend) => void,
): void {
  for (const fixture of BACKENDS) {
    describe(`${title} [${fixture.name}]`, () => {
      let handle: Awaited<ReturnType<typeof fixture.open>> | undefined;
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
        () => handle!.backend,
      );
    });
  }
}
