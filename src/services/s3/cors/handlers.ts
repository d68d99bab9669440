/**
 * Put/Get/DeleteBucketCors, the preflight (OptionsObject, a synthetic operation the pipeline
 * routes OPTIONS to) and the response hook that adds Access-Control-* headers to S3's answers
 * when the request's Origin matches a rule of the bucket.
 */
import { AwsError } from '../../../errors.ts';
import { NoSuchCORSConfiguration } from '../../../generated/s3/errors.ts';
import type {
  CORSRule,
  DeleteBucketCorsRequest,
  GetBucketCorsOutput,
  GetBucketCorsRequest,
  OptionsObjectRequest,
  PutBucketCorsRequest,
} from '../../../generated/s3/types.ts';
import type { ResponseHook } from '../../../app.ts';
import type { HandlerContext } from '../../handler.ts';
import type { FeatureEnv } from '../access/env.ts';
import { checkCorsRules, corsHeaders, matchRule, requestedHeaders, type CorsRequest } from './rules.ts';

const NOT_ALLOWED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

export function corsHandlers(env: FeatureEnv) {
  return {
    async PutBucketCors(input: PutBucketCorsRequest): Promise<void> {
      const b = await env.s3.bucket(input.Bucket);
      const rules = checkCorsRules(input.CORSConfiguration?.CORSRules ?? []);
      await env.config.put(b, 'cors', rules);
    },

    async GetBucketCors(input: GetBucketCorsRequest): Promise<GetBucketCorsOutput> {
      const b = await env.s3.bucket(input.Bucket);
      const rules = await env.config.get<CORSRule[]>(b, 'cors');
      if (!rules)
        throw new NoSuchCORSConfiguration('The CORS configuration does not exist', {
          BucketName: input.Bucket,
        });
      return { CORSRules: rules };
    },

    async DeleteBucketCors(input: DeleteBucketCorsRequest): Promise<void> {
      const b = await env.s3.bucket(input.Bucket);
      await env.config.put(b, 'cors', undefined);
    },

    async OptionsObject(input: OptionsObjectRequest, ctx: HandlerContext): Promise<Record<string, never>> {
      const h = ctx.request.headers;
      const resourceType = input.Key !== undefined ? 'OBJECT' : 'BUCKET';
      if (h.origin === undefined)
        throw new AwsError('BadRequest', 'Insufficient information. Origin request header needed.', 400);
      const method = h['access-control-request-method'];
      if (method === undefined)
        throw new AwsError('BadRequest', `Invalid Access-Control-Request-Method: null`, 400);
      const b = await env.s3.bucket(input.Bucket);
      const rules = await env.config.get<CORSRule[]>(b, 'cors');
      if (!rules) {
        throw new AwsError('AccessForbidden', 'CORSResponse: CORS is not enabled for this bucket.', 403, {
          Method: method,
          ResourceType: resourceType,
        });
      }
      if (
        !matchRule(rules, {
          origin: h.origin,
          method,
          headers: requestedHeaders(h['access-control-request-headers']),
        })
      ) {
        throw new AwsError('AccessForbidden', NOT_ALLOWED, 403, {
          Method: method,
          ResourceType: resourceType,
        });
      }
      // The headers themselves come from the response hook.
      return {};
    },
  };
}

export function corsResponseHook(env: FeatureEnv): ResponseHook {
  return async (ctx) => {
    const origin = ctx.headers.origin;
    const bucket = ctx.s3?.bucket;
    if (ctx.service !== 's3' || origin === undefined || !bucket || !ctx.response) return;
    const preflight = ctx.operation?.name === 'OptionsObject';
    if (preflight && ctx.response.status !== 200) return;
    const b = await env.s3.repo.getBucket(bucket);
    if (!b) return;
    const rules = await env.config.get<CORSRule[]>(b, 'cors');
    if (!rules) return;
    const req: CorsRequest = preflight
      ? {
          origin,
          method: ctx.headers['access-control-request-method'] ?? '',
          headers: requestedHeaders(ctx.headers['access-control-request-headers']),
        }
      : { origin, method: ctx.method, headers: [] };
    const rule = matchRule(rules, req);
    if (!rule) return;
    Object.assign(ctx.response.headers, corsHeaders(rule, req, preflight));
  };
}
