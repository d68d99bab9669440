/**
 * The seam between CloudTrail and S3: CloudTrail checks the trail's bucket and writes log
 * files into it as the service principal cloudtrail.amazonaws.com. It goes through the S3
 * service's own handlers (the typed API every S3 request reaches), never its store, so S3 keeps
 * its write order, checksums and metadata rules. Missing pieces:
 * - GetBucketPolicy: until S3 implements it, the bucket-policy check is skipped (allowed).
 * - Bucket owner: HeadBucket does not name it, so log files are written as owned by the trail's
 *   account (same-account buckets, the usual case, are exact).
 */
import { Readable } from 'node:stream';
import type { App } from '../../app.ts';
import type { Principal } from '../../auth/principal.ts';
import { AwsError } from '../../errors.ts';
import type { HandlerContext } from '../handler.ts';

export const CLOUDTRAIL_PRINCIPAL: Principal = {
  type: 'AWSService',
  accountId: '',
  arn: 'cloudtrail.amazonaws.com',
  userId: 'cloudtrail.amazonaws.com',
};

export interface BucketInfo {
  region?: string;
  /** undefined when the bucket has no policy; null when S3 cannot tell (not implemented). */
  policy: string | undefined | null;
}

export interface TrailBucketAccess {
  /** undefined when the bucket does not exist. */
  bucket(name: string, accountId: string, region: string): Promise<BucketInfo | undefined>;
  putObject(bucket: string, key: string, body: Buffer, accountId: string, region: string): Promise<void>;
}

function context(
  app: App,
  operation: string,
  accountId: string,
  region: string,
  principal: Principal,
  headers: Record<string, string> = {},
): HandlerContext {
  return {
    requestId: `cloudtrail-${Date.now().toString(36)}`,
    service: 's3',
    operation,
    region,
    accountId,
    principal,
    request: {
      method: 'PUT',
      headers,
      query: new URLSearchParams(),
      sourceIp: 'cloudtrail.amazonaws.com',
      secure: true,
      userAgent: 'cloudtrail.amazonaws.com',
      host: 's3.amazonaws.com',
    },
    now: app.now(),
  };
}

function rootOf(accountId: string): Principal {
  return { type: 'Root', accountId, arn: `arn:aws:iam::${accountId}:root`, userId: accountId };
}

export function s3HandlerAccess(app: App): TrailBucketAccess {
  const handlers = () => app.handlers.s3 ?? {};
  return {
    async bucket(name, accountId, region) {
      const head = handlers().HeadBucket;
      if (!head) return undefined;
      let region_: string | undefined;
      try {
        const out = (await head(
          { Bucket: name },
          context(app, 'HeadBucket', accountId, region, rootOf(accountId)),
        )) as { BucketRegion?: string };
        region_ = out?.BucketRegion;
      } catch (e) {
        if (e instanceof AwsError && (e.code === 'NoSuchBucket' || e.code === 'NotFound')) return undefined;
        throw e;
      }
      const getPolicy = handlers().GetBucketPolicy;
      if (!getPolicy) return { region: region_, policy: null };
      try {
        const out = (await getPolicy(
          { Bucket: name },
          context(app, 'GetBucketPolicy', accountId, region, rootOf(accountId)),
        )) as { Policy?: string };
        return { region: region_, policy: out?.Policy };
      } catch (e) {
        if (e instanceof AwsError && e.code === 'NoSuchBucketPolicy')
          return { region: region_, policy: undefined };
        throw e;
      }
    },
    async putObject(bucket, key, body, accountId, region) {
      const put = handlers().PutObject;
      if (!put) throw new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404);
      const headers = {
        'content-length': String(body.length),
        'content-type': 'application/json',
        'x-amz-acl': 'bucket-owner-full-control',
      };
      await put(
        {
          Bucket: bucket,
          Key: key,
          Body: Readable.from([body]),
          ContentLength: body.length,
          ContentType: 'application/json',
          ACL: 'bucket-owner-full-control',
        },
        context(app, 'PutObject', accountId, region, CLOUDTRAIL_PRINCIPAL, headers),
      );
    },
  };
}
