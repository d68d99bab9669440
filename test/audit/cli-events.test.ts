/** `stratus events` beside a running server: filters, JSON lines, --follow. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { IAMClient, CreateUserCommand, GetUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { runCli, parseCli } from '../../src/cli.ts';
import { runEvents, parseSince } from '../../src/audit/cli-events.ts';
import { auditLogFor } from '../../src/audit/index.ts';
import { startTestServer, sdkConfig, type TestServer } from '../support/server.ts';

let server: TestServer;
let iam: IAMClient;
before(async () => {
  server = await startTestServer();
  iam = new IAMClient(sdkConfig(server));
  await iam.send(new CreateUserCommand({ UserName: 'carol' }));
  await iam.send(new ListUsersCommand({}));
  await auditLogFor(server.backend).flush();
});
after(async () => server.stop());

function capture() {
  const out: string[] = [];
  return { out, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(`ERR ${t}`) } };
}

test('filters by event name, user and source; --json prints CloudTrail events', async () => {
  const c = capture();
  await runCli(['events', '--data-dir', server.dataDir, '--event-name', 'CreateUser'], { io: c.io, env: {} });
  const lines = c.out.join('').trim().split('\n');
  assert.equal(lines.length, 1, c.out.join(''));
  assert.match(lines[0]!, /000000000000 +us-east-1 +iam +CreateUser +root +OK +127\.0\.0\.1/);

  const j = capture();
  await runCli(
    ['events', '--json', '--source', 'iam', '--user', 'root', '--since', '1h', '--data-dir', server.dataDir],
    { io: j.io, env: {} },
  );
  const events = j.out
    .join('')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    events.map((e) => e.eventName),
    ['CreateUser', 'ListUsers'],
    'oldest first',
  );
  assert.equal(events[0].userIdentity.type, 'Root');
});

test('--follow prints new events until interrupted', async () => {
  const c = capture();
  const abort = new AbortController();
  const cmd = parseCli(['events', '--data-dir', server.dataDir], {});
  assert.ok(cmd.command === 'events');
  const config = cmd.config;
  const flags = new Map<string, string | true>([
    ['follow', true],
    ['event-name', 'GetUser'],
  ]);
  const running = runEvents(flags, config, c.io, { signal: abort.signal, pollMs: 20 });
  await iam.send(new CreateUserCommand({ UserName: 'dave' }));
  await iam.send(new GetUserCommand({ UserName: 'dave' }));
  await auditLogFor(server.backend).flush();
  while (!c.out.join('').includes('GetUser')) await new Promise((r) => setTimeout(r, 20));
  abort.abort();
  assert.equal(await running, 0);
  assert.equal(c.out.join('').trim().split('\n').length, 1);
});

test('usage errors', async () => {
  assert.throws(() => parseSince('yesterday', new Date()), /Invalid --since/);
  assert.equal(parseSince('2h', new Date('2026-01-01T02:00:00Z')).toISOString(), '2026-01-01T00:00:00.000Z');
  assert.throws(() => parseCli(['events', 'extra'], {}), /Unexpected argument/);
  assert.throws(() => parseCli(['events', '--bogus'], {}), /Unknown option/);
});

test('--region narrows to the region called', async () => {
  const c = capture();
  await runCli(['events', '--data-dir', server.dataDir, '--region', 'eu-west-1'], { io: c.io, env: {} });
  assert.equal(c.out.join(''), '');
  const d = capture();
  await runCli(
    [
      'events',
      '--data-dir',
      server.dataDir,
      '--region',
      'us-east-1',
      '--event-name',
      'CreateUser',
      '--limit',
      '1',
    ],
    { io: d.io, env: {} },
  );
  assert.equal(d.out.join('').trim().split('\n').length, 1);
});
