// The enforcing authorizer over a stub policy source: decisions, each service's denial form,
// the sealed EC2 message, permissive mode, context keys and the compiled-set cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../../src/app.ts';
import type { Principal } from '../../src/auth/principal.ts';
import { AwsError } from '../../src/errors.ts';
import type { RequestContext } from '../../src/pipeline/context.ts';
import type { ServiceName } from '../../src/protocol/model.ts';
import type { AuthzRequest } from '../../src/services/authz.ts';
import type { PolicySource, PrincipalPolicies } from '../../src/services/iam/policy-source.ts';
import { authorizationMessages, createEnforcingAuthorizer } from '../../src/authz/index.ts';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const root: Principal = {
  type: 'Root',
  accountId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:root`,
  userId: ACCOUNT,
};
const alice: Principal = {
  type: 'IAMUser',
  accountId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  userId: 'AIDAALICE',
  userName: 'alice',
  accessKeyId: 'AKIAALICE',
};
const anonymous: Principal = { type: 'Anonymous', accountId: '', arn: '*', userId: 'anonymous' };

const allow = (action: string, resource = '*', extra: object = {}) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: resource, ...extra }],
  });
const deny = (action: string, resource = '*') =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'NoWay', Effect: 'Deny', Action: action, Resource: resource }],
  });

class StubSource implements PolicySource {
  sets = new Map<string, PrincipalPolicies>();
  calls = 0;
  async forPrincipal(p: Principal): Promise<PrincipalPolicies> {
    this.calls++;
    return this.sets.get(p.arn) ?? { identity: [], tags: {}, exists: false };
  }
  async role() {
    return undefined;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'stratus-authz-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const messages = authorizationMessages(dir);

function setup(enforce = true) {
  const source = new StubSource();
  const authorizer = createEnforcingAuthorizer({ enforce, policies: source, messages });
  let requests: AuthzRequest[] = [];
  const app = {
    options: { region: 'us-east-1' },
    authz: Object.fromEntries(
      (['s3', 'iam', 'sts', 'ec2', 'cloudtrail'] as ServiceName[]).map((s) => [s, async () => requests]),
    ),
    now: () => new Date('2026-06-01T12:00:00Z'),
  } as unknown as App;
  async function check(
    service: ServiceName,
    principal: Principal,
    reqs: AuthzRequest[],
    sourceIp = '127.0.0.1',
  ): Promise<RequestContext> {
    requests = reqs;
    const ctx = {
      requestId: 'r',
      service,
      operation: { name: 'Op' },
      principal,
      input: {},
      region: 'us-east-1',
      facts: {
        method: 'POST',
        headers: {},
        query: new URLSearchParams(),
        sourceIp,
        secure: false,
        userAgent: 'test',
        host: 'h',
      },
    } as unknown as RequestContext;
    await authorizer(app, ctx);
    return ctx;
  }
  return { source, authorizer, check };
}

async function denied(p: Promise<unknown>): Promise<AwsError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AwsError, String(e));
    return e;
  }
  assert.fail('expected a denial');
}

test('root may do anything in its own account; others need a policy', async () => {
  const { check } = setup();
  const ctx = await check('iam', root, [
    { action: 'iam:ListUsers', resource: `arn:aws:iam::${ACCOUNT}:user/` },
  ]);
  assert.deepEqual(ctx.authorization, {
    allowed: true,
    action: 'iam:ListUsers',
    resource: `arn:aws:iam::${ACCOUNT}:user/`,
  });
  const e = await denied(
    check('iam', alice, [{ action: 'iam:ListUsers', resource: `arn:aws:iam::${ACCOUNT}:user/` }]),
  );
  assert.equal(e.code, 'AccessDenied');
  assert.equal(e.status, 403);
  assert.equal(
    e.message,
    `User: arn:aws:iam::${ACCOUNT}:user/alice is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${ACCOUNT}:user/ because no identity-based policy allows the iam:ListUsers action`,
  );
});

test('identity policies allow; an explicit deny wins; a boundary and session policies narrow', async () => {
  const { source, check } = setup();
  const r = [{ action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', resourceAccountId: ACCOUNT }];
  source.sets.set(alice.arn, { identity: [{ id: 'read', document: allow('s3:*') }], tags: {}, exists: true });
  await check('s3', alice, r);
  source.sets.set(alice.arn, {
    identity: [
      { id: 'read', document: allow('s3:*') },
      { id: 'no', document: deny('s3:GetObject') },
    ],
    tags: {},
    exists: true,
  });
  let e = await denied(check('s3', alice, r));
  assert.equal(
    e.message,
    `User: ${alice.arn} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" with an explicit deny in an identity-based policy`,
  );
  source.sets.set(alice.arn, {
    identity: [{ id: 'read', document: allow('s3:*') }],
    boundary: { id: 'b', document: allow('s3:List*') },
    tags: {},
    exists: true,
  });
  e = await denied(check('s3', alice, r));
  assert.match(e.message, /because no permissions boundary allows the s3:GetObject action$/);
  source.sets.set(alice.arn, {
    identity: [{ id: 'read', document: allow('s3:*') }],
    session: [{ id: 's', document: allow('s3:PutObject') }],
    tags: {},
    exists: true,
  });
  e = await denied(check('s3', alice, r));
  assert.match(e.message, /because no session policy allows the s3:GetObject action$/);
});

