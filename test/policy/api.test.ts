// The policy engine's API beyond the data-driven cases: context keys, messages, simulation,
// statement positions, compile cache and the throwing validators.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '../../src/auth/principal.ts';
import { AwsError } from '../../src/errors.ts';
import {
  accessDeniedMessage,
  buildGlobalContext,
  compilePolicy,
  evaluate,
  normalizeContext,
  policySize,
  policySizeError,
  simulate,
  statementPosition,
  validateBucketPolicy,
  validateIdentityPolicy,
  validateTrustPolicy,
} from '../../src/policy/index.ts';

const user: Principal = {
  type: 'IAMUser',
  accountId: '111122223333',
  arn: 'arn:aws:iam::111122223333:user/alice',
  userId: 'AIDAEXAMPLE',
  userName: 'alice',
  tags: { team: 'blue' },
};
const session: Principal = {
  type: 'AssumedRole',
  accountId: '111122223333',
  arn: 'arn:aws:sts::111122223333:assumed-role/Dev/s1',
  userId: 'AROAEXAMPLE:s1',
  role: { arn: 'arn:aws:iam::111122223333:role/Dev', roleId: 'AROAEXAMPLE', name: 'Dev', path: '/' },
  sessionName: 's1',
  temporary: true,
  mfaPresent: false,
  tokenIssueTime: new Date('2026-01-01T00:00:00Z'),
};

test('buildGlobalContext: IAM user with long-term keys', () => {
  const c = buildGlobalContext(user, {
    now: new Date('2026-01-01T12:00:00.123Z'),
    sourceIp: '10.0.0.1',
    secureTransport: true,
    region: 'eu-west-1',
  });
  assert.equal(c['aws:CurrentTime'], '2026-01-01T12:00:00Z');
  assert.equal(c['aws:EpochTime'], '1767268800');
  assert.equal(c['aws:SourceIp'], '10.0.0.1');
  assert.equal(c['aws:SecureTransport'], true);
  assert.equal(c['aws:RequestedRegion'], 'eu-west-1');
  assert.equal(c['aws:PrincipalArn'], user.arn);
  assert.equal(c['aws:PrincipalAccount'], '111122223333');
  assert.equal(c['aws:PrincipalType'], 'User');
  assert.equal(c['aws:username'], 'alice');
  assert.equal(c['aws:userid'], 'AIDAEXAMPLE');
  assert.equal(c['aws:PrincipalTag/team'], 'blue');
  assert.equal(c['aws:ViaAWSService'], false);
  assert.ok(!('aws:MultiFactorAuthPresent' in c), 'absent for long-term keys');
  assert.ok(!('aws:TokenIssueTime' in c));
});

test('buildGlobalContext: role session and anonymous', () => {
  const c = buildGlobalContext(session, {
    now: new Date('2026-01-01T12:00:00Z'),
    requestTags: { env: 'dev' },
  });
  assert.equal(c['aws:PrincipalArn'], 'arn:aws:iam::111122223333:role/Dev');
  assert.equal(c['aws:PrincipalType'], 'AssumedRole');
  assert.equal(c['aws:MultiFactorAuthPresent'], false);
  assert.equal(c['aws:TokenIssueTime'], '2026-01-01T00:00:00Z');
  assert.ok(!('aws:username' in c));
  assert.equal(c['aws:RequestTag/env'], 'dev');
  assert.deepEqual(c['aws:TagKeys'], ['env']);
  const a = buildGlobalContext({ type: 'Anonymous', accountId: '', arn: '*', userId: 'anonymous' });
  assert.equal(a['aws:PrincipalType'], 'Anonymous');
  assert.ok(!('aws:PrincipalArn' in a) && !('aws:PrincipalAccount' in a));
});

test('normalizeContext lower-cases keys and stringifies values', () => {
  const m = normalizeContext({
    'AWS:SecureTransport': true,
    'S3:max-keys': 5,
    'aws:TagKeys': ['a', 'b'],
    gone: undefined,
  });
  assert.deepEqual(m.get('aws:securetransport'), ['true']);
  assert.deepEqual(m.get('s3:max-keys'), ['5']);
  assert.deepEqual(m.get('aws:tagkeys'), ['a', 'b']);
  assert.ok(!m.has('gone'));
});

test('accessDeniedMessage forms', () => {
  const base = 'User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:ListAllMyBuckets';
  assert.equal(
    accessDeniedMessage(user, 's3:ListAllMyBuckets', 'arn:aws:s3:::*', {
      decision: 'ImplicitDeny',
      deniedBy: 'identity-based',
    }),
    `${base} on resource: arn:aws:s3:::* because no identity-based policy allows the s3:ListAllMyBuckets action`,
  );
  assert.equal(
    accessDeniedMessage(
      user,
      's3:ListAllMyBuckets',
      '*',
      { decision: 'ImplicitDeny', deniedBy: 'identity-based' },
      { omitResource: true },
    ),
    `${base} because no identity-based policy allows the s3:ListAllMyBuckets action`,
  );
  assert.match(
    accessDeniedMessage(user, 'x:Y', 'r', { decision: 'ExplicitDeny', deniedBy: 'session' }),
    / with an explicit deny in a session policy$/,
  );
});

