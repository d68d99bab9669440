/**
 * Insights selectors (stored and reported, so tools and IaC that read them work; Stratus
 * produces no Insights events) and ListPublicKeys (no digest files, so no keys).
 */
import type {
  GetInsightSelectorsRequest,
  GetInsightSelectorsResponse,
  ListPublicKeysResponse,
  PutInsightSelectorsRequest,
  PutInsightSelectorsResponse,
} from '../../generated/cloudtrail/types.ts';
import {
  InsightNotEnabledException,
  InvalidInsightSelectorsException,
  InvalidParameterCombinationException,
} from '../../generated/cloudtrail/errors.ts';
import type { HandlerContext } from '../handler.ts';
import type { CloudTrailEnv } from './env.ts';
import { findOwnTrail, findTrail } from './trails.ts';

const TYPES = new Set(['ApiCallRateInsight', 'ApiErrorRateInsight']);

export function insightHandlers(env: CloudTrailEnv) {
  return {
    async PutInsightSelectors(
      input: PutInsightSelectorsRequest,
      ctx: HandlerContext,
    ): Promise<PutInsightSelectorsResponse> {
      if (!input.TrailName)
        throw new InvalidParameterCombinationException(
          'You must specify a trail name or an event data store.',
        );
      const trail = await findOwnTrail(env, input.TrailName, ctx);
      for (const s of input.InsightSelectors) {
        if (!s.InsightType || !TYPES.has(s.InsightType))
          throw new InvalidInsightSelectorsException(
            'Insight selector types must be ApiCallRateInsight or ApiErrorRateInsight.',
          );
      }
      if (input.InsightSelectors.length) trail.insightSelectors = input.InsightSelectors;
      else delete trail.insightSelectors;
      await env.trails.put(trail);
      return { TrailARN: trail.arn, InsightSelectors: input.InsightSelectors };
    },

    async GetInsightSelectors(
      input: GetInsightSelectorsRequest,
      ctx: HandlerContext,
    ): Promise<GetInsightSelectorsResponse> {
      if (!input.TrailName)
        throw new InvalidParameterCombinationException(
          'You must specify a trail name or an event data store.',
        );
      const { trail } = await findTrail(env, input.TrailName, ctx);
      if (!trail.insightSelectors?.length)
        throw new InsightNotEnabledException(
          `Trail ${trail.name} does not have Insights enabled. Edit the trail settings to enable Insights, and then try the operation again.`,
        );
      return { TrailARN: trail.arn, InsightSelectors: trail.insightSelectors };
    },

    async ListPublicKeys(): Promise<ListPublicKeysResponse> {
      return { PublicKeyList: [] };
    },
  };
}
