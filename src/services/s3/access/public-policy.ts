/**
 * Whether a bucket policy is "public" as S3 judges it (GetBucketPolicyStatus, Block Public
 * Access): some Allow statement grants a wildcard principal (or uses NotPrincipal) without a
 * condition pinning the caller to fixed values — an account, organization, ARN, VPC, VPC
 * endpoint, user id or a source address range narrower than the whole Internet.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Statement = Record<string, Json>;

/** Condition keys that restrict a statement to fixed callers when given fixed values. */
const FIXED_KEYS = new Set(
  [
    'aws:SourceArn',
    'aws:SourceAccount',
    'aws:SourceOwner',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceIp',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:userid',
    'aws:username',
    'aws:PrincipalServiceName',
    's3:DataAccessPointAccount',
    's3:DataAccessPointArn',
    's3:x-amz-server-side-encryption-aws-kms-key-id',
  ].map((k) => k.toLowerCase()),
);

const list = (v: Json | undefined): Json[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function wildcardPrincipal(s: Statement): boolean {
  if (s.NotPrincipal !== undefined) return true;
  const p = s.Principal;
  if (p === '*') return true;
  if (p && typeof p === 'object' && !Array.isArray(p)) {
    return list((p as Record<string, Json>).AWS).some(
      (a) => typeof a === 'string' && (a === '*' || /^\*|:\*$|::\*:/.test(a)),
    );
  }
  return false;
}

function fixedValues(key: string, values: Json[]): boolean {
  if (!values.length) return false;
  return values.every((v) => {
    if (typeof v !== 'string') return typeof v === 'number' || typeof v === 'boolean';
    if (v.includes('*') || v.includes('?')) return false;
    // The whole Internet is not a restriction.
    if (key === 'aws:sourceip') return !/\/0$/.test(v) && v !== '0.0.0.0' && v !== '::';
    return v !== '';
  });
}

/** Whether an Allow statement is pinned to fixed callers by its conditions. */
function restricted(s: Statement): boolean {
  const cond = s.Condition;
  if (!cond || typeof cond !== 'object' || Array.isArray(cond)) return false;
  for (const [op, block] of Object.entries(cond)) {
    // Negated and "if exists" operators do not pin anything down.
    if (/^(ForAnyValue:|ForAllValues:)?(StringNot|ArnNot|NotIp|Null)|IfExists$/i.test(op)) continue;
    if (
      !/^(ForAnyValue:|ForAllValues:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress)$/i.test(
        op,
      )
    )
      continue;
    if (!block || typeof block !== 'object' || Array.isArray(block)) continue;
    for (const [key, v] of Object.entries(block)) {
      const k = key.toLowerCase();
      if (FIXED_KEYS.has(k) && fixedValues(k, list(v))) return true;
    }
  }
  return false;
}

export function isPublicPolicy(text: string | undefined): boolean {
  if (!text) return false;
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch {
    return false;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return false;
  for (const s of list((doc as Record<string, Json>).Statement)) {
    if (!s || typeof s !== 'object' || Array.isArray(s)) continue;
    const st = s as Statement;
    if (st.Effect === 'Allow' && wildcardPrincipal(st) && !restricted(st)) return true;
  }
  return false;
}

/** The policy with only its Deny statements (RestrictPublicBuckets: public grants ignored). */
export function denyStatementsOnly(text: string): string | undefined {
  try {
    const doc = JSON.parse(text) as { Statement?: Json };
    const kept = list(doc.Statement).filter(
      (s) => s && typeof s === 'object' && !Array.isArray(s) && (s as Statement).Effect === 'Deny',
    );
    if (!kept.length) return undefined;
    return JSON.stringify({ ...doc, Statement: kept });
  } catch {
    return undefined;
  }
}
