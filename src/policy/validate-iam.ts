/**
 * Validation of identity-based policies as IAM does on write (PutUserPolicy, CreatePolicy,
 * CreatePolicyVersion, ...), answering MalformedPolicyDocument with IAM's own messages. IAM
 * checks in stages and reports the first failing stage: syntax, principal, version (managed
 * policies), "legacy parsing", Sid rules, actions present, resources present, resource format,
 * action vendor prefixes.
 */
import type { PolicyDocument } from './types.ts';
import { parseOperator } from './conditions.ts';
import {
  asList,
  isConditionValue,
  isObject,
  isStringOrStrings,
  orThrow,
  refuse,
  run,
  statementsOf,
  STATEMENT_FIELDS,
  VERSIONS,
  type Json,
  type JsonObject,
  type PolicyValidation,
} from './validate-common.ts';

export const IAM_MESSAGES = {
  syntax: 'Syntax errors in policy.',
  principal: 'Policy document should not specify a principal.',
  version: 'Policy document must be version 2012-10-17 or greater.',
  legacy: 'The policy failed legacy parsing',
  sidUnique: 'Statement IDs (SID) in a single policy must be unique.',
  sidFormat:
    'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
  actions: 'Policy statement must contain actions.',
  resources: 'Policy statement must contain resources.',
  vendor: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  oneColon: 'Actions/Condition can contain only one colon.',
  vendorWildcard: 'Action vendors (e.g., aws, ec2, etc.) must not contain wildcards.',
  resourceVendor: 'Resource vendor must be fully qualified and cannot contain regexes.',
} as const;

const IAM_PATHS = [
  'user/',
  'federated-user/',
  'role/',
  'group/',
  'instance-profile/',
  'mfa/',
  'server-certificate/',
  'policy/',
  'sms-mfa/',
  'saml-provider/',
  'oidc-provider/',
  'report/',
  'access-report/',
];
/**
 * S3 resource types whose ARNs carry a region (Service Authorization Reference, Amazon S3: access
 * points, Batch Operations jobs, Storage Lens, Access Grants); other S3 ARNs may not.
 */
const S3_REGIONAL = ['accesspoint/', 'job/', 'storage-lens/', 'storage-lens-group/', 'access-grants/'];
const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b']);

