/**
 * LookupEvents: the event history of the caller's account in the region called — management
 * events of the last 90 days (IAM's global events appear in us-east-1), newest first, filtered by
 * one lookup attribute.
 */
import type { LookupEventsRequest, LookupEventsResponse, Event } from '../../generated/cloudtrail/types.ts';
import {
  InvalidEventCategoryException,
  InvalidLookupAttributesException,
  InvalidMaxResultsException,
  InvalidNextTokenException,
  InvalidTimeRangeException,
} from '../../generated/cloudtrail/errors.ts';
import { InvalidCursorError, type AuditQuery, type AuditRecord } from '../../audit/index.ts';
import type { HandlerContext } from '../handler.ts';
import type { CloudTrailEnv } from './env.ts';

const RETENTION_MS = 90 * 24 * 3600 * 1000;

function applyAttribute(q: AuditQuery, key: string, value: string): void {
  switch (key) {
    case 'EventId':
      q.eventId = value;
      return;
    case 'EventName':
      q.eventName = value;
      return;
    case 'ReadOnly':
      if (value !== 'true' && value !== 'false')
        throw new InvalidLookupAttributesException(
          `Value ${value} for ReadOnly is invalid. Valid values are true and false.`,
        );
      q.readOnly = value === 'true';
      return;
    case 'Username':
      q.username = value;
      return;
    case 'ResourceType':
      q.resourceType = value;
      return;
    case 'ResourceName':
      q.resourceName = value;
      return;
    case 'EventSource':
      q.eventSource = value;
      return;
    case 'AccessKeyId':
      q.accessKeyId = value;
      return;
    default:
      throw new InvalidLookupAttributesException(`Invalid lookup attribute key: ${key}.`);
  }
}

export function toLookupEvent(r: AuditRecord): Event {
  const e = r.event;
  return {
    EventId: e.eventID,
    EventName: e.eventName,
    ReadOnly: String(e.readOnly),
    ...(r.accessKeyId ? { AccessKeyId: r.accessKeyId } : {}),
    EventTime: new Date(r.time - (r.time % 1000)),
    EventSource: e.eventSource,
    ...(r.username ? { Username: r.username } : {}),
    Resources: r.resources.map((x) => ({ ResourceType: x.type, ResourceName: x.name })),
    CloudTrailEvent: JSON.stringify(e),
  };
}

export function lookupHandlers(env: CloudTrailEnv) {
  return {
    async LookupEvents(input: LookupEventsRequest, ctx: HandlerContext): Promise<LookupEventsResponse> {
      const attributes = input.LookupAttributes ?? [];
      if (input.EventCategory !== undefined && input.EventCategory !== 'insight')
        throw new InvalidEventCategoryException(`Invalid event category: ${input.EventCategory}.`);
      const max = input.MaxResults ?? 50;
      if (max < 1 || max > 50) throw new InvalidMaxResultsException('MaxResults must be between 1 and 50.');
      const now = ctx.now.getTime();
      const start = input.StartTime ? input.StartTime.getTime() : undefined;
      const end = input.EndTime ? input.EndTime.getTime() : undefined;
      if (start !== undefined && end !== undefined && start > end)
        throw new InvalidTimeRangeException('Start time must be less than or equal to end time.');
      // Insights events are never produced here.
      if (input.EventCategory === 'insight') return { Events: [] };
      const floor = now - RETENTION_MS;
      const q: AuditQuery = {
        accountId: ctx.accountId,
        region: ctx.region,
        management: true,
        start: new Date(Math.max(floor, start ?? floor)),
        // EventTime has whole seconds: an EndTime of ...:05 includes ...:05.999.
        ...(end !== undefined ? { end: new Date(end + 999) } : {}),
        limit: max,
        ...(input.NextToken ? { cursor: input.NextToken } : {}),
      };
      // The list "can contain only one item", yet CloudTrail refuses no longer list: it filters by
      // the first attribute and ignores the rest (guessi/cloudtrail-cli#2: ReadOnly sent before
      // Username gave every read-only event, of any user).
      const a = attributes[0];
      if (a) applyAttribute(q, a.AttributeKey, a.AttributeValue);
      try {
        const page = await env.audit.query(q);
        return {
          Events: page.records.map(toLookupEvent),
          ...(page.cursor ? { NextToken: page.cursor } : {}),
        };
      } catch (e) {
        if (e instanceof InvalidCursorError) throw new InvalidNextTokenException('Invalid NextToken.');
        throw e;
      }
    },
  };
}
