/** S3: buckets, objects, listing, multipart uploads, tagging and browser POST uploads. */
import type { Service } from '../registry.ts';
import type { ServiceDeps } from '../deps.ts';
import { mergeHandlers } from '../handler.ts';
import { unsupportedBackend } from '../../store/backend.ts';
import { S3Env } from './env.ts';
import { SqliteS3Repository } from './store/sqlite.ts';
import type { S3Repository } from './store/repository.ts';
import { bucketHandlers } from './buckets.ts';
import { objectHandlers } from './objects.ts';
import { listingHandlers } from './listing.ts';
import { taggingHandlers } from './tagging.ts';
import { copyHandlers } from './copy.ts';
import { multipartHandlers } from './multipart.ts';
import { completeHandlers } from './complete.ts';
import { attributesHandlers } from './attributes.ts';
import { postObjectHandlers } from './post-object.ts';
import { aclHandlers } from './acl.ts';
import { s3Authz } from './authz.ts';
import { bucketFeatures } from './features.ts';
import { versioningHandlers } from './versions/handlers.ts';
import { suspendedWriteAnswers } from './versions/write-answers.ts';
import { lifecycleFeature } from './lifecycle/index.ts';
import { objectLockHandlers, lockRefuses } from './object-lock/handlers.ts';
import { openObjectLockStore } from './object-lock/store.ts';
import { blobCollector } from './blob-gc.ts';
import { restoreFeature } from './restore/index.ts';

function openRepository(deps: ServiceDeps): S3Repository {
  switch (deps.backend.kind) {
    case 'sqlite':
      return new SqliteS3Repository(deps.backend.db);
    default:
      return unsupportedBackend(deps.backend.kind);
  }
}

export async function createS3Service(deps: ServiceDeps): Promise<Service> {
  const env = new S3Env(openRepository(deps), deps.blobs, deps.accounts);
  const features = bucketFeatures(deps, env);
  const locks = openObjectLockStore(deps.backend);
  // Lifecycle never removes a version that Object Lock protects.
  const lifecycle = lifecycleFeature(deps, env, async (b, key, versionId, now) =>
    lockRefuses(await locks.version(b, key, versionId), now, false),
  );
  (deps.app.hostRoutes ??= []).push(lifecycle.route);
  const restore = restoreFeature(deps, env);
  deps.app.s3BucketRegion = async (bucket) => (await env.repo.getBucket(bucket))?.region;
  const handlers = mergeHandlers(
    bucketHandlers(env),
    objectHandlers(env),
    listingHandlers(env),
    taggingHandlers(env),
    copyHandlers(env),
    multipartHandlers(env),
    completeHandlers(env),
    attributesHandlers(env),
    postObjectHandlers(env),
    aclHandlers(env),
    versioningHandlers(env),
    lifecycle.handlers,
    features.handlers,
    restore.handlers,
  );
  Object.assign(handlers, objectLockHandlers(env, locks, { ...handlers }));
  Object.assign(handlers, restore.wrap({ ...handlers }));
  Object.assign(handlers, lifecycle.wrap({ ...handlers }));
  Object.assign(handlers, features.wrap({ ...handlers }));
  Object.assign(handlers, suspendedWriteAnswers({ ...handlers }));
  const blobGc = blobCollector(env);
  return {
    handlers,
    authz: features.authz(s3Authz(env)),
    close: async () => {
      await blobGc.close();
      await lifecycle.close();
    },
  };
}
