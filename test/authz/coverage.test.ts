// Every operation a service implements must ask IAM for something well formed, so no operation
// runs unauthorised by accident: for each handler, the service's AuthzMapper, called with an
// input built from the operation's model (required members filled), returns requests whose
// action carries the service's IAM prefix and whose resource is "*" or an ARN. Operations that
// need no permission are listed here on purpose.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rootPrincipal } from '../../src/accounts/root-resolver.ts';
import { loadModel, type ServiceModel, type ServiceName, type ShapeRef } from '../../src/protocol/model.ts';
import type { HandlerContext } from '../../src/services/handler.ts';
import { startTestServer } from '../support/server.ts';

/** Operations AWS lets any authenticated (or, for the web-identity/SAML ones, unsigned) caller make. */
const NO_PERMISSION: Record<string, string[]> = {
  sts: ['GetCallerIdentity', 'GetSessionToken', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity'],
  // CORS preflight requests are neither signed nor authorized by IAM.
  s3: ['OptionsObject'],
};

/** Actions of another service an operation may also need (EC2 RunInstances with a role: iam:PassRole). */
const FOREIGN_ACTIONS = new Set(['iam:PassRole']);

const PREFIX: Record<ServiceName, string> = {
  s3: 's3',
  iam: 'iam',
  sts: 'sts',
  ec2: 'ec2',
  cloudtrail: 'cloudtrail',
};

const ACCOUNT = '000000000000';

/** A plausible value for a member, by its name and shape. */
function sample(model: ServiceModel, name: string, ref: ShapeRef, depth = 0): unknown {
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      if (depth > 3) return out;
      for (const m of shape.required ?? []) out[m] = sample(model, m, shape.members![m]!, depth + 1);
      return out;
    }
    case 'list':
      return depth > 3 ? [] : [sample(model, name, shape.member!, depth + 1)];
    case 'map':
      return {};
    case 'integer':
    case 'long':
      return shape.min ?? 1;
    case 'float':
    case 'double':
      return 1;
    case 'boolean':
      return false;
    case 'timestamp':
      return new Date('2026-01-01T00:00:00Z');
    case 'blob':
      return Buffer.from('x');
    default:
      if (shape.enum?.length) return shape.enum[0];
      if (/RoleArn$/.test(name)) return `arn:aws:iam::${ACCOUNT}:role/sample`;
      if (/PolicyArn$|^arn$/i.test(name)) return `arn:aws:iam::${ACCOUNT}:policy/sample`;
      if (name === 'SerialNumber') return `arn:aws:iam::${ACCOUNT}:mfa/sample`;
      if (/^ResourceId/.test(name)) return `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/sample`;
      if (/Arn$/.test(name)) return `arn:aws:iam::${ACCOUNT}:user/sample`;
      if (/Document$|^Policy$/.test(name)) return '{"Version":"2012-10-17","Statement":[]}';
      if (name === 'Bucket') return 'sample-bucket';
      if (name === 'CopySource') return 'sample-bucket/source-key';
      return 'sample';
  }
}

const server = await startTestServer();
after(() => server.stop());

const services = (Object.keys(server.app.handlers) as ServiceName[]).filter(
  (s) => Object.keys(server.app.handlers[s] ?? {}).length,
);

test('every service that implements operations has an AuthzMapper', () => {
  assert.ok(services.length > 0);
  for (const s of services)
    assert.equal(typeof server.app.authz[s], 'function', `${s} has handlers but no AuthzMapper`);
});

for (const service of services) {
  test(`${service}: every implemented operation maps to well-formed IAM requests`, async () => {
    const model = loadModel(service);
    const mapper = server.app.authz[service]!;
    const ops = Object.keys(server.app.handlers[service]!).sort();
    const problems: string[] = [];
    for (const op of ops) {
      const operation = model.operations[op];
      if (!operation) {
        problems.push(`${op}: not an operation of the ${service} model`);
        continue;
      }
      const input = operation.input
        ? (sample(model, 'input', operation.input) as Record<string, unknown>)
        : {};
      const ctx: HandlerContext = {
        requestId: 'coverage',
        service,
        operation: op,
        region: 'us-east-1',
        accountId: ACCOUNT,
        principal: rootPrincipal(ACCOUNT),
        request: {
          method: 'POST',
          headers: {},
          query: new URLSearchParams(),
          sourceIp: '127.0.0.1',
          secure: false,
          userAgent: 'coverage',
          host: 'localhost',
        },
        now: new Date(),
      };
      let requests;
      try {
        requests = await mapper(op, input, ctx);
      } catch (e) {
        problems.push(`${op}: mapper threw ${(e as Error).message}`);
        continue;
      }
      if (!Array.isArray(requests)) {
        problems.push(`${op}: mapper returned no list`);
        continue;
      }
      if (requests.length === 0) {
        if (!NO_PERMISSION[service]?.includes(op)) problems.push(`${op}: asks for no permission`);
        continue;
      }
      for (const r of requests) {
        const prefix = PREFIX[service];
        if (!new RegExp(`^${prefix}:[A-Za-z0-9]+$`).test(r.action) && !FOREIGN_ACTIONS.has(r.action))
          problems.push(`${op}: action ${r.action} lacks the ${prefix}: prefix`);
        if (r.resource !== '*' && !/^arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws)?:.+/.test(r.resource))
          problems.push(`${op}: resource ${r.resource} is not an ARN`);
        if (r.resourceAccountId !== undefined && !/^\d{12}$/.test(r.resourceAccountId))
          problems.push(`${op}: resource account ${r.resourceAccountId}`);
        if (r.resourcePolicy !== undefined && typeof r.resourcePolicy !== 'string')
          problems.push(`${op}: resource policy is not JSON text`);
        for (const [k, v] of Object.entries(r.context ?? {}))
          if (
            !/^[a-z0-9-]+:[A-Za-z0-9-_/.]+$/i.test(k) ||
            (v !== undefined && !['string', 'number', 'boolean'].includes(typeof v) && !Array.isArray(v))
          )
            problems.push(`${op}: context key ${k}`);
      }
    }
    assert.deepEqual(problems, [], `${service}: ${ops.length} operations checked`);
  });
}
