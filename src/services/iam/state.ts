/**
 * The IAM/STS state shared by the iam and sts services, the credential resolver and the policy
 * source: one repository per store backend, a generation counter bumped on every IAM write (the
 * policy source's cache key) and a buffer of access-key uses flushed in batches.
 */
import type { StoreBackend } from '../../store/backend.ts';
import { unsupportedBackend } from '../../store/backend.ts';
import type { IamRepository, KeyUse } from './repository.ts';
import { SqliteIamRepository } from './sqlite-repository.ts';

export interface IamState {
  repo: IamRepository;
  /** Increases on every IAM write; caches of derived data compare it. */
  generation: number;
  changed(): void;
  /** Buffers a key use; written within about a second, or at once by flushKeyUses. */
  noteKeyUse(use: KeyUse): void;
  flushKeyUses(): Promise<void>;
}

const states = new WeakMap<object, IamState>();

function create(repo: IamRepository): IamState {
  let pending = new Map<string, KeyUse>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const state: IamState = {
    repo,
    generation: 0,
    changed() {
      state.generation++;
    },
    noteKeyUse(use) {
      pending.set(use.accessKeyId, use);
      // One batched write per second at most: recording must never slow a request.
      timer ??= setTimeout(() => {
        timer = undefined;
        void state.flushKeyUses().catch((e) => console.error('recording key use failed', e));
      }, 1000);
      timer.unref?.();
    },
    async flushKeyUses() {
      if (pending.size === 0) return;
      const uses = [...pending.values()];
      pending = new Map();
      await repo.recordKeyUses(uses);
    },
  };
  return state;
}

/** The state of a backend (created on first use, then shared). */
export function iamState(backend: StoreBackend): IamState {
  let s = states.get(backend);
  if (!s) {
    switch (backend.kind) {
      case 'sqlite':
        s = create(SqliteIamRepository.open(backend.db));
        break;
      default:
        return unsupportedBackend(backend.kind);
    }
    states.set(backend, s);
  }
  return s;
}
