// Not a test (no timed assertions): measures the authorizer's cost. Run with
//   node --import tsx test/authz/perf.ts
// 1. In process: authorizations per second of an S3 GetObject by an IAM user with inline, managed
//    and group policies, through IAM's real policy source on SQLite (the steady state: cached).
// 2. Over HTTP: mean latency of small GetObject requests by that user, enforcing vs permissive.
import { performance } from 'node:perf_hooks';
import {
  AttachUserPolicyCommand,
  AddUserToGroupCommand,
  CreateGroupCommand,
  PutGroupPolicyCommand,
} from '@aws-sdk/client-iam';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { RequestContext } from '../../src/pipeline/context.ts';
import { startTestServer, sdkConfig, type TestServer } from '../support/server.ts';
import { allowDoc, clientsFor, createBucket, createUser, doc } from '../e2e/enforcement-support.ts';

/** CPU time used since `start` (user + system), in µs: steadier than wall time on a busy machine. */
function cpuMicros(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return d.user + d.system;
}

async function setup(server: TestServer) {
  const root = clientsFor(server);
  const bucket = await createBucket(root.s3, 'perf-bucket');
  await root.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'small', Body: 'x'.repeat(100) }));
  const user = await createUser(
    root.iam,
    'perf-user',
    doc({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${bucket}/*`,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }),
  );
  await root.iam.send(
    new AttachUserPolicyCommand({
      UserName: 'perf-user',
      PolicyArn: 'arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess',
    }),
  );
  await root.iam.send(new CreateGroupCommand({ GroupName: 'perf-group' }));
  await root.iam.send(
    new PutGroupPolicyCommand({
      GroupName: 'perf-group',
      PolicyName: 'p',
      PolicyDocument: allowDoc(['iam:Get*', 'iam:List*']),
    }),
  );
  await root.iam.send(new AddUserToGroupCommand({ GroupName: 'perf-group', UserName: 'perf-user' }));
  return { bucket, user };
}

async function inProcess(server: TestServer, bucket: string, accessKeyId: string) {
  const cred = await server.app.credentials.resolve(accessKeyId);
  const ctx = {
    requestId: 'perf',
    service: 's3',
    operation: { name: 'GetObject' },
    principal: cred!.principal,
    input: { Bucket: bucket, Key: 'small' },
    region: 'us-east-1',
    facts: {
      method: 'GET',
      headers: {},
      query: new URLSearchParams(),
      sourceIp: '127.0.0.1',
      secure: false,
      userAgent: 'perf',
      host: 'h',
    },
  } as unknown as RequestContext;
  const n = 50_000;
  for (let i = 0; i < 2000; i++) await server.app.authorizer(server.app, ctx);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await server.app.authorizer(server.app, ctx);
  const ms = performance.now() - t0;
  const cpu = cpuMicros(c0);
  console.log(
    `in process: ${Math.round((n / ms) * 1000)} authorizations/s (${((ms * 1000) / n).toFixed(1)} µs wall, ${(cpu / n).toFixed(1)} µs CPU each, S3 mapper's bucket+object lookups included)`,
  );
  // The authorizer's own part: the mapper's answer fixed, so no store reads remain.
  const mapper = server.app.authz.s3!;
  const fixed = await mapper('GetObject', ctx.input, {
    ...ctx,
    accountId: cred!.principal.accountId,
    request: ctx.facts,
    now: new Date(),
  } as never);
  server.app.authz.s3 = async () => fixed;
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  for (let i = 0; i < n; i++) await server.app.authorizer(server.app, ctx);
  const ms1 = performance.now() - t1;
  const cpu1 = cpuMicros(c1);
  server.app.authz.s3 = mapper;
  console.log(
    `in process, mapper excluded: ${Math.round((n / ms1) * 1000)} authorizations/s (${((ms1 * 1000) / n).toFixed(1)} µs wall, ${(cpu1 / n).toFixed(1)} µs CPU each)`,
  );
}

async function overHttp(
  server: TestServer,
  bucket: string,
  creds: { accessKeyId: string; secretAccessKey: string },
  label: string,
) {
  const s3 = new S3Client(sdkConfig(server, creds));
  const get = async () =>
    (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'small' }))).Body!.transformToString();
  for (let i = 0; i < 300; i++) await get();
  const n = 3000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await get();
  const ms = performance.now() - t0;
  console.log(`${label}: ${((ms * 1000) / n).toFixed(0)} µs per GetObject (sequential, one client)`);
}

for (const mode of ['enforcing', 'permissive']) {
  const server = await startTestServer(mode === 'permissive' ? ['--no-enforce-iam'] : []);
  try {
    const { bucket, user } = await setup(server);
    if (mode === 'enforcing') await inProcess(server, bucket, user.accessKeyId);
    await overHttp(server, bucket, user, `${mode}, IAM user`);
  } finally {
    await server.stop();
  }
}
