/**
 * Lifecycle rules: validation as S3 does it (PutBucketLifecycleConfiguration) and matching of
 * a rule's filter against an object. Pure.
 */
import { randomBytes } from 'node:crypto';
import { AwsError } from '../../../errors.ts';
import { InvalidArgument } from '../../../generated/s3/errors.ts';
import type { LifecycleRule, Tag } from '../../../generated/s3/types.ts';
import { filterText } from './filter-text.ts';
import { checkOverlaps, checkVersion, type LifecycleVersion } from './versions.ts';

/** Rules as stored: the request's rules with dates as ISO strings and every ID filled in. */
export interface StoredRule {
  ID: string;
  Status: 'Enabled' | 'Disabled';
  Prefix?: string;
  Filter?: {
    Prefix?: string;
    Tag?: Tag;
    ObjectSizeGreaterThan?: number;
    ObjectSizeLessThan?: number;
    And?: { Prefix?: string; Tags?: Tag[]; ObjectSizeGreaterThan?: number; ObjectSizeLessThan?: number };
  };
  Expiration?: { Days?: number; Date?: string; ExpiredObjectDeleteMarker?: boolean };
  Transitions?: { Days?: number; Date?: string; StorageClass?: string }[];
  NoncurrentVersionTransitions?: {
    NoncurrentDays?: number;
    StorageClass?: string;
    NewerNoncurrentVersions?: number;
  }[];
  NoncurrentVersionExpiration?: { NoncurrentDays?: number; NewerNoncurrentVersions?: number };
  AbortIncompleteMultipartUpload?: { DaysAfterInitiation?: number };
}

export interface StoredLifecycle {
  rules: StoredRule[];
  transitionDefaultMinimumObjectSize: string;
}

export const malformed = () =>
  new AwsError(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
    400,
  );

const invalid = (message: string) => new InvalidArgument(message);
const invalidRequest = (message: string) => new AwsError('InvalidRequest', message, 400);

const isMidnight = (d: Date) =>
  d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0;

const iso = (d: Date | string | undefined) => (d === undefined ? undefined : new Date(d).toISOString());

const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** 1000 TiB: the bound S3 names for ObjectSizeLessThan. */
const MAX_OBJECT_SIZE = 1_099_511_627_776_000;
const MIN_TRANSITION_DAYS: Record<string, number> = { STANDARD_IA: 30, ONEZONE_IA: 30 };
const STORAGE_CLASSES = new Set([
  'GLACIER',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'DEEP_ARCHIVE',
  'GLACIER_IR',
]);

function checkSize(v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 0))
    throw invalid('ObjectSize must be a non-negative integer');
}

