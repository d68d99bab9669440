// Runs the data-driven policy cases: test/policy/cases/*.json (evaluation) and
// test/policy/validation/*.json (documents → ok or the exact AWS error message).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Principal } from '../../src/auth/principal.ts';
import {
  accessDeniedMessage,
  buildGlobalContext,
  checkBucketPolicy,
  checkIdentityPolicy,
  checkTrustPolicy,
  evaluate,
  type RequestContextValues,
  type RequestFacts,
} from '../../src/policy/index.ts';

const DIR = join(import.meta.dirname, '');
const ACCOUNT = '111122223333';

/** Principals by shorthand: root, user:NAME, role:ROLE/SESSION, federated:NAME/ISSUER, anonymous, service:NAME, saml:ROLE/SESSION, web:ROLE/SESSION; "@ACCOUNT" suffix for another account. */
function principalOf(spec: string | (Record<string, unknown> & { id: string })): Principal {
  const extra = typeof spec === 'string' ? {} : spec;
  const id = typeof spec === 'string' ? spec : spec.id;
  const [body, account = ACCOUNT] = id.split('@');
  const colon = body.indexOf(':');
  const kind = colon < 0 ? body : body.slice(0, colon);
  const rest = colon < 0 ? '' : body.slice(colon + 1);
  let p: Principal;
  switch (kind) {
    case 'root':
      p = { type: 'Root', accountId: account, arn: `arn:aws:iam::${account}:root`, userId: account };
      break;
    case 'user': {
      const name = rest.slice(rest.lastIndexOf('/') + 1);
      p = {
        type: 'IAMUser',
        accountId: account,
        arn: `arn:aws:iam::${account}:user/${rest}`,
        userId: `AIDA${name.toUpperCase()}`,
        userName: name,
      };
      break;
    }
    case 'role':
    case 'saml':
    case 'web': {
      const [role, session = 'session'] = rest.split('/');
      p = {
        type: kind === 'role' ? 'AssumedRole' : kind === 'saml' ? 'SAMLUser' : 'WebIdentityUser',
        accountId: account,
        arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
        userId: `AROA${role.toUpperCase()}:${session}`,
        role: {
          arn: `arn:aws:iam::${account}:role/${role}`,
          roleId: `AROA${role.toUpperCase()}`,
          name: role,
          path: '/',
        },
        sessionName: session,
        temporary: true,
        tokenIssueTime: new Date('2026-01-01T11:00:00Z'),
      };
      break;
    }
    case 'federated': {
      const [name, issuer = 'issuer'] = rest.split('/');
      p = {
        type: 'FederatedUser',
        accountId: account,
        arn: `arn:aws:sts::${account}:federated-user/${name}`,
        userId: `${account}:${name}`,
        federatedName: issuer,
        temporary: true,
      };
      break;
    }
    case 'anonymous':
      p = { type: 'Anonymous', accountId: '', arn: '*', userId: 'anonymous' };
      break;
    case 'service':
      p = { type: 'AWSService', accountId: '', arn: rest, userId: rest };
      break;
    default:
      throw new Error(`unknown principal shorthand ${id}`);
  }
  const { id: _id, tokenIssueTime, ...more } = extra as Record<string, unknown>;
  Object.assign(p, more);
  if (typeof tokenIssueTime === 'string') p.tokenIssueTime = new Date(tokenIssueTime);
  return p;
}

interface EvalCase {
  name: string;
  request: {
    principal: string | (Record<string, unknown> & { id: string });
    action: string;
    resource: string;
    resourceAccountId?: string;
    context?: Record<string, string | string[] | number | boolean | null>;
    facts?: Record<string, unknown>;
    resourcePolicyRequired?: boolean;
    federatedProvider?: string;
    canonicalUserId?: string;
  };
  policies: { identity?: unknown[]; boundary?: unknown[]; session?: unknown[]; resource?: unknown };
  expect: 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';
  reason?: string;
  deniedBy?: string;
  message?: string;
  missing?: string[];
}

