/** PutEventSelectors / GetEventSelectors: basic or advanced selectors, never both. */
import type {
  GetEventSelectorsRequest,
  GetEventSelectorsResponse,
  PutEventSelectorsRequest,
  PutEventSelectorsResponse,
} from '../../generated/cloudtrail/types.ts';
import { InvalidParameterCombinationException } from '../../generated/cloudtrail/errors.ts';
import type { HandlerContext } from '../handler.ts';
import type { CloudTrailEnv } from './env.ts';
import { checkAdvancedSelectors, DEFAULT_SELECTORS, normalizeSelectors } from './selectors.ts';
import { findOwnTrail, findTrail } from './trails.ts';

export function selectorHandlers(env: CloudTrailEnv) {
  return {
    async PutEventSelectors(
      input: PutEventSelectorsRequest,
      ctx: HandlerContext,
    ): Promise<PutEventSelectorsResponse> {
      const basic = input.EventSelectors;
      const advanced = input.AdvancedEventSelectors;
      if ((basic === undefined) === (advanced === undefined))
        throw new InvalidParameterCombinationException(
          'Either EventSelectors or AdvancedEventSelectors must be specified, but not both.',
        );
      const trail = await findOwnTrail(env, input.TrailName, ctx);
      if (basic) {
        trail.eventSelectors = normalizeSelectors(basic);
        delete trail.advancedEventSelectors;
      } else {
        checkAdvancedSelectors(advanced!);
        trail.advancedEventSelectors = advanced!;
        delete trail.eventSelectors;
      }
      await env.trails.put(trail);
      return {
        TrailARN: trail.arn,
        ...(trail.eventSelectors ? { EventSelectors: trail.eventSelectors } : {}),
        ...(trail.advancedEventSelectors ? { AdvancedEventSelectors: trail.advancedEventSelectors } : {}),
      };
    },

    async GetEventSelectors(
      input: GetEventSelectorsRequest,
      ctx: HandlerContext,
    ): Promise<GetEventSelectorsResponse> {
      const { trail } = await findTrail(env, input.TrailName, ctx);
      if (trail.advancedEventSelectors)
        return { TrailARN: trail.arn, AdvancedEventSelectors: trail.advancedEventSelectors };
      return { TrailARN: trail.arn, EventSelectors: trail.eventSelectors ?? DEFAULT_SELECTORS };
    },
  };
}