function checkFilter(f: NonNullable<LifecycleRule['Filter']>): StoredRule['Filter'] {
  const present = (['Prefix', 'Tag', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan', 'And'] as const).filter(
    (k) => f[k] !== undefined,
  );
  // More than one condition must be combined with And.
  if (present.length > 1) throw malformed();
  const size = f.And ?? f;
  checkSize(size.ObjectSizeGreaterThan);
  const lt = size.ObjectSizeLessThan;
  if (lt !== undefined && (!Number.isInteger(lt) || lt < 1 || lt > MAX_OBJECT_SIZE))
    throw invalidRequest(`'ObjectSizeLessThan' should be between 1 and ${MAX_OBJECT_SIZE}.`);
  // S3's code for this one was not captured; InvalidRequest as for the bound above.
  if (size.ObjectSizeGreaterThan !== undefined && lt !== undefined && size.ObjectSizeGreaterThan >= lt)
    throw invalidRequest("'ObjectSizeLessThan' has to be a value greater than 'ObjectSizeGreaterThan'.");
  if (f.Tag && (f.Tag.Key === undefined || f.Tag.Value === undefined)) throw malformed();
  if (f.And) {
    const a = f.And;
    const parts =
      (a.Prefix !== undefined ? 1 : 0) +
      (a.Tags?.length ?? 0) +
      (a.ObjectSizeGreaterThan !== undefined ? 1 : 0) +
      (a.ObjectSizeLessThan !== undefined ? 1 : 0);
    // And combines at least two conditions.
    if (parts < 2) throw malformed();
    const keys = new Set<string>();
    for (const t of a.Tags ?? []) {
      if (keys.has(t.Key)) throw invalidRequest('Duplicate Tag Keys are not allowed.');
      keys.add(t.Key);
    }
  }
  return f as StoredRule['Filter'];
}

function hasTags(r: StoredRule): boolean {
  return !!(r.Filter?.Tag || r.Filter?.And?.Tags?.length);
}

function hasSize(r: StoredRule): boolean {
  const s = r.Filter?.And ?? r.Filter;
  return s?.ObjectSizeGreaterThan !== undefined || s?.ObjectSizeLessThan !== undefined;
}

/** The rule's transitions taken together, and against its expiration. */
function checkTransitions(r: StoredRule, ts: NonNullable<StoredRule['Transitions']>): void {
  const filter = filterText(r);
  const byDate = ts.some((t) => t.Date !== undefined);
  // Transitions alone: Scality's and NooBaa's wording (no S3 capture); the rest are S3's own.
  if (byDate && ts.some((t) => t.Days !== undefined))
    throw invalidRequest(
      `Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule for filter '${filter}'`,
    );
  const classes = new Set<string>();
  for (const t of ts) {
    if (classes.has(t.StorageClass!))
      throw invalidRequest(
        `'StorageClass' must be different for 'Transition' actions in same 'Rule' with filter '${filter}'`,
      );
    classes.add(t.StorageClass!);
  }
  const e = r.Expiration;
  if (e && (e.Days !== undefined || e.Date !== undefined) && (e.Date !== undefined) !== byDate)
    throw invalidRequest(
      `Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule for filter '${filter}'`,
    );
  const exp = e?.Days;
  for (const t of ts) {
    if (exp !== undefined && t.Days !== undefined && exp <= t.Days)
      throw invalid(
        `'Days' in the Expiration action for filter '${filter}' must be greater than 'Days' in the Transition action`,
      );
  }
}

function checkRule(r: LifecycleRule, version: LifecycleVersion): StoredRule {
  if (r.Status !== 'Enabled' && r.Status !== 'Disabled') throw malformed();
  const id = r.ID ?? randomBytes(30).toString('base64').replace(/[+/=]/g, '').slice(0, 40);
  if (id.length > 255) throw invalid('ID length should not exceed allowed limit of 255');
  // A rule names its objects with Filter (or the legacy Prefix), never both.
  if ((r.Prefix !== undefined) === (r.Filter !== undefined)) throw malformed();
  checkVersion(r, version);
  const out: StoredRule = { ID: id, Status: r.Status as StoredRule['Status'] };
  if (r.Prefix !== undefined) out.Prefix = r.Prefix;
  if (r.Filter !== undefined) out.Filter = checkFilter(r.Filter);

  if (r.Expiration) {
    const e = r.Expiration;
    const n = [e.Days, e.Date, e.ExpiredObjectDeleteMarker].filter((v) => v !== undefined).length;
    if (n !== 1) throw malformed();
    if (e.Days !== undefined && (!Number.isInteger(e.Days) || e.Days <= 0))
      throw invalid("'Days' for Expiration action must be a positive integer");
    if (e.Date !== undefined && !isMidnight(new Date(e.Date)))
      throw invalid("'Date' must be at midnight GMT");
    if (e.ExpiredObjectDeleteMarker !== undefined && hasTags(out))
      throw invalid('ExpiredObjectDeleteMarker cannot be specified with tags.');
    // Refused even when the element is false.
    if (e.ExpiredObjectDeleteMarker !== undefined && hasSize(out))
      throw invalidRequest('ExpiredObjectDeleteMarker cannot be specified with Object Size.');
    out.Expiration = defined({
      Days: e.Days,
      Date: iso(e.Date),
      ExpiredObjectDeleteMarker: e.ExpiredObjectDeleteMarker,
    });
  }
  if (r.Transitions?.length) {
    out.Transitions = r.Transitions.map((t) => {
      if (!t.StorageClass || !STORAGE_CLASSES.has(t.StorageClass)) throw malformed();
      if ((t.Days === undefined) === (t.Date === undefined)) throw malformed();
      if (t.Days !== undefined && (!Number.isInteger(t.Days) || t.Days < 0))
        throw invalid("'Days' in Transition action must be a non-negative integer");
      const min = MIN_TRANSITION_DAYS[t.StorageClass];
      if (min !== undefined && t.Days !== undefined && t.Days < min)
        throw invalid(
          `'Days' in Transition action must be greater than or equal to ${min} for storageClass '${t.StorageClass}'`,
        );
      if (t.Date !== undefined && !isMidnight(new Date(t.Date)))
        throw invalid("'Date' must be at midnight GMT");
      return defined({ Days: t.Days, Date: iso(t.Date), StorageClass: t.StorageClass });
    });
    checkTransitions(out, out.Transitions);
  }
  if (r.NoncurrentVersionTransitions?.length) {
    out.NoncurrentVersionTransitions = r.NoncurrentVersionTransitions.map((t) => {
      if (!t.StorageClass || !STORAGE_CLASSES.has(t.StorageClass)) throw malformed();
      if (t.NoncurrentDays === undefined || !Number.isInteger(t.NoncurrentDays) || t.NoncurrentDays < 0)
        throw invalid("'NoncurrentDays' in NoncurrentVersionTransition action must be nonnegative");
      return defined({ ...t });
    });
  }
  if (r.NoncurrentVersionExpiration) {
    const n = r.NoncurrentVersionExpiration;
    if (n.NoncurrentDays === undefined || !Number.isInteger(n.NoncurrentDays) || n.NoncurrentDays <= 0)
      throw invalid("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer");
    if (
      n.NewerNoncurrentVersions !== undefined &&
      (!Number.isInteger(n.NewerNoncurrentVersions) ||
        n.NewerNoncurrentVersions < 1 ||
        n.NewerNoncurrentVersions > 100)
    )
      throw invalid(
        "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive integer up to 100",
      );
    out.NoncurrentVersionExpiration = defined({ ...n });
    // S3's wording, quoted from a Terraform apply against AWS ("(prefix=)" filter).
    if (out.NoncurrentVersionTransitions?.some((t) => n.NoncurrentDays! <= t.NoncurrentDays!))
      throw invalid(
        `'NoncurrentDays' in the NoncurrentVersionExpiration action for filter '${filterText(out)}' must be greater than 'NoncurrentDays' in the NoncurrentVersionTransition action`,
      );
  }
  if (r.AbortIncompleteMultipartUpload) {
    const d = r.AbortIncompleteMultipartUpload.DaysAfterInitiation;
    if (d === undefined || !Number.isInteger(d) || d <= 0)
      throw invalid(
        "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer",
      );
    if (hasTags(out)) throw invalidRequest('AbortIncompleteMultipartUpload cannot be specified with Tags.');
    // The size variant's code was not captured; it is the same check's sibling.
    if (hasSize(out))
      throw invalidRequest('AbortIncompleteMultipartUpload cannot be specified with Object Size.');
    out.AbortIncompleteMultipartUpload = { DaysAfterInitiation: d };
  }
  if (
    !out.Expiration &&
    !out.Transitions &&
    !out.NoncurrentVersionTransitions &&
    !out.NoncurrentVersionExpiration &&
    !out.AbortIncompleteMultipartUpload
  ) {
    throw invalidRequest('At least one action needs to be specified in a rule');
  }
  return out;
}

export function validateRules(rules: LifecycleRule[] | undefined): StoredRule[] {
  if (!rules || rules.length === 0 || rules.length > 1000) throw malformed();
  // The first rule's form decides the configuration's version.
  const version: LifecycleVersion = rules[0]!.Prefix !== undefined ? 1 : 2;
  const out = rules.map((r) => checkRule(r, version));
  const ids = new Set<string>();
  for (const r of out) {
    if (ids.has(r.ID)) throw invalid('Rule ID must be unique. Found same ID for more than one rule');
    ids.add(r.ID);
  }
  if (version === 1) checkOverlaps(out);
  return out;
}

/** The rule as GetBucketLifecycleConfiguration returns it (dates as Dates). */
export function ruleOutput(r: StoredRule): LifecycleRule {
  const out = structuredClone(r) as unknown as LifecycleRule;
  if (r.Expiration?.Date) out.Expiration!.Date = new Date(r.Expiration.Date);
  r.Transitions?.forEach((t, i) => {
    if (t.Date) out.Transitions![i]!.Date = new Date(t.Date);
  });
  return out;
}

export function rulePrefix(r: StoredRule): string {
  return r.Prefix ?? r.Filter?.Prefix ?? r.Filter?.And?.Prefix ?? '';
}

/** Does the rule's filter (beyond its prefix) accept an object of this size with these tags? */
export function ruleMatches(r: StoredRule, size: number, tags: readonly Tag[] | undefined): boolean {
  const f = r.Filter?.And ?? r.Filter;
  if (f?.ObjectSizeGreaterThan !== undefined && !(size > f.ObjectSizeGreaterThan)) return false;
  if (f?.ObjectSizeLessThan !== undefined && !(size < f.ObjectSizeLessThan)) return false;
  const want = r.Filter?.Tag ? [r.Filter.Tag] : (r.Filter?.And?.Tags ?? []);
  for (const t of want) if (!tags?.some((x) => x.Key === t.Key && x.Value === t.Value)) return false;
  return true;
}

export const needsTags = hasTags;
