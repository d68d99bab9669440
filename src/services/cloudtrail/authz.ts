/**
 * What each CloudTrail operation asks of IAM (Service Authorization Reference, AWS CloudTrail):
 * trail operations act on arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME; LookupEvents,
 * DescribeTrails and ListTrails on "*". Tag conditions as AWS lists them.
 */
import type { AuthzMapper, AuthzRequest } from '../authz.ts';
import type { HandlerContext } from '../handler.ts';
import type { Tag } from '../../generated/cloudtrail/types.ts';
import type { TrailRepository } from './trail-store.ts';
import { trailArn } from './names.ts';

const NO_RESOURCE = new Set([
  'LookupEvents',
  'DescribeTrails',
  'ListTrails',
  'ListPublicKeys',
  'GetEventConfiguration',
]);

/** The trail an operation names: its Name / TrailName / ResourceId, as an ARN. */
function trailOf(input: Record<string, unknown>, ctx: HandlerContext): string | undefined {
  const value = (input.Name ?? input.TrailName ?? input.ResourceId) as string | undefined;
  if (typeof value !== 'string' || !value) return undefined;
  return value.startsWith('arn:') ? value : trailArn(ctx.region, ctx.accountId, value);
}

function requestTags(tags: Tag[] | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!tags?.length) return out;
  for (const t of tags) out[`aws:RequestTag/${t.Key}`] = t.Value ?? '';
  out['aws:TagKeys'] = tags.map((t) => t.Key);
  return out;
}

export function cloudTrailAuthz(trails: TrailRepository): AuthzMapper {
  const tagsOf = async (arn: string): Promise<Record<string, string> | undefined> => {
    const m = /^arn:aws:cloudtrail:([^:]+):(\d{12}):trail\/(.+)$/.exec(arn);
    if (!m) return undefined;
    const t = await trails.get(m[2]!, m[1]!, m[3]!);
    return t ? Object.fromEntries(t.tags.map((x) => [x.Key, x.Value ?? ''])) : undefined;
  };
  return async (operation, input, ctx) => {
    const action = `cloudtrail:${operation}`;
    if (NO_RESOURCE.has(operation)) return [{ action, resource: '*' }];
    if (operation === 'ListTags') {
      const ids = (input.ResourceIdList as string[] | undefined) ?? [];
      return ids.length ? ids.map((id) => ({ action, resource: id })) : [{ action, resource: '*' }];
    }
    const arn = trailOf(input, ctx);
    if (!arn) return [{ action, resource: '*' }];
    const accountId = arn.split(':')[4];
    const req: AuthzRequest = {
      action,
      resource: arn,
      ...(accountId ? { resourceAccountId: accountId } : {}),
    };
    if (operation === 'CreateTrail') req.context = requestTags(input.TagsList as Tag[] | undefined);
    else {
      const tags = await tagsOf(arn);
      if (tags) req.resourceTags = tags;
      if (operation === 'AddTags' || operation === 'RemoveTags')
        req.context = requestTags(input.TagsList as Tag[] | undefined);
    }
    return [req];
  };
}