const DEFAULT_FACTS: RequestFacts = {
  now: new Date('2026-01-01T12:00:00Z'),
  sourceIp: '192.0.2.10',
  secureTransport: true,
  region: 'us-east-1',
};

function runCase(c: EvalCase): void {
  const principal = principalOf(c.request.principal);
  const facts = { ...DEFAULT_FACTS, ...(c.request.facts ?? {}) } as RequestFacts;
  if (typeof facts.now === 'string') facts.now = new Date(facts.now);
  const context: RequestContextValues = buildGlobalContext(principal, facts);
  const lower = new Map(Object.keys(context).map((k) => [k.toLowerCase(), k]));
  for (const [k, v] of Object.entries(c.request.context ?? {})) {
    const existing = lower.get(k.toLowerCase());
    if (existing) delete context[existing];
    if (v !== null) context[k] = v;
  }
  const asDoc = (d: unknown) => (typeof d === 'string' ? d : JSON.stringify(d));
  const r = evaluate({
    principal,
    action: c.request.action,
    resource: c.request.resource,
    context,
    identityPolicies: c.policies.identity?.map(asDoc),
    boundaryPolicies: c.policies.boundary?.map(asDoc),
    sessionPolicies: c.policies.session?.map(asDoc),
    resourcePolicy: c.policies.resource === undefined ? undefined : { document: asDoc(c.policies.resource) },
    resourceAccountId: c.request.resourceAccountId ?? (principal.accountId || ACCOUNT),
    resourcePolicyRequired: c.request.resourcePolicyRequired,
    federatedProvider: c.request.federatedProvider,
    canonicalUserId: c.request.canonicalUserId,
  });
  assert.equal(r.decision, c.expect, `decision (reason ${r.reason}, deniedBy ${r.deniedBy})`);
  if (c.reason) assert.equal(r.reason, c.reason);
  if (c.deniedBy) assert.equal(r.deniedBy, c.deniedBy);
  if (c.message)
    assert.equal(accessDeniedMessage(principal, c.request.action, c.request.resource, r), c.message);
  if (c.missing) assert.deepEqual([...r.missingContextValues].sort(), [...c.missing].sort());
}

interface ValidationCase {
  name: string;
  kind: 'identity' | 'managed' | 'trust' | 'bucket';
  bucket?: string;
  document: unknown;
  expect: string;
  knownPrincipals?: string[];
}

function runValidation(c: ValidationCase): void {
  const text = typeof c.document === 'string' ? c.document : JSON.stringify(c.document, null, 2);
  const principalExists = c.knownPrincipals
    ? (arn: string) => c.knownPrincipals!.includes(arn) || /:root$/.test(arn)
    : undefined;
  const v =
    c.kind === 'identity' || c.kind === 'managed'
      ? checkIdentityPolicy(text, { managed: c.kind === 'managed' })
      : c.kind === 'trust'
        ? checkTrustPolicy(text, { principalExists })
        : checkBucketPolicy(text, { bucket: c.bucket ?? 'amzn-s3-demo-bucket', principalExists });
  const got = v.ok ? 'ok' : v.message;
  assert.equal(got, c.expect);
  if (!v.ok) assert.equal(v.code, c.kind === 'bucket' ? 'MalformedPolicy' : 'MalformedPolicyDocument');
}

function load<T>(sub: string): [string, T[]][] {
  const dir = join(DIR, sub);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as T[]]);
}

for (const [file, cases] of load<EvalCase>('cases')) {
  test(`evaluation cases: ${file}`, async (t) => {
    const names = new Set<string>();
    for (const c of cases) {
      assert.ok(!names.has(c.name), `duplicate case name ${c.name}`);
      names.add(c.name);
      await t.test(c.name, () => runCase(c));
    }
  });
}

for (const [file, cases] of load<ValidationCase>('validation')) {
  test(`validation cases: ${file}`, async (t) => {
    for (const c of cases) await t.test(c.name, () => runValidation(c));
  });
}
