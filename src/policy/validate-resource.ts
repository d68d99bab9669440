/**
 * Validation of resource-based policies: role trust policies (IAM CreateRole /
 * UpdateAssumeRolePolicy, MalformedPolicyDocument) and S3 bucket policies (PutBucketPolicy,
 * MalformedPolicy). Both go through AWS's resource-policy grammar, whose messages differ from the
 * identity-policy ones ("Missing required field Principal", "Has prohibited field Resource",
 * "Invalid principal in policy", "Policy has invalid resource", "Unknown field X").
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
import { globMatch } from './wildcard.ts';
import { S3_ACTION_NAMES } from './s3-actions.ts';

export interface PrincipalCheckOptions {
  /** Whether a user/role ARN in an AWS principal exists (AWS refuses unknown ones). */
  principalExists?: (arn: string) => boolean;
}

const AWS_PRINCIPAL_RE =
  /^arn:aws[a-z-]*:(iam::\d{12}:(root|user\/.+|role\/.+)|sts::\d{12}:(assumed-role\/[^/]+\/.+|federated-user\/.+))$/;
const SERVICE_RE = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/;
const FEDERATED_ARN_RE = /^arn:aws[a-z-]*:iam::\d{12}:(saml-provider|oidc-provider)\/.+$/;
const FEDERATED_HOSTS = new Set([
  'accounts.google.com',
  'graph.facebook.com',
  'www.amazon.com',
  'cognito-identity.amazonaws.com',
]);

function parseDocumentText(text: string, invalidJson: string): JsonObject {
  let v: Json;
  try {
    v = JSON.parse(text) as Json;
  } catch {
    return refuse(invalidJson);
  }
  return isObject(v) ? v : refuse(invalidJson);
}

function commonDocument(doc: JsonObject, syntax: string): JsonObject[] {
  for (const k of Object.keys(doc))
    if (k !== 'Version' && k !== 'Id' && k !== 'Statement') refuse(`Unknown field ${k}`);
  if (doc.Version !== undefined && (typeof doc.Version !== 'string' || !VERSIONS.includes(doc.Version)))
    refuse('The policy must contain a valid version string');
  if (doc.Id !== undefined && typeof doc.Id !== 'string') refuse(syntax);
  if (doc.Statement === undefined) refuse('Missing required field Statement');
  const list = statementsOf(doc);
  if (list.length === 0) refuse('Could not parse the policy: Statement is empty!');
  for (const s of list) {
    if (!isObject(s)) return refuse(syntax);
    for (const k of Object.keys(s)) if (!STATEMENT_FIELDS.includes(k)) refuse(`Unknown field ${k}`);
    for (const n of ['Principal', 'Action', 'Resource'])
      if (s[n] !== undefined && s[`Not${n}`] !== undefined)
        refuse(`Statement/policy already has instance of ${n}`);
    if (s.Effect === undefined) refuse('Missing required field Effect');
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny')
      refuse(`Invalid effect: ${typeof s.Effect === 'string' ? s.Effect : JSON.stringify(s.Effect)}`);
    if (s.Sid !== undefined && typeof s.Sid !== 'string') refuse(syntax);
    for (const k of ['Action', 'NotAction', 'Resource', 'NotResource'])
      if (s[k] !== undefined && !isStringOrStrings(s[k])) refuse(syntax);
    if (s.Condition !== undefined) {
      if (!isObject(s.Condition)) refuse(syntax);
      for (const [op, block] of Object.entries(s.Condition as JsonObject)) {
        if (!parseOperator(op)) refuse(`Invalid Condition type : ${op}`);
        if (!isObject(block)) refuse(syntax);
        for (const v of Object.values(block as JsonObject)) if (!isConditionValue(v)) refuse(syntax);
      }
    }
  }
  return list as JsonObject[];
}

