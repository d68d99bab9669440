/** The AuditRepository contract: filters, ordering, cursors, snapshots, histogram, restarts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeContract } from '../store/contract.ts';
import { openAuditRepository } from '../../src/audit/open.ts';
import { InvalidCursorError } from '../../src/audit/repository.ts';
import type { AuditRecord } from '../../src/audit/types.ts';

let n = 0;
function record(o: {
  account?: string;
  region?: string;
  name?: string;
  source?: string;
  user?: string;
  key?: string;
  time: number;
  readOnly?: boolean;
  management?: boolean;
  error?: string;
  denied?: boolean;
  resources?: { type: string; name: string }[];
}): AuditRecord {
  n++;
  return {
    event: {
      eventVersion: '1.11',
      userIdentity: { type: 'Root' },
      eventTime: new Date(o.time).toISOString(),
      eventSource: o.source ?? 'iam.amazonaws.com',
      eventName: o.name ?? 'ListUsers',
      awsRegion: o.region ?? 'us-east-1',
      sourceIPAddress: '127.0.0.1',
      userAgent: 'ua',
      ...(o.error ? { errorCode: o.error, errorMessage: 'm' } : {}),
      requestParameters: null,
      responseElements: null,
      requestID: `r${n}`,
      eventID: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      readOnly: o.readOnly ?? true,
      eventType: 'AwsApiCall',
      managementEvent: o.management ?? true,
      recipientAccountId: o.account ?? '111122223333',
      eventCategory: o.management === false ? 'Data' : 'Management',
    },
    time: o.time,
    accountId: o.account ?? '111122223333',
    ...(o.user ? { username: o.user } : {}),
    ...(o.key ? { accessKeyId: o.key } : {}),
    resources: o.resources ?? [],
    denied: o.denied ?? false,
  };
}

const T = Date.parse('2026-03-01T00:00:00Z');

describeContract('AuditRepository', openAuditRepository, (repo, ctx) => {
  test('append sets seq; query filters by every indexed field, newest first', async () => {
    const rs = [
      record({
        time: T,
        name: 'CreateUser',
        readOnly: false,
        user: 'root',
        key: 'AKIA1',
        resources: [{ type: 'AWS::IAM::User', name: 'bob' }],
      }),
      record({
        time: T + 1000,
        name: 'ListUsers',
        user: 'bob',
        key: 'AKIA2',
        error: 'AccessDenied',
        denied: true,
      }),
      record({
        time: T + 2000,
        name: 'PutObject',
        source: 's3.amazonaws.com',
        management: false,
        readOnly: false,
        resources: [{ type: 'AWS::S3::Bucket', name: 'b' }],
      }),
      record({
        time: T + 3000,
        name: 'RunInstances',
        source: 'ec2.amazonaws.com',
        region: 'eu-west-1',
        readOnly: false,
      }),
      record({ time: T + 4000, account: '444455556666', name: 'CreateUser', readOnly: false }),
    ];
    await repo().append(rs);
    assert.ok(rs.every((r, i) => i === 0 || r.seq! > rs[i - 1]!.seq!));
    const names = async (q: object) =>
      (await repo().query({ limit: 50, ...q })).records.map((r) => r.event.eventName);
    assert.deepEqual(await names({ accountId: '111122223333' }), [
      'RunInstances',
      'PutObject',
      'ListUsers',
      'CreateUser',
    ]);
    assert.deepEqual(await names({ accountId: '111122223333', region: 'us-east-1', management: true }), [
      'ListUsers',
      'CreateUser',
    ]);
    assert.deepEqual(await names({ accountId: '111122223333', eventName: 'CreateUser' }), ['CreateUser']);
    assert.deepEqual(await names({ eventName: 'CreateUser' }), ['CreateUser', 'CreateUser']);
    assert.deepEqual(await names({ accountId: '111122223333', username: 'bob' }), ['ListUsers']);
    assert.deepEqual(await names({ accountId: '111122223333', accessKeyId: 'AKIA1' }), ['CreateUser']);
    assert.deepEqual(await names({ accountId: '111122223333', eventSource: 's3.amazonaws.com' }), [
      'PutObject',
    ]);
    assert.deepEqual(await names({ accountId: '111122223333', readOnly: true }), ['ListUsers']);
    assert.deepEqual(await names({ accountId: '111122223333', resourceName: 'bob' }), ['CreateUser']);
    // Resource filters cover management events (the data event's bucket stays in its JSON).
    assert.deepEqual(await names({ accountId: '111122223333', resourceType: 'AWS::S3::Bucket' }), []);
    assert.deepEqual(await names({ accountId: '111122223333', resourceType: 'AWS::IAM::User' }), [
      'CreateUser',
    ]);
    assert.deepEqual(await names({ accountId: '111122223333', errors: 'denied' }), ['ListUsers']);
    assert.deepEqual(await names({ accountId: '111122223333', errors: false, management: true }), [
      'RunInstances',
      'CreateUser',
    ]);
    assert.deepEqual(await names({ eventId: rs[2]!.event.eventID }), ['PutObject']);
    assert.deepEqual(
      await names({ accountId: '111122223333', start: new Date(T + 1000), end: new Date(T + 2000) }),
      ['PutObject', 'ListUsers'],
    );
    assert.deepEqual(
      await names({ accountId: '111122223333', order: 'asc', afterSeq: rs[1]!.seq, throughSeq: rs[2]!.seq }),
      ['PutObject'],
    );
    assert.deepEqual(await names({ accountId: '111122223333', order: 'seq', afterSeq: rs[0]!.seq }), [
      'ListUsers',
      'PutObject',
      'RunInstances',
    ]);
    const [got] = (await repo().query({ limit: 1, eventId: rs[0]!.event.eventID })).records;
    assert.deepEqual(got!.resources, [{ type: 'AWS::IAM::User', name: 'bob' }]);
    assert.equal(got!.username, 'root');
    assert.equal(got!.accessKeyId, 'AKIA1');
    assert.deepEqual(got!.event, rs[0]!.event);
  });

  test('cursor pages cover every record once, in every order, also with equal times', async () => {
    const rs = Array.from({ length: 7 }, (_, i) => record({ time: T + Math.floor(i / 3) * 1000 }));
    await repo().append(rs);
    for (const order of ['desc', 'asc', 'seq'] as const) {
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await repo().query({ limit: 3, order, ...(cursor ? { cursor } : {}) });
        seen.push(...page.records.map((r) => r.seq!));
        cursor = page.cursor;
      } while (cursor);
      const expected = rs.map((r) => r.seq!);
      assert.deepEqual(seen, order === 'desc' ? [...expected].reverse() : expected);
    }
    await assert.rejects(repo().query({ limit: 3, cursor: 'garbage' }), InvalidCursorError);
  });

  test('histogram counts calls, errors and denials per bucket', async () => {
    await repo().append([
      record({ time: T }),
      record({ time: T + 10, error: 'AccessDenied', denied: true }),
      record({ time: T + 60_000, error: 'NoSuchEntity' }),
    ]);
    assert.deepEqual(await repo().histogram({ accountId: '111122223333' }, 60_000), [
      { start: T, calls: 2, errors: 1, denied: 1 },
      { start: T + 60_000, calls: 1, errors: 1, denied: 0 },
    ]);
  });

  test('records survive a restart', async () => {
    await repo().append([record({ time: T, name: 'DeleteUser' })]);
    assert.equal(await repo().lastSeq(), 1);
    await ctx.reopen();
    const page = await repo().query({ limit: 5 });
    assert.deepEqual(
      page.records.map((r) => r.event.eventName),
      ['DeleteUser'],
    );
  });
});

test('a data dir that kept its events in stratus.db (before audit.db) keeps them, moved once', async () => {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { openSqliteBackend } = await import('../../src/store/backend.ts');
  const { SqliteAuditRepository } = await import('../../src/audit/sqlite-repository.ts');
  const dir = await mkdtemp(join(tmpdir(), 'stratus-audit-move-'));
  try {
    let backend = await openSqliteBackend(dir);
    // The old layout: the trail's tables in the main database.
    const old = SqliteAuditRepository.open(backend.db);
    await old.append([
      record({ time: T, name: 'CreateUser', resources: [{ type: 'AWS::IAM::User', name: 'bob' }] }),
      record({ time: T + 1, name: 'ListUsers' }),
    ]);
    await backend.close();
    for (let restart = 0; restart < 2; restart++) {
      backend = await openSqliteBackend(dir);
      const repo = openAuditRepository(backend);
      const page = await repo.query({ accountId: '111122223333', limit: 10 });
      assert.deepEqual(
        page.records.map((r) => r.event.eventName),
        ['ListUsers', 'CreateUser'],
      );
      assert.equal((await repo.query({ resourceName: 'bob', limit: 10 })).records.length, 1);
      assert.equal(backend.db.schemaVersion('audit'), 0);
      assert.equal(
        backend.db.raw
          .prepare("SELECT count(*) FROM sqlite_master WHERE name = 'audit_events'")
          .pluck()
          .get(),
        0,
      );
      await backend.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