test('evaluate reports matched statements with their source', () => {
  const r = evaluate({
    principal: user,
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::b/k',
    identityPolicies: [
      {
        id: 'ReadAll',
        document: {
          Version: '2012-10-17',
          Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:Get*', Resource: '*' }],
        },
      },
      {
        id: 'NoSecrets',
        document: '{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::secret/*"}]}',
      },
    ],
    resourceAccountId: '111122223333',
  });
  assert.equal(r.decision, 'Allow');
  assert.equal(r.evalDecision, 'allowed');
  assert.deepEqual(r.matchedStatements, [
    { sourcePolicyId: 'ReadAll', sourcePolicyType: 'identity-based', effect: 'Allow', sid: 'Read', index: 0 },
  ]);
});

test('simulate: per action and resource with missing context keys', () => {
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { StringEquals: { 's3:prefix': 'a' } },
      },
      { Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::b/*' },
    ],
  });
  const out = simulate({
    principal: user,
    actionNames: ['s3:GetObject', 's3:DeleteObject', 's3:PutObject'],
    resourceArns: ['arn:aws:s3:::b/k'],
    identityPolicies: [{ id: 'p1', document: policy }],
  });
  assert.deepEqual(
    out.map((o) => [o.evalActionName, o.evalDecision]),
    [
      ['s3:GetObject', 'implicitDeny'],
      ['s3:DeleteObject', 'explicitDeny'],
      ['s3:PutObject', 'implicitDeny'],
    ],
  );
  assert.deepEqual(out[0].missingContextValues, ['s3:prefix']);
  assert.equal(out[1].matchedStatements[0].index, 1);
});

test('statementPosition finds statements in the text', () => {
  const text =
    '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},\n    {\n      "Effect": "Deny", "Action": "s3:x", "Resource": "*"\n    }\n  ]\n}';
  assert.deepEqual(statementPosition(text, 0), {
    start: { line: 4, column: 5 },
    end: { line: 4, column: 59 },
  });
  assert.deepEqual(statementPosition(text, 1), {
    start: { line: 5, column: 5 },
    end: { line: 7, column: 6 },
  });
  assert.equal(statementPosition(text, 2), undefined);
  const single = '{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}';
  assert.deepEqual(statementPosition(single, 0), {
    start: { line: 1, column: 15 },
    end: { line: 1, column: 69 },
  });
});

test('compilePolicy caches by text and by object', () => {
  const text = '{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';
  assert.equal(compilePolicy(text), compilePolicy(text));
  const doc = JSON.parse(text);
  assert.equal(compilePolicy(doc), compilePolicy(doc));
  assert.throws(() => compilePolicy('{not json'), SyntaxError);
});

test('validators throw AwsError with the AWS code and message', () => {
  assert.throws(
    () =>
      validateIdentityPolicy(
        '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}',
      ),
    (e: unknown) =>
      e instanceof AwsError &&
      e.code === 'MalformedPolicyDocument' &&
      e.status === 400 &&
      e.message === 'Policy document should not specify a principal.',
  );
  assert.throws(
    () =>
      validateTrustPolicy(
        '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole","Resource":"*"}]}',
      ),
    (e: unknown) => e instanceof AwsError && e.message === 'Has prohibited field Resource',
  );
  assert.throws(
    () =>
      validateBucketPolicy(
        '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::x/*"}]}',
        { bucket: 'y' },
      ),
    (e: unknown) =>
      e instanceof AwsError && e.code === 'MalformedPolicy' && e.message === 'Policy has invalid resource',
  );
  const ok = validateIdentityPolicy(
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}',
  );
  assert.equal(ok.Version, '2012-10-17');
});

test('policySize ignores whitespace', () => {
  assert.equal(policySize('{ "a" :\n\t"b c" }'), 10);
});

test('evaluation is fast with compiled documents', () => {
  const identity = JSON.stringify({
    Version: '2012-10-17',
    Statement: Array.from({ length: 20 }, (_, i) => ({
      Effect: 'Allow',
      Action: [`s3:Get${i}*`, 'ec2:Describe*'],
      Resource: [`arn:aws:s3:::bucket-${i}/\${aws:username}/*`],
      Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' }, StringLike: { 's3:prefix': 'home/*' } },
    })),
  });
  const context = buildGlobalContext(user, { sourceIp: '10.1.2.3', secureTransport: true });
  const req = {
    principal: user,
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::bucket-19/alice/k',
    context,
    identityPolicies: [identity],
    resourceAccountId: '111122223333',
  };
  evaluate(req);
  const n = 5000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) evaluate(req);
  const perCall = Number(process.hrtime.bigint() - t0) / n / 1000;
  // Generous bound (µs per call) so it never flakes; typical is a few µs.
  assert.ok(perCall < 500, `${perCall} µs per evaluation`);
});

test('policySizeError: IAM quotas and messages', () => {
  const big = JSON.stringify({
    Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'x'.repeat(7000) }],
  });
  assert.equal(policySizeError('managed', '{}'), undefined);
  const m = policySizeError('managed', big);
  assert.ok(
    m &&
      m.code === 'LimitExceeded' &&
      m.status === 409 &&
      m.message === 'Cannot exceed quota for PolicySize: 6144',
  );
  assert.equal(
    policySizeError('userInline', big, 'alice')?.message,
    'Maximum policy size of 2048 bytes exceeded for user alice',
  );
  assert.equal(
    policySizeError('roleInline', '{}', 'R', 10241)?.message,
    'Maximum policy size of 10240 bytes exceeded for role R',
  );
  assert.equal(policySizeError('trust', big)?.message, 'Cannot exceed quota for ACLSizePerRole: 2048');
});
