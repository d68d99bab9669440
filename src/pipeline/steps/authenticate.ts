/**
 * Step: who is calling. Reads the request's signature scheme, looks the access key up, verifies
 * the signature (the body too for the small-body protocols; S3 bodies are checked while they
 * stream) and sets ctx.principal. Anonymous requests become the anonymous principal: S3 lets
 * the authorizer decide; the other services refuse them here, as AWS does.
 */
import { checkScope, parseAuth, type AuthRequest, type ParsedAuth } from '../../auth/parse.ts';
import { AwsError } from '../../errors.ts';
import { verify } from '../../auth/verify.ts';
import { AuthErrors, authFamily } from '../../auth/errors.ts';
import { ANONYMOUS } from '../../auth/principal.ts';
import { checkSessionScope } from '../../auth/session-scope.ts';
import type { App } from '../../app.ts';
import type { RequestContext } from '../context.ts';
import { wrapS3Body } from './s3-body.ts';
import { authenticatePostObject } from './post-object.ts';
import { isKnownRegion } from '../../regions.ts';
import { hasQuerySigV2, parseQuerySigV2, verifyQuerySigV2 } from '../../auth/sigv2-query.ts';

export async function authenticate(app: App, ctx: RequestContext): Promise<void> {
  const service = ctx.service!;
  const req: AuthRequest = {
    method: ctx.method,
    rawPath: ctx.rawPath,
    rawQuery: ctx.rawQuery,
    headers: ctx.headers,
  };
  // A CORS preflight is never signed, even when its URL is a presigned one (the browser
  // re-uses the URL with OPTIONS): S3 answers it from the bucket's CORS rules alone.
  if (service === 's3' && ctx.operation?.name === 'OptionsObject') {
    ctx.principal = ANONYMOUS;
    ctx.body = wrapS3Body(ctx, undefined);
    return;
  }
  if (service === 'ec2' && ctx.headers.authorization === undefined && !ctx.query.has('X-Amz-Algorithm')) {
    const params = signedQueryParams(ctx);
    if (hasQuerySigV2(params)) return authenticateQuerySigV2(app, ctx, params);
  }
  const parsed = parseAuth(req, { service });
  if (parsed.type === 'anonymous') {
    if (service !== 's3') {
      // Operations the model marks unsigned (STS AssumeRoleWithSAML / AssumeRoleWithWebIdentity)
      // carry their own credential in the input; the handler verifies it.
      if (ctx.operation?.authtype === 'none') {
        ctx.principal = ANONYMOUS;
        return;
      }
      throw AuthErrors.missingAuthenticationToken(authFamily(service));
    }
    // Browser form uploads are signed inside the form (policy signature): see post-object.ts.
    if (ctx.operation?.name === 'PostObject') return authenticatePostObject(app, ctx);
    ctx.principal = ANONYMOUS;
    ctx.body = wrapS3Body(ctx, undefined);
    return;
  }
  // A signature for another service, or for IAM outside us-east-1, does not count.
  // So is one for a region AWS does not have (the configured region always counts).
  checkScope(parsed, {
    service,
    region: ctx.region,
    known: (r) => r === app.options.region || isKnownRegion(r),
    fallbackRegion: app.options.region,
  });
  await checkBucketRegion(app, ctx, parsed);
  const credential = await app.credentials.resolve(parsed.accessKeyId, parsed.sessionToken);
  const verified = verify(parsed, req, credential, {
    service,
    now: app.now(),
    body: service === 's3' ? undefined : (ctx.bodyBuffer ?? Buffer.alloc(0)),
    virtualHostBucket: ctx.s3?.style === 'virtual' ? ctx.s3.bucket : undefined,
  });
  ctx.credential = verified.credential;
  ctx.principal = verified.credential.principal;
  // Session and federation tokens may not call IAM (nor most of STS), whatever their policies.
  checkSessionScope(ctx.principal, service, ctx.operation?.name);
  if (verified.region && service !== 'iam') ctx.region = verified.region;
  if (service === 's3') ctx.body = wrapS3Body(ctx, verified);
  app.credentials.recordUse?.(verified.accessKeyId, service, ctx.region, app.now());
}

/**
 * An S3 request signed for one region names a bucket of another: S3 answers as the endpoint of
 * the signing region would, 301 PermanentRedirect with the bucket's region in
 * x-amz-bucket-region (even on HEAD, which has no body), which boto3 and SDK v3 (with
 * followRegionRedirects) follow by signing again. Bucket creation has its own rule
 * (IllegalLocationConstraintException), and GetBucketLocation is how a client finds the region.
 */
async function checkBucketRegion(app: App, ctx: RequestContext, parsed: ParsedAuth): Promise<void> {
  if (parsed.type !== 'sigv4-header' && parsed.type !== 'sigv4-query') return;
  const bucket = ctx.s3?.bucket;
  const op = ctx.operation?.name;
  if (ctx.service !== 's3' || !bucket || op === 'CreateBucket' || op === 'GetBucketLocation') return;
  const region = await app.s3BucketRegion?.(bucket);
  if (region === undefined || region === parsed.scope.region) return;
  if (ctx.s3?.style === 'virtual') {
    // A virtual-hosted request reaches the bucket's own region, which finds the signature
    // scoped to another: AuthorizationHeaderMalformed naming the region to sign for (SDKs
    // re-sign from it). Path-style requests reached the wrong regional endpoint: a redirect.
    try {
      checkScope(parsed, { service: 's3', region });
    } catch (e) {
      if (e instanceof AwsError) Object.assign(e.headers, { 'x-amz-bucket-region': region });
      throw e;
    }
  }
  throw new AwsError(
    'PermanentRedirect',
    'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
    301,
    { Bucket: bucket, Endpoint: ctx.facts.host },
    { 'x-amz-bucket-region': region },
  );
}

/** The parameters a Query API signature covers: a POST's form body, else the query string. */
function signedQueryParams(ctx: RequestContext): [string, string][] {
  if (ctx.method === 'POST' && ctx.bodyBuffer?.length)
    return [...new URLSearchParams(ctx.bodyBuffer.toString('utf8'))];
  return [...ctx.query];
}

/** EC2's Signature Version 2 (see sigv2-query.ts); it names no region: the server's applies. */
async function authenticateQuerySigV2(
  app: App,
  ctx: RequestContext,
  params: [string, string][],
): Promise<void> {
  const p = parseQuerySigV2(params);
  const credential = await app.credentials.resolve(p.accessKeyId, p.sessionToken);
  const host = String(ctx.headers.host ?? '');
  const cred = verifyQuerySigV2(
    p,
    { method: ctx.method, host, path: ctx.rawPath },
    credential,
    ctx.service!,
    app.now(),
  );
  ctx.credential = cred;
  ctx.principal = cred.principal;
  checkSessionScope(ctx.principal, ctx.service!, ctx.operation?.name);
  app.credentials.recordUse?.(p.accessKeyId, ctx.service!, ctx.region, app.now());
}