export function parseJsonObject(text: string): JsonObject | undefined {
  try {
    const v = JSON.parse(text) as Json;
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function checkSyntax(doc: JsonObject): JsonObject[] {
  const syntax = () => refuse(IAM_MESSAGES.syntax);
  for (const k of Object.keys(doc)) if (k !== 'Version' && k !== 'Id' && k !== 'Statement') syntax();
  if (doc.Version !== undefined && (typeof doc.Version !== 'string' || !VERSIONS.includes(doc.Version)))
    syntax();
  if (doc.Id !== undefined && typeof doc.Id !== 'string') syntax();
  if (!isObject(doc.Statement) && !Array.isArray(doc.Statement)) syntax();
  const list = statementsOf(doc);
  if (list.length === 0) syntax();
  for (const s of list) {
    if (!isObject(s)) return syntax();
    for (const k of Object.keys(s)) if (!STATEMENT_FIELDS.includes(k)) syntax();
    if (s.Action !== undefined && s.NotAction !== undefined) syntax();
    if (s.Resource !== undefined && s.NotResource !== undefined) syntax();
    if (typeof s.Effect !== 'string' || !['allow', 'deny'].includes(s.Effect.toLowerCase())) syntax();
    for (const k of ['Action', 'NotAction', 'Resource', 'NotResource'])
      if (s[k] !== undefined && !isStringOrStrings(s[k])) syntax();
    if (s.Sid !== undefined && typeof s.Sid !== 'string') syntax();
    if (s.Condition !== undefined) {
      if (!isObject(s.Condition)) syntax();
      for (const [op, block] of Object.entries(s.Condition as JsonObject)) {
        if (!isObject(block)) return syntax();
        for (const v of Object.values(block)) if (!isConditionValue(v)) syntax();
        if (!parseOperator(op) && Object.keys(block).length > 0) syntax();
      }
    }
  }
  return list as JsonObject[];
}

const int = (s: string): number => (/^\s*[+-]?\d+\s*$/.test(s) ? Number(s) : NaN);
const within = (s: string, lo: number, hi: number): boolean => int(s) >= lo && int(s) <= hi;

/**
 * IAM's "legacy" reading of a Date condition value: an epoch in seconds (0 to 2^63-1), or an
 * ISO 8601 date-time whose fields are range-checked one by one, so "01T", "-292275054" and a
 * "+23" zone pass while month 13, a one-digit zone or ten fraction digits fail (the accepted and
 * refused values of LocalStack's AWS-recorded test_create_policy_valid/invalid_document).
 */
function legacyDate(value: string): boolean {
  const v = value.toLowerCase();
  if (!v.includes('t') && !v.includes('-'))
    return /^\s*\+?\d+\s*$/.test(v) && BigInt(v.trim()) <= 9223372036854775807n;
  const t = v.indexOf('t');
  const datePart = t < 0 ? v : v.slice(0, t);
  const timePart = t < 0 ? '' : v.slice(t + 1);
  const negative = datePart.startsWith('-');
  const d = (negative ? datePart.slice(1) : datePart).split('-');
  if (!within((negative ? '-' : '') + d[0], -292275054, 292278993)) return false;
  if (d.length > 1 && !within(d[1], 1, 12)) return false;
  if (d.length > 2 && !within(d[2], 1, 31)) return false;
  if (d.length > 3) return false;
  const tp = timePart.split(':');
  if (tp[0] !== '' && !within(tp[0], 0, 23)) return false;
  if (tp.length > 1 && !within(tp[1], 0, 59)) return false;
  if (tp.length > 2) {
    let secs = tp[2];
    if (secs.includes('z')) {
      const [before, after] = [secs.slice(0, secs.indexOf('z')), secs.slice(secs.indexOf('z') + 1)];
      if (after !== '') return false;
      secs = before;
    } else if (secs.includes('+')) {
      const zone = secs.slice(secs.indexOf('+') + 1);
      secs = secs.slice(0, secs.indexOf('+'));
      const [zh, ...zm] = zone.split(':');
      if (zh.length !== 2 || !within(zh, 0, 23)) return false;
      if (zm.length && (zm.join(':').length !== 2 || !within(zm.join(':'), 0, 59))) return false;
    }
    const dot = secs.indexOf('.');
    if (!within(dot < 0 ? secs : secs.slice(0, dot), 0, 59)) return false;
    if (dot >= 0 && !within(secs.slice(dot + 1), 0, 999999999)) return false;
  }
  return true;
}

function checkLegacy(list: JsonObject[], checkResourceLegacy: boolean): void {
  for (const s of list) {
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') refuse(IAM_MESSAGES.legacy);
    for (const [op, block] of Object.entries((s.Condition as JsonObject) ?? {})) {
      const parsed = parseOperator(op);
      if (!parsed?.name.startsWith('Date')) continue;
      for (const v of Object.values(block as JsonObject))
        for (const x of Array.isArray(v) ? v : [v]) if (!legacyDate(String(x))) refuse(IAM_MESSAGES.legacy);
    }
    // Resources are legacy-parsed only when their format is otherwise fine.
    if (!checkResourceLegacy) continue;
    for (const r of asList((s.Resource ?? s.NotResource ?? []) as string | string[])) {
      if (r !== '*' && r.split(':').length < 6 && r.includes('::')) refuse(IAM_MESSAGES.legacy);
      // An empty service ("arn:aws::x", "arn:aws::::x") fails legacy parsing too.
      if (r !== '*' && r.split(':')[2] === '') refuse(IAM_MESSAGES.legacy);
    }
  }
}

function resourceFormatError(r: string): string | undefined {
  if (r === '*') return undefined;
  const parts = r.split(':');
  if (parts.length < 2) return `Resource ${r} must be in ARN format or "*".`;
  const partition = parts[1];
  if (!PARTITIONS.has(partition)) {
    const rest = parts.slice(2);
    const a1 = rest[0] !== undefined && (rest[0] !== '' || rest.length > 1) ? rest[0] : '*';
    const a2 = rest[1] ?? '*';
    const a3 = rest[2] ?? '*';
    const a4 = rest.length > 3 ? rest.slice(3).join(':') : '*';
    return `Partition "${partition}" is not valid for resource "arn:${partition}:${a1}:${a2}:${a3}:${a4}".`;
  }
  if (parts.length < 3 || /[*?]/.test(parts[2])) return IAM_MESSAGES.resourceVendor;
  if (parts[2] === '') return undefined; // refused by legacy parsing

  const service = parts[2];
  const region = parts[3] ?? '';
  if (service === 'iam' && region !== '') return `IAM resource ${r} cannot contain region information.`;
  if (service === 's3' && region !== '' && !S3_REGIONAL.some((x) => parts.slice(5).join(':').startsWith(x)))
    return `Resource ${r} can not contain region information.`;
  if (service === 'iam') {
    const path = parts.slice(5).join(':');
    if (path !== '*' && path !== 'root' && !IAM_PATHS.some((x) => path.startsWith(x)))
      return `IAM resource path must either be "*", root, or start with ${IAM_PATHS.join(', ')}.`;
  }
  return undefined;
}

function vendorError(name: string): string | undefined {
  if (name === '*') return undefined;
  const parts = name.split(':');
  if (parts.length === 1) return IAM_MESSAGES.vendor;
  if (parts.length > 2) return IAM_MESSAGES.oneColon;
  if (/[*?]/.test(parts[0])) return IAM_MESSAGES.vendorWildcard;
  if (/[^a-zA-Z0-9.-]/.test(parts[0]) || parts[0] === '') return `Vendor ${parts[0]} is not valid`;
  return undefined;
}

export interface IdentityPolicyOptions {
  /** Managed policies (CreatePolicy / CreatePolicyVersion) must say Version 2012-10-17. */
  managed?: boolean;
}

/** Validates an identity-based policy; on failure the IAM message. */
export function checkIdentityPolicy(text: string, opts: IdentityPolicyOptions = {}): PolicyValidation {
  return run('MalformedPolicyDocument', () => {
    const doc = parseJsonObject(text) ?? refuse(IAM_MESSAGES.syntax);
    const list = checkSyntax(doc);
    if (list.some((s) => s.Principal !== undefined || s.NotPrincipal !== undefined))
      refuse(IAM_MESSAGES.principal);
    if (opts.managed && doc.Version !== '2012-10-17') refuse(IAM_MESSAGES.version);
    let formatError: string | undefined;
    for (const s of list)
      for (const r of asList((s.Resource ?? s.NotResource ?? []) as string | string[]))
        formatError ??= resourceFormatError(r);
    checkLegacy(list, formatError === undefined);
    const sids = new Set<string>();
    for (const s of list) {
      if (typeof s.Sid !== 'string' || s.Sid === '') continue;
      if (!/^[0-9A-Za-z]*$/.test(s.Sid)) refuse(IAM_MESSAGES.sidFormat);
      if (sids.has(s.Sid)) refuse(IAM_MESSAGES.sidUnique);
      sids.add(s.Sid);
    }
    for (const s of list) {
      const a = s.Action ?? s.NotAction;
      if (a === undefined || (Array.isArray(a) && a.length === 0)) refuse(IAM_MESSAGES.actions);
    }
    for (const s of list) {
      const r = s.Resource ?? s.NotResource;
      if (r === undefined || (Array.isArray(r) && r.length === 0)) refuse(IAM_MESSAGES.resources);
    }
    if (formatError) refuse(formatError);
    for (const s of list) {
      for (const a of asList((s.Action ?? s.NotAction) as string | string[])) {
        const e = vendorError(a);
        if (e) refuse(e);
      }
      // Condition keys are not checked: IAM accepts "a" (AWS-recorded valid documents) and tag
      // keys may hold colons ("aws:ResourceTag/aws:cloudformation:stack-name").
    }
    return doc as unknown as PolicyDocument;
  });
}

/** Throws AwsError MalformedPolicyDocument (400) with IAM's message. */
export const validateIdentityPolicy = (text: string, opts?: IdentityPolicyOptions): PolicyDocument =>
  orThrow(checkIdentityPolicy(text, opts));
