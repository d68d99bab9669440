/**
 * Event selectors: which events a trail delivers. Basic selectors (ReadWriteType, management
 * events, S3 object data resources) and advanced ones (field selectors over eventCategory,
 * eventSource, eventName, readOnly, resources.type, resources.ARN).
 */
import type {
  AdvancedEventSelector,
  AdvancedFieldSelector,
  EventSelector,
} from '../../generated/cloudtrail/types.ts';
import { InvalidEventSelectorsException } from '../../generated/cloudtrail/errors.ts';
import type { CloudTrailEvent } from '../../audit/types.ts';

export const DEFAULT_SELECTORS: EventSelector[] = [
  {
    ReadWriteType: 'All',
    IncludeManagementEvents: true,
    DataResources: [],
    ExcludeManagementEventSources: [],
  },
];

const DATA_TYPES = new Set(['AWS::S3::Object', 'AWS::Lambda::Function', 'AWS::DynamoDB::Table']);
const FIELDS = new Set([
  'eventCategory',
  'eventSource',
  'eventName',
  'readOnly',
  'resources.type',
  'resources.ARN',
  'eventType',
  'userIdentity.arn',
  'sessionCredentialFromConsole',
  'errorCode',
]);

export function normalizeSelectors(selectors: EventSelector[]): EventSelector[] {
  if (selectors.length > 5)
    throw new InvalidEventSelectorsException('Maximum of 5 event selectors is allowed.');
  return selectors.map((s) => {
    for (const d of s.DataResources ?? []) {
      if (!d.Type || !DATA_TYPES.has(d.Type))
        throw new InvalidEventSelectorsException(
          `Value ${d.Type ?? 'null'} for parameter DataResources.Type is invalid.`,
        );
      for (const v of d.Values ?? []) {
        if (
          d.Type === 'AWS::S3::Object' &&
          !(v === 'arn:aws:s3' || v === 'arn:aws:s3:::' || /^arn:aws:s3:::[^/]+\/.*$/.test(v))
        )
          throw new InvalidEventSelectorsException(
            `Value ${v} for parameter DataResources.Values is invalid.`,
          );
      }
    }
    return {
      ReadWriteType: s.ReadWriteType ?? 'All',
      IncludeManagementEvents: s.IncludeManagementEvents ?? true,
      DataResources: s.DataResources ?? [],
      ExcludeManagementEventSources: s.ExcludeManagementEventSources ?? [],
    };
  });
}

export function checkAdvancedSelectors(selectors: AdvancedEventSelector[]): void {
  for (const s of selectors) {
    if (!s.FieldSelectors.some((f) => f.Field === 'eventCategory'))
      throw new InvalidEventSelectorsException(
        'Each advanced event selector must include the eventCategory field.',
      );
    for (const f of s.FieldSelectors) {
      if (!FIELDS.has(f.Field)) throw new InvalidEventSelectorsException(`Invalid field name: ${f.Field}.`);
    }
  }
}

function readWriteMatches(type: string | undefined, readOnly: boolean): boolean {
  return type === 'ReadOnly' ? readOnly : type === 'WriteOnly' ? !readOnly : true;
}

function objectArns(e: CloudTrailEvent): string[] {
  return (e.resources ?? [])
    .filter((r) => r.type === 'AWS::S3::Object')
    .map((r) => r.ARN ?? r.ARNPrefix ?? '');
}

function basicMatches(s: EventSelector, e: CloudTrailEvent): boolean {
  if (!readWriteMatches(s.ReadWriteType, e.readOnly)) return false;
  if (e.managementEvent)
    return (
      (s.IncludeManagementEvents ?? true) && !(s.ExcludeManagementEventSources ?? []).includes(e.eventSource)
    );
  for (const d of s.DataResources ?? []) {
    if (d.Type !== 'AWS::S3::Object' || e.eventSource !== 's3.amazonaws.com') continue;
    const arns = objectArns(e);
    for (const v of d.Values ?? []) {
      if (v === 'arn:aws:s3' || v === 'arn:aws:s3:::') return true;
      if (arns.some((a) => a.startsWith(v))) return true;
    }
  }
  return false;
}

function fieldValues(field: string, e: CloudTrailEvent): string[] {
  switch (field) {
    case 'eventCategory':
      return [e.eventCategory];
    case 'eventSource':
      return [e.eventSource];
    case 'eventName':
      return [e.eventName];
    case 'readOnly':
      return [String(e.readOnly)];
    case 'eventType':
      return [e.eventType];
    case 'errorCode':
      return e.errorCode ? [e.errorCode] : [];
    case 'userIdentity.arn':
      return e.userIdentity.arn ? [e.userIdentity.arn] : [];
    case 'resources.type':
      return e.eventCategory === 'Data' ? ['AWS::S3::Object'] : (e.resources ?? []).map((r) => r.type);
    case 'resources.ARN':
      return (e.resources ?? []).map((r) => r.ARN ?? r.ARNPrefix ?? '');
    default:
      return [];
  }
}

function fieldMatches(f: AdvancedFieldSelector, e: CloudTrailEvent): boolean {
  const values = fieldValues(f.Field, e);
  const any = (list: string[] | undefined, test: (v: string, x: string) => boolean) =>
    values.some((v) => list!.some((x) => test(v, x)));
  if (f.Equals?.length && !any(f.Equals, (v, x) => v === x)) return false;
  if (f.StartsWith?.length && !any(f.StartsWith, (v, x) => v.startsWith(x))) return false;
  if (f.EndsWith?.length && !any(f.EndsWith, (v, x) => v.endsWith(x))) return false;
  if (f.NotEquals?.length && any(f.NotEquals, (v, x) => v === x)) return false;
  if (f.NotStartsWith?.length && any(f.NotStartsWith, (v, x) => v.startsWith(x))) return false;
  if (f.NotEndsWith?.length && any(f.NotEndsWith, (v, x) => v.endsWith(x))) return false;
  return true;
}

/** Whether a trail with these selectors delivers the event. */
export function selects(
  basic: EventSelector[] | undefined,
  advanced: AdvancedEventSelector[] | undefined,
  e: CloudTrailEvent,
): boolean {
  if (advanced?.length) return advanced.some((s) => s.FieldSelectors.every((f) => fieldMatches(f, e)));
  return (basic ?? DEFAULT_SELECTORS).some((s) => basicMatches(s, e));
}