/** Checks a Principal value; returns the AWS-style offending entry or undefined. */
function principalProblem(p: Json, opts: PrincipalCheckOptions, allowCanonical: boolean): string | undefined {
  if (p === '*') return undefined;
  if (!isObject(p)) return typeof p === 'string' ? `"${p}"` : 'null';
  const keys = Object.keys(p);
  if (keys.length === 0) return 'null';
  for (const k of keys) {
    const v = p[k];
    if (!isStringOrStrings(v) || asList(v).length === 0) return `"${k}"`;
    for (const x of asList(v)) {
      if (k === 'AWS') {
        // Wildcards are not patterns in principals: only a bare "*" is accepted.
        const ok =
          x === '*' ||
          /^\d{12}$/.test(x) ||
          (AWS_PRINCIPAL_RE.test(x) && !/[*?]/.test(x) && (opts.principalExists?.(x) ?? true));
        if (!ok) return `"AWS":"${x}"`;
      } else if (k === 'Service') {
        if (x !== '*' && !SERVICE_RE.test(x)) return `"SERVICE":"${x}"`;
      } else if (k === 'Federated') {
        if (!FEDERATED_ARN_RE.test(x) && !FEDERATED_HOSTS.has(x)) return `"FEDERATED":"${x}"`;
      } else if (k === 'CanonicalUser' && allowCanonical) {
        if (!/^[0-9a-f]{64}$/.test(x)) return `"CANONICALUSER":"${x}"`;
      } else return `"${k}"`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- role trust policies

export const TRUST_MESSAGES = {
  invalidJson: 'This policy contains invalid Json',
  syntax: 'Syntax errors in policy.',
  missingPrincipal: 'Missing required field Principal',
  missingAction: 'Missing required field Action',
  stsOnly: 'AssumeRole policy may only specify STS AssumeRole actions.',
  resource: 'Has prohibited field Resource',
  notResource: 'Has prohibited field NotResource',
  allowNotPrincipal: 'Allow with NotPrincipal is not allowed.',
  sidUnique: 'Statement IDs (SID) in a single policy must be unique.',
  federated: 'Federated principals must be valid domain names or SAML metadata ARNs',
} as const;

/** Validates a role trust policy (AssumeRolePolicyDocument); MalformedPolicyDocument on failure. */
export function checkTrustPolicy(text: string, opts: PrincipalCheckOptions = {}): PolicyValidation {
  return run('MalformedPolicyDocument', () => {
    const doc = parseDocumentText(text, TRUST_MESSAGES.invalidJson);
    const list = commonDocument(doc, TRUST_MESSAGES.syntax);
    const sids = new Set<string>();
    for (const s of list) {
      if (s.NotPrincipal !== undefined && s.Effect === 'Allow') refuse(TRUST_MESSAGES.allowNotPrincipal);
      if (s.Principal === undefined && s.NotPrincipal === undefined) refuse(TRUST_MESSAGES.missingPrincipal);
      const bad = principalProblem((s.Principal ?? s.NotPrincipal) as Json, opts, false);
      // IAM words a bad Federated principal apart from the others.
      if (bad?.startsWith('"FEDERATED"')) refuse(TRUST_MESSAGES.federated);
      if (bad) refuse(`Invalid principal in policy: ${bad}`);
      const actions = s.Action ?? s.NotAction;
      if (actions === undefined || asList(actions as string | string[]).length === 0)
        refuse(TRUST_MESSAGES.missingAction);
      for (const a of asList(actions as string | string[]))
        if (!a.toLowerCase().startsWith('sts:')) refuse(TRUST_MESSAGES.stsOnly);
      if (s.Resource !== undefined) refuse(TRUST_MESSAGES.resource);
      if (s.NotResource !== undefined) refuse(TRUST_MESSAGES.notResource);
      if (typeof s.Sid === 'string' && s.Sid !== '') {
        if (sids.has(s.Sid)) refuse(TRUST_MESSAGES.sidUnique);
        sids.add(s.Sid);
      }
    }
    return doc as unknown as PolicyDocument;
  });
}

export const validateTrustPolicy = (text: string, opts?: PrincipalCheckOptions): PolicyDocument =>
  orThrow(checkTrustPolicy(text, opts));

// ---------------------------------------------------------------- S3 bucket policies

export const S3_MESSAGES = {
  firstByte: "Policies must be valid JSON and the first byte must be '{'",
  invalidJson: 'This policy contains invalid Json',
  syntax: 'Invalid policy syntax.',
  missingPrincipal: 'Missing required field Principal',
  invalidPrincipal: 'Invalid principal in policy',
  missingAction: 'Missing required field Action',
  invalidAction: 'Policy has invalid action',
  missingResource: 'Missing required field Resource',
  invalidResource: 'Policy has invalid resource',
  actionResource: 'Action does not apply to any resource(s) in statement',
} as const;

// Which S3 actions apply to a bucket ARN and which to object ARNs (for the "does not apply" check).
const S3_BUCKET_ACTIONS =
  `CreateBucket DeleteBucket DeleteBucketPolicy DeleteBucketWebsite DeleteBucketOwnershipControls
  GetAccelerateConfiguration GetAnalyticsConfiguration GetBucketAcl GetBucketCORS GetBucketLocation GetBucketLogging
  GetBucketNotification GetBucketObjectLockConfiguration GetBucketOwnershipControls GetBucketPolicy
  GetBucketPolicyStatus GetBucketPublicAccessBlock GetBucketRequestPayment GetBucketTagging GetBucketVersioning
  GetBucketWebsite GetEncryptionConfiguration GetInventoryConfiguration GetLifecycleConfiguration
  GetMetricsConfiguration GetReplicationConfiguration ListBucket ListBucketMultipartUploads ListBucketVersions
  PutAccelerateConfiguration PutBucketAcl PutBucketCORS PutBucketLogging PutBucketNotification
  PutBucketObjectLockConfiguration PutBucketOwnershipControls PutBucketPolicy PutBucketPublicAccessBlock
  PutBucketRequestPayment PutBucketTagging PutBucketVersioning PutBucketWebsite PutEncryptionConfiguration
  PutInventoryConfiguration PutLifecycleConfiguration PutMetricsConfiguration PutReplicationConfiguration`
    .split(/\s+/)
    .map((a) => `s3:${a.toLowerCase()}`);
const S3_OBJECT_ACTIONS =
  `AbortMultipartUpload BypassGovernanceRetention DeleteObject DeleteObjectTagging DeleteObjectVersion
  DeleteObjectVersionTagging GetObject GetObjectAcl GetObjectAttributes GetObjectLegalHold GetObjectRetention
  GetObjectTagging GetObjectTorrent GetObjectVersion GetObjectVersionAcl GetObjectVersionAttributes
  GetObjectVersionTagging GetObjectVersionTorrent ListMultipartUploadParts PutObject PutObjectAcl PutObjectLegalHold
  PutObjectRetention PutObjectTagging PutObjectVersionAcl PutObjectVersionTagging RestoreObject`
    .split(/\s+/)
    .map((a) => `s3:${a.toLowerCase()}`);
const S3_ACCOUNT_ACTIONS = [
  's3:listallmybuckets',
  's3:createjob',
  's3:getaccesspoint',
  's3:putaccountpublicaccessblock',
  's3:getaccountpublicaccessblock',
];

function actionApplies(action: string, hasBucket: boolean, hasObject: boolean): boolean {
  const a = action.toLowerCase();
  let known = false;
  const check = (names: string[], kind: boolean): boolean => {
    for (const n of names)
      if (globMatch(a, n, true)) {
        known = true;
        if (kind) return true;
      }
    return false;
  };
  if (check(S3_BUCKET_ACTIONS, hasBucket) || check(S3_OBJECT_ACTIONS, hasObject)) return true;
  check(S3_ACCOUNT_ACTIONS, false);
  return !known;
}

export interface BucketPolicyOptions extends PrincipalCheckOptions {
  /** The bucket the policy is for: every Resource must name it or objects in it. */
  bucket: string;
}

/** Validates an S3 bucket policy; MalformedPolicy with S3's message on failure. */
export function checkBucketPolicy(text: string, opts: BucketPolicyOptions): PolicyValidation {
  return run('MalformedPolicy', () => {
    if (!/^\s*\{/.test(text)) refuse(S3_MESSAGES.firstByte);
    const doc = parseDocumentText(text, S3_MESSAGES.invalidJson);
    const list = commonDocument(doc, S3_MESSAGES.syntax);
    const bucketArn = `arn:aws:s3:::${opts.bucket}`;
    for (const s of list) {
      const principal = s.Principal ?? s.NotPrincipal;
      if (principal === undefined) refuse(S3_MESSAGES.missingPrincipal);
      if (principalProblem(principal as Json, opts, true)) refuse(S3_MESSAGES.invalidPrincipal);
      const actions = s.Action ?? s.NotAction;
      if (actions === undefined) refuse(S3_MESSAGES.missingAction);
      const actionList = asList(actions as string | string[]);
      if (actionList.length === 0) refuse(`Missing required field Action cannot be empty!`);
      for (const a of actionList) {
        if (a !== '*' && !/^s3:[A-Za-z0-9*?]+$/.test(a)) refuse(S3_MESSAGES.invalidAction);
        // A name without wildcards must be one of S3's actions (checked before Block Public Access).
        if (!/[*?]/.test(a) && !S3_ACTION_NAMES.has(a.toLowerCase())) refuse(S3_MESSAGES.invalidAction);
      }
      const resources = s.Resource ?? s.NotResource;
      if (resources === undefined) refuse(S3_MESSAGES.missingResource);
      const resourceList = asList(resources as string | string[]);
      if (resourceList.length === 0) refuse(`Missing required field Resource cannot be empty!`);
      let hasBucket = false;
      let hasObject = false;
      for (const r of resourceList) {
        // A resource must name this bucket (wildcards may stand for it) or objects in it.
        const slash = r.indexOf('/');
        const head = slash < 0 ? r : r.slice(0, slash);
        if (!r.startsWith('arn:aws:s3:::') || !globMatch(head, bucketArn))
          refuse(S3_MESSAGES.invalidResource);
        if (slash < 0) {
          hasBucket = true;
          if (head.endsWith('*')) hasObject = true;
        } else hasObject = true;
      }
      if (s.Action !== undefined)
        for (const a of actionList)
          if (a !== '*' && !actionApplies(a, hasBucket, hasObject)) refuse(S3_MESSAGES.actionResource);
    }
    return doc as unknown as PolicyDocument;
  });
}

export const validateBucketPolicy = (text: string, opts: BucketPolicyOptions): PolicyDocument =>
  orThrow(checkBucketPolicy(text, opts));
