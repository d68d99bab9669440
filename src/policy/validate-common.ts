/** Pieces shared by the IAM, trust-policy and S3 bucket-policy validators. */
import { AwsError } from '../errors.ts';
import type { PolicyDocument } from './types.ts';

export type PolicyValidation =
  | { ok: true; document: PolicyDocument }
  | { ok: false; code: 'MalformedPolicyDocument' | 'MalformedPolicy'; message: string };

/** Thrown inside a validator to stop at the first problem (AWS reports one message). */
export class Refusal {
  constructor(readonly message: string) {}
}

export const refuse = (message: string): never => {
  throw new Refusal(message);
};

export function run(
  code: 'MalformedPolicyDocument' | 'MalformedPolicy',
  fn: () => PolicyDocument,
): PolicyValidation {
  try {
    return { ok: true, document: fn() };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, code, message: e.message };
    throw e;
  }
}

/** Turns a failed validation into the AwsError services throw (400). */
export function orThrow(v: PolicyValidation): PolicyDocument {
  if (v.ok) return v.document;
  throw new AwsError(v.code, v.message, 400);
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const isStringOrStrings = (v: unknown): v is string | string[] =>
  typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

export const asList = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

export const VERSIONS = ['2012-10-17', '2008-10-17'];

export const STATEMENT_FIELDS = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
];

export const statementsOf = (doc: JsonObject): Json[] => {
  const s = doc.Statement;
  return Array.isArray(s) ? s : s === undefined ? [] : [s];
};

/** Condition values may be strings, numbers or booleans, alone or in a list. */
export const isConditionValue = (v: unknown): boolean => {
  const scalar = (x: unknown) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
  return scalar(v) || (Array.isArray(v) && v.every(scalar));
};

/**
 * Policy size as IAM counts it against its quotas: characters excluding whitespace (spaces,
 * tabs, line breaks). S3 counts bytes (Buffer.byteLength) against its 20 KB.
 */
export const policySize = (text: string): number => text.replace(/\s+/g, '').length;

/** IAM and S3 size quotas (characters for IAM, bytes for S3). */
export const POLICY_LIMITS = {
  userInline: 2048,
  groupInline: 5120,
  roleInline: 10240,
  managed: 6144,
  trust: 2048,
  session: 2048,
  bucket: 20480,
} as const;

export type SizedPolicyKind = 'userInline' | 'groupInline' | 'roleInline' | 'managed' | 'trust';

/**
 * IAM's LimitExceeded (409) for an oversized policy, or undefined. `size` defaults to
 * policySize(text); inline quotas apply to the sum of an entity's inline policies, so callers
 * pass that sum. `entityName` is the user / group / role name the message names.
 */
export function policySizeError(
  kind: SizedPolicyKind,
  text: string,
  entityName = '',
  size = policySize(text),
): AwsError | undefined {
  const limit = POLICY_LIMITS[kind];
  if (size <= limit) return undefined;
  const message =
    kind === 'managed'
      ? `Cannot exceed quota for PolicySize: ${limit}`
      : kind === 'trust'
        ? `Cannot exceed quota for ACLSizePerRole: ${limit}`
        : `Maximum policy size of ${limit} bytes exceeded for ${kind === 'userInline' ? 'user' : kind === 'groupInline' ? 'group' : 'role'} ${entityName}`;
  return new AwsError('LimitExceeded', message, 409);
}
