/** Trail tags: AddTags, ListTags, RemoveTags (resource ids are trail ARNs). */
import type {
  AddTagsRequest,
  ListTagsRequest,
  ListTagsResponse,
  RemoveTagsRequest,
  Tag,
} from '../../generated/cloudtrail/types.ts';
import {
  CloudTrailARNInvalidException,
  InvalidTagParameterException,
  TagsLimitExceededException,
} from '../../generated/cloudtrail/errors.ts';
import type { HandlerContext } from '../handler.ts';
import type { CloudTrailEnv } from './env.ts';
import { findOwnTrail, findTrail } from './trails.ts';

const MAX_TAGS = 50;

export function checkTags(tags: Tag[]): Tag[] {
  for (const t of tags) {
    if (!t.Key || t.Key.length > 128 || t.Key.startsWith('aws:'))
      throw new InvalidTagParameterException('Tag key or value is invalid.');
    if (t.Value !== undefined && t.Value.length > 256)
      throw new InvalidTagParameterException('Tag key or value is invalid.');
  }
  if (tags.length > MAX_TAGS)
    throw new TagsLimitExceededException(`The number of tags exceeds the limit of ${MAX_TAGS}.`);
  return tags.map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));
}

function requireArn(id: string): void {
  if (!id.startsWith('arn:')) throw new CloudTrailARNInvalidException(`Invalid trail ARN: ${id}.`);
}

export function tagHandlers(env: CloudTrailEnv) {
  return {
    async AddTags(input: AddTagsRequest, ctx: HandlerContext): Promise<Record<string, never>> {
      requireArn(input.ResourceId);
      const trail = await findOwnTrail(env, input.ResourceId, ctx);
      const merged = new Map(trail.tags.map((t) => [t.Key, t.Value ?? '']));
      for (const t of checkTags(input.TagsList)) merged.set(t.Key, t.Value ?? '');
      if (merged.size > MAX_TAGS)
        throw new TagsLimitExceededException(`The number of tags exceeds the limit of ${MAX_TAGS}.`);
      trail.tags = [...merged].map(([Key, Value]) => ({ Key, Value }));
      await env.trails.put(trail);
      return {};
    },

    async RemoveTags(input: RemoveTagsRequest, ctx: HandlerContext): Promise<Record<string, never>> {
      requireArn(input.ResourceId);
      const trail = await findOwnTrail(env, input.ResourceId, ctx);
      const drop = new Set(input.TagsList.map((t) => t.Key));
      trail.tags = trail.tags.filter((t) => !drop.has(t.Key));
      await env.trails.put(trail);
      return {};
    },

    async ListTags(input: ListTagsRequest, ctx: HandlerContext): Promise<ListTagsResponse> {
      const out: ListTagsResponse['ResourceTagList'] = [];
      for (const id of input.ResourceIdList) {
        requireArn(id);
        const { trail } = await findTrail(env, id, ctx);
        out.push({ ResourceId: trail.arn, TagsList: trail.tags });
      }
      return { ResourceTagList: out };
    },
  };
}
