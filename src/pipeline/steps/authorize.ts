/** Step: ask the authorizer (the IAM policy engine once wired) before any handler runs. */
import type { App } from '../../app.ts';
import { AwsError } from '../../errors.ts';
import type { RequestContext } from '../context.ts';

export async function authorize(app: App, ctx: RequestContext): Promise<void> {
  try {
    await app.authorizer(app, ctx);
  } catch (e) {
    // S3's HeadBucket names the bucket's region even to callers it refuses ("HeadBucket ...
    // always return[s] the bucket's location through an HTTP response header, whether access to
    // the bucket is authorized or not", GetBucketLocation reference): clients find regions so.
    if (e instanceof AwsError && ctx.service === 's3' && ctx.operation?.name === 'HeadBucket') {
      const region = ctx.s3?.bucket ? await app.s3BucketRegion?.(ctx.s3.bucket) : undefined;
      if (region !== undefined) Object.assign(e.headers, { 'x-amz-bucket-region': region });
    }
    throw e;
  }
}
