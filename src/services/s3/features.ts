/**
 * S3 bucket features beside the core: bucket policies and Block Public Access, ownership
 * controls, default encryption, notification configuration (access/), static websites and
 * their endpoint (website/), CORS (cors/), the stored-only subresources (subresources/:
 * acceleration, Requester Pays, logging, replication, analytics/inventory/metrics/tiering). Registers the website host route and the CORS
 * response hook on the app.
 */
import type { ServiceDeps } from '../deps.ts';
import type { AuthzMapper } from '../authz.ts';
import type { ServiceHandlers } from '../handler.ts';
import type { S3Env } from './env.ts';
import { openBucketConfigStore } from './access/config-store.ts';
import { FeatureEnv } from './access/env.ts';
import { bucketPolicyHandlers } from './access/bucket-policy.ts';
import { bucketSettingsHandlers, encryptionDefault, sseCBlocked } from './access/bucket-settings.ts';
import { withBucketFeatures } from './access/authz.ts';
import { aclWriteHandlers } from './access/acl-write.ts';
import { websiteHandlers } from './website/config.ts';
import { DEFAULT_WEBSITE_SUFFIXES, websiteRoute } from './website/endpoint.ts';
import { corsHandlers, corsResponseHook } from './cors/handlers.ts';
import { subresourceHandlers } from './subresources/index.ts';

export function bucketFeatures(deps: ServiceDeps, s3: S3Env) {
  const env = new FeatureEnv(s3, openBucketConfigStore(deps.backend), deps.accounts);
  s3.defaultEncryption = (b) => encryptionDefault(env, b);
  s3.sseCBlocked = (b) => sseCBlocked(env, b);
  const suffixes = deps.config.s3WebsiteHosts ?? DEFAULT_WEBSITE_SUFFIXES;
  (deps.app.hostRoutes ??= []).push(websiteRoute(env, { suffixes, enforce: deps.config.enforceIam }));
  (deps.app.responseHooks ??= []).push(corsResponseHook(env));
  return {
    handlers: {
      ...bucketPolicyHandlers(env),
      ...bucketSettingsHandlers(env),
      ...aclWriteHandlers(env),
      ...websiteHandlers(env),
      ...corsHandlers(env),
      ...subresourceHandlers(env),
    },
    authz: (inner: AuthzMapper): AuthzMapper => withBucketFeatures(inner, env),
    /** A deleted bucket's configuration documents go with it (a new bucket of the name starts clean). */
    wrap: (base: ServiceHandlers): ServiceHandlers => ({
      DeleteBucket: async (input: { Bucket: string }, ctx) => {
        const out = await base.DeleteBucket!(input, ctx);
        await env.config.forget(input.Bucket);
        return out;
      },
    }),
  };
}