test('S3: plain "Access Denied" for anonymous and cross-account callers; ListAllMyBuckets names no resource', async () => {
  const { check } = setup();
  const e1 = await denied(
    check('s3', anonymous, [
      { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', resourceAccountId: ACCOUNT },
    ]),
  );
  assert.equal(e1.message, 'Access Denied');
  const e2 = await denied(
    check('s3', alice, [{ action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', resourceAccountId: OTHER }]),
  );
  assert.equal(e2.message, 'Access Denied');
  const e3 = await denied(check('s3', alice, [{ action: 's3:ListAllMyBuckets', resource: '*' }]));
  assert.equal(
    e3.message,
    `User: ${alice.arn} is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action`,
  );
});

test('anonymous callers are allowed only by a bucket policy naming "*"', async () => {
  const { check } = setup();
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
  });
  await check('s3', anonymous, [
    {
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      resourceAccountId: ACCOUNT,
      resourcePolicy: policy,
    },
  ]);
  await denied(
    check('s3', anonymous, [
      {
        action: 's3:PutObject',
        resource: 'arn:aws:s3:::b/k',
        resourceAccountId: ACCOUNT,
        resourcePolicy: policy,
      },
    ]),
  );
});

test('cross-account needs both sides; the resource account root is refused only by an explicit deny', async () => {
  const { source, check } = setup();
  const grant = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: ACCOUNT },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::theirs/*',
      },
    ],
  });
  const r = { action: 's3:GetObject', resource: 'arn:aws:s3:::theirs/k', resourceAccountId: OTHER };
  await denied(check('s3', alice, [{ ...r, resourcePolicy: grant }]));
  source.sets.set(alice.arn, {
    identity: [{ id: 'x', document: allow('s3:GetObject') }],
    tags: {},
    exists: true,
  });
  await denied(check('s3', alice, [r]));
  await check('s3', alice, [{ ...r, resourcePolicy: grant }]);
  const otherRoot: Principal = {
    ...root,
    accountId: OTHER,
    arn: `arn:aws:iam::${OTHER}:root`,
    userId: OTHER,
  };
  await check('s3', otherRoot, [{ ...r, resourcePolicy: grant }]);
  const e = await denied(
    check('s3', otherRoot, [
      { ...r, resourcePolicy: deny('s3:*').replace('"Effect"', '"Principal":"*","Effect"') },
    ]),
  );
  assert.match(e.message, /with an explicit deny in a resource-based policy$/);
});

test('every request of an operation must be allowed (CopyObject: PutObject and GetObject)', async () => {
  const { source, check } = setup();
  source.sets.set(alice.arn, {
    identity: [{ id: 'x', document: allow('s3:PutObject') }],
    tags: {},
    exists: true,
  });
  const e = await denied(
    check('s3', alice, [
      { action: 's3:PutObject', resource: 'arn:aws:s3:::b/dst', resourceAccountId: ACCOUNT },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::b/src', resourceAccountId: ACCOUNT },
    ]),
  );
  assert.match(e.message, /s3:GetObject on resource: "arn:aws:s3:::b\/src"/);
});

test('EC2: UnauthorizedOperation with a sealed message that decodes for the same account only', async () => {
  const { source, check } = setup();
  source.sets.set(alice.arn, {
    identity: [{ id: 'NoRun', document: deny('ec2:RunInstances') }],
    tags: {},
    exists: true,
  });
  const e = await denied(
    check('ec2', alice, [
      {
        action: 'ec2:RunInstances',
        resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`,
        context: { 'ec2:InstanceType': 't3.micro' },
      },
    ]),
  );
  assert.equal(e.code, 'UnauthorizedOperation');
  assert.equal(e.status, 403);
  const m =
    /^You are not authorized to perform this operation\. User: (\S+) is not authorized to perform: ec2:RunInstances on resource: (\S+) with an explicit deny in an identity-based policy\. Encoded authorization failure message: (\S+)$/.exec(
      e.message,
    );
  assert.ok(m, e.message);
  const decoded = JSON.parse(messages.decode(ACCOUNT, m[3]!));
  assert.equal(decoded.allowed, false);
  assert.equal(decoded.explicitDeny, true);
  assert.equal(decoded.context.action, 'ec2:RunInstances');
  assert.equal(decoded.context.principal.arn, alice.arn);
  assert.deepEqual(decoded.matchedStatements.items[0].actions.items, [{ value: 'ec2:RunInstances' }]);
  assert.equal(decoded.matchedStatements.items[0].effect, 'DENY');
  assert.equal(decoded.matchedStatements.items[0].statementId, 'NoWay');
  const type = decoded.context.conditions.items.find((c: { key: string }) => c.key === 'ec2:InstanceType');
  assert.deepEqual(type.values.items, [{ value: 't3.micro' }]);
  assert.throws(() => messages.decode(OTHER, m[3]!));
  assert.throws(() => messages.decode(ACCOUNT, m[3]!.slice(0, -4) + 'AAAA'));
  // Read-only actions are refused without an encoded message.
  const d = await denied(check('ec2', alice, [{ action: 'ec2:DescribeInstances', resource: '*' }]));
  assert.equal(
    d.message,
    `You are not authorized to perform this operation. User: ${alice.arn} is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action`,
  );
});

test('CloudTrail: AccessDeniedException (400)', async () => {
  const { check } = setup();
  const e = await denied(check('cloudtrail', alice, [{ action: 'cloudtrail:LookupEvents', resource: '*' }]));
  assert.equal(e.code, 'AccessDeniedException');
  assert.equal(e.status, 400);
  assert.match(
    e.message,
    /^User: .* is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows/,
  );
});

test('permissive mode allows everything and records the decision as allowed', async () => {
  const { check } = setup(false);
  const ctx = await check('iam', alice, [
    { action: 'iam:DeleteUser', resource: `arn:aws:iam::${ACCOUNT}:user/bob` },
  ]);
  assert.deepEqual(ctx.authorization, { allowed: true });
});

test('operations that map to no request need no permission', async () => {
  const { check } = setup();
  const ctx = await check('sts', alice, []);
  assert.deepEqual(ctx.authorization, { allowed: true });
});

test('global and service condition keys: source IP, principal and resource tags, request keys', async () => {
  const { source, check } = setup();
  const cond = (c: object) => allow('s3:GetObject', '*', { Condition: c });
  source.sets.set(alice.arn, {
    identity: [
      {
        id: 'ip',
        document: cond({
          IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
          StringEquals: { 'aws:RequestedRegion': 'us-east-1' },
        }),
      },
      {
        id: 'tags',
        document: cond({
          StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}', 's3:ExistingObjectTag/x': 'y' },
        }),
      },
    ],
    tags: { team: 'blue' },
    exists: true,
  });
  const r: AuthzRequest = {
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::b/k',
    resourceAccountId: ACCOUNT,
  };
  await check('s3', alice, [r], '10.1.2.3');
  await denied(check('s3', alice, [r], '192.0.2.1'));
  await check(
    's3',
    alice,
    [{ ...r, resourceTags: { team: 'blue' }, context: { 's3:ExistingObjectTag/x': 'y' } }],
    '192.0.2.1',
  );
  await denied(
    check(
      's3',
      alice,
      [{ ...r, resourceTags: { team: 'red' }, context: { 's3:ExistingObjectTag/x': 'y' } }],
      '192.0.2.1',
    ),
  );
  // Session tags on the principal override the user's tags.
  await denied(
    check(
      's3',
      { ...alice, tags: { team: 'red' } },
      [{ ...r, resourceTags: { team: 'blue' }, context: { 's3:ExistingObjectTag/x': 'y' } }],
      '192.0.2.1',
    ),
  );
});

test('a principal set is compiled once and recompiled when IAM hands back a new one', async () => {
  const { source, authorizer, check } = setup();
  const set: PrincipalPolicies = {
    identity: [{ id: 'x', document: allow('iam:*') }],
    tags: {},
    exists: true,
  };
  source.sets.set(alice.arn, set);
  const r = [{ action: 'iam:GetUser', resource: alice.arn }];
  await check('iam', alice, r);
  const first = await authorizer.cache.forPrincipal(alice);
  await check('iam', alice, r);
  assert.equal(await authorizer.cache.forPrincipal(alice), first);
  source.sets.set(alice.arn, { ...set, identity: [{ id: 'x', document: deny('iam:*') }] });
  await denied(check('iam', alice, r));
});

test('the message key is kept in the data directory, private', () => {
  const st = statSync(join(dir, 'authorization-message.key'));
  assert.equal(st.mode & 0o777, 0o600);
});

test('IAM names "*" resources ("policy path /" for ListPolicies); STS leaves them out', async () => {
  const { check } = setup();
  const e1 = await denied(check('iam', alice, [{ action: 'iam:ListAccountAliases', resource: '*' }]));
  assert.equal(
    e1.message,
    `User: ${alice.arn} is not authorized to perform: iam:ListAccountAliases on resource: * because no identity-based policy allows the iam:ListAccountAliases action`,
  );
  const e2 = await denied(check('iam', alice, [{ action: 'iam:ListPolicies', resource: '*' }]));
  assert.equal(
    e2.message,
    `User: ${alice.arn} is not authorized to perform: iam:ListPolicies on resource: policy path / because no identity-based policy allows the iam:ListPolicies action`,
  );
  const e3 = await denied(check('sts', alice, [{ action: 'sts:DecodeAuthorizationMessage', resource: '*' }]));
  assert.equal(
    e3.message,
    `User: ${alice.arn} is not authorized to perform: sts:DecodeAuthorizationMessage because no identity-based policy allows the sts:DecodeAuthorizationMessage action`,
  );
});

test('aws:ResourceAccount names the account owning the resource', async () => {
  const { source, check } = setup();
  const own = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 's3:*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } },
      },
    ],
  });
  source.sets.set(alice.arn, { identity: [{ id: 'own', document: own }], tags: {}, exists: true });
  await check('s3', alice, [
    { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', resourceAccountId: ACCOUNT },
  ]);
  const grant = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 's3:GetObject', Resource: '*' }],
  });
  await denied(
    check('s3', alice, [
      {
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::b/k',
        resourceAccountId: OTHER,
        resourcePolicy: grant,
      },
    ]),
  );
});
